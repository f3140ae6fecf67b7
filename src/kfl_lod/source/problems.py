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
from .limits import MAX_PROBLEMS

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
    "unreadable-file": (
        "the file cannot be read ({error}); expected a readable file: close it in other programs, "
        "check that you may read it, or copy it into the folder again",
        "nie da się odczytać pliku ({error}); zamknij go w innych programach, sprawdź uprawnienia do odczytu "
        "albo skopiuj go do folderu ponownie",
    ),
    "outside-source": (
        "is a link to a file outside the source folder; expected the table itself in the source folder: "
        "copy the file into the folder instead of linking it",
        "jest dowiązaniem do pliku spoza folderu z danymi; tabela musi leżeć w tym folderze: "
        "skopiuj plik do folderu zamiast go dowiązywać",
    ),
    "not-utf8:utf16-no-bom": (
        f"the file is UTF-16 without a byte-order mark (every other byte is zero); expected UTF-8: {SAVE_AS_UTF8[0]}",
        f"plik jest zapisany w UTF-16 bez znacznika BOM (co drugi bajt jest zerem), a nie w UTF-8; {SAVE_AS_UTF8[1]}",
    ),
    "not-utf8:workbook": (
        "the file is a workbook (XLSX or ODS) with a .csv name, not a CSV text; expected a CSV file: "
        "save the sheet as 'CSV UTF-8 (comma delimited)', or put the workbook itself in the folder as .xlsx/.ods",
        "plik jest skoroszytem (XLSX albo ODS) z nazwą .csv, a nie tekstem CSV; zapisz arkusz jako "
        "'CSV UTF-8 (rozdzielany przecinkami)' albo umieść w folderze sam skoroszyt jako .xlsx/.ods",
    ),
    "cut-off-csv": (
        'the file ends inside a cell that opens with a double quote (") in row {row}: the file is cut off or '
        "the closing quote is missing; expected every quoted cell to end with a quote: check that row and "
        "the end of the file, or save the file from the spreadsheet again",
        'plik kończy się wewnątrz komórki otwartej cudzysłowem (") w wierszu {row}: plik jest ucięty albo '
        "brakuje cudzysłowu zamykającego; każda komórka w cudzysłowie musi się nim kończyć: sprawdź ten wiersz "
        "i koniec pliku albo zapisz plik z arkusza ponownie",
    ),
    # limits (docs/source-format.md, "Limits")
    "too-big:file": (
        "the file is {size}, more than the limit of {limit}; expected the source tables only "
        "(a few hundred rows take well under 1 MiB): check that this is the right file",
        "plik ma {size}, więcej niż dopuszczalne {limit}; potrzebne są tylko tabele źródłowe "
        "(kilkaset wierszy to znacznie mniej niż 1 MiB): sprawdź, czy to właściwy plik",
    ),
    "too-big:unpacked": (
        "the workbook unpacks to {size}, more than the limit of {limit}; expected a workbook holding the "
        "source tables only: copy the tables into a new workbook, or save each sheet as CSV",
        "skoroszyt po rozpakowaniu ma {size}, więcej niż dopuszczalne {limit}; potrzebny jest skoroszyt z samymi "
        "tabelami źródłowymi: skopiuj tabele do nowego skoroszytu albo zapisz każdy arkusz jako CSV",
    ),
    "too-big:sheets": (
        "the workbook has {count} sheets, more than the limit of {limit}; expected one sheet per table: "
        "delete the other sheets",
        "skoroszyt ma {count} arkuszy, więcej niż dopuszczalne {limit}; potrzebny jest jeden arkusz na tabelę: "
        "usuń pozostałe arkusze",
    ),
    "too-big:row-number": (
        "sheet {sheet} has rows beyond row {limit}, the last row a spreadsheet has: the file was not saved by a "
        "spreadsheet program; expected at most {limit} rows: open it in Excel or LibreOffice and save it again",
        "arkusz {sheet} ma wiersze za wierszem {limit}, ostatnim, jaki ma arkusz kalkulacyjny: pliku nie zapisał "
        "program arkusza; dopuszczalne jest {limit} wierszy: otwórz plik w Excelu lub LibreOffice i zapisz ponownie",
    ),
    "too-big:column-number": (
        "sheet {sheet} has cells beyond column {limit}, the last column a spreadsheet has: the file was not saved "
        "by a spreadsheet program; expected at most {limit} columns: open it in Excel or LibreOffice and save it again",
        "arkusz {sheet} ma komórki za kolumną {limit}, ostatnią, jaką ma arkusz kalkulacyjny: pliku nie zapisał "
        "program arkusza; dopuszczalne są {limit} kolumny: otwórz plik w Excelu lub LibreOffice i zapisz ponownie",
    ),
    "too-big:rows": (
        "sheet {sheet} has more than {limit} rows with content; expected at most {limit} records per table: "
        "delete the rows that are not records (or split the source)",
        "arkusz {sheet} ma ponad {limit} wypełnionych wierszy; tabela może mieć najwyżej {limit} rekordów: "
        "usuń wiersze, które nie są rekordami (albo podziel źródło)",
    ),
    "too-big:cells": (
        "sheet {sheet} has more than {limit} cells with content; expected only the columns of the table: "
        "delete the other columns",
        "arkusz {sheet} ma ponad {limit} wypełnionych komórek; potrzebne są tylko kolumny tabeli: usuń pozostałe",
    ),
    "cell-too-long:quote": (
        "{value!r}: the cell has {length} characters over {lines} lines, more than the limit of {limit}: most likely a "
        'double quote (") opens this cell and is never closed, so the rest of the file became one cell; '
        "expected a closing quote: add it (or delete the opening one)",
        '{value!r}: komórka ma {length} znaków w {lines} wierszach, więcej niż dopuszczalne {limit}: zapewne cudzysłów (") '
        "otwiera tę komórkę i nigdzie się nie zamyka, więc reszta pliku stała się jedną komórką; dopisz cudzysłów "
        "zamykający (albo usuń otwierający)",
    ),
    "cell-too-long": (
        "{value!r}: the cell has {length} characters, more than the limit of {limit} (a spreadsheet's own limit for a cell); "
        "expected a shorter text: a long text belongs on the institution's web page, linked in the column zrodla",
        "{value!r}: komórka ma {length} znaków, więcej niż dopuszczalne {limit} (tyle mieści komórka arkusza); wpisz krótszy "
        "tekst: długi opis umieść na stronie instytucji i podaj jej adres w kolumnie zrodla",
    ),
    # workbooks
    "hidden-sheet": (
        "the sheet {sheet} is hidden; expected the table on a visible sheet, so that what is published is what "
        "you see: unhide it (right-click a sheet tab → Unhide) or delete it",
        "arkusz {sheet} jest ukryty; tabela musi być na widocznym arkuszu, by publikować to, co widać: "
        "odkryj go (prawy przycisk na karcie arkusza → Odkryj) albo usuń",
    ),
    "merged-cells": (
        "cells {value!r} are merged across columns; expected one value in each cell: unmerge them "
        "(Excel: Merge & Center → Unmerge Cells; LibreOffice: Format → Merge and Unmerge Cells → Unmerge Cells) "
        "and fill every cell",
        "komórki {value!r} są scalone w poprzek kolumn; każda komórka musi mieć własną wartość: rozdziel je "
        "(Excel: Scal i wyśrodkuj → Rozdziel komórki; LibreOffice: Format → Scal i rozdziel komórki → Rozdziel) "
        "i wypełnij każdą",
    ),
    "formula-without-value": (
        "the cell holds a formula without a saved result (the file was written by a program that does not "
        "calculate formulas); expected a value: open the workbook in Excel or LibreOffice and save it again, "
        "or type the value instead of the formula",
        "komórka zawiera formułę bez zapisanego wyniku (plik zapisał program, który nie oblicza formuł); "
        "potrzebna jest wartość: otwórz skoroszyt w Excelu lub LibreOffice i zapisz go ponownie "
        "albo wpisz wartość zamiast formuły",
    ),
    "error-value": (
        "{value!r} is the error value of a formula; expected a value: correct the formula (or type the value) "
        "so that the cell shows it, and save the workbook",
        "{value!r} to błąd formuły; potrzebna jest wartość: popraw formułę (albo wpisz wartość), tak by komórka "
        "ją pokazywała, i zapisz skoroszyt",
    ),
    "too-many-problems": (
        "and {count} more problems, not listed (only the first {limit} are); expected fewer: fix these first, "
        "or check that this is the right file",
        "i jeszcze {count} problemów, których nie wypisano (wypisuje się pierwsze {limit}); popraw najpierw te "
        "albo sprawdź, czy to właściwy plik",
    ),
    # text that would be unsafe once published
    "formula-text": (
        "{value!r} starts with {char!r}, which a spreadsheet opening the published CSV takes for the start of a "
        "formula; expected text that starts with a letter, a digit or a quote mark: remove the {char!r} or start "
        "with a word",
        "{value!r} zaczyna się od {char!r}, co arkusz otwierający opublikowany plik CSV uzna za początek formuły; "
        "tekst musi zaczynać się od litery, cyfry albo cudzysłowu: usuń {char!r} albo zacznij od słowa",
    ),
    "invisible-character": (
        "{value!r} contains the invisible character {code} ({name}) at position {position}, which can show the "
        "text in another order or hide a difference; expected plain text: retype the cell",
        "{value!r} zawiera niewidoczny znak {code} ({name}) na pozycji {position}, który może odwrócić kolejność "
        "tekstu albo ukryć różnicę; wpisz komórkę od nowa",
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
        self.left_out = 0  # problems beyond MAX_PROBLEMS, counted, not listed

    def listed(self) -> list[Problem]:
        """The problems to report: the first MAX_PROBLEMS, and one saying how many more there are."""
        if not self.left_out:
            return self.problems
        file = self.problems[-1].file
        en, pl = message("too-many-problems", count=f"{self.left_out:,}", limit=f"{MAX_PROBLEMS:,}")
        return [*self.problems, Problem(file, None, None, None, en, "too-many-problems", pl)]

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
        if len(self.problems) >= MAX_PROBLEMS:  # a hostile file may hold millions: list a bounded number
            self.left_out += 1
            return
        en, pl = message(key, value=value, row=row, **facts)
        self.problems.append(Problem(file, row, column, value, en, code_of(key), pl))
