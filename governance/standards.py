"""National identifier standards (DESIGN.md §6), shared by every app.

* Unified social credit code, GB 32100-2015 (with the GB 11714 organization-code check at position 17).
* Resident identity number, GB 11643-1999 (ISO 7064 MOD 11-2).

``check_uscc`` returns the problems found, each a ``(code, message)`` pair, split into errors (reject)
and warnings (accept, but tell the user), so forms and the API can name exactly what is wrong.
"""

from __future__ import annotations

import datetime
import operator
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28
ORG_CODE_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
_USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")

# Registration authority (position 1) → the type characters (position 2) it may use.
USCC_AUTHORITY_TYPES = {
    "1": {"1", "2", "3", "9"},  # 机构编制
    "2": {"1", "9"},  # 外交
    "3": {"1", "2", "3", "4", "5", "9"},  # 司法行政
    "4": {"1", "2", "3", "9"},  # 文化
    "5": {"1", "2", "3", "9"},  # 民政: 1 社会团体, 2 民办非企业单位, 3 基金会, 9 其他
    "6": {"1", "2", "3", "9"},  # 旅游
    "7": {"1", "2", "9"},  # 宗教
    "8": {"1", "9"},  # 工会
    "9": {"1", "2", "3"},  # 工商
    "A": {"1", "9"},  # 中央军委改革和编制办公室
    "N": {"1", "2", "3", "9"},  # 农业
    "Y": {"1"},  # 其他
}


_USCC_INDEX = {ch: i for i, ch in enumerate(USCC_ALPHABET)}
_ORG_CODE_INDEX = {ch: i for i, ch in enumerate(ORG_CODE_ALPHABET)}
# Per position: character → its value times the position's weight, so a checksum is one C-level
# ``sum(map(getitem, tables, code))`` (an import checks thousands of codes).
_USCC_WEIGHTED = [{ch: i * w for ch, i in _USCC_INDEX.items()} for w in USCC_WEIGHTS]
_ORG_CODE_WEIGHTED = [{ch: i * w for ch, i in _ORG_CODE_INDEX.items()} for w in ORG_CODE_WEIGHTS]


@dataclass
class CodeCheck:
    errors: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def uscc_check_char(first17: str) -> str:
    if len(first17) != 17:
        raise ValueError(first17)
    total = sum(map(operator.getitem, _USCC_WEIGHTED, first17))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """GB 11714 check character of the 9-character organization code."""
    if len(first8) != 8:
        raise ValueError(first8)
    total = sum(map(operator.getitem, _ORG_CODE_WEIGHTED, first8))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def normalize_uscc(value: str) -> str:
    return (value or "").strip().upper()


def check_uscc(value: str, *, known_divisions: set[str] | None = None) -> CodeCheck:
    """Check a unified social credit code.

    Errors (reject): format, authority/type pair, check character 18.
    Warnings (accept): the GB 11714 character at position 17, a county code not in ``known_divisions``.
    """
    result = CodeCheck()
    code = normalize_uscc(value)
    if len(code) != 18:
        result.errors.append(("format", _("A unified social credit code has 18 characters; this one has %(n)d.")
                              % {"n": len(code)}))
        return result
    if not _USCC_RE.match(code):
        bad = sorted({ch for ch in code if ch not in USCC_ALPHABET})
        result.errors.append(("format", _("The code contains characters that are not allowed: %(chars)s "
                                          "(only digits and capital letters except I, O, Z, S, V).")
                              % {"chars": " ".join(bad)}))
        return result
    authority, kind = code[0], code[1]
    if kind not in USCC_AUTHORITY_TYPES.get(authority, set()):
        result.errors.append(("authority_type", _("Registration authority %(a)s does not issue type %(t)s "
                                                  "(positions 1-2 of the code).")
                              % {"a": authority, "t": kind}))
    if not code[2:8].isdigit():
        result.errors.append(("format", _("Positions 3-8 must be the 6-digit division code.")))
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        result.errors.append(("check_char", _("The check character (position 18) is %(got)s but should be "
                                              "%(expected)s: the code is mistyped.")
                              % {"got": code[17], "expected": expected}))
    org_code = code[8:17]
    if all(ch in ORG_CODE_ALPHABET for ch in org_code[:8]):
        expected_org = org_code_check_char(org_code[:8])
        if org_code[8] != expected_org:
            result.warnings.append(("org_code_check", _("The organization-code check character (position 17) "
                                                        "is %(got)s, GB 11714 gives %(expected)s.")
                                    % {"got": org_code[8], "expected": expected_org}))
    if known_divisions is not None and code[2:8].isdigit() and code[2:8] not in known_divisions:
        result.warnings.append(("division", _("Division code %(code)s (positions 3-8) is not a known county-level "
                                              "division.") % {"code": code[2:8]}))
    return result


def make_uscc(authority: str, kind: str, division: str, org_base: str) -> str:
    """Build a valid code from its parts (for demo data and tests): ``org_base`` is 8 characters."""
    org_code = org_base + org_code_check_char(org_base)
    first17 = f"{authority}{kind}{division}{org_code}"
    return first17 + uscc_check_char(first17)


# --- resident identity number (GB 11643-1999) ------------------------------------------------

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"


def id_check_char(first17: str) -> str:
    return ID_CHECK[sum(int(ch) * w for ch, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def check_resident_id(value: str, *, today: datetime.date | None = None) -> list[str]:
    """Errors of an 18-character resident ID number (empty list when valid)."""
    code = (value or "").strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", code):
        return [_("An ID number has 17 digits followed by a digit or X.")]
    errors = []
    try:
        birth = datetime.date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
    except ValueError:
        errors.append(_("Positions 7-14 are not a valid birth date."))
    else:
        if birth > (today or datetime.date.today()) or birth.year < 1880:  # noqa: DTZ011
            errors.append(_("The birth date in the ID number is out of range."))
    if code[17] != id_check_char(code[:17]):
        errors.append(_("The check character of the ID number is wrong: the number is mistyped."))
    return errors
