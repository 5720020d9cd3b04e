"""Excel export of any list: a filtered queryset → a streamed .xlsx download, audited.

    columns = [ExportColumn("名称", "name", 32), ExportColumn("成立日期", "established_date", 12)]
    return export_response(actor=request.user, rows=queryset.iterator(chunk_size=2000), columns=columns,
                           filename=_("Social organizations"), action="organization.export", filters=filters)

The workbook is written row by row (openpyxl write-only mode, to a temporary file that spills to disk),
then streamed in chunks, so a 50,000-row export holds no more than one chunk of rows in memory.

Formula injection (OWASP "CSV injection"): a cell of user-typed text starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return is written as a *text* cell (``t="inlineStr"`` with the quote prefix),
never as a formula, so ``=HYPERLINK("http://…","x")`` typed into a form is shown, not evaluated.
"""

from __future__ import annotations

import datetime
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.db import transaction
from django.http import FileResponse
from django.utils import timezone

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
EXPORT_CHUNK = 2_000
SPOOL_BYTES = 8 * 1024 * 1024  # in memory up to this size, then a temporary file
STREAM_BLOCK = 256 * 1024


@dataclass(frozen=True)
class ExportColumn:
    """A column of an export: header (data, Chinese), how to get the value, width, number format.

    ``value`` is an attribute name or ``callable(obj) -> value``.
    """

    label: str
    value: str | Callable[[Any], Any]
    width: int = 14
    number_format: str = ""

    def getter(self) -> Callable[[Any], Any]:
        if callable(self.value):
            return self.value
        name = self.value
        return lambda obj: getattr(obj, name)


def safe_value(sheet, value: Any):
    """``value`` ready for ``sheet.append``: text that a spreadsheet would run as a formula becomes a text cell."""
    if isinstance(value, str) and value and value[0] in FORMULA_TRIGGERS:
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(sheet, value=None)
        cell._value = value
        cell.data_type = "s"  # openpyxl would store "=…" as a formula
        cell.quotePrefix = True  # Excel keeps it text when the cell is edited
        return cell
    return value


def attachment_header(filename: str) -> str:
    """``Content-Disposition``: ``filename*`` (RFC 5987/6266) carries the Chinese name, ``filename`` an ASCII one."""
    ascii_name = filename.encode("ascii", "ignore").decode().strip() or "download.xlsx"
    if ascii_name.startswith("."):
        ascii_name = "download" + ascii_name
    ascii_name = ascii_name.replace('"', "").replace("\\", "")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def export_filename(prefix: str) -> str:
    """``社会组织_20261121.xlsx``: the prefix and today's date (local time)."""
    return f"{prefix}_{timezone.localdate():%Y%m%d}.xlsx"


def write_xlsx(target, *, columns: Iterable[ExportColumn], rows: Iterable[Any], sheet_title: str) -> int:
    """Write ``rows`` (objects, read through each column's getter) as one sheet to ``target``; the row count."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    illegal = ILLEGAL_CHARACTERS_RE.search
    columns = list(columns)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.label)
        cell.font, cell.fill = bold, fill
        header.append(cell)
    sheet.append(header)

    getters = [column.getter() for column in columns]
    formats = [column.number_format for column in columns]
    triggers = FORMULA_TRIGGERS
    count = 0
    for obj in rows:
        values = []
        for getter, number_format in zip(getters, formats, strict=True):
            value = getter(obj)
            if value is None:
                values.append(None)
            elif isinstance(value, str):
                if illegal(value):  # control characters cannot be stored in the XML of a sheet
                    value = ILLEGAL_CHARACTERS_RE.sub("", value)
                values.append(safe_value(sheet, value) if value and value[0] in triggers else value)
            elif number_format or isinstance(value, (datetime.date, datetime.datetime)):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = number_format or "yyyy-mm-dd"
                values.append(cell)
            else:
                values.append(value)
        sheet.append(values)
        count += 1
    workbook.save(target)
    return count


def xlsx_bytes(*, columns: Iterable[ExportColumn], rows: Iterable[Any], sheet_title: str) -> bytes:
    import io

    buffer = io.BytesIO()
    write_xlsx(buffer, columns=columns, rows=rows, sheet_title=sheet_title)
    return buffer.getvalue()


def export_record(*, actor, action: str, filters: dict[str, Any], rows: int, object_repr: str = "") -> None:
    """An export leaves the data's custody: record who took which rows (filters as given, empty ones dropped)."""
    from governance.audit import audit_record

    with transaction.atomic():
        audit_record(actor=actor, action=action, tenant=actor.tenant, object_repr=object_repr,
                     changes={"filters": {k: v for k, v in filters.items() if v not in (None, "", [])},
                              "rows": rows})


def export_response(*, actor, rows: Iterable[Any], columns: Iterable[ExportColumn], filename: str, action: str,
                    filters: dict[str, Any], sheet_title: str, object_repr: str = "") -> FileResponse:
    """Build the workbook, audit the export (who, filters, row count), stream the file."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - closed by the response
    count = write_xlsx(spool, columns=columns, rows=rows, sheet_title=sheet_title)
    export_record(actor=actor, action=action, filters=filters, rows=count, object_repr=object_repr)
    spool.seek(0)
    response = FileResponse(spool, content_type=XLSX_CONTENT_TYPE)
    response.block_size = STREAM_BLOCK
    response["Content-Disposition"] = attachment_header(filename)
    return response
