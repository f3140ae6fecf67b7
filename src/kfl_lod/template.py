"""The source workbook for the clerk: ``kfl-lod template [--format xlsx|ods] [--with-data]``.

One sheet per table with the Polish headers (frozen), a comment on every header from
:mod:`kfl_lod.source.notes` (the text docs/source-format.md shows), drop-down lists for
every controlled column, number, date and text formats, input checks where the
spreadsheet has them (postal code, positive numbers, coordinates inside Kraków), and a
"Jak wypełnić" sheet. With ``records`` it is filled with the source's rows, typed (numbers
as numbers, dates as dates) so the clerk edits what is there. What it writes reads back
through ``kfl-lod validate`` as it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from .source.cells import (
    DATE,
    DISTRICT,
    LAT_RANGE,
    LATITUDE,
    LON_RANGE,
    LONGITUDE,
    POSITIVE_NUMBER,
    POSTAL_CODE,
    WHOLE_POSITIVE,
    Invalid,
)
from .source.files import load_sheets
from .source.notes import LISTS, SCHEMES, TABLE_NOTES, allowed, comment
from .source.problems import Collector
from .source.tables import TABLES, Column, Table

FORMATS = ("xlsx", "ods")
GUIDE = "Jak wypełnić"
ROWS = 1000  # rows below the header that carry the drop-downs, checks and formats
Rows = dict[str, list[dict[str, Any]]]  # table name -> rows of header -> typed value

GUIDE_LINES = (
    "Jak wypełnić zestawienie / How to fill in the summary",
    "",
    "1. Każda tabela ma swój arkusz: instytucje, lokalizacje, przestrzenie, dobre_praktyki. "
    "Nie zmieniaj nazw arkuszy ani nagłówków w pierwszym wierszu.",
    "   Every table has its sheet; do not rename the sheets or the headers in row 1.",
    "2. Jeden wiersz to jeden rekord. Najedź na nagłówek, aby przeczytać, co wpisać w kolumnie "
    "(komentarz); kolumny oznaczone „wymagane” nie mogą być puste.",
    "   One row is one record. Hover over a header to read what the column holds; required columns may not be empty.",
    "3. Kolumna id: stały identyfikator z małych liter a–z bez polskich znaków, cyfr i łączników "
    "(np. sala-spotkan-1). Po publikacji id się nie zmienia — od niego pochodzi adres rekordu.",
    "   id: a stable slug (a–z, digits, hyphens); it never changes once published: the record's address is made of it.",
    "4. Kolumny z listą wyboru (rodzaj, typ, dzielnica, tak/nie) przyjmują tylko wartości z listy. "
    "W kolumnach wyposazenie i formy_udostepniania można wpisać kilka wartości z listy, oddzielając je przecinkami.",
    "   Columns with a drop-down take only its values; wyposazenie and formy_udostepniania take several, comma-separated.",
    "5. Liczby wpisuj bez słów i jednostek (40, nie „ok. 40”); daty jako RRRR-MM-DD (2026-02-19); "
    "kod pocztowy jako NN-NNN (31-154).",
    "   Numbers without words or units; dates RRRR-MM-DD; postal codes NN-NNN.",
    "6. instytucja_id, lokalizacja_id i przestrzen_id to id wiersza z arkusza instytucje, lokalizacje "
    "lub przestrzenie.",
    "   instytucja_id, lokalizacja_id and przestrzen_id hold the id of a row in that sheet.",
    "7. ilustracyjne = tak oznacza wpis przykładowy, którego nie podaje żadne publiczne źródło; "
    "zrodla to adresy stron, z których pochodzą dane.",
    "   ilustracyjne = tak marks an illustrative record no public source states; zrodla lists the pages the facts come from.",
    "8. Zapisz skoroszyt (.xlsx albo .ods) i sprawdź go na stronie /sprawdz albo poleceniem kfl-lod validate "
    "--source PLIK; kfl-lod diff pokaże, co zmieni publikacja.",
    "   Save the workbook and check it on the /sprawdz page or with kfl-lod validate --source FILE; "
    "kfl-lod diff shows what publishing would change.",
    "",
    "Opis wszystkich kolumn i wartości: docs/source-format.md. Every column and value: docs/source-format.md.",
)


@dataclass(frozen=True)
class Check:
    """An input check on a column's cells, as both spreadsheet formats can say it."""

    kind: str  # "list", "whole", "decimal", "date", "custom"
    values: tuple[str, ...] = ()  # for "list"
    low: str = ""  # bounds for whole/decimal/date; the formula for "custom"
    high: str = ""
    strict: bool = True  # refuse other input (False: only inform, e.g. several comma-separated values)
    message_pl: str = ""


