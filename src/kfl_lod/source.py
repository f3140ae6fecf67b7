"""Read and check the source tables; the only module that knows the column headers.

``read_source(path)`` takes a folder of CSV files or one XLSX/ODS workbook and returns
:class:`Records`, or raises :class:`SourceError` listing every problem at once, each with
file (and sheet), row as the clerk sees it, column, value and what is expected.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import unicodedata
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
EMAIL = re.compile(
    r"^[^@\s<>\"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)
PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{6,18}[0-9]$")
# Characters that may not appear in an IRI (RFC 3987) are refused, so every dump stays valid.
URL = re.compile(r"^https?://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?::\d+)?(?:[/?#][^\s<>\"{}|\\^`\x00-\x1f\x7f]*)?$")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
WIKIDATA = re.compile(r"^Q[1-9][0-9]*$")
ROMAN_TO_INT = {roman(n): n for n in DISTRICTS}


class Invalid(ValueError):
    """A cell's value is not what the column expects; the messages say what is, in English and Polish."""

    def __init__(self, en: str, pl: str) -> None:
        super().__init__(en)
        self.pl = pl


def ascii_slug(value: str) -> str:
    """The slug a clerk most likely meant: Polish letters without accents, words joined by hyphens.

    >>> ascii_slug("Sala spotkań – Żółta")
    'sala-spotkan-zolta'
    """
    plain = unicodedata.normalize("NFKD", value.replace("ł", "l").replace("Ł", "L"))
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    return "-".join(re.findall(r"[a-z0-9]+", plain))


def _pl_number(value: Decimal) -> str:
    """A decimal as a Polish clerk writes it: 49,96."""
    return str(value).replace(".", ",")


# --- cell parsers: text in, typed value out, or Invalid(what is expected) ---------------


def text(value: str) -> str:
    return value


def slug(value: str) -> str:
    if not SLUG.match(value):
        hint_en = hint_pl = ""
        suggestion = ascii_slug(value)
        if suggestion and suggestion != value:
            hint_en, hint_pl = f" (perhaps {suggestion!r})", f" (może {suggestion!r})"
        raise Invalid(
            f"is not a valid id; expected lower-case letters a-z without Polish letters, digits and hyphens, "
            f"e.g. 'sala-spotkan-1'{hint_en}",
            f"nie jest poprawnym identyfikatorem; wpisz małe litery a–z bez polskich znaków, cyfry i łączniki, "
            f"np. 'sala-spotkan-1'{hint_pl}",
        )
    return value


def yes_no(value: str) -> bool | None:
    v = value.lower()
    if v in ("tak", "t", "yes", "1", "true"):
        return True
    if v in ("nie", "n", "no", "0", "false"):
        return False
    raise Invalid("is not yes or no; expected 'tak' or 'nie'", "nie jest odpowiedzią tak/nie; wpisz 'tak' albo 'nie'")


def whole_positive(value: str) -> int:
    v = value.replace(" ", "").replace("\u00a0", "")
    if not re.fullmatch(r"\d+", v) or int(v) <= 0:
        raise Invalid(
            "is not a positive whole number; expected the number alone, e.g. 40 "
            "(words such as 'ok.' or 'do' belong in the column opis)",
            "nie jest liczbą całkowitą większą od zera; wpisz samą liczbę, np. 40 "
            "(słowa takie jak 'ok.' czy 'do' wpisz w kolumnie opis)",
        )
    return int(v)


def positive_number(value: str) -> Decimal:
    v = value.replace(" ", "").replace("\u00a0", "").replace(",", ".")
    try:
        number = Decimal(v)
    except InvalidOperation:
        raise Invalid(
            "is not a number; expected a positive number such as 45 or 45,5 (without the unit)",
            "nie jest liczbą; wpisz liczbę większą od zera, np. 45 albo 45,5 (bez jednostki)",
        ) from None
    if not number.is_finite() or number <= 0:
        raise Invalid(
            "is not a positive number; expected a number greater than 0 such as 45 or 45,5",
            "nie jest liczbą większą od zera; wpisz np. 45 albo 45,5",
        )
    return number


