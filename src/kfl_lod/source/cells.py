"""Cell parsers: a cell's text in, a typed value out, or :class:`Invalid` saying what is expected.

A :class:`Cell` is what a column's cells hold, stated once: how to read one, its datatype,
what a well-formed cell looks like and its bounds. The reader, the CSVW metadata and the
test that checks the SHACL shapes against the columns all take them from here.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from ..vocab import DISTRICTS, EQUIPMENT, INSTITUTION_TYPES, SHARING_MODES, SPACE_TYPES, Scheme, roman
from .limits import MAX_ID_CHARS

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
# Invisible characters that reorder text (bidirectional overrides, isolates, marks) or hide a
# difference (zero-width spaces and joiners, soft hyphen, BOM): an id, address or name holding
# one looks like another.
INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]")
# A cell starting with one of these runs as a formula when a spreadsheet opens a CSV holding it.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Plausible bounds (docs/source-format.md): a room for more than 100,000 people or larger
# than 100,000 m² is a typing mistake, and a huge number would be published as it stands.
MAX_CAPACITY = 100_000
MAX_AREA_M2 = 100_000
_CAPACITY_RANGE = (
    f"expected a whole number from 1 to {MAX_CAPACITY:,}",
    f"wpisz liczbę całkowitą od 1 do {MAX_CAPACITY:,}".replace(",", "\u00a0"),
)
_AREA_RANGE = (
    f"expected a number of square metres greater than 0 and at most {MAX_AREA_M2:,}, such as 45 or 45,5",
    f"wpisz liczbę metrów kwadratowych większą od 0 i nie większą niż {MAX_AREA_M2:,}".replace(",", "\u00a0")
    + ", np. 45 albo 45,5",
)
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
    if len(value) > MAX_ID_CHARS:
        raise Invalid(
            f"is {len(value):,} characters long, too long for an id (it becomes part of a web address); "
            f"expected at most {MAX_ID_CHARS} characters, e.g. 'sala-spotkan-1'",
            f"ma {len(value):,} znaków, za dużo jak na identyfikator (staje się częścią adresu strony); "
            f"wpisz najwyżej {MAX_ID_CHARS} znaków, np. 'sala-spotkan-1'",
        )
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
    # ASCII digits only, and few of them: '4²', '٤٠' or 10**5000 are not a number of seats.
    if re.fullmatch(r"[0-9]+", v) and (len(v) > 15 or int(v) > MAX_CAPACITY):
        raise Invalid(
            f"is not a plausible number of places; {_CAPACITY_RANGE[0]}",
            f"nie jest wiarygodną liczbą miejsc; {_CAPACITY_RANGE[1]}",
        )
    if not re.fullmatch(r"[0-9]{1,15}", v) or int(v) <= 0:
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
        # Digits, a dot and digits: Decimal alone would take '4_5', '1e309' and 'NaN'.
        if not re.fullmatch(r"-?(?:[0-9]{1,15}(?:\.[0-9]{1,20})?|\.[0-9]{1,20})", v):
            if re.fullmatch(r"[0-9.]*[eE][+-]?[0-9]+", v) or re.fullmatch(r"[0-9]{16,}(?:\.[0-9]*)?", v):
                raise Invalid(
                    f"is not a plausible area; {_AREA_RANGE[0]}", f"nie jest wiarygodną powierzchnią; {_AREA_RANGE[1]}"
                )
            raise InvalidOperation
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
    if number > MAX_AREA_M2:
        raise Invalid(
            f"is not a plausible area; {_AREA_RANGE[0]}", f"nie jest wiarygodną powierzchnią; {_AREA_RANGE[1]}"
        )
    return number


def coordinate(bounds: tuple[Decimal, Decimal], other: tuple[Decimal, Decimal], name: str) -> Callable[[str], Decimal]:
    name_pl = {"latitude": "szerokość geograficzną", "longitude": "długość geograficzną"}[name]
    other_column = {"latitude": "dlugosc", "longitude": "szerokosc"}[name]
    example = bounds[0] + Decimal("0.05")

    def parse(value: str) -> Decimal:
        try:
            # Degrees, a dot and decimals, nothing else: Decimal alone would read '5_0.065444' as 50.065444.
            v = value.replace(",", ".")
            if not re.fullmatch(r"-?[0-9]{1,3}(?:\.[0-9]{1,20})?", v):
                raise InvalidOperation
            number = Decimal(v)
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
    serial = re.fullmatch(r"([0-9]{5})(?:\.0+)?", value)
    if serial and 20_000 <= int(serial[1]) <= 80_000:  # 1954–2119 as a spreadsheet counts days
        day = (date(1899, 12, 30) + timedelta(days=int(serial[1]))).isoformat()
        raise Invalid(
            f"is a date stored as a spreadsheet's day number ({serial[1]} is {day}); expected RRRR-MM-DD: "
            f"format the column as a date (Format Cells → Date) or write {day}",
            f"to data zapisana jako numer dnia arkusza ({serial[1]} to {day}); wpisz RRRR-MM-DD: "
            f"ustaw format kolumny na datę (Formatuj komórki → Data) albo wpisz {day}",
        )
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


def stated_date(value: str) -> str:
    """A date a source shows, as precise as it shows it: RRRR, RRRR-MM or RRRR-MM-DD.

    >>> stated_date("2020-03"), stated_date("2014-12-05"), stated_date("2019")
    ('2020-03', '2014-12-05', '2019')
    """
    if re.fullmatch(r"\d{4}", value) and 1900 <= int(value) <= 2100:
        return value
    if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
        return value
    try:
        return iso_date(value).isoformat()
    except Invalid:
        raise Invalid(
            "is not a date; expected RRRR-MM-DD, or RRRR-MM or RRRR when the source gives only the month or the year "
            "(e.g. 2020-03-12, 2020-03, 2020)",
            "nie jest datą; wpisz RRRR-MM-DD albo RRRR-MM lub RRRR, gdy źródło podaje tylko miesiąc lub rok "
            "(np. 2020-03-12, 2020-03, 2020)",
        ) from None


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
    # ASCII digits only: str.isdigit() is true for '²', which int() cannot read.
    number = ROMAN_TO_INT.get(v) or (int(v) if re.fullmatch(r"[0-9]{1,2}", v) else 0)
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


# --- what a column holds, stated once ---------------------------------------------------

# What a cell of a number or yes/no column looks like, to tell where an unquoted decimal comma split a row.
NUMBER_SHAPE = re.compile(r"-?\d+(?:[.,]\d+)?")
YES_NO_SHAPE = re.compile(r"(?i)tak|nie|t|n|yes|no|true|false|0|1")


@dataclass(frozen=True)
class Cell:
    """What a column's cells hold: how to read one, its datatype, its shape and its bounds."""

    parse: Callable[[str], Any]
    datatype: str = "string"  # the XSD datatype of the value (CSVW's "base")
    shape: re.Pattern[str] | None = None  # what a well-formed cell looks like before it is read
    decimal: bool = False  # a decimal number: in a CSV an unquoted decimal comma splits the cell in two
    minimum: int | None = None  # the least value allowed
    min_exclusive: int | None = None  # every value is greater than this
    maximum: int | None = None  # the greatest value allowed (a plausible bound)

    def __call__(self, value: str) -> Any:
        return self.parse(value)

    def csvw_datatype(self) -> dict[str, Any]:
        """The datatype as CSVW metadata writes it, with the bounds the reader enforces.

        >>> WHOLE_POSITIVE.csvw_datatype()
        {'base': 'integer', 'minimum': 1, 'maximum': 100000}
        """
        datatype: dict[str, Any] = {"base": self.datatype}
        if self.minimum is not None:
            datatype["minimum"] = self.minimum
        if self.min_exclusive is not None:
            datatype["minExclusive"] = self.min_exclusive
        if self.maximum is not None:
            datatype["maximum"] = self.maximum
        return datatype


