"""What each source table and column means, in Polish and English: said once, shown twice.

The column tables of docs/source-format.md are generated from these notes
(:func:`markdown`, checked by a test), and the workbook template (``kfl-lod template``)
puts the same text in the comment of every header, so the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..vocab import DISTRICTS, EQUIPMENT, INSTITUTION_TYPES, SHARING_MODES, SPACE_TYPES, Scheme
from .cells import (
    DISTRICT,
    EQUIPMENT_LIST,
    INSTITUTION_TYPE,
    SHARING_MODE_LIST,
    SPACE_TYPE,
    YES_NO,
    Cell,
)
from .tables import TABLES, Column, Table


@dataclass(frozen=True)
class Note:
    """What a table or column holds: Polish, English, and an example cell."""

    pl: str
    en: str
    example: str = ""


TABLE_NOTES = {
    "instytucje": Note(
        "instytucje kultury (jeden wiersz – jedna instytucja)", "institutions (one row per institution)"
    ),
    "lokalizacje": Note(
        "lokalizacje: budynki lub filie (jeden wiersz – jedna lokalizacja)",
        "venues: buildings or branches (one row per venue)",
    ),
    "przestrzenie": Note(
        "przestrzenie udostępniane organizacjom (jeden wiersz – jedna przestrzeń)",
        "spaces offered to NGOs (one row per space)",
    ),
    "dobre_praktyki": Note(
        "dobre praktyki (tabela nieobowiązkowa; jeden wiersz – jeden przykład współpracy)",
        "good practices (optional; one row per example of cooperation)",
    ),
}

_ID = Note(
    "stały identyfikator: małe litery a–z bez polskich znaków, cyfry i łączniki; nie zmienia się po publikacji",
    "stable slug: lower-case letters a–z, digits and hyphens; never changes once published",
)
_SOURCES = Note(
    "adresy publicznych stron, z których pochodzą dane, oddzielone spacjami",
    "URLs of the public pages the facts come from, separated by spaces",
    "https://example.pl/o-nas",
)

COLUMN_NOTES: dict[str, dict[str, Note]] = {
    "instytucje": {
        "id": Note(_ID.pl, _ID.en, "muzeum-krakowa"),
        "nazwa": Note("pełna oficjalna nazwa", "official full name", "Muzeum Historyczne Miasta Krakowa"),
        "nazwa_skrocona": Note("nazwa skrócona, potoczna", "short / everyday name", "Muzeum Krakowa"),
        "typ": Note("rodzaj instytucji, wartość z listy", "institution type, one of the list", "muzeum"),
        "strona_www": Note(
            "strona internetowa, pełny adres http:// lub https://",
            "website, an http:// or https:// URL",
            "https://muzeumkrakowa.pl/",
        ),
        "email": Note("ogólny adres e-mail", "general e-mail", "sekretariat@example.pl"),
        "telefon": Note(
            "ogólny telefon: cyfry, ewentualnie +48, spacje, łączniki",
            "general phone: digits with optional +48, spaces, hyphens",
            "+48 12 616 78 23",
        ),
        "rodzaj_kontaktu": Note(
            "do czego służą email i telefon, jak podaje źródło (puste: kontakt ogólny)",
            "what email and telefon are for, as the source says (empty: general contact)",
            "sekretariat",
        ),
        "zrodlo_kontaktu": Note(
            "adres strony, która podaje email i telefon",
            "URL of the page that states email and telefon",
            "https://example.pl/kontakt",
        ),
        "data_kontaktu": Note(
            "data, którą pokazuje ta strona, tak dokładnie, jak ją podaje: RRRR-MM-DD, RRRR-MM albo RRRR",
            "the date that page shows, as precise as it is: RRRR-MM-DD, RRRR-MM or RRRR",
            "2020-03",
        ),
        "kontakt_osoba": Note(
            "osoba do kontaktu dla organizacji (publikowana tylko przy kontakt_zgoda = tak)",
            "contact person for NGOs (published only if kontakt_zgoda is tak)",
        ),
        "kontakt_email": Note("e-mail do kontaktu dla organizacji", "contact e-mail for NGOs"),
        "kontakt_telefon": Note("telefon do kontaktu dla organizacji", "contact phone for NGOs"),
        "kontakt_zgoda": Note(
            "tak, jeśli osoba zgodziła się na publikację nazwiska",
            "tak if the person agreed to publish their name",
            "nie",
        ),
        "wikidata": Note("identyfikator w Wikidanych, Q i cyfry", "Wikidata id, Q and digits", "Q1234567"),
        "opis": Note("krótki opis (po polsku)", "short description (Polish)"),
        "zrodla": _SOURCES,
    },
    "lokalizacje": {
        "id": Note(_ID.pl, _ID.en, "mk-krzysztofory"),
        "instytucja_id": Note(
            "id instytucji z arkusza instytucje", "id of the institution in instytucje", "muzeum-krakowa"
        ),
        "nazwa": Note("nazwa budynku lub filii", "name of the building or branch", "Pałac Krzysztofory"),
        "ulica": Note(
            "ulica i numer, jak w adresie na kopercie", "street and number, as written on letters", "ul. Lipowa 4"
        ),
        "kod_pocztowy": Note("kod pocztowy NN-NNN", "postal code NN-NNN", "31-011"),
        "miejscowosc": Note("miejscowość", "town", "Kraków"),
        "dzielnica": Note(
            "numer dzielnicy 1–18 (arabski lub rzymski: 13 albo XIII), tylko jeśli podaje ją źródło; "
            "pusta jest wyliczana ze współrzędnych",
            "district number 1–18 (arabic or roman: 13 or XIII), only as a source states it; "
            "left empty, it is derived from the coordinates",
            "1",
        ),
        "zrodlo_dzielnicy": Note(
            "adres strony, która podaje dzielnicę",
            "URL of the page that states the district",
            "https://example.pl/o-nas",
        ),
        "szerokosc": Note(
            "szerokość geograficzna WGS84 w stopniach dziesiętnych, w granicach Krakowa (49,96–50,13)",
            "latitude, WGS84 decimal degrees, inside Kraków (49.96–50.13)",
            "50.0619",
        ),
        "dlugosc": Note(
            "długość geograficzna WGS84 w stopniach dziesiętnych, w granicach Krakowa (19,78–20,23)",
            "longitude, WGS84 decimal degrees, inside Kraków (19.78–20.23)",
            "19.9368",
        ),
        "dostep_wozki": Note(
            "tak/nie: wejście bez schodów (dla wózków), tylko jeśli podaje to źródło",
            "tak/nie: step-free (wheelchair) entrance, only as a source states it",
            "tak",
        ),
        "winda": Note("tak/nie: winda, jeśli podaje to źródło", "tak/nie: a lift, as a source states it", "tak"),
        "parking_dla_niepelnosprawnych": Note(
            "tak/nie: miejsca parkingowe dla osób z niepełnosprawnościami, jeśli podaje to źródło",
            "tak/nie: parking places for people with disabilities, as a source states it",
            "tak",
        ),
        "petla_indukcyjna": Note(
            "tak/nie: pętla indukcyjna, jeśli podaje to źródło", "tak/nie: an induction loop, as a source states it"
        ),
        "dostepnosc_opis": Note(
            "dostępność zwykłymi słowami, tak jak podaje ją źródło (schody, pochylnie, drzwi, toalety, psy przewodniki)",
            "accessibility in plain words, as the source states it (steps, ramps, doors, toilets, guide dogs)",
        ),
        "zrodlo_dostepnosci": Note(
            "adres strony, która podaje informacje o dostępności",
            "URL of the page that states the accessibility facts",
            "https://example.pl/dostepnosc",
        ),
        "data_dostepnosci": Note(
            "data, którą pokazuje ta strona, tak dokładnie, jak ją podaje: RRRR-MM-DD, RRRR-MM albo RRRR",
            "the date that page shows, as precise as it is: RRRR-MM-DD, RRRR-MM or RRRR",
            "2025",
        ),
        "przystanek": Note(
            "najbliższy przystanek komunikacji miejskiej, jak podaje źródło",
            "nearest public-transport stop, as a source names it",
            "Plac Centralny im. R. Reagana (tramwaj)",
        ),
        "godziny_otwarcia": Note(
            "godziny otwarcia w zapisie schema.org",
            "opening hours in schema.org form",
            "Mo-Fr 10:00-18:00, Sa 10:00-14:00",
        ),
        "zrodla": _SOURCES,
    },
    "przestrzenie": {
        "id": Note(_ID.pl, _ID.en, "krzysztofory-sala-spotkan"),
        "lokalizacja_id": Note(
            "id lokalizacji z arkusza lokalizacje", "id of the venue in lokalizacje", "mk-krzysztofory"
        ),
        "nazwa": Note("nazwa sali lub przestrzeni", "name of the room or space", "Sala spotkań"),
        "rodzaj": Note("rodzaj przestrzeni, wartość z listy", "space type, one of the list", "sala-spotkan"),
        "opis": Note("opis (po polsku)", "description (Polish)"),
        "liczba_miejsc": Note(
            "ile osób się zmieści: liczba całkowita > 0", "how many people, a whole number > 0", "40"
        ),
        "powierzchnia_m2": Note(
            "powierzchnia w m², liczba > 0 (45 albo 45,5)", "area in m², a number > 0 (45 or 45,5)", "45,5"
        ),
        "wyposazenie": Note(
            "wyposażenie: wartości z listy oddzielone przecinkami",
            "equipment, comma-separated values from the list",
            "projektor, ekran, krzesla",
        ),
        "formy_udostepniania": Note(
            "formy udostępniania: wartości z listy oddzielone przecinkami; puste, gdy instytucja ich nie podała "
            "(strony radzą wtedy zapytać)",
            "sharing modes, comma-separated values from the list; empty when the institution has not stated them "
            "(the pages then say to ask)",
            "nieodplatne-uzyczenie, wspolorganizacja",
        ),
        "nieodplatnie": Note(
            "tak, jeśli można korzystać bezpłatnie; nie, jeśli nie",
            "tak if it can be used free of charge, nie if not",
            "tak",
        ),
        "warunki": Note("warunki udostępnienia zwykłymi słowami", "conditions in plain words"),
        "zweryfikowano": Note(
            "data ostatniej weryfikacji wpisu, RRRR-MM-DD", "date last verified, RRRR-MM-DD", "2026-02-19"
        ),
        "ilustracyjne": Note(
            "tak, jeśli żadne publiczne źródło nie podaje tej przestrzeni (wpis przykładowy); nie, jeśli źródło ją podaje",
            "tak if no public source states this space (illustrative record), nie if a source does",
            "nie",
        ),
        "zrodla": _SOURCES,
    },
    "dobre_praktyki": {
        "id": Note(_ID.pl, _ID.en, "warsztaty-sasiedzkie-2025"),
        "przestrzen_id": Note(
            "jedno z trzech: id przestrzeni z arkusza przestrzenie, w której to się odbyło",
            "one of three: id of the space in przestrzenie where it happened",
            "krzysztofory-sala-spotkan",
        ),
        "lokalizacja_id": Note(
            "jedno z trzech: id lokalizacji, gdy źródło nie podaje sali",
            "one of three: id of the venue, when the source names no room",
            "dworek-siedziba",
        ),
        "instytucja_id": Note(
            "jedno z trzech: id instytucji, gdy źródło nie podaje lokalizacji",
            "one of three: id of the institution, when the source names no venue",
            "muzeum-krakowa",
        ),
        "organizacja": Note(
            "partner, jak go nazywa źródło: organizacja pozarządowa, mieszkańcy, firma",
            "the partner as the source names it: an NGO, residents, a firm",
            "Stowarzyszenie Przykładowe",
        ),
        "organizacja_pozarzadowa": Note(
            "tak, jeśli partner jest organizacją pozarządową; nie, jeśli nie jest albo nie wiadomo (puste: tak)",
            "tak if the partner is an NGO; nie if it is not or it is not known (empty: tak)",
            "tak",
        ),
        "tytul": Note("tytuł wydarzenia lub projektu", "title of the event or project", "Warsztaty sąsiedzkie"),
        "data": Note("data, RRRR-MM-DD", "date, RRRR-MM-DD", "2025-10-14"),
        "opis": Note("co się wydarzyło, zwykłymi słowami", "what happened, in plain words"),
        "url": Note("strona o tym wydarzeniu: źródło", "a page about it: the source", "https://example.pl/warsztaty"),
        "data_zrodla": Note(
            "data, którą pokazuje ta strona, tak dokładnie, jak ją podaje: RRRR-MM-DD, RRRR-MM albo RRRR",
            "the date that page shows, as precise as it is: RRRR-MM-DD, RRRR-MM or RRRR",
            "2024-07",
        ),
        "ilustracyjne": Note(
            "tak, jeśli żadne publiczne źródło tego nie podaje (wpis przykładowy); nie, jeśli podaje",
            "tak if no public source states it (illustrative record), nie if one does",
            "nie",
        ),
    },
}

# The controlled columns: the allowed values come from these schemes (drop-down lists).
SCHEMES: dict[Cell, Scheme] = {
    INSTITUTION_TYPE: INSTITUTION_TYPES,
    SPACE_TYPE: SPACE_TYPES,
    EQUIPMENT_LIST: EQUIPMENT,
    SHARING_MODE_LIST: SHARING_MODES,
}
LISTS = (EQUIPMENT_LIST, SHARING_MODE_LIST)  # cells holding several values, comma-separated


def note(table: Table, column: Column) -> Note:
    """The note of one column (every column has one; a test says so)."""
    return COLUMN_NOTES[table.name][column.header]


def allowed(column: Column) -> list[str]:
    """The values a controlled column takes, as the clerk types them; [] for free columns."""
    if column.cell in SCHEMES:
        return list(SCHEMES[column.cell].slugs())
    if column.cell is DISTRICT:
        return [str(n) for n in sorted(DISTRICTS)]
    if column.cell is YES_NO:
        return ["tak", "nie"]
    return []


def comment(table: Table, column: Column) -> str:
    """The text of a header's comment in the template: Polish, then English, then what is allowed."""
    n = note(table, column)
    lines = [f"{column.header}{' (wymagane / required)' if column.required else ''}", n.pl, f"EN: {n.en}"]
    values = allowed(column)
    if values:
        several = " (kilka: oddziel przecinkami / several: comma-separated)" if column.cell in LISTS else ""
        lines.append(f"Wartości / values{several}: {', '.join(values)}")
    if n.example:
        lines.append(f"Np. / e.g.: {n.example}")
    return "\n".join(lines)


def markdown(table: Table) -> str:
    """The Markdown table of a source table's columns, as docs/source-format.md shows it."""

    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    rows = [
        "| column | required | what | opis (PL) | example |",
        "|---|---|---|---|---|",
    ]
    for column in table.columns:
        n = note(table, column)
        example = f"`{n.example}`" if n.example else ""
        rows.append(
            f"| {column.header} | {'yes' if column.required else 'no'} | {cell(n.en)} | {cell(n.pl)} | {example} |"
        )
    return "\n".join(rows)


def markdown_all() -> dict[str, str]:
    """Every table's Markdown, by table name."""
    return {t.name: markdown(t) for t in TABLES}