def coordinate(bounds: tuple[Decimal, Decimal], other: tuple[Decimal, Decimal], name: str) -> Callable[[str], Decimal]:
    name_pl = {"latitude": "szerokość geograficzną", "longitude": "długość geograficzną"}[name]
    other_column = {"latitude": "dlugosc", "longitude": "szerokosc"}[name]
    example = bounds[0] + Decimal("0.05")

    def parse(value: str) -> Decimal:
        try:
            number = Decimal(value.replace(",", "."))
        except InvalidOperation:
            raise Invalid(
                f"is not a number; expected a {name} in decimal degrees such as {example}",
                f"nie jest liczbą; wpisz {name_pl} w stopniach dziesiętnych, np. {_pl_number(example)}",
            ) from None
        if not number.is_finite() or not bounds[0] <= number <= bounds[1]:
            swapped_en = swapped_pl = ""
            if number.is_finite() and other[0] <= number <= other[1]:
                swapped_en = f"; it looks like a value for {other_column}: are the two coordinates swapped?"
                swapped_pl = f"; wygląda na wartość dla kolumny {other_column}: czy współrzędne nie są zamienione?"
            raise Invalid(
                f"is outside Kraków; expected a {name} between {bounds[0]} and {bounds[1]}{swapped_en}",
                f"leży poza Krakowem; {name_pl} musi być między {_pl_number(bounds[0])} a {_pl_number(bounds[1])}{swapped_pl}",
            )
        return number

    return parse


def iso_date(value: str) -> date:
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        pass
    meant = None
    written = re.fullmatch(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})(?:\s*r\.?)?", value)
    if written:  # 19.02.2026, as dates are written in Poland
        try:
            meant = date(int(written[3]), int(written[2]), int(written[1])).isoformat()
        except ValueError:
            meant = None
    if meant:
        raise Invalid(
            f"is not a date in the form RRRR-MM-DD (year-month-day); expected RRRR-MM-DD: write it as {meant}",
            f"nie jest datą w postaci RRRR-MM-DD (rok-miesiąc-dzień); wpisz ją jako {meant}",
        )
    raise Invalid(
        "is not a date; expected RRRR-MM-DD (year-month-day), e.g. 2026-02-19",
        "nie jest datą; wpisz datę w postaci RRRR-MM-DD (rok-miesiąc-dzień), np. 2026-02-19",
    )


def postal_code(value: str) -> str:
    if not POSTAL.match(value):
        hint_en = hint_pl = ""
        if re.fullmatch(r"\d{5}", value):
            hint_en = hint_pl = f": {value[:2]}-{value[2:]}"
        raise Invalid(
            f"is not a postal code; expected NN-NNN, e.g. 31-154{hint_en}",
            f"nie jest kodem pocztowym; wpisz go w postaci NN-NNN, np. 31-154{hint_pl}",
        )
    return value


def email(value: str) -> str:
    if not EMAIL.match(value):
        raise Invalid(
            "is not an e-mail address; expected e.g. sekretariat@example.pl",
            "nie jest adresem e-mail; wpisz np. sekretariat@example.pl",
        )
    return value


def phone(value: str) -> str:
    if not PHONE.match(value):
        raise Invalid(
            "is not a phone number; expected digits with optional +48, spaces or hyphens, e.g. +48 12 616 78 23",
            "nie jest numerem telefonu; wpisz cyfry, ewentualnie z +48, spacjami lub łącznikami, np. +48 12 616 78 23",
        )
    return value


def url(value: str) -> str:
    if not URL.match(value):
        hint_en = hint_pl = ""
        if URL.match("https://" + value):
            hint_en, hint_pl = f" (perhaps 'https://{value}')", f" (może 'https://{value}')"
        raise Invalid(
            f"is not a web address; expected a full http:// or https:// URL, e.g. https://example.pl/{hint_en}",
            f"nie jest adresem strony; wpisz pełny adres zaczynający się od http:// lub https://, "
            f"np. https://example.pl/{hint_pl}",
        )
    return value


def urls(value: str) -> tuple[str, ...]:
    items = tuple(value.split())
    for item in items:
        if not URL.match(item):
            raise Invalid(
                f"contains {item!r}, which is not a web address; expected http(s) URLs separated by spaces",
                f"zawiera {item!r}, co nie jest adresem strony; wpisz pełne adresy (http:// lub https://) "
                "oddzielone spacjami",
            )
    return items


def wikidata(value: str) -> str:
    if not WIKIDATA.match(value):
        found = re.search(r"(?<![A-Za-z0-9])Q[1-9][0-9]*$", value)
        hint_en = hint_pl = ""
        if found:
            hint_en, hint_pl = f" (here: {found[0]})", f" (tutaj: {found[0]})"
        raise Invalid(
            f"is not a Wikidata id; expected Q followed by digits, e.g. Q31487{hint_en}",
            f"nie jest identyfikatorem Wikidanych; wpisz Q i cyfry, np. Q31487{hint_pl}",
        )
    return value


def district(value: str) -> int:
    v = value.strip().upper()
    number = ROMAN_TO_INT.get(v) or (int(v) if v.isdigit() else 0)
    if number not in DISTRICTS:
        raise Invalid(
            "is not a district of Kraków; expected a number from 1 to 18 (or I–XVIII)",
            "nie jest dzielnicą Krakowa; wpisz numer od 1 do 18 (albo I–XVIII)",
        )
    return number


