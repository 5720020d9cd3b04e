"""Excel export of organizations (社会组织导出), with the import's headers so an export can be re-imported.

Written by the core helper (``governance.imports.exporting``): streamed, audited by the view, and text
that would start a formula (``=``, ``+``, ``-``, ``@``…) is stored as a text cell.
"""

from __future__ import annotations

from dataclasses import replace
from operator import attrgetter

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from governance.imports.exporting import ExportColumn, export_filename, xlsx_bytes  # noqa: F401 - re-exported
from orgs.importing import (
    DATE_KEYS,
    DOMAIN_LABELS,
    FUNDING_LABELS,
    IMPORT_COLUMNS,
    KIND_LABELS,
    STATUS_LABELS,
)
from orgs.models import CreditList, OrganizationDomain
from orgs.permissions import contact_phone_for

CREDIT_LABELS = {CreditList.ABNORMAL: "活动异常名录", CreditList.SERIOUS: "严重违法失信名单"}
EXPORT_CHUNK = 2_000
SHEET_TITLE = "社会组织"
_MISSING = object()
_PHONE_LABEL = next(column.label for column in IMPORT_COLUMNS if column.key == "contact_phone")


def _plain(name: str):
    def get(org):
        value = getattr(org, name)
        return "" if value is None else value

    return get


def _annotation(name: str, labels: dict | None = None):
    def get(org):
        value = getattr(org, name, _MISSING)
        if value is _MISSING or value is None or value == "":
            return ""
        return labels.get(value, str(value)) if labels is not None else str(value)

    return get


_GETTERS = {
    "kind": lambda org: KIND_LABELS.get(org.kind, org.kind),
    "status": lambda org: STATUS_LABELS.get(org.status, org.status),
    "region_code": lambda org: org.region.code,
    "domains": lambda org: "、".join(DOMAIN_LABELS.get(d.domain, d.domain) for d in org.domains.all()),
    "funding_sources": lambda org: "、".join(FUNDING_LABELS.get(code, code) for code in (org.funding_sources or [])),
}



def _getter(key: str):
    if key in _GETTERS:
        return _GETTERS[key]
    if key in DATE_KEYS:
        return attrgetter(key)  # no date: an empty cell
    return _plain(key)


EXPORT_COLUMNS: tuple[ExportColumn, ...] = (
    *(ExportColumn(column.label, _getter(column.key), column.width, "yyyy-mm-dd" if column.key in DATE_KEYS else "")
      for column in IMPORT_COLUMNS),
    ExportColumn("当前等级", _annotation("current_grade"), 10),
    ExportColumn("信用状态", _annotation("credit_list", CREDIT_LABELS), 16),
)


def export_columns(user) -> tuple[ExportColumn, ...]:
    """The columns of ``user``'s export: contact phones masked for read-only roles, like on the pages."""
    return tuple(
        replace(column, value=lambda org: contact_phone_for(user, org)) if column.label == _PHONE_LABEL else column
        for column in EXPORT_COLUMNS
    )


def export_rows(queryset: QuerySet):
    """The organizations of an already scoped queryset, with what the columns read, in chunks."""
    # Replace the caller's prefetches (e.g. a plain "domains"): only the domain codes are needed here.
    rows = queryset.select_related("region").prefetch_related(None).prefetch_related(
        Prefetch("domains", queryset=OrganizationDomain.objects.only("id", "organization_id", "domain").order_by("id"))
    )
    return rows.iterator(chunk_size=EXPORT_CHUNK)


def organizations_to_xlsx(queryset: QuerySet) -> bytes:
    """The organizations of ``queryset`` as an .xlsx, one row each.

    The caller passes an already scoped queryset (tenant and jurisdiction, filters); ``current_grade``
    and ``credit_list`` annotations, when present, fill the two columns after the import's columns.
    """
    return xlsx_bytes(columns=EXPORT_COLUMNS, rows=export_rows(queryset), sheet_title=SHEET_TITLE)


# --- the workflow lists (备案、年报、信用名单、变更申请、年报工作) --------------------------------------
# Headers are data, in Chinese; choice labels are written in the default language (``list_export``).


def _org_code(obj):
    return obj.organization.code or ""


def _user(name: str):
    def get(obj):
        user = getattr(obj, name)
        return str(user) if user is not None else ""

    return get


def _local(name: str):
    def get(obj):
        value = getattr(obj, name)
        return timezone.localtime(value).replace(tzinfo=None) if value is not None else None

    return get


