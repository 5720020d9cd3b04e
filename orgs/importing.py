"""Excel import of organizations (社会组织批量导入), declared on the core framework (``governance.imports``).

The core runs the job (upload, calamine reading, progress, all rows or none, error report, one audit
event, history); this module declares the columns, the per-row checks (credit code, phone, e-mail,
division code), the set-based checks (regions, credit codes across the platform, filing numbers in the
tenant: one query per 2,000 distinct values) and the insert (``COPY`` on PostgreSQL).
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, ngettext

from governance.imports import (
    CHOICE,
    DATE,
    INT,
    MULTI,
    RAW,
    Column,
    Importer,
    bulk_insert,
    cell_text,
    chunks,
    email_is_valid,
)
from governance.models import Region
from governance.pinyin import pinyin_sort_key
from governance.selectors import user_region_paths
from governance.standards import make_uscc, normalize_uscc
from governance.tenancy import all_tenants
from orgs.models import FundingSource, Organization, OrganizationDomain, OrgKind, OrgStatus, ServiceDomain
from orgs.permissions import EDIT_ROLES, can_import_orgs
from orgs.validation import identity_errors

IMPORTER_KEY = "orgs.organization"

# --- Chinese labels (data written into and read from the spreadsheets) ----------------------------

KIND_LABELS = {
    OrgKind.ASSOCIATION: "社会团体",
    OrgKind.SERVICE_INSTITUTION: "社会服务机构",
    OrgKind.FOUNDATION: "基金会",
    OrgKind.COMMUNITY_GROUP: "社区社会组织",
}
KIND_ALIASES = {
    "社团": OrgKind.ASSOCIATION,
    "民办非企业单位": OrgKind.SERVICE_INSTITUTION,
    "民办非企业": OrgKind.SERVICE_INSTITUTION,
    "民非": OrgKind.SERVICE_INSTITUTION,
    "社会服务机构(民办非企业单位)": OrgKind.SERVICE_INSTITUTION,
    "备案社区社会组织": OrgKind.COMMUNITY_GROUP,
    "社区组织": OrgKind.COMMUNITY_GROUP,
}
STATUS_LABELS = {
    OrgStatus.ACTIVE: "正常",
    OrgStatus.SUSPENDED: "停止活动",
    OrgStatus.DEREGISTERED: "注销",
    OrgStatus.REVOKED: "撤销登记",
    # Export only: these belong to the filing workflow and are not accepted by the import.
    OrgStatus.PENDING: "备案审核中",
    OrgStatus.REJECTED: "备案未通过",
}
IMPORTABLE_STATUSES = (OrgStatus.ACTIVE, OrgStatus.SUSPENDED, OrgStatus.DEREGISTERED, OrgStatus.REVOKED)
STATUS_ALIASES = {
    "活动": OrgStatus.ACTIVE,
    "停止": OrgStatus.SUSPENDED,
    "已注销": OrgStatus.DEREGISTERED,
    "撤销": OrgStatus.REVOKED,
    "已撤销": OrgStatus.REVOKED,
    "已撤销登记": OrgStatus.REVOKED,
}
DOMAIN_LABELS = {
    ServiceDomain.ELDERLY: "为老服务",
    ServiceDomain.CHILDREN: "儿童青少年",
    ServiceDomain.DISABILITY: "助残",
    ServiceDomain.POVERTY: "帮困救助",
    ServiceDomain.CULTURE_SPORTS: "文体",
    ServiceDomain.LEGAL: "法律援助与调解",
    ServiceDomain.ENVIRONMENT: "环保",
    ServiceDomain.COMMUNITY: "社区事务",
    ServiceDomain.HEALTH: "卫生健康",
    ServiceDomain.EDUCATION: "教育",
    ServiceDomain.WOMEN_FAMILY: "妇女家庭",
    ServiceDomain.VOLUNTEERING: "志愿服务",
    ServiceDomain.OTHER: "其他",
}
DOMAIN_ALIASES = {
    "养老": ServiceDomain.ELDERLY,
    "助老": ServiceDomain.ELDERLY,
    "养老服务": ServiceDomain.ELDERLY,
    "儿童": ServiceDomain.CHILDREN,
    "青少年": ServiceDomain.CHILDREN,
    "残疾人": ServiceDomain.DISABILITY,
    "扶贫": ServiceDomain.POVERTY,
    "救助": ServiceDomain.POVERTY,
    "文化体育": ServiceDomain.CULTURE_SPORTS,
    "文化": ServiceDomain.CULTURE_SPORTS,
    "体育": ServiceDomain.CULTURE_SPORTS,
    "法律援助": ServiceDomain.LEGAL,
    "调解": ServiceDomain.LEGAL,
    "矛盾调解": ServiceDomain.LEGAL,
    "环境保护": ServiceDomain.ENVIRONMENT,
    "社区服务": ServiceDomain.COMMUNITY,
    "健康": ServiceDomain.HEALTH,
    "医疗卫生": ServiceDomain.HEALTH,
    "妇女": ServiceDomain.WOMEN_FAMILY,
    "家庭": ServiceDomain.WOMEN_FAMILY,
    "志愿": ServiceDomain.VOLUNTEERING,
}
FUNDING_LABELS = {
    FundingSource.GOVERNMENT: "政府购买",
    FundingSource.DONATIONS: "捐赠",
    FundingSource.DUES: "会费",
    FundingSource.SERVICES: "服务收入",
    FundingSource.OTHER: "其他",
}
FUNDING_ALIASES = {
    "政府购买服务": FundingSource.GOVERNMENT,
    "财政": FundingSource.GOVERNMENT,
    "政府资助": FundingSource.GOVERNMENT,
    "社会捐赠": FundingSource.DONATIONS,
    "捐款": FundingSource.DONATIONS,
    "服务性收入": FundingSource.SERVICES,
}

# Translated when used (gettext_noop marks them for extraction).
UNKNOWN_KIND = gettext_noop("Unknown kind “%(value)s”: use one of %(choices)s.")
UNKNOWN_STATUS = gettext_noop("Unknown status “%(value)s”: use one of %(choices)s.")
UNKNOWN_DOMAIN = gettext_noop("Unknown service domain “%(value)s”: use %(choices)s.")
UNKNOWN_FUNDING = gettext_noop("Unknown funding source “%(value)s”: use %(choices)s.")


def _max_length(name: str) -> int:
    return Organization._meta.get_field(name).max_length


def _text(key, label, help_text, example="", width=14, *, required=False, text=False, aliases=()) -> Column:
    return Column(key, label, required, help_text, example, width, text, max_length=_max_length(key),
                  aliases=aliases)


IMPORT_COLUMNS: tuple[Column, ...] = (
    _text("name", "名称", "社会组织全称，最多200字。", "衡阳市阳光社会工作服务中心", 32, required=True,
          aliases=("社会组织名称",)),
    Column("kind", "类型", True,
           "社会团体 / 社会服务机构（民办非企业单位）/ 基金会 / 社区社会组织；也可填代码 association / "
           "service_institution / foundation / community_group。", "社会服务机构", 14, kind=CHOICE,
           choices=KIND_LABELS, choice_aliases=KIND_ALIASES, model_choices=OrgKind, unknown=UNKNOWN_KIND),
    Column("uscc", "统一社会信用代码", False,
           "18位（GB 32100-2015）。社会团体、社会服务机构、基金会必填；第1位为5（民政），第2位为类型："
           "1社会团体、2民办非企业单位、3基金会、9其他。全平台唯一。已备案的社区社会组织可不填。",
           make_uscc("5", "2", "430405", "MJ000001"), 22, True, kind=RAW),
    _text("filing_number", "备案编号", "社区社会组织没有统一社会信用代码时必填，最多40字；在本辖区内唯一。",
          "", 20, text=True),
    _text("legal_representative", "法定代表人", "必填，最多50字；社区社会组织填负责人。", "张伟", 12,
          required=True, aliases=("负责人",)),
    _text("contact_person", "联系人", "最多50字。", "李娜", 12),
    _text("contact_phone", "联系电话", "手机或固定电话，如 13807340000、0734-8123456。", "0734-8123456", 16,
          text=True),
    _text("email", "电子邮箱", "如 info@example.org。", "", 22),
    _text("address", "地址", "最多255字。", "衡阳市珠晖区广东路街道建设社区", 32),
    Column("region_code", "所属辖区代码", True,
           "所在社区或街道的统计用区划代码：12位（如 430405001001），或9位街道代码（如 430405001）；"
           "必须在您的管辖范围内。", "430405001001", 16, True, kind=RAW, aliases=("辖区代码", "区划代码")),
    Column("established_date", "成立日期", False, "格式 2019-05-20，也可填 2019/5/20 或 2019年5月20日。",
           datetime.date(2018, 3, 15), 12, kind=DATE),
    Column("registered_date", "登记/备案日期", False, "登记或备案日期，格式同上；等级评估资格从此日起算。",
           datetime.date(2018, 4, 2), 14, kind=DATE, aliases=("登记日期", "备案日期")),
    _text("supervising_unit", "业务主管单位", "最多200字。", "衡阳市民政局", 18),
    Column("status", "状态", False, "正常 / 停止活动 / 注销 / 撤销登记（或代码 active / suspended / "
           "deregistered / revoked）；不填为正常。", "正常", 10, kind=CHOICE,
           choices={status: STATUS_LABELS[status] for status in IMPORTABLE_STATUSES},
           choice_aliases=STATUS_ALIASES, model_choices=OrgStatus, default=OrgStatus.ACTIVE,
           unknown=UNKNOWN_STATUS),
    Column("staff_fulltime", "专职人员", False, "0或正整数；不填为0。", 5, 10, kind=INT),
    Column("staff_social_workers", "持证社工", False, "持有社会工作者职业资格证书的人数；0或正整数。", 2, 10,
           kind=INT),
    Column("retired_cadre_leaders", "退休干部任职", False, "在本组织任职的退休干部人数；0或正整数。", 1, 12,
           kind=INT),
    Column("volunteers", "志愿者人数", False, "0或正整数。", 40, 10, kind=INT),
    Column("domains", "服务领域", False,
           "可填多个，用顿号“、”或逗号分隔：" + "、".join(DOMAIN_LABELS.values()) + "。", "为老服务、社区事务", 22,
           kind=MULTI, choices=DOMAIN_LABELS, choice_aliases=DOMAIN_ALIASES, model_choices=ServiceDomain,
           unknown=UNKNOWN_DOMAIN),
    Column("funding_sources", "资金来源", False,
           "可填多个，用顿号“、”或逗号分隔：" + "、".join(FUNDING_LABELS.values()) + "。", "政府购买、捐赠", 18,
           kind=MULTI, choices=FUNDING_LABELS, choice_aliases=FUNDING_ALIASES, model_choices=FundingSource,
           unknown=UNKNOWN_FUNDING),
)
LABELS = {column.key: column.label for column in IMPORT_COLUMNS}
DATE_KEYS = ("established_date", "registered_date")
ORGANIZATION_FIELDS = (
    "name", "kind", "uscc", "filing_number", "legal_representative", "contact_person", "contact_phone",
    "email", "address", "region_id", "established_date", "registered_date", "supervising_unit", "status",
    "staff_fulltime", "staff_social_workers", "retired_cadre_leaders", "volunteers", "funding_sources",
)

_PHONE_RE = re.compile(r"^\+?[\d\- ()（）]{3,25}(转\d{1,6})?$")
_REGION_CODE_LENGTHS = (6, 9, 12, 15)


# --- one row ---------------------------------------------------------------------------------


def parse_row(ctx, row: dict[str, Any], raw: dict[str, Any], error) -> None:
    """The checks the column kinds do not cover: credit code against the kind, phone, e-mail, division code."""
    number = row["row"]
    uscc = normalize_uscc(cell_text(raw.get("uscc")))
    row["uscc"] = uscc or None
    if row["kind"] is not None:
        for field, messages in identity_errors(kind=row["kind"], uscc=row["uscc"],
                                               filing_number=row["filing_number"]).items():
            for message in messages:
                error(number, field, message)

    phone = row["contact_phone"]
    if phone and not _PHONE_RE.match(phone):
        error(number, "contact_phone", _("Not a phone number: use digits, spaces, “+”, “-” and parentheses, "
                                         "e.g. 0734-8123456 or 13807340000."))
    if row["email"] and not email_is_valid(row["email"]):
        error(number, "email", _("Not a valid email address."))

    region_code = cell_text(raw.get("region_code")).replace(" ", "")
    row["region_code"] = ""
    if not region_code:
        error(number, "region_code", _("Required: this cell must not be empty."))
    elif not region_code.isdigit() or len(region_code) not in _REGION_CODE_LENGTHS:
        error(number, "region_code", _("A division code has 12 digits (or 9 for a street, 15 for a grid); "
                                       "“%(value)s” is not one.") % {"value": region_code})
    else:
        row["region_code"] = region_code.ljust(12, "0") if len(region_code) < 12 else region_code


# --- every row at once -----------------------------------------------------------------------


def _existing_usccs(codes: list[str]) -> dict[str, tuple[int, str]]:
    """``{uscc: (tenant_id, name)}`` of the codes already registered anywhere on the platform.

    The credit code is a national identifier, unique platform-wide (a database constraint), so the
    check has to look across tenants: the explicit cross-tenant scope is used for this one look-up,
    and a code of another tenant is reported without naming that tenant's organization.
    """
    found: dict[str, tuple[int, str]] = {}
    with all_tenants():
        for chunk in chunks(codes):
            for uscc, tenant_id, name in Organization.unscoped.filter(uscc__in=chunk).values_list(
                    "uscc", "tenant_id", "name"):
                found[uscc] = (tenant_id, name)
    return found


def validate(ctx, rows: list[dict[str, Any]], error) -> None:
    """Regions (exist, inside the user's jurisdiction), credit codes and filing numbers (unique in the file
    and in the database): one query per 2,000 distinct values, never one per row."""
    tenant = ctx.tenant
    paths = user_region_paths(ctx.user, roles=EDIT_ROLES)
    region_codes = sorted({row["region_code"] for row in rows if row["region_code"]})
    regions: dict[str, tuple[int, str, str]] = {}
    for chunk in chunks(region_codes):
        for pk, code, path, name in Region.objects.filter(tenant=tenant, code__in=chunk).values_list(
                "pk", "code", "path", "name"):
            regions[code] = (pk, path, name)

    usccs = sorted({row["uscc"] for row in rows if row["uscc"]})
    existing_usccs = _existing_usccs(usccs) if usccs else {}
    filing_numbers = sorted({row["filing_number"] for row in rows if row["filing_number"]})
    existing_filings: dict[str, str] = {}
    for chunk in chunks(filing_numbers):
        existing_filings.update(Organization.objects.filter(tenant=tenant, filing_number__in=chunk)
                                .values_list("filing_number", "name"))

    first_uscc_row: dict[str, int] = {}
    first_filing_row: dict[str, int] = {}
    for row in rows:
        number = row["row"]
        code = row.pop("region_code")
        row["region_id"] = None
        if code:
            region = regions.get(code)
            if region is None:
                error(number, "region_code", _(
                    "No region with division code %(code)s exists in this tenant's jurisdiction tree.")
                    % {"code": code})
            elif not any(region[1].startswith(path) for path in paths):
                error(number, "region_code", _("Region %(code)s (%(name)s) is outside your jurisdiction.")
                      % {"code": code, "name": region[2]})
            else:
                row["region_id"] = region[0]
        uscc = row["uscc"]
        if uscc:
            if uscc in first_uscc_row:
                error(number, "uscc", _("Duplicate credit code %(code)s: row %(row)d of this file has it too.")
                      % {"code": uscc, "row": first_uscc_row[uscc]})
            else:
                first_uscc_row[uscc] = number
            if uscc in existing_usccs:
                owner_tenant, name = existing_usccs[uscc]
                if owner_tenant == tenant.pk:
                    message = _("Credit code %(code)s is already registered, to “%(name)s”.") % {
                        "code": uscc, "name": name}
                else:
                    message = _("Credit code %(code)s is already registered on the platform "
                                "(in another jurisdiction).") % {"code": uscc}
                error(number, "uscc", message)
        filing = row["filing_number"]
        if filing:
            if filing in first_filing_row:
                error(number, "filing_number", _(
                    "Duplicate filing number %(code)s: row %(row)d of this file has it too.")
                    % {"code": filing, "row": first_filing_row[filing]})
            else:
                first_filing_row[filing] = number
            if filing in existing_filings:
                error(number, "filing_number", _("Filing number %(code)s is already used by “%(name)s”.")
                      % {"code": filing, "name": existing_filings[filing]})


# --- insert ----------------------------------------------------------------------------------


def insert(ctx, rows: list[dict[str, Any]]) -> list[int]:
    """Every organization and its service domains (``COPY`` on PostgreSQL); the organizations' ids."""
    tenant = ctx.tenant
    pks = bulk_insert(Organization, [{**{field: row[field] for field in ORGANIZATION_FIELDS},
                                      "name_pinyin": pinyin_sort_key(row["name"])} for row in rows], tenant=tenant)
    bulk_insert(OrganizationDomain, [{"organization_id": pk, "domain": domain}
                                     for pk, row in zip(pks, rows, strict=True) for domain in row["domains"]],
                tenant=tenant, returning=False)  # nothing points at these rows: no keys drawn for them
    return pks


def _imported_message(n: int) -> str:
    return ngettext("%(n)s organization was imported.", "%(n)s organizations were imported.", n) % {"n": n}


ORGANIZATION_IMPORTER = Importer(
    key=IMPORTER_KEY,
    label=gettext_lazy("Social organizations"),
    model=Organization,
    columns=IMPORT_COLUMNS,
    permission=can_import_orgs,
    parse_row=parse_row,
    validate=validate,
    insert=insert,
    audit_action="organization.import",
    sheet_title="社会组织",
    instructions=(
        "统一社会信用代码在全平台唯一，备案编号在本辖区内唯一；文件内也不得重复。",
        "导出的社会组织表格可以直接修改后重新导入（“当前等级”“信用状态”两列导入时忽略）。",
    ),
    example_keys=("name", "uscc"),
    template_filename=gettext_lazy("Social organization import template"),
    rows_url="orgs:list",
    rows_url_query="ordering=-created_at",
    back_url="orgs:list",
    imported_message=_imported_message,
    conflict_message=gettext_lazy(
        "A credit code or filing number of this file was registered by someone else during the import; "
        "nothing was imported. Run the import again to see the rows concerned."),
)
