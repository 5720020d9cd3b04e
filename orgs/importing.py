"""Excel import of organizations (社会组织批量导入): all rows or none, with a row-level error report.

Flow: ``import_job_create`` stores the upload as an ``ImportJob`` and queues ``import_organizations_task``
on commit; the task calls ``organizations_import``, which reads the workbook, checks every row
(``validate_rows``, set-based: a constant number of queries whatever the row count) and then either
inserts every row in one transaction or inserts nothing and attaches an error report (行号/列/错误信息).

Row numbers in errors are the spreadsheet's own row numbers (the header is row 1), so a user can find
the cell in Excel; problems with the file as a whole are reported as row 0.
"""

from __future__ import annotations

import datetime
import io
import logging
import os
import re
import time
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from celery import shared_task
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from governance.audit import audit_record
from governance.celery import TenantTask
from governance.exceptions import ApplicationError
from governance.models import Region
from governance.selectors import user_region_paths
from governance.standards import make_uscc, normalize_uscc
from governance.tenancy import ALL_TENANTS, all_tenants, get_current_tenant
from orgs.models import (
    FundingSource,
    ImportJob,
    ImportStatus,
    Organization,
    OrganizationDomain,
    OrgKind,
    OrgStatus,
    ServiceDomain,
)
from orgs.permissions import EDIT_ROLES, can_import_orgs
from orgs.validation import identity_errors

logger = logging.getLogger(__name__)

MAX_ROWS = 50_000
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_STORED_ERRORS = 50  # on the job itself; the report holds the full list
MAX_REPORT_ERRORS = 100_000
LOOKUP_CHUNK = 2_000  # values per IN (...) look-up: few queries, and below every backend's parameter limit
INSERT_BATCH = 1_000
MAX_INT = 2_147_483_647  # PositiveIntegerField on every backend

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
LIST_SEPARATORS = re.compile(r"[、,，;；/|\n]+")


@dataclass(frozen=True)
class Column:
    key: str  # Organization field name, or "region_code" / "domains"
    label: str  # header label (data, Chinese)
    required: bool = False
    help: str = ""  # explanation on the template's second sheet (data, Chinese)
    example: Any = ""
    width: int = 14
    text: bool = False  # format the column as text so Excel keeps leading zeros and long codes


IMPORT_COLUMNS: tuple[Column, ...] = (
    Column("name", "名称", True, "社会组织全称，最多200字。", "衡阳市阳光社会工作服务中心", 32),
    Column("kind", "类型", True,
           "社会团体 / 社会服务机构（民办非企业单位）/ 基金会 / 社区社会组织；也可填代码 association / "
           "service_institution / foundation / community_group。", "社会服务机构", 14),
    Column("uscc", "统一社会信用代码", False,
           "18位（GB 32100-2015）。社会团体、社会服务机构、基金会必填；第1位为5（民政），第2位为类型："
           "1社会团体、2民办非企业单位、3基金会、9其他。全平台唯一。已备案的社区社会组织可不填。",
           make_uscc("5", "2", "430405", "MJ000001"), 22, True),
    Column("filing_number", "备案编号", False,
           "社区社会组织没有统一社会信用代码时必填，最多40字；在本辖区内唯一。", "", 20, True),
    Column("legal_representative", "法定代表人", True, "必填，最多50字；社区社会组织填负责人。", "张伟", 12),
    Column("contact_person", "联系人", False, "最多50字。", "李娜", 12),
    Column("contact_phone", "联系电话", False, "手机或固定电话，如 13807340000、0734-8123456。", "0734-8123456",
           16, True),
    Column("email", "电子邮箱", False, "如 info@example.org。", "", 22),
    Column("address", "地址", False, "最多255字。", "衡阳市珠晖区广东路街道建设社区", 32),
    Column("region_code", "所属辖区代码", True,
           "所在社区或街道的统计用区划代码：12位（如 430405001001），或9位街道代码（如 430405001）；"
           "必须在您的管辖范围内。", "430405001001", 16, True),
    Column("established_date", "成立日期", False, "格式 2019-05-20，也可填 2019/5/20 或 2019年5月20日。",
           datetime.date(2018, 3, 15), 12),
    Column("registered_date", "登记/备案日期", False, "登记或备案日期，格式同上；等级评估资格从此日起算。",
           datetime.date(2018, 4, 2), 14),
    Column("supervising_unit", "业务主管单位", False, "最多200字。", "衡阳市民政局", 18),
    Column("status", "状态", False, "正常 / 停止活动 / 注销 / 撤销登记（或代码 active / suspended / "
           "deregistered / revoked）；不填为正常。", "正常", 10),
    Column("staff_fulltime", "专职人员", False, "0或正整数；不填为0。", 5, 10),
    Column("staff_social_workers", "持证社工", False, "持有社会工作者职业资格证书的人数；0或正整数。", 2, 10),
    Column("retired_cadre_leaders", "退休干部任职", False, "在本组织任职的退休干部人数；0或正整数。", 1, 12),
    Column("volunteers", "志愿者人数", False, "0或正整数。", 40, 10),
    Column("domains", "服务领域", False,
           "可填多个，用顿号“、”或逗号分隔：" + "、".join(DOMAIN_LABELS.values()) + "。", "为老服务、社区事务", 22),
    Column("funding_sources", "资金来源", False,
           "可填多个，用顿号“、”或逗号分隔：" + "、".join(FUNDING_LABELS.values()) + "。", "政府购买、捐赠", 18),
)
COLUMNS_BY_KEY = {column.key: column for column in IMPORT_COLUMNS}
LABELS = {column.key: column.label for column in IMPORT_COLUMNS}
REQUIRED_KEYS = tuple(column.key for column in IMPORT_COLUMNS if column.required)
INT_KEYS = ("staff_fulltime", "staff_social_workers", "retired_cadre_leaders", "volunteers")
DATE_KEYS = ("established_date", "registered_date")
TEXT_KEYS = ("name", "filing_number", "legal_representative", "contact_person", "contact_phone", "email",
             "address", "supervising_unit")
