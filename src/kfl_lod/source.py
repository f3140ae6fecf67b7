"""Read and check the source tables; the only module that knows the column headers.

``read_source(path)`` takes a folder of CSV files or one XLSX/ODS workbook and returns
:class:`Records`, or raises :class:`SourceError` listing every problem at once, each with
file (and sheet), row as the clerk sees it, column, value and what is expected.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from .errors import Problem, SourceError
from .records import Institution, Origin, Practice, Records, Space, Venue
from .vocab import DISTRICTS, EQUIPMENT, INSTITUTION_TYPES, SHARING_MODES, SPACE_TYPES, Scheme, roman

WORKBOOK_SUFFIXES = (".xlsx", ".ods")
# Kraków's bounding box with a small margin (reference: 49.97–50.13, 19.79–20.22).
LAT_RANGE = (Decimal("49.96"), Decimal("50.13"))
LON_RANGE = (Decimal("19.78"), Decimal("20.23"))

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
POSTAL = re.compile(r"^\d{2}-\d{3}$")
EMAIL = re.compile(r"^[^@\s<>\"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")
PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{6,18}[0-9]$")
# Characters that may not appear in an IRI (RFC 3987) are refused, so every dump stays valid.
URL = re.compile(r"^https?://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?::\d+)?(?:[/?#][^\s<>\"{}|\\^`\x00-\x1f\x7f]*)?$")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
WIKIDATA = re.compile(r"^Q[1-9][0-9]*$")
ROMAN_TO_INT = {roman(n): n for n in DISTRICTS}


class Invalid(ValueError):
    """A cell's value is not what the column expects; the message says what is."""


# --- cell parsers: text in, typed value out, or Invalid(what is expected) ---------------

def text(value: str) -> str:
    return value


def slug(value: str) -> str:
    if not SLUG.match(value):
        raise Invalid("is not a valid id; expected lower-case letters a-z, digits and hyphens, e.g. 'sala-spotkan-1'")
    return value


def yes_no(value: str) -> bool | None:
    v = value.lower()
    if v in ("tak", "t", "yes", "1", "true"):
        return True
    if v in ("nie", "n", "no", "0", "false"):
        return False
    raise Invalid("is not yes or no; expected 'tak' or 'nie'")


def whole_positive(value: str) -> int:
    v = value.replace(" ", "").replace("\u00a0", "")
    if not re.fullmatch(r"\d+", v) or int(v) <= 0:
        raise Invalid("is not a positive whole number; expected e.g. 40")
    return int(v)


def positive_number(value: str) -> Decimal:
    v = value.replace(" ", "").replace("\u00a0", "").replace(",", ".")
    try:
        number = Decimal(v)
    except InvalidOperation:
        raise Invalid("is not a number; expected a positive number such as 45 or 45,5") from None
    if not number.is_finite() or number <= 0:
        raise Invalid("is not a positive number; expected a number greater than 0 such as 45 or 45,5")
    return number


def coordinate(bounds: tuple[Decimal, Decimal], name: str) -> Callable[[str], Decimal]:
    def parse(value: str) -> Decimal:
        try:
            number = Decimal(value.replace(",", "."))
        except InvalidOperation:
            raise Invalid(f"is not a number; expected a {name} in decimal degrees such as {bounds[0] + Decimal('0.05')}") from None
        if not number.is_finite() or not bounds[0] <= number <= bounds[1]:
            raise Invalid(f"is outside Kraków; expected a {name} between {bounds[0]} and {bounds[1]}")
        return number

    return parse


def iso_date(value: str) -> date:
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid("is not a date; expected RRRR-MM-DD, e.g. 2026-02-19") from None


def postal_code(value: str) -> str:
    if not POSTAL.match(value):
        raise Invalid("is not a postal code; expected NN-NNN, e.g. 31-154")
    return value


def email(value: str) -> str:
    if not EMAIL.match(value):
        raise Invalid("is not an e-mail address; expected e.g. sekretariat@example.pl")
    return value


def phone(value: str) -> str:
    if not PHONE.match(value):
        raise Invalid("is not a phone number; expected digits with optional +48, spaces or hyphens, e.g. +48 12 616 78 23")
    return value


def url(value: str) -> str:
    if not URL.match(value):
        raise Invalid("is not a web address; expected a full http:// or https:// URL, e.g. https://example.pl/")
    return value