def check_of(column: Column) -> Check | None:
    """The spreadsheet check of a column's cells, if the spreadsheet can say it."""
    values = allowed(column)
    if values:
        several = column.cell in LISTS
        message = (
            "Wybierz z listy; kilka wartości oddziel przecinkami, np. " + ", ".join(values[:2])
            if several
            else "Wybierz wartość z listy: " + ", ".join(values)
        )
        return Check("list", tuple(values), strict=not several, message_pl=message)
    if column.cell is WHOLE_POSITIVE:
        return Check("whole", low="1", high="1000000", message_pl="Wpisz liczbę całkowitą większą od zera, np. 40.")
    if column.cell is POSITIVE_NUMBER:
        return Check("decimal", low="0.01", high="1000000", message_pl="Wpisz liczbę większą od zera, np. 45,5.")
    if column.cell is LATITUDE:
        return Check(
            "decimal", low=str(LAT_RANGE[0]), high=str(LAT_RANGE[1]), message_pl="Szerokość w Krakowie: 49,96–50,13."
        )
    if column.cell is LONGITUDE:
        return Check(
            "decimal", low=str(LON_RANGE[0]), high=str(LON_RANGE[1]), message_pl="Długość w Krakowie: 19,78–20,23."
        )
    if column.cell is DATE:
        return Check("date", low="2000-01-01", high="2100-12-31", message_pl="Wpisz datę RRRR-MM-DD, np. 2026-02-19.")
    if column.cell is POSTAL_CODE:
        return Check("custom", low="postal", message_pl="Wpisz kod pocztowy NN-NNN, np. 31-154.")
    return None


def number_format(column: Column) -> str:
    """The cell format of a column: numbers, dates, or text (so ids and phones stay as typed)."""
    if column.cell is WHOLE_POSITIVE or column.cell is DISTRICT:
        return "0"
    if column.cell is POSITIVE_NUMBER:
        return "0.0#"
    if column.cell in (LATITUDE, LONGITUDE):
        return "0.000000"
    if column.cell is DATE:
        return "yyyy-mm-dd"
    return "@"


def typed(column: Column, text: str) -> Any:
    """A cell's text as the workbook should hold it: numbers and dates typed, the rest as text."""
    if not text:
        return None
    try:
        if column.cell is WHOLE_POSITIVE or column.cell is DISTRICT:
            return int(column.parse(text))
        if column.cell in (POSITIVE_NUMBER, LATITUDE, LONGITUDE):
            value = column.parse(text)
            return int(value) if isinstance(value, Decimal) and value == value.to_integral_value() else float(value)
        if column.cell is DATE:
            return column.parse(text)
    except (Invalid, ValueError):
        pass  # kept as the clerk wrote it: the check will name it
    return text


def source_rows(source: Path) -> Rows:
    """The source's rows as the template holds them (problems are left for ``kfl-lod validate``)."""
    sheets, _, _ = load_sheets(Path(source), Collector())
    rows: Rows = {}
    for table in TABLES:
        sheet = sheets.get(table.name)
        if sheet is None:
            continue
        rows[table.name] = [
            {c.header: typed(c, values.get(c.header, "").strip()) for c in table.columns}
            for _, values in sheet.rows
            if any(v.strip() for v in values.values())
        ]
    return rows


