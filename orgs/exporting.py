"""Excel export of organizations (社会组织导出), with the import's headers so an export can be re-imported."""

from __future__ import annotations

import datetime
import io

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

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
EXTRA_COLUMNS = (("current_grade", "当前等级", 10), ("credit_list", "信用状态", 16))
EXPORT_CHUNK = 2_000
_MISSING = object()


def export_filename(prefix: str) -> str:
    """``社会组织_20261121.xlsx``: the prefix and today's date (local time)."""
    return f"{prefix}_{timezone.localdate():%Y%m%d}.xlsx"


def _row(org, sheet, date_cell) -> list:
    values: list = []
    for column in IMPORT_COLUMNS:
        key = column.key
        if key == "kind":
            values.append(KIND_LABELS.get(org.kind, org.kind))
        elif key == "status":
            values.append(STATUS_LABELS.get(org.status, org.status))
        elif key == "region_code":
            values.append(org.region.code)
        elif key == "domains":
            values.append("、".join(DOMAIN_LABELS.get(d.domain, d.domain) for d in org.domains.all()))
        elif key == "funding_sources":
            values.append("、".join(FUNDING_LABELS.get(code, code) for code in (org.funding_sources or [])))
        elif key in DATE_KEYS:
            values.append(date_cell(getattr(org, key)))
        else:
            value = getattr(org, key)
            values.append("" if value is None else value)
    grade = getattr(org, "current_grade", _MISSING)
    values.append("" if grade is _MISSING or grade is None else str(grade))
    credit = getattr(org, "credit_list", _MISSING)
    values.append("" if credit is _MISSING or not credit else CREDIT_LABELS.get(credit, str(credit)))
    return values


def organizations_to_xlsx(queryset: QuerySet) -> bytes:
    """The organizations of ``queryset`` as an .xlsx (streamed, write-only), one row each.

    The caller passes an already scoped queryset (tenant and jurisdiction, filters); ``current_grade``
    and ``credit_list`` annotations, when present, fill the two columns after the import's columns.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("社会组织")
    headers = [(column.label, column.width) for column in IMPORT_COLUMNS]
    headers += [(label, width) for _key, label, width in EXTRA_COLUMNS]
    for index, (_label, width) in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    header_cells = []
    for label, _width in headers:
        cell = WriteOnlyCell(sheet, value=label)
        cell.font, cell.fill = bold, fill
        header_cells.append(cell)
    sheet.append(header_cells)

    def date_cell(value: datetime.date | None):
        if value is None:
            return None
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell

    # Replace the caller's prefetches (e.g. a plain "domains"): only the domain codes are needed here.
    rows = queryset.select_related("region").prefetch_related(None).prefetch_related(
        Prefetch("domains", queryset=OrganizationDomain.objects.only("id", "organization_id", "domain").order_by("id"))
    )
    for org in rows.iterator(chunk_size=EXPORT_CHUNK):
        sheet.append(_row(org, sheet, date_cell))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
