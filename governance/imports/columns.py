"""Columns of an import and the parsing of their cells (text, whole numbers, dates, choice lists).

A column's ``kind`` chooses a parser that runs once per cell and returns ``(value, message)``: the
cleaned value, or the translated problem. Parsers are built once per import (``Column.parser``), with
every lookup precomputed, so a 10,000-row file costs a few dictionary look-ups per cell.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

MAX_INT = 2_147_483_647  # PositiveIntegerField on every backend
LIST_SEPARATORS = re.compile(r"[、,，;；/|\n]+")

TEXT, INT, DATE, CHOICE, MULTI, RAW = "text", "int", "date", "choice", "multi", "raw"

# (cleaned value, None | one message | a list of messages)
Parser = Callable[[Any], tuple[Any, str | list[str] | None]]


@dataclass(frozen=True)
class Column:
    """One column of an import template.

    ``label`` is the Chinese header written into the template and read back (data, not UI text);
    ``aliases`` are other headers accepted for it. For ``choice``/``multi`` columns, ``choices`` maps each
    accepted code to its Chinese label (the template's drop-down lists them), ``choice_aliases`` other
    spellings, and ``model_choices`` a ``TextChoices`` whose codes and labels (zh and en) are accepted too.
    ``unknown`` is a ``gettext_noop`` message with ``%(value)s`` and ``%(choices)s``. ``raw`` columns are
    left to the importer's ``parse_row``.
    """

    key: str
    label: str
    required: bool = False
    help: str = ""
    example: Any = ""
    width: int = 14
    text: bool = False  # format as text in the template, so Excel keeps leading zeros and long codes
    kind: str = TEXT
    aliases: tuple[str, ...] = ()
    max_length: int | None = None
    choices: Mapping[str, str] = field(default_factory=dict)
    choice_aliases: Mapping[str, str] = field(default_factory=dict)
    model_choices: Any = None
    default: Any = None
    unknown: str = ""
    dropdown: bool = True  # a choice column gets a drop-down list in the template

    def parser(self) -> Parser:
        return _PARSER_FACTORIES[self.kind](self)


# A plain ASCII address: a dot-atom local part, host-name labels and a letter TLD. Each part is a subset of
# the matching part of Django's EmailValidator (user_regex, hostname_re + domain_re + tld_no_fqdn_re, all
# case-insensitive), and neither part can hold "@", so every address this matches Django accepts; anything
# else goes to the validator itself. ``email_is_valid`` therefore accepts exactly what ``validate_email``
# accepts (tests/test_imports_email.py), at one regex match for the common address.
_PLAIN_EMAIL = re.compile(
    r"[-!#$%&'*+/=?^_`{}|~0-9A-Za-z]+(?:\.[-!#$%&'*+/=?^_`{}|~0-9A-Za-z]+)*"
    r"@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.(?!-)[a-zA-Z0-9-]{1,63}(?<!-))*"
    r"\.(?!-)[a-zA-Z-]{2,63}(?<!-)"
)
_MAX_EMAIL_LENGTH = 320  # EmailValidator's own limit (RFC 3696 section 3)


def email_is_valid(value: str) -> bool:
    """Whether Django's ``validate_email`` accepts ``value``; a plain address without calling it."""
    if len(value) <= _MAX_EMAIL_LENGTH and _PLAIN_EMAIL.fullmatch(value):
        return True
    from django.core.validators import validate_email

    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def is_blank(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, str) and not value.strip())


