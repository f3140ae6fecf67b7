"""The template as an OpenDocument spreadsheet (.ods), written with odfpy.

The same sheets, header comments (annotations), drop-down lists and checks (content
validations), formats and frozen header row (the view settings) as the .xlsx template.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from odf import config, number
from odf.dc import Creator
from odf.office import Annotation
from odf.opendocument import OpenDocumentSpreadsheet
from odf.style import Style, TableCellProperties, TableColumnProperties, TextProperties
from odf.table import (
    ContentValidation,
    ContentValidations,
    ErrorMessage,
    HelpMessage,
    Table,
    TableCell,
    TableColumn,
    TableRow,
)
from odf.text import P

from .source.notes import comment
from .source.tables import TABLES
from .source.tables import Column as SourceColumn
from .template import GUIDE, GUIDE_LINES, ROWS, Check, Rows, check_of, number_format, width


def _condition(check: Check, sheet: str, letter: str) -> str:
    if check.kind == "list":
        return "of:cell-content-is-in-list(" + ";".join(f'"{v}"' for v in check.values) + ")"
    # Written as LibreOffice writes them (no prefix on the second function, its arguments split
    # by ','): other spellings are read as "any value" without a word.
    if check.kind == "whole":
        return f"of:cell-content-is-whole-number() and cell-content-is-between({check.low},{check.high})"
    if check.kind == "decimal":
        return f"of:cell-content-is-decimal-number() and cell-content-is-between({check.low},{check.high})"
    if check.kind == "date":
        return "of:cell-content-is-date() and cell-content-is-between(DATE(2000;1;1),DATE(2100;12;31))"
    cell = f"[.{letter}2]"
    return (
        f'of:is-true-formula(AND(LEN({cell})=6;MID({cell};3;1)="-";'
        f"ISNUMBER(VALUE(LEFT({cell};2)));ISNUMBER(VALUE(RIGHT({cell};3)))))"
    )


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


class _Styles:
    """The automatic styles the sheets use: header cells, column widths, cell formats."""

    def __init__(self, doc: OpenDocumentSpreadsheet) -> None:
        self.doc = doc
        self.columns: dict[float, Style] = {}
        self.cells: dict[str, Style] = {}
        self.header = self._cell("header", bold=True, fill="#dde7f0")
        self.required = self._cell("required", bold=True, fill="#f6ddb0")
        self.title = Style(name="title", family="table-cell")
        self.title.addElement(TextProperties(fontweight="bold", fontsize="14pt"))
        doc.automaticstyles.addElement(self.title)

    def _cell(self, name: str, bold: bool = False, fill: str = "", data_style: str = "") -> Style:
        style = Style(name=name, family="table-cell", **({"datastylename": data_style} if data_style else {}))
        if bold:
            style.addElement(TextProperties(fontweight="bold"))
        if fill:
            style.addElement(TableCellProperties(backgroundcolor=fill))
        self.doc.automaticstyles.addElement(style)
        return style

    def column(self, chars: float) -> Style:
        if chars not in self.columns:
            style = Style(name=f"co{len(self.columns) + 1}", family="table-column")
            style.addElement(TableColumnProperties(columnwidth=f"{chars * 0.21:.2f}cm"))
            self.doc.automaticstyles.addElement(style)
            self.columns[chars] = style
        return self.columns[chars]

    def format(self, fmt: str) -> Style:
        """A cell style with the number format of the template's column formats."""
        if fmt not in self.cells:
            name = f"N{len(self.cells) + 1}"
            if fmt == "yyyy-mm-dd":
                data = number.DateStyle(name=name + "d")
                data.addElement(number.Year(style="long"))
                data.addElement(number.Text(text="-"))
                data.addElement(number.Month(style="long"))
                data.addElement(number.Text(text="-"))
                data.addElement(number.Day(style="long"))
            elif fmt == "@":
                data = number.TextStyle(name=name + "d")
                data.addElement(number.TextContent())
            else:
                # odfpy knows ODF 1.2, without min-decimal-places: "0.0#" is written with two decimals.
                decimals = len(fmt.partition(".")[2])
                data = number.NumberStyle(name=name + "d")
                data.addElement(number.Number(decimalplaces=decimals, minintegerdigits=1))
            self.doc.automaticstyles.addElement(data)
            self.cells[fmt] = self._cell(name, data_style=name + "d")
        return self.cells[fmt]


def _value_cell(value: Any, style: Style, validation: str | None) -> TableCell:
    options: dict[str, Any] = {"stylename": style}
    if validation:
        options["contentvalidationname"] = validation
    if isinstance(value, bool):
        raise TypeError("yes/no cells are written as the text tak/nie")
    if isinstance(value, int | float):
        cell = TableCell(valuetype="float", value=value, **options)
        cell.addElement(P(text=str(value)))
    elif isinstance(value, date):
        cell = TableCell(valuetype="date", datevalue=value.isoformat(), **options)
        cell.addElement(P(text=value.isoformat()))
    else:
        cell = TableCell(valuetype="string", **options)
        cell.addElement(P(text=str(value)))
    return cell