def _meant(scheme: Scheme, value: str) -> str | None:
    """The allowed value a clerk meant by a label or a near spelling ('sala spotkań' -> 'sala-spotkan')."""
    wanted = ascii_slug(value)
    for concept in scheme.concepts:
        if wanted in (concept.slug, ascii_slug(concept.pl), ascii_slug(concept.en)):
            return concept.slug
    close = difflib.get_close_matches(wanted, scheme.slugs(), n=1, cutoff=0.8)
    return close[0] if close else None


def one_of(scheme: Scheme) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if value not in scheme.slugs():
            meant = _meant(scheme, value)
            hint_en = f"; write {meant!r}" if meant else ""
            hint_pl = f"; wpisz {meant!r}" if meant else ""
            raise Invalid(
                f"is not an allowed value{hint_en}; expected one of: {', '.join(scheme.slugs())}",
                f"nie jest wartością z listy{hint_pl}; dozwolone wartości: {', '.join(scheme.slugs())}",
            )
        return value

    return parse


def list_of(scheme: Scheme) -> Callable[[str], tuple[str, ...]]:
    def parse(value: str) -> tuple[str, ...]:
        items = [v.strip() for v in re.split(r"[,;]", value) if v.strip()]
        bad = [v for v in items if v not in scheme.slugs()]
        if bad:
            named = ", ".join(repr(b) for b in bad)
            fixes = [(b, _meant(scheme, b)) for b in bad]
            fixes = [(b, m) for b, m in fixes if m]
            hint_en = "; write " + ", ".join(f"{m!r} for {b!r}" for b, m in fixes) if fixes else ""
            hint_pl = "; wpisz " + ", ".join(f"{m!r} zamiast {b!r}" for b, m in fixes) if fixes else ""
            whole = bad == [value.strip()]  # the cell is one value: "'x' contains 'x'" would read oddly
            raise Invalid(
                ("is not in the list" if whole else f"contains {named}, not in the list")
                + f"{hint_en}; expected values from: {', '.join(scheme.slugs())}, separated by commas",
                ("nie jest wartością z listy" if whole else f"zawiera {named}, czego nie ma na liście")
                + f"{hint_pl}; dozwolone wartości: {', '.join(scheme.slugs())}, oddzielone przecinkami",
            )
        # In the list's own order, once each: the order typed in the cell means nothing.
        return tuple(v for v in scheme.slugs() if v in items)

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


INSTITUTIONS = Table(
    "instytucje",
    (
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
    ),
)

VENUES = Table(
    "lokalizacje",
    (
        Column("id", "id", slug, True),
        Column("instytucja_id", "institution", slug, True),
        Column("nazwa", "name", text, True),
        Column("ulica", "street"),
        Column("kod_pocztowy", "postal_code", postal_code),
        Column("miejscowosc", "locality", text, True),
        Column("dzielnica", "district", district),
        Column("szerokosc", "latitude", coordinate(LAT_RANGE, LON_RANGE, "latitude")),
        Column("dlugosc", "longitude", coordinate(LON_RANGE, LAT_RANGE, "longitude")),
        Column("dostep_wozki", "step_free", yes_no),
        Column("godziny_otwarcia", "opening_hours"),
        Column("zrodla", "sources", urls),
    ),
)

SPACES = Table(
    "przestrzenie",
    (
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
    ),
)

PRACTICES = Table(
    "dobre_praktyki",
    (
        Column("id", "id", slug, True),
        Column("przestrzen_id", "space", slug, True),
        Column("organizacja", "organisation", text, True),
        Column("tytul", "title", text, True),
        Column("data", "date", iso_date),
        Column("opis", "description"),
        Column("url", "url", url),
        Column("ilustracyjne", "illustrative", yes_no, True),
    ),
    optional=True,
)

TABLES = (INSTITUTIONS, VENUES, SPACES, PRACTICES)
ALL_HEADERS = {c.header for t in TABLES for c in t.columns}
KINDS = {"institution": INSTITUTIONS, "venue": VENUES, "space": SPACES, "practice": PRACTICES}


def headers(kind: str, fields: tuple[str, ...]) -> list[str]:
    """The clerk's column headers of some fields of a kind of record.

    >>> headers("space", ("capacity", "area_m2"))
    ['liczba_miejsc', 'powierzchnia_m2']
    """
    table = KINDS.get(kind)
    if table is None:
        return []
    by_field = {c.field: c.header for c in table.columns}
    return [by_field[f] for f in fields if f in by_field]


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

    def add(
        self,
        file: str,
        row: int | None,
        column: str | None,
        value: str | None,
        message: str,
        code: str,
        message_pl: str = "",
    ) -> None:
        self.problems.append(Problem(file, row, column, value, message, code, message_pl))


