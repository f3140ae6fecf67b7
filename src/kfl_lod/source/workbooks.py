"""Read XLSX and ODS workbooks as the clerk sees them, in bounded time and memory.

Each sheet is streamed row by row: only rows with content are kept, so a sheet formatted
down to row 1,048,576 costs no memory, and a file whose parts, rows, columns or cells go
beyond :mod:`~kfl_lod.source.limits` is refused as soon as that is known, before the rest
is unpacked. Cells a reader would silently turn into "empty" are kept as :class:`Flagged`
text so the reader can say what happened: a formula without a saved value, an error value
such as ``#DIV/0!``. Merged cells and hidden sheets are reported with the sheet.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import iterparse

from .limits import (
    MAX_CELLS,
    MAX_COLUMN_NUMBER,
    MAX_ROW_NUMBER,
    MAX_ROWS,
    MAX_SHEETS,
    MAX_UNPACKED_BYTES,
    mib,
)


class Flagged(str):
    """A cell whose value cannot be used as it stands: a formula without a saved value, an error value."""

    kind: str = ""

    def __new__(cls, text: str, kind: str) -> Flagged:
        self = super().__new__(cls, text)
        self.kind = kind
        return self

    def __bool__(self) -> bool:
        return True  # a cell with something in it, even if its text is empty: never a blank row


class Refused(Exception):
    """A workbook beyond a limit: the catalogue key of the problem and its facts."""

    def __init__(self, key: str, **facts: Any) -> None:
        super().__init__(key)
        self.key = key
        self.facts = facts


@dataclass
class RawSheet:
    """One sheet as read: its rows with content and its merged ranges."""

    name: str
    hidden: bool
    rows: dict[int, dict[int, Any]] = field(default_factory=dict)  # row number -> {column index from 0 -> value}
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # first row, first col, last row, last col

    def grid(self) -> list[list[Any]]:
        """The rows as a list indexed by row number - 1, up to the last row with content."""
        last = max(self.rows, default=0)
        grid: list[list[Any]] = [[] for _ in range(last)]
        for number, cells in self.rows.items():
            width = max(cells) + 1
            grid[number - 1] = [cells.get(i) for i in range(width)]
        return grid


def _check_parts(path: Path) -> None:
    """Refuse a workbook whose parts unpack beyond the limit, before unpacking any."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise Refused("bad-workbook", error=f"{type(exc).__name__}: {exc}") from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise Refused("too-big:unpacked", size=mib(unpacked), limit=mib(MAX_UNPACKED_BYTES))


class _Rows:
    """Counts rows and cells as a sheet streams in, and refuses one beyond the limits."""

    def __init__(self, sheet: RawSheet) -> None:
        self.sheet = sheet
        self.elements = 0
        self.cells = 0

    def element(self, number: int) -> None:
        self.elements += 1
        if number > MAX_ROW_NUMBER or self.elements > MAX_ROW_NUMBER:
            raise Refused("too-big:row-number", sheet=self.sheet.name, limit=f"{MAX_ROW_NUMBER:,}")

    def skipped(self, count: int) -> None:
        """Count empty rows cut out before parsing: they bound the work like any other."""
        self.elements += count
        if self.elements > MAX_ROW_NUMBER:
            raise Refused("too-big:row-number", sheet=self.sheet.name, limit=f"{MAX_ROW_NUMBER:,}")

    def column(self, number: int) -> None:
        if number > MAX_COLUMN_NUMBER:
            raise Refused("too-big:column-number", sheet=self.sheet.name, limit=f"{MAX_COLUMN_NUMBER:,}")

    def keep(self, number: int, cells: dict[int, Any]) -> None:
        if not cells:
            return
        self.sheet.rows.setdefault(number, {}).update(cells)
        self.cells += len(cells)
        if len(self.sheet.rows) > MAX_ROWS:
            raise Refused("too-big:rows", sheet=self.sheet.name, limit=f"{MAX_ROWS:,}")
        if self.cells > MAX_CELLS:
            raise Refused("too-big:cells", sheet=self.sheet.name, limit=f"{MAX_CELLS:,}")


