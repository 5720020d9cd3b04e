"""Reading an uploaded workbook with python-calamine (Rust; about 20 times faster than openpyxl).

Only the first sheet is read. Before calamine sees the bytes, the zip container is checked: a file that
is not an .xlsx, or that unpacks to far more than it weighs (a zip bomb), is refused with a translated
message; so is a sheet with more rows than the importer allows. Nothing here raises for bad input.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from typing import Any

from django.utils.translation import gettext as _

from governance.imports.columns import is_blank
from governance.imports.importer import Importer, ParsedRow, RowError

logger = logging.getLogger(__name__)

MAX_UNPACKED_BYTES = 400 * 1024 * 1024  # the XML of 50,000 rows × 30 columns is well below this
MAX_PACK_RATIO = 200  # XML compresses 10 to 30 times; a bomb thousands of times
HEADER_SEARCH_ROWS = 10  # title rows above the header are allowed


def _not_a_workbook() -> list[RowError]:
    return [RowError(0, "", _("The file is not a readable Excel workbook (.xlsx). Save it as "
                              "“Excel Workbook (*.xlsx)” from the import template and upload it again."))]


def _damaged() -> list[RowError]:
    return [RowError(0, "", _("The workbook could not be read; it may be damaged. Save it again as "
                              "an .xlsx file and upload it again."))]


def check_container(data: bytes) -> list[RowError]:
    """The zip checks: an .xlsx with a workbook part, of a sane unpacked size."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return _not_a_workbook()
    names = {member.filename for member in members}
    if "xl/workbook.xml" not in names:
        return _not_a_workbook()
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members) or 1
    if unpacked > MAX_UNPACKED_BYTES or (unpacked > 10 * 1024 * 1024 and unpacked / packed > MAX_PACK_RATIO):
        return [RowError(0, "", _("The workbook unpacks to %(size)d MB, far more than a spreadsheet of this "
                                  "size should; it was refused. Save the data again as a plain .xlsx file.")
                         % {"size": unpacked // 1024 // 1024})]
    return []


def normalize_label(value: Any) -> str:
    text = re.sub(r"\s+", "", str(value or ""))
    for marker in ("*", "＊", "（必填）", "(必填)", "（选填）", "(选填)"):
        text = text.replace(marker, "")
    return text.replace("（", "(").replace("）", ")")


def header_map(importer: Importer) -> dict[str, str]:
    """Accepted headers → column key: the labels, the keys themselves and the aliases."""
    mapping: dict[str, str] = {}
    for column in importer.columns:
        mapping[normalize_label(column.label)] = column.key
        mapping.setdefault(column.key, column.key)
        for alias in column.aliases:
            mapping.setdefault(normalize_label(alias), column.key)
    return mapping


def read_rows(importer: Importer, data: bytes) -> tuple[list[ParsedRow], list[RowError], int]:
    """Rows of the first sheet as ``[(row_number, {key: raw value})]``, the file-level errors, and the
    number of example rows skipped."""
    errors = check_container(data)
    if errors:
        return [], errors, 0
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - any parser failure means "not a readable workbook"
        return [], _not_a_workbook(), 0
    try:
        if not workbook.sheet_names:
            return [], [RowError(0, "", _("The workbook has no worksheet."))], 0
        sheet = workbook.get_sheet_by_index(0)
        return _read_sheet(importer, sheet.iter_rows())
    except Exception:  # noqa: BLE001 - a damaged sheet inside a valid zip
        logger.warning("unreadable import workbook", exc_info=True)
        return [], _damaged(), 0
    finally:
        workbook.close()


def _read_sheet(importer: Importer, rows_iter) -> tuple[list[ParsedRow], list[RowError], int]:
    mapping = header_map(importer)
    labels = importer.labels
    header_keys = set(importer.required_keys) or {importer.columns[0].key}
    positions: list[tuple[str, int]] | None = None
    header_row = 0
    skipped = 0
    max_rows = importer.max_rows
    rows: list[ParsedRow] = []
    for number, values in enumerate(rows_iter, start=1):
        if positions is None:
            keys = [mapping.get(normalize_label(value)) for value in values]
            if header_keys & set(keys):
                seen: dict[str, int] = {}
                for index, key in enumerate(keys):
                    if key is not None and key not in seen:
                        seen[key] = index
                positions = list(seen.items())
                header_row = number
                missing = [labels[key] for key in importer.required_keys if key not in seen]
                if missing:
                    return [], [RowError(0, "", _("The header row (row %(row)d) lacks the required columns: "
                                                  "%(columns)s. Use the import template.")
                                         % {"row": number, "columns": "、".join(missing)})], 0
                width = max(seen.values()) + 1
            elif number >= HEADER_SEARCH_ROWS:
                break
            continue
        if len(values) < width:
            values = list(values) + [None] * (width - len(values))
        record = {key: values[index] for key, index in positions}
        if all(is_blank(value) for value in record.values()):
            continue
        if importer.is_example(record):
            skipped += 1
            continue
        if len(rows) >= max_rows:
            return [], [RowError(0, "", _("The file has more than %(max)s rows. Split it into several files "
                                          "and import them one after another.") % {"max": f"{max_rows:,}"})], 0
        rows.append((number, record))
    if positions is None:
        return [], [RowError(0, "", _("No header row found: the first sheet must start with the header of the "
                                      "import template (%(columns)s, …).")
                             % {"columns": ", ".join(column.label for column in importer.columns[:2])})], 0
    if not rows:
        if skipped:
            return [], [RowError(0, "", _("The file contains only the template's example row, which is never "
                                          "imported. Enter your data in the rows below it (or over it)."))], skipped
        return [], [RowError(0, "", _("The file contains no data rows below the header (row %(row)d).")
                             % {"row": header_row})], 0
    return rows, [], skipped
