"""kfl.xlsx: the rooms table of kfl.csv as an Excel workbook, for people who open data in Excel.

The CSV stays the machine format (RFC 4180, described by CSVW); this workbook holds the same
rows and columns, with numbers as numbers, a bold frozen header with filters, readable column
widths and every text cell written as text (a name starting with "=" never becomes a formula).
The same rows give the same bytes: zip entries and document dates are fixed.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from decimal import Decimal, InvalidOperation

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

SHEET = "sale"
# Fixed time of every zip entry and of the document's dates: bytes depend on the rows only.
EPOCH = (1980, 1, 1, 0, 0, 0)
FIXED_W3CDTF = "1980-01-01T00:00:00Z"
# Columns whose values are numbers (by the CSV header's ending).
NUMERIC = re.compile(r"(liczba_miejsc|powierzchnia_m2|szerokosc|dlugosc|dzielnica)$")
MAX_WIDTH = 60


def _number(value: str) -> int | float | str:
    try:
        number = Decimal(value)
    except InvalidOperation:
        return value
    return int(number) if number == number.to_integral_value() and "." not in value else float(number)


def from_csv(data: bytes) -> bytes:
    """The workbook of a published CSV (UTF-8, header row first)."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
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
            if numeric[c - 1]:
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


def _fixed(book: Workbook) -> bytes:
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
            info = zipfile.ZipInfo(item.filename, date_time=EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, data)
    return out.getvalue()