_ORG_COLUMNS = (
    ExportColumn("组织名称", lambda obj: obj.organization.name, 32),
    ExportColumn("统一社会信用代码/备案编号", _org_code, 24),
    ExportColumn("所属区域", lambda obj: obj.organization.region.name, 16),
)
_DATETIME = "yyyy-mm-dd hh:mm"


def filing_columns(user) -> tuple[ExportColumn, ...]:
    return (
        *_ORG_COLUMNS,
        ExportColumn("负责人", lambda filing: filing.organization.legal_representative, 12),
        ExportColumn("联系电话", lambda filing: contact_phone_for(user, filing.organization), 16),
        ExportColumn("提交时间", _local("submitted_at"), 18, _DATETIME),
        ExportColumn("提交人", _user("submitted_by"), 14),
        ExportColumn("状态", lambda filing: filing.get_status_display(), 14),
        ExportColumn("决定时间", _local("decided_at"), 18, _DATETIME),
        ExportColumn("未通过原因", "rejection_reason", 30),
    )


REPORT_COLUMNS = (
    *_ORG_COLUMNS,
    ExportColumn("年度", "year", 8),
    ExportColumn("截止日期", "due_date", 12, "yyyy-mm-dd"),
    ExportColumn("状态", lambda report: report.get_status_display(), 12),
    ExportColumn("结论", lambda report: report.get_conclusion_display() if report.conclusion else "", 12),
    ExportColumn("提交时间", _local("submitted_at"), 18, _DATETIME),
    ExportColumn("审查时间", _local("reviewed_at"), 18, _DATETIME),
)

CREDIT_COLUMNS = (
    *_ORG_COLUMNS,
    ExportColumn("名单", lambda record: record.get_list_type_display(), 18),
    ExportColumn("列入事由", lambda record: record.get_reason_display(), 30),
    ExportColumn("来源", lambda record: record.get_source_display(), 8),
    ExportColumn("列入日期", "listed_on", 12, "yyyy-mm-dd"),
    ExportColumn("决定书文号", "decision_number", 20),
    ExportColumn("申请移出日期", "rectification_applied_on", 12, "yyyy-mm-dd"),
    ExportColumn("整改核实日期", "rectification_verified_on", 12, "yyyy-mm-dd"),
    ExportColumn("移出日期", "removed_on", 12, "yyyy-mm-dd"),
    ExportColumn("移出原因", "removal_reason", 24),
)


def _changes_text(change_request) -> str:
    from orgs.views.helpers import change_rows

    return "；".join(f"{row['label']}：{row['current']} → {row['requested']}" for row in change_rows(change_request))


CHANGE_REQUEST_COLUMNS = (
    *_ORG_COLUMNS,
    ExportColumn("申请时间", _local("requested_at"), 18, _DATETIME),
    ExportColumn("申请人", _user("requested_by"), 14),
    ExportColumn("变更内容", _changes_text, 48),
    ExportColumn("状态", lambda change_request: change_request.get_status_display(), 10),
    ExportColumn("决定人", _user("decided_by"), 14),
    ExportColumn("决定时间", _local("decided_at"), 18, _DATETIME),
    ExportColumn("决定说明", "decision_note", 30),
)

def campaign_columns() -> tuple[ExportColumn, ...]:
    """Campaigns as the page shows them (``orgs.views.campaigns``): one count per report status."""
    from django.conf import settings
    from django.utils import translation

    from orgs.models import ReportStatus

    def count(index: int):
        return lambda campaign: campaign.status_counts[index]["count"]

    with translation.override(settings.LANGUAGE_CODE):
        statuses = [str(label) for _code, label in ReportStatus.choices]
    return (
        ExportColumn("年度", "year", 8),
        ExportColumn("截止日期", "due_date", 12, "yyyy-mm-dd"),
        ExportColumn("开启时间", _local("opened_at"), 18, _DATETIME),
        ExportColumn("开启人", _user("opened_by"), 14),
        ExportColumn("年报总数", "total_in_scope", 10),
        *(ExportColumn(label, count(index), 10) for index, label in enumerate(statuses)),
        ExportColumn("逾期未报", "overdue_count", 10),
    )


def list_export(request, *, rows, columns, title: str, action: str, filters: dict, object_repr: str):
    """One workflow list, filtered and sorted as on the page, as a streamed and audited workbook."""
    from django.conf import settings
    from django.utils import translation

    from governance.imports.exporting import export_response

    with translation.override(settings.LANGUAGE_CODE):  # Chinese labels in the cells whatever the UI language
        return export_response(actor=request.user, rows=rows, columns=columns, filename=export_filename(title),
                               action=action, filters=filters, sheet_title=title, object_repr=object_repr)