def urls(value: str) -> tuple[str, ...]:
    items = tuple(value.split())
    for item in items:
        if not URL.match(item):
            raise Invalid(f"contains {item!r}, which is not a web address; expected http(s) URLs separated by spaces")
    return items


def wikidata(value: str) -> str:
    if not WIKIDATA.match(value):
        raise Invalid("is not a Wikidata id; expected Q followed by digits, e.g. Q31487")
    return value


def district(value: str) -> int:
    v = value.strip().upper()
    number = ROMAN_TO_INT.get(v) or (int(v) if v.isdigit() else 0)
    if number not in DISTRICTS:
        raise Invalid("is not a district of Kraków; expected a number from 1 to 18 (or I–XVIII)")
    return number


def one_of(scheme: Scheme) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if value not in scheme.slugs():
            raise Invalid(f"is not an allowed value; expected one of: {', '.join(scheme.slugs())}")
        return value

    return parse


def list_of(scheme: Scheme) -> Callable[[str], tuple[str, ...]]:
    def parse(value: str) -> tuple[str, ...]:
        items = [v.strip() for v in re.split(r"[,;]", value) if v.strip()]
        bad = [v for v in items if v not in scheme.slugs()]
        if bad:
            raise Invalid(f"contains {', '.join(repr(b) for b in bad)}; expected values from: {', '.join(scheme.slugs())}, separated by commas")
        seen: list[str] = []
        for v in items:
            if v not in seen:
                seen.append(v)
        return tuple(seen)

    return parse


# --- the tables ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    header: str
    field: str
    parse: Callable[[str], Any] = text
    required: bool = False


@dataclass(frozen=True)
class Table:
    name: str  # file stem and sheet name
    columns: tuple[Column, ...]
    optional: bool = False  # the whole table may be absent

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"


INSTITUTIONS = Table("instytucje", (
    Column("id", "id", slug, True),
    Column("nazwa", "name", text, True),
    Column("nazwa_skrocona", "short_name"),
    Column("typ", "type", one_of(INSTITUTION_TYPES), True),
    Column("strona_www", "website", url),
    Column("email", "email", email),
    Column("telefon", "phone", phone),
    Column("kontakt_osoba", "contact_person"),
    Column("kontakt_email", "contact_email", email),
    Column("kontakt_telefon", "contact_phone", phone),
    Column("kontakt_zgoda", "contact_consent", yes_no),
    Column("wikidata", "wikidata", wikidata),
    Column("opis", "description"),
    Column("zrodla", "sources", urls),
))

VENUES = Table("lokalizacje", (
    Column("id", "id", slug, True),
    Column("instytucja_id", "institution", slug, True),
    Column("nazwa", "name", text, True),
    Column("ulica", "street"),
    Column("kod_pocztowy", "postal_code", postal_code),
    Column("miejscowosc", "locality", text, True),
    Column("dzielnica", "district", district),
    Column("szerokosc", "latitude", coordinate(LAT_RANGE, "latitude")),
    Column("dlugosc", "longitude", coordinate(LON_RANGE, "longitude")),
    Column("dostep_wozki", "step_free", yes_no),
    Column("godziny_otwarcia", "opening_hours"),
    Column("zrodla", "sources", urls),
))

SPACES = Table("przestrzenie", (
    Column("id", "id", slug, True),
    Column("lokalizacja_id", "venue", slug, True),
    Column("nazwa", "name", text, True),
    Column("rodzaj", "type", one_of(SPACE_TYPES), True),
    Column("opis", "description"),
    Column("liczba_miejsc", "capacity", whole_positive),
    Column("powierzchnia_m2", "area_m2", positive_number),
    Column("wyposazenie", "equipment", list_of(EQUIPMENT)),
    Column("formy_udostepniania", "sharing_modes", list_of(SHARING_MODES)),
    Column("nieodplatnie", "free_of_charge", yes_no),
    Column("warunki", "conditions"),
    Column("zweryfikowano", "verified", iso_date),
    Column("ilustracyjne", "illustrative", yes_no, True),
    Column("zrodla", "sources", urls),
))

PRACTICES = Table("dobre_praktyki", (
    Column("id", "id", slug, True),
    Column("przestrzen_id", "space", slug, True),
    Column("organizacja", "organisation", text, True),
    Column("tytul", "title", text, True),
    Column("data", "date", iso_date),
    Column("opis", "description"),
    Column("url", "url", url),
    Column("ilustracyjne", "illustrative", yes_no, True),
), optional=True)