def width(table: Table, column: Column) -> float:
    """A column's width in characters: wide enough for the header and a typical value."""
    wide = {"nazwa": 36, "opis": 48, "warunki": 36, "zrodla": 40, "tytul": 32, "organizacja": 30, "ulica": 26}
    if column.header in wide:
        return wide[column.header]
    if column.cell in SCHEMES:
        return 26
    return max(12, len(column.header) + 4)


def write(path: Path, fmt: str | None = None, rows: Rows | None = None) -> Path:
    """Write the template to ``path`` (format from ``fmt`` or the file's suffix); return the path."""
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".") or "xlsx").lower()
    if fmt not in FORMATS:
        raise ValueError(f"unknown template format {fmt!r}; expected one of: {', '.join(FORMATS)}")
    rows = rows or {}
    if fmt == "xlsx":
        from .template_xlsx import write_xlsx

        data = write_xlsx(rows)
    else:
        from .template_ods import write_ods

        data = write_ods(rows)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)  # a half-written template is never left under the clerk's name
    return path


def as_bytes(fmt: str, rows: Rows | None = None) -> bytes:
    """The template's bytes (for the web page's download): the same in every server process."""
    if fmt == "xlsx":
        from .template_xlsx import write_xlsx

        return steady(write_xlsx(rows or {}))
    if fmt == "ods":
        from .template_ods import write_ods

        return steady(write_ods(rows or {}))
    raise ValueError(fmt)


_STAMP = re.compile(rb"(<(?:dcterms:created|dcterms:modified|meta:creation-date|dc:date)\b[^>]*>)[^<]*(<)")
_ROOT = re.compile(rb"<[A-Za-z][^>]*>")
_ATTRIBUTE = re.compile(rb'\s+([\w:.-]+)="([^"]*)"')


def steady(data: bytes) -> bytes:
    """A workbook (zip) with fixed entry times and document dates, and its namespaces in one order.

    Each server process makes the template itself; without this, replicas would send different
    bytes for the same URL (zip times, the writer's creation date, odfpy's namespace order,
    which follows the process's hash seed).
    """
    import functools
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():  # in order: an ODS's "mimetype" stays first and stored
            body = source.read(item.filename)
            if item.filename.endswith(".xml"):
                body = _STAMP.sub(rb"\g<1>1980-01-01T00:00:00Z\2", body)
                body = _ROOT.sub(functools.partial(_sorted_namespaces, body=body), body, count=1)
            info = zipfile.ZipInfo(item.filename, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = item.compress_type
            info.external_attr = item.external_attr or 0o644 << 16
            target.writestr(info, body)
    return out.getvalue()


def _sorted_namespaces(match: re.Match[bytes], body: bytes = b"") -> bytes:
    """The root tag with its namespaces sorted and those the document never uses left out.

    odfpy declares every namespace whose module some code in the process has imported (pandas'
    ODS reader imports draw, chart, presentation), so the declarations differ between processes.
    """
    tag = match.group(0)
    if b"xmlns" not in tag:
        return tag
    name = re.match(rb"<[^\s/>]+", tag)
    assert name is not None
    found = _ATTRIBUTE.findall(tag)
    # Where a prefix may be used: the root's own name and attributes, and everything after the root tag.
    rest = b" ".join([name.group(0)[1:], *(a for a, _ in found if not a.startswith(b"xmlns"))]) + body[match.end() :]

    def used(attribute: bytes) -> bool:
        prefix = attribute.partition(b":")[2]
        return not prefix or re.search(rb"(?<![\w.-])" + re.escape(prefix) + rb":", rest) is not None

    pairs = [p for p in found if not p[0].startswith(b"xmlns") or used(p[0])]
    spaces = sorted(p for p in pairs if p[0].startswith(b"xmlns"))
    others = [p for p in pairs if not p[0].startswith(b"xmlns")]
    end = b"/>" if tag.endswith(b"/>") else b">"
    return name.group(0) + b"".join(b' %s="%s"' % p for p in spaces + others) + end


__all__ = [
    "FORMATS",
    "GUIDE",
    "GUIDE_LINES",
    "ROWS",
    "TABLE_NOTES",
    "Check",
    "check_of",
    "comment",
    "date",
    "number_format",
    "source_rows",
    "width",
    "write",
]