MAX_LENGTHS = {key: Organization._meta.get_field(key).max_length for key in TEXT_KEYS}
ORGANIZATION_FIELDS = (
    "name", "kind", "uscc", "filing_number", "legal_representative", "contact_person", "contact_phone",
    "email", "address", "region_id", "established_date", "registered_date", "supervising_unit", "status",
    *INT_KEYS, "funding_sources",
)


class RowError(NamedTuple):
    """One problem: spreadsheet row (0 = the file itself), column label, translated message."""

    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": str(self.message)}


ParsedRow = tuple[int, dict[str, Any]]  # (spreadsheet row number, {column key: raw cell value})


# --- the template ----------------------------------------------------------------------------


def build_template(*, example_region_code: str = "430405001001") -> bytes:
    """The import template: header + one example row, and a second sheet explaining each column."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "社会组织"
    required_fill = PatternFill("solid", fgColor="FCE4D6")
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for index, column in enumerate(IMPORT_COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=column.label)
        cell.font = Font(bold=True, color="C00000" if column.required else "000000")
        cell.fill = required_fill if column.required else header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center")
        example = example_region_code if column.key == "region_code" else column.example
        value_cell = sheet.cell(row=2, column=index, value=example)
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.text:
            value_cell.number_format = "@"
            for row in range(3, 1002):  # pre-format the first thousand rows as text (codes keep their digits)
                sheet.cell(row=row, column=index).number_format = "@"
        elif column.key in DATE_KEYS:
            value_cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    kind_column = get_column_letter(list(COLUMNS_BY_KEY).index("kind") + 1)
    status_column = get_column_letter(list(COLUMNS_BY_KEY).index("status") + 1)
    for letter, choices in ((kind_column, KIND_LABELS.values()),
                            (status_column, [STATUS_LABELS[s] for s in IMPORTABLE_STATUSES])):
        validation = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
        validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
        sheet.add_data_validation(validation)

    help_sheet = workbook.create_sheet("填写说明")
    help_sheet.append(["列名", "是否必填", "说明"])
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
    for column in IMPORT_COLUMNS:
        help_sheet.append([column.label, "必填" if column.required else "选填", column.help])
    help_sheet.append([])
    for line in (
        "1. 第一张工作表的第1行为表头，请勿修改列名；从第2行起每行一个社会组织，示例行导入前请删除或改为真实数据。",
        f"2. 全部行校验通过才会导入；任何一行有错误则不导入任何数据，并生成错误报告（行号/列/错误信息）。"
        f"每个文件最多 {MAX_ROWS:,} 行、{MAX_UPLOAD_BYTES // 1024 // 1024} MB。",
        "3. 统一社会信用代码在全平台唯一，备案编号在本辖区内唯一；文件内也不得重复。",
        "4. 导出的社会组织表格可以直接修改后重新导入（“当前等级”“信用状态”两列导入时忽略）。",
    ):
        help_sheet.append([line])
    help_sheet.column_dimensions["A"].width = 18
    help_sheet.column_dimensions["B"].width = 10
    help_sheet.column_dimensions["C"].width = 100
    for row in help_sheet.iter_rows(min_row=2):
        row[-1].alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- reading a workbook ----------------------------------------------------------------------


def _normalize_label(value: Any) -> str:
    text = re.sub(r"\s+", "", str(value or ""))
    for marker in ("*", "＊", "（必填）", "(必填)", "（选填）", "(选填)"):
        text = text.replace(marker, "")
    return text.replace("（", "(").replace("）", ")")


def _header_map() -> dict[str, str]:
    mapping = {_normalize_label(column.label): column.key for column in IMPORT_COLUMNS}
    mapping.update({column.key: column.key for column in IMPORT_COLUMNS})
    mapping.update({"登记日期": "registered_date", "备案日期": "registered_date", "负责人": "legal_representative",
                    "辖区代码": "region_code", "区划代码": "region_code", "社会组织名称": "name"})
    return mapping


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_rows(data: bytes) -> tuple[list[ParsedRow], list[RowError]]:
    """Rows of the first sheet as ``[(row_number, {key: raw value})]``, or the file-level errors."""
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles of files written by other tools
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any parser failure means "not a readable workbook"
        return [], [RowError(0, "", _("The file is not a readable Excel workbook (.xlsx). Save it as "
                                      "“Excel Workbook (*.xlsx)” from the import template and upload it again."))]
    try:
        return _read_sheet(workbook)
    except Exception:  # noqa: BLE001 - a damaged sheet inside a valid zip
        logger.warning("unreadable import workbook", exc_info=True)
        return [], [RowError(0, "", _("The workbook could not be read; it may be damaged. Save it again as "
                                      "an .xlsx file and upload it again."))]
    finally:
        workbook.close()


def _read_sheet(workbook) -> tuple[list[ParsedRow], list[RowError]]:
    if not workbook.worksheets:
        return [], [RowError(0, "", _("The workbook has no worksheet."))]
    sheet = workbook.worksheets[0]
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()  # some writers store a wrong <dimension>; read every cell that is there
    header_map = _header_map()
    positions: dict[str, int] | None = None
    header_row = 0
    rows: list[ParsedRow] = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        if positions is None:
            labels = [_normalize_label(value) for value in values]
            if "名称" in labels or "name" in labels:
                positions = {}
                for index, label in enumerate(labels):
                    key = header_map.get(label)
                    if key is not None and key not in positions:
                        positions[key] = index
                header_row = number
                missing = [LABELS[key] for key in REQUIRED_KEYS if key not in positions]
                if missing:
                    return [], [RowError(0, "", _("The header row (row %(row)d) lacks the required columns: "
                                                  "%(columns)s. Use the import template.")
                                         % {"row": number, "columns": "、".join(missing)})]
            elif number >= 10:
                break
            continue
        record = {key: (values[index] if index < len(values) else None) for key, index in positions.items()}
        if all(_is_blank(value) for value in record.values()):
            continue
        if len(rows) >= MAX_ROWS:
            return [], [RowError(0, "", _("The file has more than %(max)s rows. Split it into several files "
                                          "and import them one after another.") % {"max": f"{MAX_ROWS:,}"})]
        rows.append((number, record))
    if positions is None:
        return [], [RowError(0, "", _("No header row found: the first sheet must start with the header of the "
                                      "import template (名称, 类型, …)."))]
    if not rows:
        return [], [RowError(0, "", _("The file contains no data rows below the header (row %(row)d).")
                             % {"row": header_row})]
    return rows, []


# --- parsing cells ---------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    return str(value).strip()


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def _parse_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    text = re.sub(r"\s+00:00(:00)?$", "", text)
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            return datetime.date(*(int(part) for part in match.groups()))
    raise ValueError(text)


def _parse_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(value)
        return int(value)
    text = _text(value).replace(",", "")
    if not re.fullmatch(r"[+-]?\d+", text):
        raise ValueError(text)
    return int(text)


def _key(value: str) -> str:
    return re.sub(r"\s+", "", value).lower().replace("（", "(").replace("）", ")")


def _choice_lookup(choices, labels: dict, aliases: dict) -> dict[str, str]:
    """Accepted spellings → code: codes, Chinese labels, aliases, and the model labels in zh/en."""
    lookup: dict[str, str] = {}
    for code, label in choices.choices:
        lookup[_key(code)] = code
        with translation.override("en"):
            lookup[_key(str(label))] = code
        lookup[_key(str(label))] = code
    lookup.update({_key(label): str(code) for code, label in labels.items()})
    lookup.update({_key(alias): str(code) for alias, code in aliases.items()})
    return lookup


# Translated when used (gettext_noop marks them for makemessages).
UNKNOWN_DOMAIN = gettext_noop("Unknown service domain “%(value)s”: use %(choices)s.")
UNKNOWN_FUNDING = gettext_noop("Unknown funding source “%(value)s”: use %(choices)s.")
_PHONE_RE = re.compile(r"^\+?[\d\- ()（）]{3,25}(转\d{1,6})?$")
_REGION_CODE_LENGTHS = (6, 9, 12, 15)


class _Lookups:
    def __init__(self):
        self.kind = _choice_lookup(OrgKind, KIND_LABELS, KIND_ALIASES)
        status = _choice_lookup(OrgStatus, STATUS_LABELS, STATUS_ALIASES)
        self.status = {key: code for key, code in status.items() if code in IMPORTABLE_STATUSES}
        self.domain = _choice_lookup(ServiceDomain, DOMAIN_LABELS, DOMAIN_ALIASES)
        self.funding = _choice_lookup(FundingSource, FUNDING_LABELS, FUNDING_ALIASES)


def _parse_row(number: int, raw: dict[str, Any], lookups: _Lookups, today: datetime.date,
               errors: list[RowError]) -> dict[str, Any]:
    """Cell-level checks of one row; appends to ``errors`` and returns the cleaned values."""

    def error(key: str, message: str) -> None:
        errors.append(RowError(number, LABELS[key], message))

    clean: dict[str, Any] = {"row": number}
    for key in TEXT_KEYS:
        value = _text(raw.get(key))
        max_length = MAX_LENGTHS[key]
        if max_length and len(value) > max_length:
            error(key, _("Too long: at most %(max)d characters, this has %(n)d.") % {"max": max_length,
                                                                                     "n": len(value)})
        clean[key] = value
    for key in REQUIRED_KEYS:
        if key != "kind" and key != "region_code" and not clean.get(key):
            error(key, _("Required: this cell must not be empty."))

    kind_text = _text(raw.get("kind"))
    clean["kind"] = lookups.kind.get(_key(kind_text)) if kind_text else None
    if not kind_text:
        error("kind", _("Required: this cell must not be empty."))
    elif clean["kind"] is None:
        error("kind", _("Unknown kind “%(value)s”: use one of %(choices)s.")
              % {"value": kind_text, "choices": "、".join(KIND_LABELS.values())})

    uscc = normalize_uscc(_text(raw.get("uscc")))
    clean["uscc"] = uscc or None
    if clean["kind"] is not None:
        for field, messages in identity_errors(kind=clean["kind"], uscc=clean["uscc"],
                                               filing_number=clean["filing_number"]).items():
            for message in messages:
                errors.append(RowError(number, LABELS.get(field, field), str(message)))

    phone = clean["contact_phone"]
    if phone and not _PHONE_RE.match(phone):
        error("contact_phone", _("Not a phone number: use digits, spaces, “+”, “-” and parentheses, "
                                 "e.g. 0734-8123456 or 13807340000."))
    if clean["email"]:
        try:
            validate_email(clean["email"])
        except ValidationError:
            error("email", _("Not a valid email address."))

    region_code = _text(raw.get("region_code")).replace(" ", "")
    clean["region_code"] = ""
    if not region_code:
        error("region_code", _("Required: this cell must not be empty."))
    elif not region_code.isdigit() or len(region_code) not in _REGION_CODE_LENGTHS:
        error("region_code", _("A division code has 12 digits (or 9 for a street, 15 for a grid); "
                               "“%(value)s” is not one.") % {"value": region_code})
    else:
        clean["region_code"] = region_code.ljust(12, "0") if len(region_code) < 12 else region_code

    for key in DATE_KEYS:
        value = raw.get(key)
        clean[key] = None
        if _is_blank(value):
            continue
        try:
            parsed = _parse_date(value)
        except (ValueError, TypeError):
            error(key, _("Not a date: write it as 2019-05-20 (year-month-day)."))
            continue
        if parsed > today:
            error(key, _("The date %(date)s lies in the future.") % {"date": parsed.isoformat()})
        elif parsed.year < 1900:
            error(key, _("The date %(date)s is too early.") % {"date": parsed.isoformat()})
        clean[key] = parsed

    status_text = _text(raw.get("status"))
    clean["status"] = OrgStatus.ACTIVE
    if status_text:
        status = lookups.status.get(_key(status_text))
        if status is None:
            error("status", _("Unknown status “%(value)s”: use one of %(choices)s.")
                  % {"value": status_text, "choices": "、".join(STATUS_LABELS[s] for s in IMPORTABLE_STATUSES)})
        else:
            clean["status"] = status

    for key in INT_KEYS:
        value = raw.get(key)
        clean[key] = 0
        if _is_blank(value):
            continue
        try:
            number_value = _parse_int(value)
        except (ValueError, TypeError):
            error(key, _("Must be a whole number of 0 or more; “%(value)s” is not.") % {"value": _text(value)})
            continue
        if number_value < 0:
            error(key, _("Must be a whole number of 0 or more; “%(value)s” is negative.") % {"value": number_value})
        elif number_value > MAX_INT:
            error(key, _("The number %(value)s is too large.") % {"value": number_value})
        else:
            clean[key] = number_value

    for key, lookup, labels, message in (
        ("domains", lookups.domain, DOMAIN_LABELS, UNKNOWN_DOMAIN),
        ("funding_sources", lookups.funding, FUNDING_LABELS, UNKNOWN_FUNDING),
    ):
        codes: list[str] = []
        for part in LIST_SEPARATORS.split(_text(raw.get(key))):
            part = part.strip()
            if not part:
                continue
            code = lookup.get(_key(part))
            if code is None:
                error(key, _(message) % {"value": part, "choices": "、".join(labels.values())})
            elif code not in codes:
                codes.append(code)
        clean[key] = codes
    return clean


# --- validation ------------------------------------------------------------------------------


def _chunks(values: Sequence[str], size: int = LOOKUP_CHUNK) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _existing_usccs(codes: Sequence[str]) -> dict[str, tuple[int, str]]:
    """``{uscc: (tenant_id, name)}`` of the codes already registered anywhere on the platform.

    The credit code is a national identifier, unique platform-wide (a database constraint), so the
    check has to look across tenants: the explicit cross-tenant scope is used for this one look-up,
    and a code of another tenant is reported without naming that tenant's organization.
    """
    found: dict[str, tuple[int, str]] = {}
    with all_tenants():
        for chunk in _chunks(codes):
            for uscc, tenant_id, name in Organization.unscoped.filter(uscc__in=chunk).values_list(
                    "uscc", "tenant_id", "name"):
                found[uscc] = (tenant_id, name)
    return found


def validate_rows(*, tenant, user, rows: Iterable[ParsedRow],
                  progress: Callable[[int], None] | None = None,
                  progress_every: int = 500) -> tuple[list[dict[str, Any]], list[RowError]]:
    """Check every row; return the cleaned rows and every error found (empty when all rows are fine).

    Cell checks run per row; the region, credit-code and filing-number checks are set-based: one
    query per ``LOOKUP_CHUNK`` distinct values, never one per row. ``progress(n)`` is called every
    ``progress_every`` rows with the number of rows checked so far.
    """
    current = get_current_tenant()
    if current is None or current is ALL_TENANTS or current.pk != tenant.pk:
        raise ApplicationError(_("The import must run inside the tenant's own scope."))
    lookups = _Lookups()
    today = timezone.localdate()
    errors: list[RowError] = []
    cleaned: list[dict[str, Any]] = []
    done = 0
    for number, raw in rows:
        cleaned.append(_parse_row(number, raw, lookups, today, errors))
        done += 1
        if progress is not None and done % progress_every == 0:
            progress(done)

    # Regions: one query for every distinct code, then the jurisdiction check in memory (the subtrees
    # where the user maintains the registry, as for creating one organization).
    paths = user_region_paths(user, roles=EDIT_ROLES)
    region_codes = sorted({row["region_code"] for row in cleaned if row["region_code"]})
    regions: dict[str, tuple[int, str, str]] = {}
    for chunk in _chunks(region_codes):
        for pk, code, path, name in Region.objects.filter(tenant=tenant, code__in=chunk).values_list(
                "pk", "code", "path", "name"):
            regions[code] = (pk, path, name)

    # Codes: duplicates inside the file, then against the database.
    usccs = sorted({row["uscc"] for row in cleaned if row["uscc"]})
    existing_usccs = _existing_usccs(usccs) if usccs else {}
    filing_numbers = sorted({row["filing_number"] for row in cleaned if row["filing_number"]})
    existing_filings: dict[str, str] = {}
    for chunk in _chunks(filing_numbers):
        existing_filings.update(Organization.objects.filter(tenant=tenant, filing_number__in=chunk)
                                .values_list("filing_number", "name"))

    first_uscc_row: dict[str, int] = {}
    first_filing_row: dict[str, int] = {}
    for row in cleaned:
        number = row["row"]
        code = row.pop("region_code")
        row["region_id"] = None
        if code:
            region = regions.get(code)
            if region is None:
                errors.append(RowError(number, LABELS["region_code"], _(
                    "No region with division code %(code)s exists in this tenant's jurisdiction tree.")
                    % {"code": code}))
            elif not any(region[1].startswith(path) for path in paths):
                errors.append(RowError(number, LABELS["region_code"], _(
                    "Region %(code)s (%(name)s) is outside your jurisdiction.")
                    % {"code": code, "name": region[2]}))
            else:
                row["region_id"] = region[0]
        uscc = row["uscc"]
        if uscc:
            if uscc in first_uscc_row:
                errors.append(RowError(number, LABELS["uscc"], _(
                    "Duplicate credit code %(code)s: row %(row)d of this file has it too.")
                    % {"code": uscc, "row": first_uscc_row[uscc]}))
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
                errors.append(RowError(number, LABELS["uscc"], message))
        filing = row["filing_number"]
        if filing:
            if filing in first_filing_row:
                errors.append(RowError(number, LABELS["filing_number"], _(
                    "Duplicate filing number %(code)s: row %(row)d of this file has it too.")
                    % {"code": filing, "row": first_filing_row[filing]}))
            else:
                first_filing_row[filing] = number
            if filing in existing_filings:
                errors.append(RowError(number, LABELS["filing_number"], _(
                    "Filing number %(code)s is already used by “%(name)s”.")
                    % {"code": filing, "name": existing_filings[filing]}))
    if progress is not None:
        progress(done)
    order = {label: index for index, label in enumerate(LABELS.values())}
    errors.sort(key=lambda e: (e.row, order.get(e.column, len(order))))
    return cleaned, errors


# --- progress writes -------------------------------------------------------------------------


class _ProgressWriter:
    """Saves the job's progress so that a page polling it from another connection sees it move.

    A task runs inside its tenant's transaction (``TenantTask`` → ``tenant_context``), so a plain
    ``save()`` would stay invisible until the whole import commits. On PostgreSQL the progress is
    therefore written through a second, autocommitting connection (with the tenant's RLS setting).
    The import's own connection never updates the job row before the end, so the two cannot wait on
    each other. SQLite (the embedded default) allows one writer at a time, and there the eager task
    blocks the request anyway, so it writes on the same connection.
    """

    def __init__(self, job: ImportJob):
        self.job = job
        self.side = None
        self.disabled = False
        self.use_side = connection.vendor == "postgresql" and connection.in_atomic_block

    def write(self, fields: list[str]) -> None:
        if self.disabled:
            return
        if not self.use_side:
            self.job.save(update_fields=fields)
            return
        try:
            if self.side is None:
                self.side = connections.create_connection(DEFAULT_DB_ALIAS)
                with self.side.cursor() as cursor:
                    cursor.execute("SELECT set_config('app.tenant_id', %s, false)", [str(self.job.tenant_id)])
            meta = ImportJob._meta
            assignments, params = [], []
            for name in fields:
                field = meta.get_field(name)
                assignments.append(f"{self.side.ops.quote_name(field.column)} = %s")
                params.append(field.get_db_prep_save(getattr(self.job, field.attname), connection=self.side))
            # Identifiers come from the model's own metadata; every value is a parameter.
            sql = (f"UPDATE {self.side.ops.quote_name(meta.db_table)} SET {', '.join(assignments)} "  # noqa: S608
                   "WHERE id = %s AND tenant_id = %s")
            with self.side.cursor() as cursor:
                cursor.execute(sql, [*params, self.job.pk, self.job.tenant_id])
        except Exception:  # noqa: BLE001 - progress is informative; the final save records the outcome
            logger.warning("could not write import progress of job %s", self.job.pk, exc_info=True)
            self.close()
            self.disabled = True  # the final save still records the outcome

    def close(self) -> None:
        if self.side is not None:
            try:
                self.side.close()
            finally:
                self.side = None


# --- the import ------------------------------------------------------------------------------


def _read_job_file(job: ImportJob) -> bytes:
    job.file.open("rb")
    try:
        return job.file.read()
    finally:
        job.file.close()


def _error_report(errors: Sequence[RowError]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("错误报告")
    for letter, width in (("A", 8), ("B", 18), ("C", 90)):
        sheet.column_dimensions[letter].width = width
    header = []
    for label in ("行号", "列", "错误信息"):
        cell = WriteOnlyCell(sheet, value=label)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for error in errors[:MAX_REPORT_ERRORS]:
        sheet.append([error.row, error.column, str(error.message)])
    if len(errors) > MAX_REPORT_ERRORS:
        sheet.append(["", "", _("… and %(n)d more errors.") % {"n": len(errors) - MAX_REPORT_ERRORS}])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _insert(*, actor, tenant, job: ImportJob, cleaned: list[dict[str, Any]]) -> int:
    """Insert every row and its service domains, with one audit event, in one transaction."""
    with transaction.atomic():
        organizations = [
            Organization(tenant=tenant, **{field: row[field] for field in ORGANIZATION_FIELDS}) for row in cleaned
        ]
        Organization.objects.bulk_create(organizations, batch_size=INSERT_BATCH)
        if any(org.pk is None for org in organizations):  # backends that cannot return ids from a bulk insert
            by_code = dict(Organization.objects.filter(tenant=tenant, uscc__in=[o.uscc for o in organizations if o.uscc])
                           .values_list("uscc", "pk"))
            by_filing = dict(Organization.objects.filter(
                tenant=tenant, filing_number__in=[o.filing_number for o in organizations if not o.uscc])
                .values_list("filing_number", "pk"))
            for org in organizations:
                org.pk = by_code.get(org.uscc) if org.uscc else by_filing.get(org.filing_number)
        domains = [
            OrganizationDomain(tenant=tenant, organization_id=org.pk, domain=domain)
            for org, row in zip(organizations, cleaned, strict=True)
            for domain in row["domains"]
        ]
        OrganizationDomain.objects.bulk_create(domains, batch_size=INSERT_BATCH)
        audit_record(actor=actor, action="organization.import", obj=job,
                     changes={"rows": len(organizations), "file": job.original_name})
    return len(organizations)


def organizations_import(*, actor, tenant, job: ImportJob, progress_every: int = 500) -> ImportJob:
    """Run one import job: validate every row, then import all of them or none.

    Never raises for bad input: a malformed file or bad rows end as a failed job with errors and an
    error report; an unexpected failure is logged and also ends as a failed job.
    """
    progress = _ProgressWriter(job)
    errors: list[RowError] = []
    imported = 0
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    try:
        job.status = ImportStatus.RUNNING
        job.processed_rows = 0
        progress.write(["status", "processed_rows"])
        if actor is None or not getattr(actor, "pk", None):
            errors = [RowError(0, "", _("The user who uploaded the file no longer exists; upload it again."))]
        else:
            rows, errors = read_rows(_read_job_file(job))
            timings["read"], clock = time.perf_counter() - clock, time.perf_counter()
        if not errors:
            job.total_rows = len(rows)
            progress.write(["total_rows"])

            def report(done: int) -> None:
                job.processed_rows = done
                progress.write(["processed_rows"])

            with transaction.atomic():  # a savepoint: a database error leaves the caller's transaction usable
                cleaned, errors = validate_rows(tenant=tenant, user=actor, rows=rows, progress=report,
                                                progress_every=progress_every)
            timings["validate"], clock = time.perf_counter() - clock, time.perf_counter()
        if not errors:
            try:
                imported = _insert(actor=actor, tenant=tenant, job=job, cleaned=cleaned)
                timings["insert"] = time.perf_counter() - clock
            except IntegrityError:
                logger.warning("import job %s hit a uniqueness conflict", job.pk, exc_info=True)
                errors = [RowError(0, "", _("A credit code or filing number of this file was registered by "
                                            "someone else during the import; nothing was imported. Run the "
                                            "import again to see the rows concerned."))]
    except Exception:  # noqa: BLE001 - an import must end as a job outcome, never as a 500
        logger.exception("import job %s failed unexpectedly", job.pk)
        errors = [RowError(0, "", _("The import stopped on an unexpected error; nothing was imported. "
                                    "Try again, or contact the administrator."))]
        imported = 0
    finally:
        progress.close()

    job.finished_at = timezone.now()
    fields = ["status", "total_rows", "processed_rows", "imported_rows", "error_count", "errors", "finished_at"]
    if errors:
        job.status = ImportStatus.FAILED
        job.imported_rows = 0
        job.error_count = len(errors)
        job.errors = [error.as_dict() for error in errors[:MAX_STORED_ERRORS]]
        stem = os.path.splitext(os.path.basename(job.original_name or "import"))[0][:40] or "import"
        job.error_report.save(f"{stem}_错误报告.xlsx", ContentFile(_error_report(errors)), save=False)
        fields.append("error_report")
    else:
        job.status = ImportStatus.SUCCEEDED
        job.imported_rows = imported
        job.processed_rows = job.total_rows
        job.error_count = 0
        job.errors = []
    job.save(update_fields=fields)
    logger.info("import job %s: %s, %d rows, %d imported, %d errors; %s", job.pk, job.status, job.total_rows,
                job.imported_rows, job.error_count,
                ", ".join(f"{phase} {seconds:.2f}s" for phase, seconds in timings.items()) or "no timings")
    return job


# --- upload and task -------------------------------------------------------------------------


@transaction.atomic
def import_job_create(*, actor, tenant, uploaded_file) -> ImportJob:
    """Store an uploaded workbook as an import job and queue its processing after commit."""
    current = get_current_tenant()
    if current is None or current is ALL_TENANTS or current.pk != tenant.pk:
        raise ApplicationError(_("The import must run inside the tenant's own scope."))
    if not can_import_orgs(actor):
        raise ApplicationError(_("You may not import organizations."))
    name = os.path.basename(getattr(uploaded_file, "name", "") or "")
    if not name.lower().endswith(".xlsx"):
        raise ValidationError({"file": _("Upload an Excel workbook with the extension .xlsx "
                                          "(download the import template).")})
    size = getattr(uploaded_file, "size", None) or 0
    if size > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": _("The file is %(size).1f MB; at most %(max)d MB may be uploaded.")
                               % {"size": size / 1024 / 1024, "max": MAX_UPLOAD_BYTES // 1024 // 1024}})
    job = ImportJob(tenant=tenant, original_name=name[:200], created_by=actor)
    job.file.save(name, uploaded_file, save=False)
    job.save()
    audit_record(actor=actor, action="import_job.create", obj=job, changes={"file": name, "size": size})
    tenant_id, job_id = tenant.pk, job.pk
    transaction.on_commit(lambda: import_organizations_task.delay(tenant_id=tenant_id, job_id=job_id))
    return job


@shared_task(base=TenantTask, name="orgs.import_organizations", bind=False)
def import_organizations_task(*, tenant_id: int, job_id: int) -> str | None:
    """Process one import job. Idempotent: a finished job is left alone, a crashed one is re-run."""
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None:
        return None
    if job.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED):
        return job.status
    organizations_import(actor=job.created_by, tenant=get_current_tenant(), job=job)
    return job.status
