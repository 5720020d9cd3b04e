"""Excel export of organizations (社会组织导出), with the import's headers so an export can be re-imported.

Written by the core helper (``governance.imports.exporting``): streamed, audited by the view, and text
that would start a formula (``=``, ``+``, ``-``, ``@``…) is stored as a text cell.
"""

from __future__ import annotations

from operator import attrgetter

from django.db.models import Prefetch, QuerySet

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

CREDIT_LABELS = {CreditList.ABNORMAL: "活动异常名录", CreditList.SERIOUS: "严重违法失信名单"}
EXPORT_CHUNK = 2_000
SHEET_TITLE = "社会组织"
_MISSING = object()


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