# --- XLSX (each sheet streamed; openpyxl reads the cells that have content) --------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_X_SHEET_DATA, _X_ROW, _X_FORMULA, _X_MERGE = (f"{{{_MAIN}}}{n}" for n in ("sheetData", "row", "f", "mergeCell"))


def _column_of(coordinate: str | None) -> int | None:
    """The column number (from 1) of a cell reference such as 'AB12'; None without one.

    >>> _column_of("AB12"), _column_of(None)
    (28, None)
    """
    if not coordinate:
        return None
    number = 0
    for char in coordinate:
        if "A" <= char <= "Z":
            number = number * 26 + ord(char) - 64
        else:
            break
    return number


# An empty row with its number, however formatted: <row r="12" s="3" customFormat="1"/>.
_EMPTY_ROW = re.compile(rb"<(?:\w+:)?row\s[^<>]*?\br=\"\d+\"[^<>]*/>")


class _WithoutEmptyRows:
    """A sheet's XML with its numbered empty rows cut out in C, counted, before the XML parser sees them.

    A sheet formatted down to row 1,048,576 then costs a regular-expression pass, not a
    million parser events; rows without a number are kept, since their place counts.
    """

    def __init__(self, source, counter: _Rows) -> None:
        self.source = source
        self.counter = counter
        self.carry = b""

    def read(self, size: int = -1) -> bytes:
        while True:  # an empty answer means the end to the parser: read on until there is something
            chunk = self.source.read(max(size, 1 << 20))
            data = self.carry + chunk
            if chunk:
                cut = data.rfind(b">") + 1  # a tag may continue in the next chunk
                data, self.carry = data[:cut], data[cut:]
            else:
                self.carry = b""
            data, removed = _EMPTY_ROW.subn(b"", data)
            self.counter.skipped(removed)
            if data or not chunk:
                return data


def _stream_sheet(source, cell_parser, sheet: RawSheet) -> None:
    """Read one sheet's rows with content and its merged ranges, refusing it beyond a limit."""
    counter = _Rows(sheet)
    parent = None
    number = 0
    for event, element in iterparse(_WithoutEmptyRows(source, counter), events=("start", "end")):
        if event == "start":
            if element.tag == _X_SHEET_DATA:
                parent = element
            continue
        if element.tag == _X_ROW:
            r = element.get("r")
            try:
                number = int(r) if r is not None else number + 1
            except ValueError:
                raise Refused("bad-workbook", error=f"row number {r!r}") from None
            counter.element(number)
            if len(element):
                counter.keep(number, _row_cells(element, number, cell_parser, counter))
            if parent is not None:
                parent.remove(element)  # keep no parsed row in memory
            else:
                element.clear()
        elif element.tag == _X_MERGE:
            ref = element.get("ref")
            if ref:
                sheet.merges.append(_range(ref))
            element.clear()


def _row_cells(row, number: int, cell_parser, counter: _Rows) -> dict[int, Any]:
    """The cells with content of one row: column index from 0 -> value (or Flagged)."""
    kept: dict[int, Any] = {}
    cell_parser.row_counter, cell_parser.col_counter = number, 0
    for n, c in enumerate(row, start=1):
        column = _column_of(c.get("r")) or cell_parser.col_counter + 1
        counter.column(max(n, column))
        if not len(c) and c.get("t") != "inlineStr":  # a formatted cell without content
            cell_parser.col_counter = column
            continue
        cell = cell_parser.parse_cell(c)
        value = cell["value"]
        if cell["data_type"] == "e":
            value = Flagged(str(value), "error")
        elif value is None and c.find(_X_FORMULA) is not None:
            value = Flagged("", "formula")
        if isinstance(value, Flagged) or (value is not None and value != ""):
            kept[cell["column"] - 1] = value
    return kept