# Columns holding decimal numbers: an unquoted decimal comma there splits the cell in two.
DECIMAL_HEADERS = ("szerokosc", "dlugosc", "powierzchnia_m2")
SAVE_AS_UTF8_EN = "save it from the spreadsheet as 'CSV UTF-8 (comma delimited)' and try again"
SAVE_AS_UTF8_PL = "zapisz go w arkuszu jako 'CSV UTF-8 (rozdzielany przecinkami)' i spróbuj ponownie"


# --- reading files ------------------------------------------------------------------------


def _decode(path: Path, label: str, problems: _Collector) -> str | None:
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text": UTF-16, tab-separated
        problems.add(
            label,
            None,
            None,
            None,
            f"the file is UTF-16 (what Excel saves as 'Unicode text'), not UTF-8; {SAVE_AS_UTF8_EN}",
            "not-utf8",
            f"plik jest zapisany w UTF-16 (tak Excel zapisuje 'Tekst Unicode'), a nie w UTF-8; {SAVE_AS_UTF8_PL}",
        )
        return None
    try:
        return data.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a BOM
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        # Show the word as the clerk typed it: Excel's plain "CSV" is Windows-1250 in Poland,
        # one byte per character, so the byte offset is the character offset.
        start = data.rfind(b"\n", 0, exc.start) + 1
        end = data.find(b"\n", exc.start)
        text_line = data[start : end if end >= 0 else len(data)].decode("cp1250", errors="replace")
        at = exc.start - start
        left = re.search(r'[^,;"\t\r\n]*$', text_line[:at])
        right = re.match(r'[^,;"\t\r\n]*', text_line[at:])
        word = ((left[0] if left else "") + (right[0] if right else "")).strip()[:60]
        row = _row_of_line(data.decode("cp1250", errors="replace"), line)
        problems.add(
            label,
            row,
            None,
            word,
            f"the file is not UTF-8: row {row} has {word!r} written in another encoding (probably Windows-1250, "
            f"what Excel saves as plain 'CSV'); {SAVE_AS_UTF8_EN}",
            "not-utf8",
            f"plik nie jest zapisany w UTF-8: wiersz {row} zawiera {word!r} w innym kodowaniu (zapewne Windows-1250, "
            f"tak Excel zapisuje zwykły 'CSV'); {SAVE_AS_UTF8_PL}",
        )
        return None


def _row_of_line(text: str, line: int) -> int:
    r"""The spreadsheet row holding a line of a CSV text (cells may span lines).

    >>> _row_of_line('a,b\n"x\ny",1\nz,2\n', 4)
    3
    """
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";" if first.count(";") > first.count(",") else ",")
    try:
        for row, _ in enumerate(reader, start=1):
            if reader.line_num >= line:
                return row
    except csv.Error:
        pass
    return line


def _read_csv(path: Path, label: str, problems: _Collector) -> Sheet | None:
    content = _decode(path, label, problems)
    if content is None:
        return None
    if not content.strip():
        problems.add(
            label,
            None,
            None,
            None,
            "the file is empty; expected a header row and at least one record",
            "empty-file",
            "plik jest pusty; potrzebny jest wiersz nagłówka i co najmniej jeden rekord",
        )
        return None
    first_line = next(line for line in content.splitlines() if line.strip())
    # Excel in a Polish locale saves "CSV" with semicolons; the header row tells which.
    sep = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=sep)
    try:
        grid = [list(cells) for cells in reader]
    except csv.Error as exc:
        problems.add(
            label,
            reader.line_num,
            None,
            None,
            f"the file is not a readable CSV table ({exc}); {SAVE_AS_UTF8_EN}",
            "bad-csv",
            f"pliku nie da się odczytać jako tabeli CSV ({exc}); {SAVE_AS_UTF8_PL}",
        )
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


# What a cell of some columns looks like, to tell where an unquoted decimal comma split a row.
_CELL_SHAPES = {
    **{h: re.compile(r"-?\d+(?:[.,]\d+)?") for h in (*DECIMAL_HEADERS, "liczba_miejsc")},
    **{
        h: re.compile(r"(?i)tak|nie|t|n|yes|no|true|false|0|1")
        for h in ("nieodplatnie", "ilustracyjne", "dostep_wozki", "kontakt_zgoda")
    },
}