TABLES = (INSTITUTIONS, VENUES, SPACES, PRACTICES)


@dataclass
class Sheet:
    """A table as read: where it came from and its rows as header -> text."""

    label: str  # "source/przestrzenie.csv" or "zestawienie.xlsx, sheet przestrzenie"
    headers: list[str]
    header_row: int  # as the spreadsheet numbers it, usually 1
    rows: list[tuple[int, dict[str, str]]]  # (row number as the clerk sees it, header -> text)


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, file: str, row: int | None, column: str | None, value: str | None, message: str, code: str) -> None:
        self.problems.append(Problem(file, row, column, value, message, code))


# --- reading files ------------------------------------------------------------------------

def _decode(path: Path, label: str, problems: _Collector) -> str | None:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a BOM
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.add(label, line, None, repr(data[exc.start:exc.start + 4]),
                     f"the file is not UTF-8 (byte {exc.start}, line {line}); save it as 'CSV UTF-8' and try again",
                     "not-utf8")
        return None


def _read_csv(path: Path, label: str, problems: _Collector) -> Sheet | None:
    content = _decode(path, label, problems)
    if content is None:
        return None
    if not content.strip():
        problems.add(label, None, None, None, "the file is empty; expected a header row and at least one record", "empty-file")
        return None
    first_line = next(line for line in content.splitlines() if line.strip())
    # Excel in a Polish locale saves "CSV" with semicolons; the header row tells which.
    sep = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=sep)
    try:
        grid = [list(cells) for cells in reader]
    except csv.Error as exc:
        problems.add(label, reader.line_num, None, None,
                     f"the file is not a readable CSV table ({exc}); save it again as 'CSV UTF-8'", "bad-csv")
        return None
    return _sheet_from_grid(grid, label, problems)