def cell_text(value: Any) -> str:
    """A cell as text: whole floats without ``.0`` (Excel stores numbers as floats), dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    return str(value).strip()


def choice_key(value: str) -> str:
    return re.sub(r"\s+", "", value).lower().replace("（", "(").replace("）", ")")


def choice_lookup(column: Column) -> dict[str, str]:
    """Accepted spellings → code: codes, model labels (zh and en), the Chinese labels and the aliases."""
    lookup: dict[str, str] = {}
    if column.model_choices is not None:
        for code, label in column.model_choices.choices:
            lookup[choice_key(code)] = code
            with translation.override("en"):
                lookup[choice_key(str(label))] = code
            with translation.override("zh-hans"):
                lookup[choice_key(str(label))] = code
            lookup[choice_key(str(label))] = code
    lookup.update({choice_key(label): str(code) for code, label in column.choices.items()})
    lookup.update({choice_key(alias): str(code) for alias, code in column.choice_aliases.items()})
    if column.choices:  # only the listed codes are accepted (e.g. statuses of a workflow are not)
        accepted = {str(code) for code in column.choices}
        lookup = {key: code for key, code in lookup.items() if code in accepted}
    return lookup


# --- parsers -----------------------------------------------------------------------------------

def _required() -> str:
    return _("Required: this cell must not be empty.")


def _text_parser(column: Column) -> Parser:
    max_length, required = column.max_length, column.required

    def parse(value):
        text = value.strip() if isinstance(value, str) else cell_text(value)
        if max_length and len(text) > max_length:
            return text, _("Too long: at most %(max)d characters, this has %(n)d.") % {"max": max_length,
                                                                                       "n": len(text)}
        if required and not text:
            return text, _required()
        return text, None

    return parse


def parse_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(value)
        return int(value)
    text = cell_text(value).replace(",", "")
    if not re.fullmatch(r"[+-]?\d+", text):
        raise ValueError(text)
    return int(text)


def _int_parser(column: Column) -> Parser:
    default = 0 if column.default is None else column.default

    def parse(value):
        if is_blank(value):
            return default, (_required() if column.required else None)
        try:
            number = parse_int(value)
        except (ValueError, TypeError):
            return default, _("Must be a whole number of 0 or more; “%(value)s” is not.") % {
                "value": cell_text(value)}
        if number < 0:
            return default, _("Must be a whole number of 0 or more; “%(value)s” is negative.") % {"value": number}
        if number > MAX_INT:
            return default, _("The number %(value)s is too large.") % {"value": number}
        return number, None

    return parse


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def parse_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:  # the common case, 2019-05-20, without the patterns below
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    text = re.sub(r"\s+00:00(:00)?$", "", cell_text(value))
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            return datetime.date(*(int(part) for part in match.groups()))
    raise ValueError(text)


def _date_parser(column: Column) -> Parser:
    from django.utils import timezone

    today = timezone.localdate()

    def parse(value):
        if is_blank(value):
            return None, (_required() if column.required else None)
        try:
            parsed = parse_date(value)
        except (ValueError, TypeError):
            return None, _("Not a date: write it as 2019-05-20 (year-month-day).")
        if parsed > today:
            return parsed, _("The date %(date)s lies in the future.") % {"date": parsed.isoformat()}
        if parsed.year < 1900:
            return parsed, _("The date %(date)s is too early.") % {"date": parsed.isoformat()}
        return parsed, None

    return parse


def _choices_text(column: Column) -> str:
    return "、".join(column.choices.values())


def _choice_parser(column: Column) -> Parser:
    lookup = choice_lookup(column)
    choices = _choices_text(column)

    def parse(value):
        text = value.strip() if isinstance(value, str) else cell_text(value)
        if not text:
            return column.default, (_required() if column.required else None)
        code = lookup.get(text) or lookup.get(choice_key(text))
        if code is None:
            return column.default, _(column.unknown) % {"value": text, "choices": choices}
        return code, None

    return parse


def _multi_parser(column: Column) -> Parser:
    lookup = choice_lookup(column)
    choices = _choices_text(column)

    def parse(value):
        codes: list[str] = []
        problems: list[str] = []
        for part in LIST_SEPARATORS.split(cell_text(value)):
            part = part.strip()
            if not part:
                continue
            code = lookup.get(part) or lookup.get(choice_key(part))
            if code is None:
                problems.append(_(column.unknown) % {"value": part, "choices": choices})
            elif code not in codes:
                codes.append(code)
        if column.required and not codes and not problems:
            return codes, _required()
        return codes, (problems or None)

    return parse


def _raw_parser(column: Column) -> Parser:
    return lambda value: (value, None)


_PARSER_FACTORIES: dict[str, Callable[[Column], Parser]] = {
    TEXT: _text_parser, INT: _int_parser, DATE: _date_parser, CHOICE: _choice_parser, MULTI: _multi_parser,
    RAW: _raw_parser,
}
