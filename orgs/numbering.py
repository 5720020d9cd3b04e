"""Filing numbers (备案编号) in the tenant's own format (issue 7 item 12): the format language and its checks.

A format is a Python format string over four placeholders, e.g. ``{prefix}社备〔{year}〕{seq:05d}号`` →
``衡社备〔2026〕00001号``:

* ``{prefix}`` the tenant's short name (衡, 株…), set next to the format;
* ``{year}`` the year of the approval;
* ``{seq}`` the running number, per tenant and year (per tenant only when the format has no ``{year}``);
* ``{street}`` the division code of the group's street (the platform's first format was
  ``{street}-{year}-{seq:04d}``).

Pure functions, no database: the model's ``clean()``, the services and the settings page share them.
"""

from __future__ import annotations

import string

from django.utils.translation import gettext as _

PLACEHOLDERS = ("prefix", "year", "seq", "street")
DEFAULT_FORMAT = "{prefix}社备〔{year}〕{seq:05d}号"
# The longest values a number is checked with: a street's 9-digit code, a year, and a running number of
# five digits (a city files far fewer community groups a year).
LONGEST_SAMPLE = {"year": 2099, "seq": 99_999, "street": "430405001"}
EXAMPLE = {"year": 2026, "seq": 1, "street": "430405001"}
PREFIX_MAX_LENGTH = 10
FORMAT_MAX_LENGTH = 60
NUMBER_MAX_LENGTH = 40  # Organization.filing_number


def default_prefix(tenant_name: str) -> str:
    """The usual short name of a city's civil-affairs bureau: its first character (衡阳市民政局 → 衡)."""
    return (tenant_name or "").strip()[:1]


def placeholders_of(fmt: str) -> list[str]:
    """The placeholder names used in ``fmt``, in order (raises ValueError on unbalanced braces)."""
    return [name for _text, name, _spec, _conv in string.Formatter().parse(fmt) if name is not None]


def has_year(fmt: str) -> bool:
    return "year" in placeholders_of(fmt)


def format_errors(fmt: str, prefix: str) -> list[str]:
    """Everything wrong with ``fmt`` (and ``prefix``), translated; empty when numbers can be issued."""
    errors: list[str] = []
    fmt = fmt or ""
    if len(fmt) > FORMAT_MAX_LENGTH:
        errors.append(_("The format may have at most %(n)s characters.") % {"n": FORMAT_MAX_LENGTH})
    if len(prefix or "") > PREFIX_MAX_LENGTH:
        errors.append(_("The prefix may have at most %(n)s characters.") % {"n": PREFIX_MAX_LENGTH})
    if any(char in (prefix or "") for char in "{}"):
        errors.append(_("The prefix cannot contain braces."))
    known = "、".join("{%s}" % name for name in PLACEHOLDERS)
    try:
        parsed = list(string.Formatter().parse(fmt))
    except ValueError:
        return [*errors, _("Braces must come in pairs around a placeholder, such as {seq:05d}.")]
    names = [name for _text, name, _spec, _conv in parsed if name is not None]
    unknown = sorted({name for name in names if name not in PLACEHOLDERS})
    if unknown:
        errors.append(_("Unknown placeholder %(names)s; use %(known)s.") % {
            "names": "、".join("{%s}" % name for name in unknown), "known": known})
    if any(conv or "{" in (spec or "") for _text, name, spec, conv in parsed if name is not None):
        errors.append(_("Placeholders take a plain format such as {seq:05d}: no conversion such as {seq!r}, "
                        "no placeholder inside another."))
    if "seq" not in names:
        errors.append(_("The format must contain the running number {seq}, e.g. {seq:05d}."))
    if errors:
        return errors
    try:
        longest = render(fmt, prefix=prefix, **LONGEST_SAMPLE)
    except (ValueError, TypeError):
        return [_("A placeholder has a format that does not fit its value (the running number and the year "
                  "are numbers: {seq:05d}, {year}).")]
    if len(longest) > NUMBER_MAX_LENGTH:
        errors.append(_("Numbers in this format have up to %(n)s characters (%(example)s); at most %(max)s fit.")
                      % {"n": len(longest), "example": longest, "max": NUMBER_MAX_LENGTH})
    if longest != longest.strip():
        errors.append(_("Numbers cannot begin or end with a space."))
    return errors


def render(fmt: str, *, prefix: str, year: int, seq: int, street: str = "") -> str:
    """The number ``seq`` of ``year`` in ``fmt`` (which ``format_errors`` accepted)."""
    return fmt.format(prefix=prefix, year=year, seq=seq, street=street)


def example(fmt: str, prefix: str) -> str:
    return render(fmt, prefix=prefix, **EXAMPLE)
