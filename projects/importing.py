"""Excel import of the expert pool (governance.imports): one row per expert.

The pool region is a division code in the importer's jurisdiction; the employer, if any, is a registered
organization found by its credit code or filing number. Set-based checks: one query per 2,000 codes.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, ngettext

from governance.imports import CHOICE, MULTI, RAW, Column, Importer, bulk_insert, cell_text, chunks
from governance.models import Region
from governance.selectors import user_region_paths
from orgs.importing import DOMAIN_ALIASES, DOMAIN_LABELS, UNKNOWN_DOMAIN
from orgs.models import Organization, ServiceDomain
from projects.models import Expert
from projects.permissions import PROGRAM_ROLES, can_import_experts

IMPORTER_KEY = "projects.expert"
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

COLUMNS = (
    Column("name", "姓名", True, "必填，最多50字。", "王建国", 12, max_length=50),
    Column("title", "职称", False, "如 教授、高级社会工作师。", "副教授", 14, max_length=100),
    Column("affiliation", "工作单位", False, "最多200字。", "衡阳师范学院", 24, max_length=200),
    Column("region_code", "专家库区划代码", True, "专家库所属街道或区县的统计用区划代码（6、9或12位），须在您的管辖范围内。",
           "430405", 16, True, kind=RAW, aliases=("区划代码",)),
    Column("employer_code", "任职社会组织代码", False, "专家在社会组织任职时，填该组织的统一社会信用代码或备案编号。", "",
           22, True, kind=RAW),
    Column("fields", "专业领域", False, "可填多个，用顿号“、”或逗号分隔：" + "、".join(DOMAIN_LABELS.values()) + "。",
           "为老服务、社区事务", 22, kind=MULTI, choices=DOMAIN_LABELS, choice_aliases=DOMAIN_ALIASES,
           model_choices=ServiceDomain, unknown=UNKNOWN_DOMAIN),
    Column("phone", "联系电话", False, "手机或固定电话。", "13807340000", 16, True, max_length=30),
    Column("email", "电子邮箱", False, "", "", 22, max_length=254),
    Column("available", "可抽取", False, "是 / 否；不填为是。", "是", 8, kind=CHOICE,
           choices={"yes": "是", "no": "否"}, choice_aliases={"Y": "yes", "N": "no", "可": "yes", "不可": "no"},
           default="yes", unknown=gettext_noop("Unknown value “%(value)s”: use %(choices)s.")),
)


def parse_row(ctx, row: dict[str, Any], raw: dict[str, Any], error) -> None:
    number = row["row"]
    code = cell_text(raw.get("region_code")).replace(" ", "")
    row["region_code"] = ""
    if not code:
        error(number, "region_code", _("Required: this cell must not be empty."))
    elif not code.isdigit() or len(code) not in (6, 9, 12):
        error(number, "region_code", _("A division code has 6, 9 or 12 digits; “%(value)s” is not one.")
              % {"value": code})
    else:
        row["region_code"] = code.ljust(12, "0")  # codes are stored with 12 digits (a street: 9 + "000")
    row["employer_code"] = cell_text(raw.get("employer_code")).replace(" ", "").upper()
    if row.get("email") and not _EMAIL_RE.match(row["email"]):
        error(number, "email", _("Not a valid email address."))


def validate(ctx, rows: list[dict[str, Any]], error) -> None:
    """Regions inside the importer's jurisdiction and known employer codes, set-based."""
    paths = user_region_paths(ctx.user, roles=PROGRAM_ROLES)
    regions: dict[str, tuple[int, str, str]] = {}
    codes = sorted({row["region_code"] for row in rows if row["region_code"]})
    for chunk in chunks(codes):
        for pk, code, path, name in Region.objects.filter(tenant=ctx.tenant, code__in=chunk).values_list(
                "pk", "code", "path", "name"):
            regions[code] = (pk, path, name)
    employers: dict[str, int] = {}
    employer_codes = sorted({row["employer_code"] for row in rows if row["employer_code"]})
    for chunk in chunks(employer_codes):
        for pk, uscc in Organization.objects.filter(uscc__in=chunk).values_list("pk", "uscc"):
            employers[uscc] = pk
        for pk, filing in Organization.objects.filter(filing_number__in=chunk).values_list("pk", "filing_number"):
            employers[filing] = pk
    for row in rows:
        number = row["row"]
        code = row.pop("region_code")
        row["region_id"] = None
        if code:
            region = regions.get(code)
            if region is None:
                error(number, "region_code", _("No region with division code %(code)s exists in this tenant.")
                      % {"code": code})
            elif not any(region[1].startswith(path) for path in paths):
                error(number, "region_code", _("Region %(code)s (%(name)s) is outside your jurisdiction.")
                      % {"code": code, "name": region[2]})
            else:
                row["region_id"] = region[0]
        employer = row.pop("employer_code")
        row["employer_id"] = None
        if employer:
            if employer not in employers:
                error(number, "employer_code", _("No organization with code %(code)s is registered.")
                      % {"code": employer})
            else:
                row["employer_id"] = employers[employer]
    _check_duplicates(ctx, rows, error)


def _check_duplicates(ctx, rows: list[dict[str, Any]], error) -> None:
    """One person once per pool (the model's unique constraint): against the pool and within the file, set-based."""
    keyed = [(row, (row["region_id"], row["name"], row.get("phone") or "")) for row in rows if row["region_id"]]
    existing: set[tuple] = set()
    for chunk in chunks(sorted({key[1] for _row, key in keyed})):
        existing.update(Expert.objects.filter(tenant=ctx.tenant, name__in=chunk).values_list("region_id", "name",
                                                                                            "phone"))
    first_row: dict[tuple, int] = {}
    for row, key in keyed:
        number = row["row"]
        if key in existing:
            error(number, "name", _("This pool already has an expert named %(name)s with the same phone (or none): "
                                    "enter a phone number to tell them apart.") % {"name": key[1]})
        elif key in first_row:
            error(number, "name", _("Row %(row)s already has the expert %(name)s in this pool with the same phone "
                                    "(or none).") % {"row": first_row[key], "name": key[1]})
        else:
            first_row[key] = number


def insert(ctx, rows: list[dict[str, Any]]) -> list[int]:
    return bulk_insert(Expert, [{
        "name": r["name"], "title": r.get("title") or "", "affiliation": r.get("affiliation") or "",
        "region_id": r["region_id"], "employer_id": r["employer_id"], "fields": list(r.get("fields") or []),
        "phone": r.get("phone") or "", "email": r.get("email") or "", "available": r.get("available") != "no",
    } for r in rows], tenant=ctx.tenant)


def _imported_message(n: int) -> str:
    return ngettext("%(n)s expert was imported.", "%(n)s experts were imported.", n) % {"n": n}


EXPERT_IMPORTER = Importer(
    key=IMPORTER_KEY, label=gettext_lazy("Experts"), model=Expert, columns=COLUMNS, permission=can_import_experts,
    parse_row=parse_row, validate=validate, insert=insert, audit_action="expert.import", sheet_title="评审专家",
    example_keys=("name",), template_filename=gettext_lazy("Expert pool import template"),
    rows_url="projects:expert-list", back_url="projects:expert-list", imported_message=_imported_message,
)