def column_letter(index: int) -> str:
    """A column as a spreadsheet names it (0 -> 'A', 26 -> 'AA').

    >>> column_letter(0), column_letter(14), column_letter(26)
    ('A', 'O', 'AA')
    """
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _decimal_commas(row: list[str], headers: list[str], extra: int) -> list[tuple[str, str]]:
    """Cells of a too-long row that an unquoted decimal comma split in two: (column, '50,06').

    Found only where the splits fall in decimal columns, explain every extra cell, and leave
    every number and yes/no column of the mended row looking like one.
    """
    found: list[tuple[str, str]] = []
    mended: list[str] = []
    i = 0
    while i < len(row):
        column = len(mended)
        header = headers[column] if column < len(headers) else ""
        if (
            len(found) < extra
            and i + 1 < len(row)
            and header in DECIMAL_HEADERS
            and re.fullmatch(r"-?\d+", row[i])
            and re.fullmatch(r"\d+", row[i + 1])
        ):
            found.append((header, f"{row[i]},{row[i + 1]}"))
            mended.append(f"{row[i]}.{row[i + 1]}")
            i += 2
        else:
            mended.append(row[i])
            i += 1
    if len(found) != extra:
        return []
    for header, cell in zip(headers, mended, strict=False):  # the header may be wider than a short row
        shape = _CELL_SHAPES.get(header)
        if shape and cell.strip() and not shape.fullmatch(cell.strip()):
            return []
    return found


def _sheet_from_grid(grid: list[list[Any]], label: str, problems: _Collector) -> Sheet | None:
    """Make a Sheet from rows of cells; row numbers are those the spreadsheet shows."""
    cells = [[_cell(c) for c in row] for row in grid]
    start = next((i for i, row in enumerate(cells) if any(row)), None)
    # A title above the header ("Zestawienie sal, stan na 19.02.2026") is one cell: skip it.
    while start is not None and sum(map(bool, cells[start])) == 1:
        later = next((i for i in range(start + 1, len(cells)) if any(cells[i])), None)
        if later is None or sum(map(bool, cells[later])) < 2:
            break
        start = later
    if start is None:
        problems.add(
            label,
            None,
            None,
            None,
            "the table is empty; expected a header row and at least one record",
            "empty-file",
            "tabela jest pusta; potrzebny jest wiersz nagłówka i co najmniej jeden rekord",
        )
        return None
    header_row = start + 1
    headers = list(cells[start])
    width = len(headers)  # with trailing empty header cells, which Excel writes for unused columns
    while headers and not headers[-1]:
        headers.pop()  # trailing empty header cells: a spreadsheet's unused columns
    if not any(h in ALL_HEADERS or _header_key(h) in ALL_HEADERS for h in headers):
        # Not a header row at all (a record, a title): one problem will say so, not one per cell.
        rows_as_is = [
            (n, {column_letter(i): v for i, v in enumerate(row) if v})
            for n, row in enumerate(cells[start + 1 :], start=header_row + 1)
        ]
        return Sheet(label, [h for h in headers if h], header_row, rows_as_is)
    ok = True
    seen: dict[str, int] = {}
    for index, header in enumerate(headers):
        if header in seen:
            problems.add(
                label,
                header_row,
                header,
                header,
                f"column {header!r} appears twice (columns {seen[header] + 1} and {index + 1}); expected each column once",
                "duplicate-column",
                f"kolumna {header!r} występuje dwa razy (kolumny {seen[header] + 1} i {index + 1}); "
                "każda kolumna może wystąpić tylko raz",
            )
            ok = False
        elif header:
            seen[header] = index
    rows: list[tuple[int, dict[str, str]]] = []
    for offset, row in enumerate(cells[start + 1 :], start=header_row + 1):
        if len(row) > width:
            # The cells are shifted: checking them one by one would only confuse.
            split = _decimal_commas(row, headers, len(row) - width)
            if split:
                columns = ", ".join(c for c, _ in split)
                values = ", ".join(v for _, v in split)
                dots = ", ".join(v.replace(",", ".") for _, v in split)
                problems.add(
                    label,
                    offset,
                    columns,
                    values,
                    f"the row has {len(row)} cells but the header has {width} columns: the decimal comma in {values!r} "
                    f"(column {columns}) splits the cell in two; expected {dots} with a dot, the number in double quotes, "
                    "or the file saved with ';' as the separator",
                    "extra-cells",
                    f"wiersz ma {len(row)} komórek, a nagłówek {width} kolumn: przecinek dziesiętny w {values!r} "
                    f"(kolumna {columns}) dzieli komórkę na dwie; wpisz {dots} z kropką, ujmij liczbę w cudzysłów "
                    "albo zapisz plik ze średnikiem (;) jako separatorem",
                )
            else:
                problems.add(
                    label,
                    offset,
                    None,
                    None,
                    f"the row has {len(row)} cells but the header has {width} columns; expected a comma inside "
                    'a cell only in a cell quoted with double quotes ("Scena, widownia")',
                    "extra-cells",
                    f"wiersz ma {len(row)} komórek, a nagłówek {width} kolumn; przecinek wewnątrz komórki jest "
                    'dozwolony tylko w komórce ujętej w cudzysłów ("Scena, widownia")',
                )
            ok = False
            continue
        values: dict[str, str] = {}
        for index in range(len(row)):
            header = headers[index] if index < len(headers) else ""
            value = row[index]
            if not header:
                if value:
                    problems.add(
                        label,
                        offset,
                        column_letter(index),
                        value,
                        f"{value!r} is in a column with no header; expected a header in row {header_row} or an empty column",
                        "no-header",
                        f"{value!r} jest w kolumnie bez nagłówka; dopisz nagłówek w wierszu {header_row} "
                        "albo wyczyść tę kolumnę",
                    )
                    ok = False
                continue
            values.setdefault(header, value)
        rows.append((offset, values))
    if not ok:
        return None
    return Sheet(label, [h for h in headers if h], header_row, rows)


