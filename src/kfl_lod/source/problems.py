"""The problem catalogue: every problem the reader reports, by code, in English and Polish.

A problem is reported by its catalogue key and the facts it names; the key's part before
a colon is the problem code the clerk, the CLI and the web see ("not-utf8:utf16" reports
code "not-utf8"). Facts that read differently in each language (a hint) are given as
:class:`Say`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import Problem

SAVE_AS_UTF8 = (
    "save it from the spreadsheet as 'CSV UTF-8 (comma delimited)' and try again",
    "zapisz go w arkuszu jako 'CSV UTF-8 (rozdzielany przecinkami)' i spróbuj ponownie",
)


@dataclass(frozen=True)
class Say:
    """A fact for a message that reads differently in English and Polish (a hint, a list)."""

    en: str
    pl: str


# key: (English template, Polish template); str.format fields name the facts.
CATALOGUE: dict[str, tuple[str, str]] = {
    # where the tables are
    "bad-source-path": (
        "expected a folder of CSV files or an .xlsx/.ods workbook",
        "potrzebny jest folder z plikami CSV albo skoroszyt .xlsx/.ods",
    ),
    "missing-source": (
        "the source folder does not exist; expected a folder of CSV files or an .xlsx/.ods workbook",
        "folder z danymi nie istnieje; potrzebny jest folder z plikami CSV albo skoroszyt .xlsx/.ods",
    ),
    "many-workbooks": (
        "found several workbooks ({found}); expected one",
        "w folderze jest kilka skoroszytów ({found}); zostaw jeden",
    ),
    "missing-table": ("{what}{have}; {need}{fix}", "{what}{have}; {need}{fix}"),
    # files and sheets
    "bad-workbook": (
        "the workbook cannot be read ({error}); expected an .xlsx or .ods file",
        "skoroszytu nie da się odczytać ({error}); potrzebny jest plik .xlsx albo .ods",
    ),
    "not-utf8:utf16": (
        f"the file is UTF-16 (what Excel saves as 'Unicode text'), not UTF-8; {SAVE_AS_UTF8[0]}",
        f"plik jest zapisany w UTF-16 (tak Excel zapisuje 'Tekst Unicode'), a nie w UTF-8; {SAVE_AS_UTF8[1]}",
    ),
    "not-utf8": (
        "the file is not UTF-8: row {row} has {word!r} written in another encoding (probably Windows-1250, "
        f"what Excel saves as plain 'CSV'); {SAVE_AS_UTF8[0]}",
        "plik nie jest zapisany w UTF-8: wiersz {row} zawiera {word!r} w innym kodowaniu (zapewne Windows-1250, "
        f"tak Excel zapisuje zwykły 'CSV'); {SAVE_AS_UTF8[1]}",
    ),
    "empty-file": (
        "the file is empty; expected a header row and at least one record",
        "plik jest pusty; potrzebny jest wiersz nagłówka i co najmniej jeden rekord",
    ),
    "empty-file:table": (
        "the table is empty; expected a header row and at least one record",
        "tabela jest pusta; potrzebny jest wiersz nagłówka i co najmniej jeden rekord",
    ),
    "empty-file:no-records": (
        "the table has a header but no records; expected at least one record",
        "tabela ma nagłówek, ale nie ma rekordów; dodaj co najmniej jeden",
    ),
    "bad-csv": (
        f"the file is not a readable CSV table ({{error}}); {SAVE_AS_UTF8[0]}",
        f"pliku nie da się odczytać jako tabeli CSV ({{error}}); {SAVE_AS_UTF8[1]}",
    ),
    "duplicate-column": (
        "column {value!r} appears twice (columns {first} and {second}); expected each column once",
        "kolumna {value!r} występuje dwa razy (kolumny {first} i {second}); każda kolumna może wystąpić tylko raz",
    ),
    "extra-cells:decimal-comma": (
        "the row has {cells} cells but the header has {width} columns: the decimal comma in {values!r} "
        "(column {columns}) splits the cell in two; expected {dots} with a dot, the number in double quotes, "
        "or the file saved with ';' as the separator",
        "wiersz ma {cells} komórek, a nagłówek {width} kolumn: przecinek dziesiętny w {values!r} "
        "(kolumna {columns}) dzieli komórkę na dwie; wpisz {dots} z kropką, ujmij liczbę w cudzysłów "
        "albo zapisz plik ze średnikiem (;) jako separatorem",
    ),
    "extra-cells": (
        "the row has {cells} cells but the header has {width} columns; expected a comma inside "
        'a cell only in a cell quoted with double quotes ("Scena, widownia")',
        "wiersz ma {cells} komórek, a nagłówek {width} kolumn; przecinek wewnątrz komórki jest "
        'dozwolony tylko w komórce ujętej w cudzysłów ("Scena, widownia")',
    ),
    "no-header": (
        "{value!r} is in a column with no header; expected a header in row {header_row} or an empty column",
        "{value!r} jest w kolumnie bez nagłówka; dopisz nagłówek w wierszu {header_row} albo wyczyść tę kolumnę",
    ),
    # the columns of a table
    "no-header-row": (
        "row {row} ({found!r}) is not a header row: it has none of the expected columns{hint}; "
        "expected the first row to name the columns: {expected}",
        "wiersz {row} ({found!r}) nie jest wierszem nagłówka: nie ma w nim żadnej z kolumn{hint}; "
        "pierwszy wiersz musi zawierać nazwy kolumn: {expected}",
    ),
    "misspelt-column": (
        "unknown column {value!r}; expected {meant!r} (rename the header to {meant})",
        "nieznana kolumna {value!r}; powinna się nazywać {meant!r} (popraw nagłówek na {meant})",
    ),
    "unknown-column": (
        "unknown column {value!r}; expected columns: {expected}",
        "nieznana kolumna {value!r}; dozwolone kolumny: {expected}",
    ),
    "missing-column": (
        "column {header!r} is missing; expected columns: {expected}",
        "brakuje kolumny {header!r}; tabela musi mieć kolumny: {expected}",
    ),
    # cells and rows
    "required": (
        "is empty; this column is required",
        "komórka jest pusta, a ta kolumna jest wymagana; uzupełnij ją",
    ),
    "control-character": (
        "{value!r} contains the control character {code}; expected plain text "
        "(retype the cell or paste it as plain text)",
        "{value!r} zawiera niewidoczny znak sterujący {code}; wpisz komórkę od nowa albo wklej ją jako zwykły tekst",
    ),
    "invalid-value": ("{value!r} {expected}", "{value!r} {expected}"),
    "duplicate-id": (
        "duplicate id {value!r}; it is already used in row {first}; expected every id once",
        "identyfikator {value!r} jest już użyty w wierszu {first}; każdy identyfikator może wystąpić tylko raz",
    ),
    "unknown-reference": (
        "{value!r} is not an id in {target}; expected the id of a row there{hint}",
        "{value!r} nie jest identyfikatorem żadnego wiersza w {target}; wpisz id istniejącego wiersza{hint}",
    ),
    "practice-place": (
        "{have}; expected exactly one of przestrzen_id, lokalizacja_id, instytucja_id: where it happened",
        "{have}; wpisz dokładnie jedno z: przestrzen_id, lokalizacja_id, instytucja_id (gdzie to się odbyło)",
    ),
    "real-practice-in-example-space": (
        "{value!r} is an illustrative space (ilustracyjne=tak) while this good practice is not; "
        "expected a real space for a real practice (or ilustracyjne=tak here)",
        "{value!r} to przestrzeń przykładowa (ilustracyjne=tak), a ta dobra praktyka nie jest przykładowa; "
        "wskaż prawdziwą przestrzeń (albo wpisz tu ilustracyjne=tak)",
    ),
    "half-coordinates": (
        "is empty while {have} is given; expected both coordinates or neither",
        "komórka jest pusta, a kolumna {have} jest wypełniona; podaj obie współrzędne albo żadnej",
    ),
}


def code_of(key: str) -> str:
    """The problem code a catalogue key reports.

    >>> code_of("not-utf8:utf16"), code_of("required")
    ('not-utf8', 'required')
    """
    return key.partition(":")[0]


def message(key: str, **facts: Any) -> tuple[str, str]:
    """The English and Polish message of a catalogue entry with its facts filled in."""
    en, pl = CATALOGUE[key]
    return (
        en.format(**{k: v.en if isinstance(v, Say) else v for k, v in facts.items()}),
        pl.format(**{k: v.pl if isinstance(v, Say) else v for k, v in facts.items()}),
    )


class Collector:
    """The problems found so far, all reported at once at the end."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(
        self,
        key: str,
        file: str,
        row: int | None = None,
        column: str | None = None,
        value: str | None = None,
        **facts: Any,
    ) -> None:
        """Record the catalogue problem ``key`` at file, row and column; ``value`` is also a fact."""
        en, pl = message(key, value=value, row=row, **facts)
        self.problems.append(Problem(file, row, column, value, en, code_of(key), pl))