def _header_cell(header: str, note: str, style: Style) -> TableCell:
    cell = TableCell(valuetype="string", stylename=style)
    annotation = Annotation()
    annotation.addElement(Creator(text="kfl-lod"))
    for line in note.split("\n"):
        annotation.addElement(P(text=line))
    cell.addElement(annotation)
    cell.addElement(P(text=header))
    return cell


def _freeze_header(doc: OpenDocumentSpreadsheet, sheets: list[str]) -> None:
    """Freeze row 1 of every table sheet (LibreOffice's view settings)."""
    view = config.ConfigItemSet(name="ooo:view-settings")
    views = config.ConfigItemMapIndexed(name="Views")
    entry = config.ConfigItemMapEntry()
    entry.addElement(config.ConfigItem(name="ViewId", type="string", text="view1"))
    tables = config.ConfigItemMapNamed(name="Tables")
    for name in sheets:
        item = config.ConfigItemMapEntry(name=name)
        for key, kind, value in (
            ("HorizontalSplitMode", "short", "0"),
            ("VerticalSplitMode", "short", "2"),
            ("HorizontalSplitPosition", "int", "0"),
            ("VerticalSplitPosition", "int", "1"),
            ("ActiveSplitRange", "short", "2"),
            ("PositionLeft", "int", "0"),
            ("PositionRight", "int", "0"),
            ("PositionTop", "int", "0"),
            ("PositionBottom", "int", "1"),
        ):
            item.addElement(config.ConfigItem(name=key, type=kind, text=value))
        tables.addElement(item)
    entry.addElement(tables)
    views.addElement(entry)
    view.addElement(views)
    doc.settings.addElement(view)


def write_ods(rows: Rows) -> bytes:
    """The spreadsheet's bytes: the guide, then one sheet per table."""
    doc = OpenDocumentSpreadsheet()
    styles = _Styles(doc)
    validations = ContentValidations()
    guide = Table(name=GUIDE)
    guide.addElement(TableColumn(stylename=styles.column(130)))
    for number_, line in enumerate(GUIDE_LINES):
        row = TableRow()
        cell = TableCell(valuetype="string", **({"stylename": styles.title} if number_ == 0 else {}))
        if line:
            cell.addElement(P(text=line))
        row.addElement(cell)
        guide.addElement(row)
    sheets = [guide]
    for table in TABLES:
        sheet = Table(name=table.name)
        names: list[str | None] = []
        for index, column in enumerate(table.columns):
            sheet.addElement(TableColumn(stylename=styles.column(width(table, column))))
            check = check_of(column)
            if check is None:
                names.append(None)
                continue
            name = f"val-{table.name}-{column.header}"
            validation = ContentValidation(
                name=name,
                condition=_condition(check, table.name, _letter(index)),
                allowemptycell="true",
                basecelladdress=f"{table.name}.{_letter(index)}2",
                displaylist="unsorted" if check.kind == "list" else "none",
            )
            help_ = HelpMessage(display="true")
            help_.addElement(P(text=check.message_pl))
            validation.addElement(help_)
            error = ErrorMessage(display="true", messagetype="stop" if check.strict else "information")
            error.addElement(P(text=check.message_pl))
            validation.addElement(error)
            validations.addElement(validation)
            names.append(name)
        header = TableRow()
        for column in table.columns:
            header.addElement(
                _header_cell(
                    column.header, comment(table, column), styles.required if column.required else styles.header
                )
            )
        sheet.addElement(header)
        records = rows.get(table.name, [])
        for record in records:
            row = TableRow()
            for column, rule in zip(table.columns, names, strict=True):
                row.addElement(_cell_for(styles, column, record.get(column.header), rule))
            sheet.addElement(row)
        empty = TableRow(numberrowsrepeated=max(1, ROWS - len(records)))
        for column, rule in zip(table.columns, names, strict=True):
            empty.addElement(_cell_for(styles, column, None, rule))
        sheet.addElement(empty)
        sheets.append(sheet)
    doc.spreadsheet.addElement(validations)
    for sheet in sheets:
        doc.spreadsheet.addElement(sheet)
    _freeze_header(doc, [t.name for t in TABLES])
    out = io.BytesIO()
    doc.write(out)
    return out.getvalue()


def _cell_for(styles: _Styles, column: SourceColumn, value: Any, validation: str | None) -> TableCell:
    style = styles.format(number_format(column))
    if value is None:
        options: dict[str, Any] = {"stylename": style}
        if validation:
            options["contentvalidationname"] = validation
        return TableCell(**options)
    return _value_cell(value, style, validation)