def _read_workbook(path: Path, problems: _Collector) -> tuple[dict[str, Sheet | None], list[str]]:
    """Read every sheet; return them by lower-case name, and the sheet names as written."""
    import pandas as pd

    engine = "odf" if path.suffix.lower() == ".ods" else "openpyxl"
    try:
        # header=None and object cells: keep every row (row numbers stay right) and the
        # cells' own types (numbers, dates), turned into text by _cell.
        frames = pd.read_excel(path, sheet_name=None, header=None, dtype=object, engine=engine)
    except Exception as exc:  # the readers raise many kinds for a broken file
        problems.add(
            path.name,
            None,
            None,
            None,
            f"the workbook cannot be read ({type(exc).__name__}: {exc}); expected an .xlsx or .ods file",
            "bad-workbook",
            f"skoroszytu nie da się odczytać ({type(exc).__name__}: {exc}); potrzebny jest plik .xlsx albo .ods",
        )
        return {}, []
    sheets: dict[str, Sheet | None] = {}
    for name, frame in frames.items():
        label = f"{path.name}, sheet {name}"
        # "Przestrzenie", " dobre praktyki ": the sheet of that table
        sheets.setdefault(_header_key(str(name)), _sheet_from_grid(frame.values.tolist(), label, problems))
    return sheets, [str(name) for name in frames]


def _load_sheets(source: Path, problems: _Collector) -> tuple[dict[str, Sheet | None], Path | None, list[str]]:
    """Read every table there is; return the sheets, the workbook they came from (if any) and
    the names of the sheets or CSV files found (for a hint when a table is missing).

    A table that is there but cannot be read maps to None (its problems are recorded).
    """
    if source.is_file():
        if source.suffix.lower() not in WORKBOOK_SUFFIXES:
            problems.add(
                str(source),
                None,
                None,
                None,
                "expected a folder of CSV files or an .xlsx/.ods workbook",
                "bad-source-path",
                "potrzebny jest folder z plikami CSV albo skoroszyt .xlsx/.ods",
            )
            return {}, None, []
        sheets, names = _read_workbook(source, problems)
        return sheets, source, names
    if not source.is_dir():
        problems.add(
            str(source),
            None,
            None,
            None,
            "the source folder does not exist; expected a folder of CSV files or an .xlsx/.ods workbook",
            "missing-source",
            "folder z danymi nie istnieje; potrzebny jest folder z plikami CSV albo skoroszyt .xlsx/.ods",
        )
        return {}, None, []
    # "przestrzenie.csv", or one file named so in other letters ("Przestrzenie.CSV", "dobre praktyki.csv")
    files = sorted(p for p in source.iterdir() if p.suffix.lower() == ".csv" and p.is_file())
    csvs = {}
    for t in TABLES:
        alike = [p for p in files if _header_key(p.stem) == t.name]
        exact = [p for p in alike if p.name == t.filename]
        if exact or len(alike) == 1:
            csvs[t.name] = (exact or alike)[0]
    if not csvs:
        workbooks = sorted(
            p for p in source.iterdir() if p.suffix.lower() in WORKBOOK_SUFFIXES and not p.name.startswith(("~", "."))
        )
        if len(workbooks) == 1:
            sheets, names = _read_workbook(workbooks[0], problems)
            return sheets, workbooks[0], names
        if len(workbooks) > 1:
            found = ", ".join(p.name for p in workbooks)
            problems.add(
                str(source),
                None,
                None,
                None,
                f"found several workbooks ({found}); expected one",
                "many-workbooks",
                f"w folderze jest kilka skoroszytów ({found}); zostaw jeden",
            )
            return {}, None, []
    others = [p.name for p in files if p not in csvs.values()]
    return {name: _read_csv(path, str(path), problems) for name, path in csvs.items()}, None, others


# --- checking -----------------------------------------------------------------------------

Rows = list[tuple[int, dict[str, Any]]]


def _header_key(header: str) -> str:
    """A header as a clerk may have meant it: 'Liczba miejsc' -> 'liczba_miejsc'."""
    return ascii_slug(header).replace("-", "_")