def _cell(value: Any) -> str:
    """A workbook cell as the text a clerk would type into the CSV."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "tak" if value else "nie"
    if isinstance(value, float):
        if value != value:  # NaN: an empty cell
            return ""
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):  # a date cell (pandas Timestamp is a datetime too)
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _sheet_from_grid(grid: list[list[Any]], label: str, problems: _Collector) -> Sheet | None:
    """Make a Sheet from rows of cells; row numbers are those the spreadsheet shows."""
    cells = [[_cell(c) for c in row] for row in grid]
    start = next((i for i, row in enumerate(cells) if any(row)), None)
    if start is None:
        problems.add(label, None, None, None, "the table is empty; expected a header row and at least one record", "empty-file")
        return None
    header_row = start + 1
    headers = list(cells[start])
    width = len(headers)  # with trailing empty header cells, which Excel writes for unused columns
    while headers and not headers[-1]:
        headers.pop()  # trailing empty header cells: a spreadsheet's unused columns
    ok = True
    seen: dict[str, int] = {}
    for index, header in enumerate(headers):
        if header in seen:
            problems.add(label, header_row, header, header,
                         f"column {header!r} appears twice (columns {seen[header] + 1} and {index + 1}); expected each column once",
                         "duplicate-column")
            ok = False
        elif header:
            seen[header] = index
    rows: list[tuple[int, dict[str, str]]] = []
    for offset, row in enumerate(cells[start + 1:], start=header_row + 1):
        if len(row) > width:
            # The cells are shifted: checking them one by one would only confuse.
            problems.add(label, offset, None, None,
                         f"the row has {len(row)} cells but the header has {width} columns; expected a comma inside "
                         "a cell only in a cell quoted with double quotes (\"Scena, widownia\")", "extra-cells")
            ok = False
            continue
        if len(row) > len(headers) and any(row[len(headers):]):
            extra = next(c for c in row[len(headers):] if c)
            problems.add(label, offset, None, extra,
                         f"{extra!r} is in a column with no header; expected a header in row {header_row} or an empty column",
                         "no-header")
            ok = False
        values: dict[str, str] = {}
        for index, header in enumerate(headers):
            value = row[index] if index < len(row) else ""
            if not header:
                if value:
                    problems.add(label, offset, f"column {index + 1}", value,
                                 f"{value!r} is in a column with no header; expected a header in row {header_row} or an empty column",
                                 "no-header")
                    ok = False
                continue
            values.setdefault(header, value)
        rows.append((offset, values))
    if not ok:
        return None
    return Sheet(label, [h for h in headers if h], header_row, rows)


def _read_workbook(path: Path, problems: _Collector) -> dict[str, Sheet | None]:
    import pandas as pd

    engine = "odf" if path.suffix.lower() == ".ods" else "openpyxl"
    try:
        # header=None and object cells: keep every row (row numbers stay right) and the
        # cells' own types (numbers, dates), turned into text by _cell.
        frames = pd.read_excel(path, sheet_name=None, header=None, dtype=object, engine=engine)
    except Exception as exc:  # the readers raise many kinds for a broken file
        problems.add(path.name, None, None, None,
                     f"the workbook cannot be read ({type(exc).__name__}: {exc}); expected an .xlsx or .ods file", "bad-workbook")
        return {}
    sheets: dict[str, Sheet | None] = {}
    for name, frame in frames.items():
        label = f"{path.name}, sheet {name}"
        sheets[str(name).strip().lower()] = _sheet_from_grid(frame.values.tolist(), label, problems)
    return sheets


def _load_sheets(source: Path, problems: _Collector) -> tuple[dict[str, Sheet | None], Path | None]:
    """Read every table there is; return the sheets and the workbook they came from, if any.

    A table that is there but cannot be read maps to None (its problems are recorded).
    """
    if source.is_file():
        if source.suffix.lower() not in WORKBOOK_SUFFIXES:
            problems.add(str(source), None, None, None, "expected a folder of CSV files or an .xlsx/.ods workbook", "bad-source-path")
            return {}, None
        return _read_workbook(source, problems), source
    if not source.is_dir():
        problems.add(str(source), None, None, None, "the source folder does not exist; expected a folder of CSV files or an .xlsx/.ods workbook", "missing-source")
        return {}, None
    csvs = {t.name: source / t.filename for t in TABLES if (source / t.filename).exists()}
    if not csvs:
        workbooks = sorted(p for p in source.iterdir() if p.suffix.lower() in WORKBOOK_SUFFIXES and not p.name.startswith(("~", ".")))
        if len(workbooks) == 1:
            return _read_workbook(workbooks[0], problems), workbooks[0]
        if len(workbooks) > 1:
            problems.add(str(source), None, None, None, f"found several workbooks ({', '.join(p.name for p in workbooks)}); expected one", "many-workbooks")
            return {}, None
    return {name: _read_csv(path, str(path), problems) for name, path in csvs.items()}, None


# --- checking -----------------------------------------------------------------------------

Rows = list[tuple[int, dict[str, Any]]]


def _check_table(table: Table, sheet: Sheet, problems: _Collector) -> Rows | None:
    """Parse every cell of a table; None if its columns are wrong, so nothing can be checked."""
    known = {c.header for c in table.columns}
    expected = ", ".join(c.header for c in table.columns)
    missing = [c.header for c in table.columns if c.header not in sheet.headers]
    for header in missing:
        problems.add(sheet.label, sheet.header_row, header, None, f"column {header!r} is missing; expected columns: {expected}", "missing-column")
    for header in sheet.headers:
        if header not in known:
            problems.add(sheet.label, sheet.header_row, header, header, f"unknown column {header!r}; expected columns: {expected}", "unknown-column")
    if missing:
        return None
    parsed: Rows = []
    for row_number, raw in sheet.rows:
        if not any(raw.get(c.header, "") for c in table.columns):
            continue  # a blank row
        values: dict[str, Any] = {}
        for column in table.columns:
            cell = raw.get(column.header, "").strip()
            if not cell:
                if column.required:
                    problems.add(sheet.label, row_number, column.header, "", "is empty; this column is required", "required")
                continue
            control = CONTROL.search(cell)
            if control:
                problems.add(sheet.label, row_number, column.header, cell,
                             f"{cell!r} contains the control character U+{ord(control.group()):04X}; expected plain text "
                             "(retype the cell or paste it as plain text)", "control-character")
                continue
            try:
                values[column.field] = column.parse(cell)
            except Invalid as exc:
                problems.add(sheet.label, row_number, column.header, cell, f"{cell!r} {exc}", "invalid-value")
        parsed.append((row_number, values))
    if not parsed and not table.optional:
        problems.add(sheet.label, None, None, None, "the table has a header but no records; expected at least one record", "empty-file")
        return None
    return parsed


def _unique(label: str, rows: Rows, problems: _Collector) -> dict[str, int] | None:
    """Check that ids are unique; return id -> row, or None if some id is missing or invalid.

    References into a table with a bad id are not checked: the one fix (the id) would
    otherwise be reported once more for every row that points at it.
    """
    seen: dict[str, int] = {}
    complete = True
    for row, values in rows:
        key = values.get("id")
        if key is None:
            complete = False
            continue
        if key in seen:
            problems.add(label, row, "id", key, f"duplicate id {key!r}; it is already used in row {seen[key]}; expected every id once", "duplicate-id")
        else:
            seen[key] = row
    return seen if complete else None


def _references(label: str, rows: Rows, field: str, header: str,
                targets: dict[str, int] | None, target_label: str, problems: _Collector) -> None:
    if targets is None:
        return  # the target table could not be read; its own problems say why
    for row, values in rows:
        ref = values.get(field)
        if ref is not None and ref not in targets:
            problems.add(label, row, header, ref, f"{ref!r} is not an id in {target_label}; expected the id of a row there", "unknown-reference")


def read_source(source: Path) -> Records:
    """Read the source tables and check them; raise SourceError listing every problem.

    >>> records = read_source(Path("source"))  # doctest: +SKIP
    """
    problems = _Collector()
    source = Path(source)
    sheets, workbook = _load_sheets(source, problems)
    if not sheets and problems.problems:
        raise SourceError(problems.problems)
    parsed: dict[str, Rows] = {}
    ids: dict[str, dict[str, int] | None] = {}
    labels: dict[str, str] = {}
    for table in TABLES:
        sheet = sheets.get(table.name)
        labels[table.name] = f"{workbook.name}, sheet {table.name}" if workbook else str(source / table.filename)
        rows: Rows | None = None
        if sheet is not None:
            labels[table.name] = sheet.label
            rows = _check_table(table, sheet, problems)
        elif table.name in sheets:
            pass  # there, but unreadable: its problems are recorded
        elif table.optional:
            rows = []
        elif workbook is not None:
            problems.add(workbook.name, None, None, None, f"the workbook has no sheet named {table.name}; expected one sheet per table: "
                         f"{', '.join(t.name for t in TABLES)} ({PRACTICES.name} may be left out)", "missing-table")
        else:
            problems.add(labels[table.name], None, None, None, f"the table {table.name} is missing; expected {table.filename} in {source}", "missing-table")
        parsed[table.name] = rows or []
        ids[table.name] = None if rows is None else _unique(labels[table.name], rows, problems)

    _references(labels["lokalizacje"], parsed["lokalizacje"], "institution", "instytucja_id", ids["instytucje"], labels["instytucje"], problems)
    _references(labels["przestrzenie"], parsed["przestrzenie"], "venue", "lokalizacja_id", ids["lokalizacje"], labels["lokalizacje"], problems)
    _references(labels["dobre_praktyki"], parsed["dobre_praktyki"], "space", "przestrzen_id", ids["przestrzenie"], labels["przestrzenie"], problems)
    for row, values in parsed["lokalizacje"]:
        if ("latitude" in values) != ("longitude" in values):
            have, lack = ("szerokosc", "dlugosc") if "latitude" in values else ("dlugosc", "szerokosc")
            problems.add(labels["lokalizacje"], row, lack, "", f"is empty while {have} is given; expected both coordinates or neither", "half-coordinates")
    if problems.problems:
        raise SourceError(problems.problems)

    def origin(table: str, row: int) -> Origin:
        return Origin(labels[table], row)

    institutions = []
    for row, v in parsed["instytucje"]:
        consent = v.pop("contact_consent", False)
        if not consent:
            v.pop("contact_person", None)  # a person's name is published only with consent
        institutions.append(Institution(origin=origin("instytucje", row), **v))
    venues = [Venue(origin=origin("lokalizacje", row), **v) for row, v in parsed["lokalizacje"]]
    spaces = [Space(origin=origin("przestrzenie", row), **v) for row, v in parsed["przestrzenie"]]
    practices = [Practice(origin=origin("dobre_praktyki", row), **v) for row, v in parsed["dobre_praktyki"]]
    return Records(
        institutions=tuple(sorted(institutions, key=lambda r: r.id)),
        venues=tuple(sorted(venues, key=lambda r: r.id)),
        spaces=tuple(sorted(spaces, key=lambda r: r.id)),
        practices=tuple(sorted(practices, key=lambda r: r.id)),
    )