def read_xlsx(path: Path) -> list[RawSheet]:
    """Every worksheet of an XLSX file; raise Refused for a file beyond a limit or unreadable."""
    from openpyxl import load_workbook
    from openpyxl.worksheet._reader import WorkSheetParser

    _check_parts(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise Refused("bad-workbook", error=f"{type(exc).__name__}: {exc}") from exc
    sheets: list[RawSheet] = []
    try:
        if len(workbook.worksheets) > MAX_SHEETS:
            raise Refused("too-big:sheets", count=len(workbook.worksheets), limit=MAX_SHEETS)
        for ws in workbook.worksheets:
            sheet = RawSheet(ws.title, ws.sheet_state != "visible")
            # openpyxl's own cell reading (shared strings, dates by style, booleans, errors),
            # with the cached value of a formula cell rather than its text.
            cells = WorkSheetParser(
                None,
                ws._shared_strings,
                data_only=True,
                epoch=workbook.epoch,
                date_formats=workbook._date_formats,
                timedelta_formats=workbook._timedelta_formats,
            )
            try:
                with ws._get_source() as source:
                    _stream_sheet(source, cells, sheet)
            except Refused:
                raise
            except Exception as exc:  # a broken sheet part
                raise Refused("bad-workbook", error=f"{type(exc).__name__}: {exc}") from exc
            sheets.append(sheet)
    finally:
        workbook.close()
    return sheets


def _range(ref: str) -> tuple[int, int, int, int]:
    """A range such as 'B3:D5' as (first row, first column from 0, last row, last column from 0).

    >>> _range("B3:D5"), _range("A1")
    ((3, 1, 5, 3), (1, 0, 1, 0))
    """
    from openpyxl.utils.cell import range_boundaries

    min_col, min_row, max_col, max_row = range_boundaries(ref)
    return min_row, min_col - 1, max_row, max_col - 1


# --- ODS (content.xml streamed) --------------------------------------------------------------

_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
_CALCEXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"


def _q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


_T_TABLE, _T_ROW, _T_CELL, _T_COVERED = (
    _q(_TABLE, n) for n in ("table", "table-row", "table-cell", "covered-table-cell")
)
_P = _q(_TEXT, "p")


def _ods_text(cell) -> str:
    """The text of an ODS cell: its paragraphs joined by line breaks, <text:s/> as spaces.

    Only the cell's own paragraphs: a comment (office:annotation) holds paragraphs too.
    """
    return "\n".join("".join(_inline(p)) for p in cell.findall(_P))


def _inline(node):
    if node.text:
        yield node.text
    for child in node:
        if child.tag == _q(_TEXT, "s"):
            yield " " * int(child.get(_q(_TEXT, "c"), "1") or 1)
        elif child.tag == _q(_TEXT, "line-break"):
            yield "\n"
        elif child.tag == _q(_TEXT, "tab"):
            yield "\t"
        else:
            yield from _inline(child)
        if child.tail:
            yield child.tail


def _ods_value(cell) -> Any:
    """An ODS cell's value as the clerk sees it, a Flagged cell, or None when empty."""
    kind = cell.get(_q(_OFFICE, "value-type"))
    formula = cell.get(_q(_TABLE, "formula"))
    if cell.get(_q(_CALCEXT, "value-type")) == "error":
        return Flagged(_ods_text(cell) or "#ERR", "error")
    if kind in ("float", "percentage", "currency"):
        value = cell.get(_q(_OFFICE, "value"), "")
        return re.sub(r"^(-?\d+)\.0*$", r"\1", value) if value else (Flagged("", "formula") if formula else None)
    if kind == "date":
        value = cell.get(_q(_OFFICE, "date-value"), "")
        return value[:10] if value.endswith("T00:00:00") or len(value) == 10 else value.replace("T", " ")
    if kind == "boolean":
        return cell.get(_q(_OFFICE, "boolean-value")) == "true"
    if kind == "time":
        return cell.get(_q(_OFFICE, "time-value"))
    text = _ods_text(cell)
    if formula and kind is None and not text:
        return Flagged("", "formula")
    if formula and re.fullmatch(r"#[A-Z/0!?]+[!?]?|Err:\d+|#N/A", text):
        return Flagged(text, "error")
    return text or None


def read_ods(path: Path) -> list[RawSheet]:
    """Every sheet of an ODS file; raise Refused for a file beyond a limit or unreadable."""
    _check_parts(path)
    try:
        with zipfile.ZipFile(path) as archive, archive.open("content.xml") as content:
            return _parse_ods(content)
    except Refused:
        raise
    except Exception as exc:  # a broken file: not a zip, no content.xml, bad XML
        raise Refused("bad-workbook", error=f"{type(exc).__name__}: {exc}") from exc


def _parse_ods(content) -> list[RawSheet]:
    hidden_styles: set[str] = set()
    sheets: list[RawSheet] = []
    stack: list[Any] = []
    sheet: RawSheet | None = None
    counter: _Rows | None = None
    row_number = 0
    column = 0
    cells: dict[int, Any] = {}
    for event, element in iterparse(content, events=("start", "end")):
        if event == "start":
            stack.append(element)
            if element.tag == _T_TABLE:
                if len(sheets) >= MAX_SHEETS:
                    raise Refused("too-big:sheets", count=f"{MAX_SHEETS}+", limit=MAX_SHEETS)
                name = element.get(_q(_TABLE, "name"), f"Sheet{len(sheets) + 1}")
                sheet = RawSheet(name, element.get(_q(_TABLE, "style-name")) in hidden_styles)
                counter = _Rows(sheet)
                row_number = 0
            elif element.tag == _T_ROW:
                column = 0
                cells = {}
            continue
        stack.pop()
        tag = element.tag
        if tag == _q(_STYLE, "style") and element.get(_q(_STYLE, "family")) == "table":
            props = element.find(_q(_STYLE, "table-properties"))
            if props is not None and props.get(_q(_TABLE, "display")) == "false":
                hidden_styles.add(element.get(_q(_STYLE, "name"), ""))
        elif tag in (_T_CELL, _T_COVERED) and sheet is not None and counter is not None:
            repeat = int(element.get(_q(_TABLE, "number-columns-repeated"), "1") or 1)
            value = _ods_value(element) if tag == _T_CELL else None
            if value is not None and value != "" or isinstance(value, Flagged):
                counter.column(column + repeat)
                for i in range(repeat):
                    cells[column + i] = value
                rows_spanned = int(element.get(_q(_TABLE, "number-rows-spanned"), "1") or 1)
                cols_spanned = int(element.get(_q(_TABLE, "number-columns-spanned"), "1") or 1)
                if rows_spanned > 1 or cols_spanned > 1:
                    sheet.merges.append((row_number + 1, column, row_number + rows_spanned, column + cols_spanned - 1))
            column += repeat
            if repeat == 1 and column > MAX_COLUMN_NUMBER:
                counter.column(column)  # empty cells, one element each, beyond the last column
            if stack:
                stack[-1].remove(element)
        elif tag == _T_ROW and sheet is not None and counter is not None:
            repeat = int(element.get(_q(_TABLE, "number-rows-repeated"), "1") or 1)
            if cells:
                # A repeated row with content is that many rows: refused at once if they go beyond a limit.
                if row_number + repeat > MAX_ROW_NUMBER:
                    raise Refused("too-big:row-number", sheet=sheet.name, limit=f"{MAX_ROW_NUMBER:,}")
                if len(sheet.rows) + repeat > MAX_ROWS:
                    raise Refused("too-big:rows", sheet=sheet.name, limit=f"{MAX_ROWS:,}")
                for _ in range(repeat):
                    row_number += 1
                    counter.element(row_number)
                    counter.keep(row_number, dict(cells))
            else:
                row_number += repeat  # empty rows, however many, cost nothing
                if row_number > MAX_ROW_NUMBER and repeat == 1:
                    counter.element(row_number)
            if stack:
                stack[-1].remove(element)
        elif tag == _T_TABLE and sheet is not None:
            sheets.append(sheet)
            sheet = None
            if stack:
                stack[-1].remove(element)
    return sheets