def _misspelt(unknown: str, missing: list[str]) -> str | None:
    """The missing column an unknown header most likely is (a typo, capitals, spaces, Polish letters)."""
    key = _header_key(unknown)
    if key in missing:
        return key
    close = difflib.get_close_matches(key, missing, n=1, cutoff=0.75)
    return close[0] if close else None


def _check_table(table: Table, sheet: Sheet, problems: _Collector) -> Rows | None:
    """Parse every cell of a table; None if its columns are wrong, so nothing can be checked."""
    known = {c.header for c in table.columns}
    expected = ", ".join(c.header for c in table.columns)
    missing = [c.header for c in table.columns if c.header not in sheet.headers]
    unknown = [h for h in sheet.headers if h not in known]
    if not known & ({*sheet.headers} | {_header_key(h) for h in sheet.headers}):
        # Not one known column: this is not the header row (a title above it?), one problem says so.
        below = next((row for row, values in sheet.rows[:10] if known & {v.strip() for v in values.values()}), None)
        hint_en = f"; row {below} looks like the header: delete the rows above it" if below else ""
        hint_pl = f"; wiersz {below} wygląda na nagłówek: usuń wiersze nad nim" if below else ""
        found = ", ".join(sheet.headers[:3]) + ("…" if len(sheet.headers) > 3 else "")
        problems.add(
            sheet.label,
            sheet.header_row,
            None,
            found,
            f"row {sheet.header_row} ({found!r}) is not a header row: it has none of the expected columns{hint_en}; "
            f"expected the first row to name the columns: {expected}",
            "no-header-row",
            f"wiersz {sheet.header_row} ({found!r}) nie jest wierszem nagłówka: nie ma w nim żadnej z kolumn{hint_pl}; "
            f"pierwszy wiersz musi zawierać nazwy kolumn: {expected}",
        )
        return None
    for header in unknown:
        meant = _misspelt(header, missing)
        if meant:  # one mistake, one problem: not also "column ... is missing"
            missing.remove(meant)
            problems.add(
                sheet.label,
                sheet.header_row,
                header,
                header,
                f"unknown column {header!r}; expected {meant!r} (rename the header to {meant})",
                "misspelt-column",
                f"nieznana kolumna {header!r}; powinna się nazywać {meant!r} (popraw nagłówek na {meant})",
            )
        else:
            problems.add(
                sheet.label,
                sheet.header_row,
                header,
                header,
                f"unknown column {header!r}; expected columns: {expected}",
                "unknown-column",
                f"nieznana kolumna {header!r}; dozwolone kolumny: {expected}",
            )
    for header in missing:
        problems.add(
            sheet.label,
            sheet.header_row,
            header,
            None,
            f"column {header!r} is missing; expected columns: {expected}",
            "missing-column",
            f"brakuje kolumny {header!r}; tabela musi mieć kolumny: {expected}",
        )
    if any(c.header not in sheet.headers for c in table.columns):
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
                    problems.add(
                        sheet.label,
                        row_number,
                        column.header,
                        "",
                        "is empty; this column is required",
                        "required",
                        "komórka jest pusta, a ta kolumna jest wymagana; uzupełnij ją",
                    )
                continue
            control = CONTROL.search(cell)
            if control:
                code = f"U+{ord(control.group()):04X}"
                problems.add(
                    sheet.label,
                    row_number,
                    column.header,
                    cell,
                    f"{cell!r} contains the control character {code}; expected plain text "
                    "(retype the cell or paste it as plain text)",
                    "control-character",
                    f"{cell!r} zawiera niewidoczny znak sterujący {code}; wpisz komórkę od nowa "
                    "albo wklej ją jako zwykły tekst",
                )
                continue
            try:
                values[column.field] = column.parse(cell)
            except Invalid as exc:
                problems.add(
                    sheet.label,
                    row_number,
                    column.header,
                    cell,
                    f"{cell!r} {exc}",
                    "invalid-value",
                    f"{cell!r} {exc.pl}",
                )
        parsed.append((row_number, values))
    if not parsed and not table.optional:
        problems.add(
            sheet.label,
            None,
            None,
            None,
            "the table has a header but no records; expected at least one record",
            "empty-file",
            "tabela ma nagłówek, ale nie ma rekordów; dodaj co najmniej jeden",
        )
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
            problems.add(
                label,
                row,
                "id",
                key,
                f"duplicate id {key!r}; it is already used in row {seen[key]}; expected every id once",
                "duplicate-id",
                f"identyfikator {key!r} jest już użyty w wierszu {seen[key]}; każdy identyfikator może wystąpić tylko raz",
            )
        else:
            seen[key] = row
    return seen if complete else None


