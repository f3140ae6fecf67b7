"""The source tables and their columns: the only place that knows the clerk's column headers.

A column declares once its header, the record field it fills, what its cells hold
(:class:`~kfl_lod.source.cells.Cell`: parser, datatype, shape, bounds), whether it is
required and which table its ids point into.
"""

from __future__ import annotations

from dataclasses import dataclass

from .cells import (
    DATE,
    DISTRICT,
    EMAIL_ADDRESS,
    EQUIPMENT_LIST,
    ID,
    INSTITUTION_TYPE,
    LATITUDE,
    LONGITUDE,
    PHONE_NUMBER,
    POSITIVE_NUMBER,
    POSTAL_CODE,
    SHARING_MODE_LIST,
    SPACE_TYPE,
    STATED_DATE,
    TEXT,
    WEB_ADDRESS,
    WEB_ADDRESSES,
    WHOLE_POSITIVE,
    WIKIDATA_ID,
    YES_NO,
    Cell,
    ascii_slug,
)


@dataclass(frozen=True)
class Column:
    """One column of a source table, declared once."""

    header: str
    field: str
    cell: Cell = TEXT
    required: bool = False
    references: str | None = None  # the table whose ids this column holds
    # The header may be left out (the cells are then empty): columns added after the first version, so
    # that a clerk's older spreadsheet still reads.
    optional_header: bool = False

    def parse(self, value: str):
        """Read one non-empty cell of this column; raise Invalid saying what is expected."""
        return self.cell.parse(value)


@dataclass(frozen=True)
class Table:
    """One source table: a CSV file or a workbook sheet of that name."""

    name: str  # file stem and sheet name
    kind: str  # the kind of record a row becomes: "space"
    columns: tuple[Column, ...]
    optional: bool = False  # the whole table may be absent

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    def column(self, field: str) -> Column:
        """The column that fills a record field.

        >>> SPACES.column("capacity").header
        'liczba_miejsc'
        """
        return next(c for c in self.columns if c.field == field)


INSTITUTIONS = Table(
    "instytucje",
    "institution",
    (
        Column("id", "id", ID, True),
        Column("nazwa", "name", TEXT, True),
        Column("nazwa_skrocona", "short_name"),
        Column("typ", "type", INSTITUTION_TYPE, True),
        Column("strona_www", "website", WEB_ADDRESS),
        Column("email", "email", EMAIL_ADDRESS),
        Column("telefon", "phone", PHONE_NUMBER),
        # Where the general e-mail and phone above come from: what they are for, the page, its date.
        Column("rodzaj_kontaktu", "email_phone_role", optional_header=True),
        Column("zrodlo_kontaktu", "email_phone_source", WEB_ADDRESS, optional_header=True),
        Column("data_kontaktu", "email_phone_date", STATED_DATE, optional_header=True),
        Column("kontakt_osoba", "contact_person"),
        Column("kontakt_email", "contact_email", EMAIL_ADDRESS),
        Column("kontakt_telefon", "contact_phone", PHONE_NUMBER),
        Column("kontakt_zgoda", "contact_consent", YES_NO),
        Column("wikidata", "wikidata", WIKIDATA_ID),
        Column("opis", "description"),
        Column("zrodla", "sources", WEB_ADDRESSES),
    ),
)

VENUES = Table(
    "lokalizacje",
    "venue",
    (
        Column("id", "id", ID, True),
        Column("instytucja_id", "institution", ID, True, references="instytucje"),
        Column("nazwa", "name", TEXT, True),
        Column("ulica", "street"),
        Column("kod_pocztowy", "postal_code", POSTAL_CODE),
        Column("miejscowosc", "locality", TEXT, True),
        Column("dzielnica", "district", DISTRICT),
        Column("zrodlo_dzielnicy", "district_source", WEB_ADDRESS, optional_header=True),
        Column("szerokosc", "latitude", LATITUDE),
        Column("dlugosc", "longitude", LONGITUDE),
        Column("dostep_wozki", "step_free", YES_NO),
        Column("winda", "lift", YES_NO, optional_header=True),
        Column("parking_dla_niepelnosprawnych", "disabled_parking", YES_NO, optional_header=True),
        Column("petla_indukcyjna", "induction_loop", YES_NO, optional_header=True),
        Column("dostepnosc_opis", "accessibility_note", optional_header=True),
        Column("zrodlo_dostepnosci", "accessibility_source", WEB_ADDRESS, optional_header=True),
        Column("data_dostepnosci", "accessibility_date", STATED_DATE, optional_header=True),
        Column("przystanek", "nearest_stop", optional_header=True),
        Column("godziny_otwarcia", "opening_hours"),
        Column("zrodla", "sources", WEB_ADDRESSES),
    ),
)

SPACES = Table(
    "przestrzenie",
    "space",
    (
        Column("id", "id", ID, True),
        Column("lokalizacja_id", "venue", ID, True, references="lokalizacje"),
        Column("nazwa", "name", TEXT, True),
        Column("rodzaj", "type", SPACE_TYPE, True),
        Column("opis", "description"),
        Column("liczba_miejsc", "capacity", WHOLE_POSITIVE),
        Column("powierzchnia_m2", "area_m2", POSITIVE_NUMBER),
        Column("wyposazenie", "equipment", EQUIPMENT_LIST),
        Column("formy_udostepniania", "sharing_modes", SHARING_MODE_LIST),
        Column("nieodplatnie", "free_of_charge", YES_NO),
        Column("warunki", "conditions"),
        Column("zweryfikowano", "verified", DATE),
        Column("ilustracyjne", "illustrative", YES_NO, True),
        Column("zrodla", "sources", WEB_ADDRESSES),
    ),
)

PRACTICES = Table(
    "dobre_praktyki",
    "practice",
    (
        Column("id", "id", ID, True),
        # Where it happened: a space, or a venue, or only the institution (exactly one of the three).
        Column("przestrzen_id", "space", ID, references="przestrzenie"),
        Column("lokalizacja_id", "venue", ID, references="lokalizacje", optional_header=True),
        Column("instytucja_id", "institution", ID, references="instytucje", optional_header=True),
        Column("organizacja", "organisation", TEXT, True),
        Column("organizacja_pozarzadowa", "organisation_is_ngo", YES_NO, optional_header=True),
        Column("tytul", "title", TEXT, True),
        Column("data", "date", DATE),
        Column("opis", "description"),
        Column("url", "url", WEB_ADDRESS),
        Column("data_zrodla", "source_date", STATED_DATE, optional_header=True),
        Column("ilustracyjne", "illustrative", YES_NO, True),
    ),
    optional=True,
)

TABLES = (INSTITUTIONS, VENUES, SPACES, PRACTICES)
BY_NAME = {t.name: t for t in TABLES}
KINDS = {t.kind: t for t in TABLES}
ALL_HEADERS = {c.header for t in TABLES for c in t.columns}


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


def header_key(header: str) -> str:
    """A header as a clerk may have meant it: 'Liczba miejsc' -> 'liczba_miejsc'."""
    return ascii_slug(header).replace("-", "_")
