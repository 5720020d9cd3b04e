"""Validation rules of an organization's identity, shared by the create/update services and the importer."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from django.utils.translation import gettext as _

from governance.standards import CodeCheck, check_uscc, normalize_uscc
from orgs.models import KIND_USCC_TYPES, OrgKind

CIVIL_AFFAIRS_AUTHORITY = "5"


@lru_cache(maxsize=1)
def known_county_codes() -> frozenset[str]:
    """County-level division codes shipped with the project (for the 'unknown division' warning)."""
    import csv

    path = Path(__file__).resolve().parent.parent / "governance" / "data" / "divisions" / "areas.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return frozenset(row["code"] for row in csv.DictReader(handle))


def check_org_code(uscc: str, kind: str) -> CodeCheck:
    """GB 32100 check plus the registry's own rule: authority 5 (civil affairs) with the kind's type."""
    code = normalize_uscc(uscc)
    result = check_uscc(code, known_divisions=known_county_codes() or None)  # no copy: 3,000 codes per call
    if result.errors:
        return result
    if code[0] != CIVIL_AFFAIRS_AUTHORITY:
        result.errors.append(("authority", _("Position 1 is %(a)s: social organizations are registered by civil "
                                             "affairs, whose authority character is 5.") % {"a": code[0]}))
    elif kind in KIND_USCC_TYPES and code[1] not in KIND_USCC_TYPES[kind]:
        expected = "/".join(sorted(KIND_USCC_TYPES[kind]))
        result.errors.append(("kind_mismatch", _("Type character %(t)s (position 2) does not match the kind "
                                                 "“%(kind)s”, which needs %(expected)s.")
                              % {"t": code[1], "kind": OrgKind(kind).label, "expected": expected}))
    return result


def identity_errors(*, kind: str, uscc: str | None, filing_number: str, status: str | None = None
                    ) -> dict[str, list[str]]:
    """Field errors of the identity fields (``{field: [messages]}``); empty when acceptable.

    A community group whose filing is still under review gets its number when it is filed.
    """
    errors: dict[str, list[str]] = {}
    if uscc:
        check = check_org_code(uscc, kind)
        if check.errors:
            errors["uscc"] = [message for _code, message in check.errors]
    elif kind != OrgKind.COMMUNITY_GROUP:
        errors["uscc"] = [_("A registered organization needs its unified social credit code.")]
    if kind == OrgKind.COMMUNITY_GROUP and not uscc and not filing_number and status not in ("pending", "rejected"):
        errors["filing_number"] = [_("A filed community group needs a filing number or a credit code.")]
    return errors


def identity_warnings(*, kind: str, uscc: str | None) -> list[str]:
    if not uscc:
        return []
    return [message for _code, message in check_org_code(uscc, kind).warnings]
