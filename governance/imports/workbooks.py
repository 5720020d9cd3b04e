"""Workbooks the import writes (openpyxl): the template of an importer and the error report of a job."""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from governance.imports.columns import CHOICE, DATE
from governance.imports.importer import Importer, RowError

MAX_REPORT_ERRORS = 100_000
TEXT_ROWS = 1_000  # rows pre-formatted as text in code columns (Excel keeps leading zeros and 18 digits)
CHOICES_SHEET = "选项"
INSTRUCTIONS_SHEET = "填写说明"
EXAMPLE_FONT_COLOR = "808080"


def _dropdown_columns(importer: Importer):
    return [column for column in importer.columns if column.kind == CHOICE and column.choices and column.dropdown]


def build_template(importer: Importer, *, example_overrides: dict[str, Any] | None = None) -> bytes:
    """Header, one example row (grey italics; never imported while its example cells are unchanged),
    drop-down lists for choice columns, and an instructions sheet explaining every column."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    overrides = example_overrides or {}
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = importer.sheet_title
    required_fill = PatternFill("solid", fgColor="FCE4D6")
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    example_font = Font(italic=True, color=EXAMPLE_FONT_COLOR)
    for index, column in enumerate(importer.columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.label)
        cell.font = Font(bold=True, color="C00000" if column.required else "000000")
        cell.fill = required_fill if column.required else header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center")
        example = overrides.get(column.key, column.example)
        value_cell = sheet.cell(row=2, column=index, value=example if example != "" else None)
        value_cell.font = example_font
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.text:
            value_cell.number_format = "@"
            for row in range(3, TEXT_ROWS + 2):
                sheet.cell(row=row, column=index).number_format = "@"
        elif column.kind == DATE or isinstance(example, datetime.date):
            value_cell.number_format = "yyyy-mm-dd"
    first = sheet.cell(row=2, column=1)
    first.comment = Comment("示例行：原样保留时不会被导入，可删除或直接改成真实数据。", "模板")
    sheet.freeze_panes = "A2"

    dropdowns = _dropdown_columns(importer)
    if dropdowns:
        # The lists live on a hidden sheet: a literal list in the validation is capped at 255 characters.
        options = workbook.create_sheet(CHOICES_SHEET)
        options.sheet_state = "hidden"
        for offset, column in enumerate(dropdowns, start=1):
            letter = get_column_letter(offset)
            options.cell(row=1, column=offset, value=column.label)
            labels = list(column.choices.values())
            for row, label in enumerate(labels, start=2):
                options.cell(row=row, column=offset, value=label)
            source = f"{quote_sheetname(CHOICES_SHEET)}!${letter}$2:${letter}${len(labels) + 1}"
            validation = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=True,
                                        errorTitle="无效的值", error="请从下拉列表中选择。")
            target = get_column_letter(list(importer.columns_by_key).index(column.key) + 1)
            validation.add(f"{target}2:{target}{importer.max_rows + 1}")
            sheet.add_data_validation(validation)

    help_sheet = workbook.create_sheet(INSTRUCTIONS_SHEET, index=1)
    help_sheet.append(["列名", "是否必填", "说明"])
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
    for column in importer.columns:
        note = column.help
        if column.kind == CHOICE and column.choices and column.dropdown:
            note = f"{note}（可从下拉列表选择）" if note else "可从下拉列表选择。"
        help_sheet.append([column.label, "必填" if column.required else "选填", note])
    help_sheet.append([])
    lines = [
        f"第一张工作表“{importer.sheet_title}”的第1行为表头，请勿修改列名；第2行（灰色斜体）为示例行，"
        "原样保留时不会被导入，可删除或直接改成真实数据；其余每行一条数据。",
        f"全部行校验通过才会导入；任何一行有错误则不导入任何数据，并生成错误报告（行号/列/错误信息）。"
        f"每个文件最多 {importer.max_rows:,} 行、{importer.max_upload_bytes // 1024 // 1024} MB。",
        "红色列名为必填列；带下拉列表的列请从列表中选择。",
        *importer.instructions,
    ]
    for number, line in enumerate(lines, start=1):
        help_sheet.append([f"{number}. {line}"])
    help_sheet.column_dimensions["A"].width = 18
    help_sheet.column_dimensions["B"].width = 10
    help_sheet.column_dimensions["C"].width = 100
    for row in help_sheet.iter_rows(min_row=2):
        row[-1].alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def error_report(errors: Sequence[RowError]) -> bytes:
    """行号 / 列 / 错误信息, one line per problem (written without formulas: see exporting.safe_cell)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    from governance.imports.exporting import safe_value

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
        sheet.append([error.row, safe_value(sheet, error.column), safe_value(sheet, str(error.message))])
    if len(errors) > MAX_REPORT_ERRORS:
        sheet.append(["", "", _("… and %(n)d more errors.") % {"n": len(errors) - MAX_REPORT_ERRORS}])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
