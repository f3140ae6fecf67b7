"""kfl.xlsx: the rooms table of kfl.csv as an Excel workbook, for people who open data in Excel.

The CSV stays the machine format (RFC 4180, described by CSVW); this workbook holds the same
rows and columns, with numbers as numbers, a bold frozen header with filters, readable column
widths and every text cell written as text (a name starting with "=" never becomes a formula).
The same rows give the same bytes: zip entries and document dates are fixed.

openpyxl writes the workbook's frame (styles, header row, widths, filter); the rows are written
here as the same XML openpyxl would write for them (inline strings, ``%.16g`` numbers, characters
outside ASCII as references), because openpyxl's per-cell objects took 7 CPU s and ~1 GB at
35,000 spaces. ``tests/test_xlsx.py`` compares the bytes with openpyxl writing every cell.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

SHEET = "sale"
SHEET_PART = "xl/worksheets/sheet1.xml"
# Fixed time of every zip entry and of the document's dates: bytes depend on the rows only.
EPOCH = (1980, 1, 1, 0, 0, 0)
FIXED_W3CDTF = "1980-01-01T00:00:00Z"
# Columns whose values are numbers (by the CSV header's ending).
NUMERIC = re.compile(r"(liczba_miejsc|powierzchnia_m2|szerokosc|dlugosc|dzielnica)$")
MAX_WIDTH = 60
# Characters XML 1.0 cannot hold: openpyxl refuses them; such a table takes openpyxl's own path.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _number(value: str) -> int | float | str:
    try:
        number = Decimal(value)
    except InvalidOperation:
        return value
    return int(number) if number == number.to_integral_value() and "." not in value else float(number)


def from_csv(data: bytes) -> bytes:
    """The workbook of a published CSV (UTF-8, header row first)."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    try:
        return _fast(rows)
    except _Unusual:
        return _openpyxl(rows)


class _Unusual(Exception):
    """A value the fast writer does not write the way openpyxl would (left to openpyxl)."""


def _frame(header: list[str], widths: list[int], last_row: int) -> Workbook:
    """The workbook with the header row, widths, frozen header and filter: everything but the body."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for c, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = min(MAX_WIDTH, width + 2)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{last_row}"
    return book


def _fast(rows: list[list[str]]) -> bytes:
    if not rows:
        return _openpyxl(rows)
    header, body = rows[0], rows[1:]
    if any(len(row) > len(header) for row in body):
        raise _Unusual  # cells beyond the header: openpyxl's own dimension and widths
    numeric = [bool(NUMERIC.search(h)) for h in header]
    letters = [get_column_letter(c) for c in range(1, len(header) + 1)]
    widths = [len(h) for h in header]
    parts: list[str] = []
    add = parts.append
    last = 1  # the last row with a value (openpyxl's dimension)
    for r, row in enumerate(body, start=2):
        opened = len(parts)
        add(f'<row r="{r}">')
        for c, value in enumerate(row):
            if len(value) > widths[c]:
                widths[c] = len(value)
            if value == "":
                continue
            last = r
            if numeric[c]:
                number = _number(value)
                if not isinstance(number, str):
                    if isinstance(number, float) and not math.isfinite(number):
                        raise _Unusual
                    add(f'<c r="{letters[c]}{r}" t="n"><v>{number:.16g}</v></c>')  # openpyxl's "%.16g"
                    continue
            if _NOT_XML.search(value):
                raise _Unusual
            text = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
            space = ' xml:space="preserve"' if value != value.strip() else ""
            add(f'<c r="{letters[c]}{r}" t="inlineStr"><is><t{space}>{text}</t></is></c>')
        if len(parts) == opened + 1:  # no cell: openpyxl writes no row
            parts.pop()
        else:
            add("</row>")
    if any(_NOT_XML.search(h) for h in header):
        raise _Unusual
    book = _frame(header, widths, len(rows))
    # The frame's sheet holds row 1 only; its dimension is widened to the last row with a value.
    rest = "".join(parts).encode("ascii", "xmlcharrefreplace")
    dimension = f"A1:{letters[-1]}{last}".encode() if last > 1 else None

    def sheet_xml(frame: bytes) -> bytes:
        if dimension is not None:
            frame = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="' + dimension + b'"/>', frame, count=1)
        head, end, tail = frame.rpartition(b"</sheetData>")
        if not end:
            raise _Unusual
        return head + rest + end + tail

    return _fixed(book, {SHEET_PART: sheet_xml})


def _openpyxl(rows: list[list[str]]) -> bytes:
    """The workbook written cell by cell by openpyxl (the reference the fast path matches)."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    if not rows:
        return _fixed(book)
    header, body = rows[0], rows[1:]
    numeric = [bool(NUMERIC.search(h)) for h in header]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for r, row in enumerate(body, start=2):
        for c, value in enumerate(row, start=1):
            if value == "":
                continue
            cell = sheet.cell(row=r, column=c)
            if c <= len(numeric) and numeric[c - 1]:
                cell.value = _number(value)
                if isinstance(cell.value, str):
                    cell.data_type = "s"
            else:
                cell.value = value
                cell.data_type = "s"  # text stays text: no formula, no date guessing
    for c, name in enumerate(header, start=1):
        longest = max([len(name)] + [len(row[c - 1]) for row in body if len(row) >= c])
        sheet.column_dimensions[get_column_letter(c)].width = min(MAX_WIDTH, longest + 2)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows)}"
    return _fixed(book)


def _fixed(book: Workbook, change: dict[str, Callable[[bytes], bytes]] | None = None) -> bytes:
    """Save ``book`` with fixed dates and zip times, so equal rows give equal bytes."""
    raw = io.BytesIO()
    book.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in sorted(source.infolist(), key=lambda i: i.filename != "[Content_Types].xml"):
            data = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", rb"\g<1>" + FIXED_W3CDTF.encode() + rb"\2", data
                )
            if change and item.filename in change:
                data = change[item.filename](data)
            info = zipfile.ZipInfo(item.filename, date_time=EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, data)
    return out.getvalue()