TEXT = Cell(text)
ID = Cell(slug)
YES_NO = Cell(yes_no, "boolean", YES_NO_SHAPE)
# "Positive" is said here once: whole numbers from 1, decimals above 0.
WHOLE_POSITIVE = Cell(whole_positive, "integer", NUMBER_SHAPE, minimum=1, maximum=MAX_CAPACITY)
POSITIVE_NUMBER = Cell(positive_number, "decimal", NUMBER_SHAPE, decimal=True, min_exclusive=0, maximum=MAX_AREA_M2)
LATITUDE = Cell(coordinate(LAT_RANGE, LON_RANGE, "latitude"), "decimal", NUMBER_SHAPE, decimal=True)
LONGITUDE = Cell(coordinate(LON_RANGE, LAT_RANGE, "longitude"), "decimal", NUMBER_SHAPE, decimal=True)
DATE = Cell(iso_date, "date")
# A date as precise as the source gives it; CSVW has no union of date types, so it is described as text.
STATED_DATE = Cell(stated_date, "string", re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?"))
POSTAL_CODE = Cell(postal_code)
EMAIL_ADDRESS = Cell(email)
PHONE_NUMBER = Cell(phone)
WEB_ADDRESS = Cell(url, "anyURI")
WEB_ADDRESSES = Cell(urls, "anyURI")
WIKIDATA_ID = Cell(wikidata)
DISTRICT = Cell(district, "integer")
INSTITUTION_TYPE = Cell(one_of(INSTITUTION_TYPES))
SPACE_TYPE = Cell(one_of(SPACE_TYPES))
EQUIPMENT_LIST = Cell(list_of(EQUIPMENT))
SHARING_MODE_LIST = Cell(list_of(SHARING_MODES))
