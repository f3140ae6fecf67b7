"""The template as an Excel workbook (.xlsx), written with openpyxl."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .source.notes import TABLE_NOTES, comment
from .source.tables import TABLES
from .template import GUIDE, GUIDE_LINES, ROWS, Check, Rows, check_of, number_format, width

HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
REQUIRED_FILL = PatternFill("solid", fgColor="F6DDB0")


def _validation(check: Check, letter: str) -> DataValidation:
    first = f"{letter}2"
    if check.kind == "list":
        dv = DataValidation(type="list", formula1='"' + ",".join(check.values) + '"', allow_blank=True)
    elif check.kind in ("whole", "decimal"):
        dv = DataValidation(
            type=check.kind, operator="between", formula1=check.low, formula2=check.high, allow_blank=True
        )
    elif check.kind == "date":
        dv = DataValidation(
            type="date", operator="between", formula1="DATE(2000,1,1)", formula2="DATE(2100,12,31)", allow_blank=True
        )
    else:  # the postal code NN-NNN
        formula = f'AND(LEN({first})=6,MID({first},3,1)="-",ISNUMBER(--LEFT({first},2)),ISNUMBER(--RIGHT({first},3)))'
        dv = DataValidation(type="custom", formula1=formula, allow_blank=True)
    dv.errorStyle = "stop" if check.strict else "information"
    dv.error = check.message_pl
    dv.errorTitle = "Nieprawidłowa wartość"
    dv.prompt = check.message_pl
    dv.showErrorMessage = True
    dv.showInputMessage = True
    dv.add(f"{first}:{letter}{ROWS + 1}")
    return dv


def write_xlsx(rows: Rows) -> bytes:
    """The workbook's bytes: the guide, then one sheet per table."""
    book = Workbook()
    guide = book.active
    guide.title = GUIDE
    for line in GUIDE_LINES:
        guide.append([line])
    guide["A1"].font = Font(bold=True, size=14)
    guide.column_dimensions["A"].width = 130
    for table in TABLES:
        sheet = book.create_sheet(table.name)
        sheet.sheet_properties.tabColor = "2F5F8A"
        for index, column in enumerate(table.columns, start=1):
            letter = get_column_letter(index)
            cell = sheet.cell(row=1, column=index, value=column.header)
            cell.font = Font(bold=True)
            cell.fill = REQUIRED_FILL if column.required else HEADER_FILL
            cell.alignment = Alignment(vertical="top")
            note = Comment(comment(table, column), "kfl-lod")
            note.width, note.height = 320, 160
            cell.comment = note
            sheet.column_dimensions[letter].width = width(table, column)
            # The column's own format applies to what the clerk types; no empty cells are written.
            sheet.column_dimensions[letter].number_format = number_format(column)
            check = check_of(column)
            if check is not None:
                sheet.add_data_validation(_validation(check, letter))
        for number, record in enumerate(rows.get(table.name, []), start=2):
            for index, column in enumerate(table.columns, start=1):
                value = record.get(column.header)
                if value is not None:
                    sheet.cell(row=number, column=index, value=value).number_format = number_format(column)
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}1"
        sheet.sheet_view.zoomScale = 100
        sheet.title = table.name
        sheet.sheet_properties.codeName = table.name.replace("_", "")
        sheet.print_title_rows = "1:1"
        sheet.oddHeader.center.text = TABLE_NOTES[table.name].pl
    book.properties.title = "Zestawienie przestrzeni dla organizacji pozarządowych (szablon kfl-lod)"
    book.properties.creator = "kfl-lod"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