def _references(
    label: str,
    rows: Rows,
    field: str,
    header: str,
    targets: dict[str, int] | None,
    target_label: str,
    problems: _Collector,
) -> None:
    if targets is None:
        return  # the target table could not be read; its own problems say why
    for row, values in rows:
        ref = values.get(field)
        if ref is not None and ref not in targets:
            close = difflib.get_close_matches(ref, list(targets), n=1, cutoff=0.8)
            hint_en = f" (perhaps {close[0]!r}, row {targets[close[0]]})" if close else ""
            hint_pl = f" (może {close[0]!r}, wiersz {targets[close[0]]})" if close else ""
            problems.add(
                label,
                row,
                header,
                ref,
                f"{ref!r} is not an id in {target_label}; expected the id of a row there{hint_en}",
                "unknown-reference",
                f"{ref!r} nie jest identyfikatorem żadnego wiersza w {target_label}; wpisz id istniejącego wiersza{hint_pl}",
            )


def _missing_table(table: Table, source: Path, workbook: Path | None, found: list[str], problems: _Collector) -> None:
    """Say that a table is missing, with the sheets or files that are there and the likely one."""
    names = [n for n in found if _header_key(Path(n).stem) not in {t.name for t in TABLES}]
    close = [n for n in names if table.name in _header_key(Path(n).stem)] or difflib.get_close_matches(
        table.name, names, n=1, cutoff=0.6
    )
    if workbook is not None:
        where = workbook.name
        what_en, what_pl = f"the workbook has no sheet named {table.name}", f"w skoroszycie nie ma arkusza {table.name}"
        have_en = f"; its sheets: {', '.join(found)}" if found else ""
        have_pl = f"; arkusze w pliku: {', '.join(found)}" if found else ""
        need_en = (
            f"expected one sheet per table: {', '.join(t.name for t in TABLES)} ({PRACTICES.name} may be left out)"
        )
        need_pl = f"potrzebny jest arkusz dla każdej tabeli: {', '.join(t.name for t in TABLES)} ({PRACTICES.name} można pominąć)"
        fix_en = f" (rename the sheet {close[0]!r} to {table.name}?)" if close else ""
        fix_pl = f" (zmień nazwę arkusza {close[0]!r} na {table.name}?)" if close else ""
    else:
        where = str(source / table.filename)
        what_en, what_pl = f"the table {table.name} is missing", f"brakuje tabeli {table.name}"
        have_en = f"; other CSV files there: {', '.join(names)}" if names else ""
        have_pl = f"; inne pliki CSV w folderze: {', '.join(names)}" if names else ""
        need_en, need_pl = (
            f"expected {table.filename} in {source}",
            f"w folderze {source} musi być plik {table.filename}",
        )
        fix_en = f" (rename {close[0]!r} to {table.filename}?)" if close else ""
        fix_pl = f" (zmień nazwę {close[0]!r} na {table.filename}?)" if close else ""
    problems.add(
        where,
        None,
        None,
        None,
        f"{what_en}{have_en}; {need_en}{fix_en}",
        "missing-table",
        f"{what_pl}{have_pl}; {need_pl}{fix_pl}",
    )


def read_source(source: Path) -> Records:
    """Read the source tables and check them; raise SourceError listing every problem.

    >>> records = read_source(Path("source"))  # doctest: +SKIP
    """
    problems = _Collector()
    source = Path(source)
    sheets, workbook, found = _load_sheets(source, problems)
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
        else:
            _missing_table(table, source, workbook, found, problems)
        parsed[table.name] = rows or []
        ids[table.name] = None if rows is None else _unique(labels[table.name], rows, problems)

    _references(
        labels["lokalizacje"],
        parsed["lokalizacje"],
        "institution",
        "instytucja_id",
        ids["instytucje"],
        labels["instytucje"],
        problems,
    )
    _references(
        labels["przestrzenie"],
        parsed["przestrzenie"],
        "venue",
        "lokalizacja_id",
        ids["lokalizacje"],
        labels["lokalizacje"],
        problems,
    )
    _references(
        labels["dobre_praktyki"],
        parsed["dobre_praktyki"],
        "space",
        "przestrzen_id",
        ids["przestrzenie"],
        labels["przestrzenie"],
        problems,
    )
    for row, values in parsed["lokalizacje"]:
        if ("latitude" in values) != ("longitude" in values):
            have, lack = ("szerokosc", "dlugosc") if "latitude" in values else ("dlugosc", "szerokosc")
            problems.add(
                labels["lokalizacje"],
                row,
                lack,
                "",
                f"is empty while {have} is given; expected both coordinates or neither",
                "half-coordinates",
                f"komórka jest pusta, a kolumna {have} jest wypełniona; podaj obie współrzędne albo żadnej",
            )
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
