"""Reading and checking the source tables: every bad input is reported where the clerk sees it.

Fixtures: ``tests/data/valid/`` is a small, fictional, valid source; each file in
``tests/data/invalid/`` is one of its tables with one thing wrong, named for what it shows
(``przestrzenie_capacity_zero.csv`` replaces ``przestrzenie.csv``).
"""

from __future__ import annotations

import csv
import io
import shutil
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from kfl_lod.errors import Problem, SourceError
from kfl_lod.mapping import to_graph
from kfl_lod.source import TABLES, read_source
from kfl_lod.vocab import EQUIPMENT, INSTITUTION_TYPES, SCHEMA, SHARING_MODES, SPACE_TYPES

DATA = Path(__file__).resolve().parent / "data"
VALID = DATA / "valid"
INVALID = DATA / "invalid"
BASE = "https://kfl.krakow.pl/"


def make_source(tmp: Path, *invalid: str) -> Path:
    """A copy of the valid source with tables replaced by files from tests/data/invalid/."""
    source = tmp / "source"
    shutil.copytree(VALID, source)
    for name in invalid:
        table = next(t.name for t in TABLES if name.startswith(t.name + "_"))
        shutil.copy(INVALID / name, source / f"{table}.csv")
    return source


def problems_of(source: Path) -> list[Problem]:
    with pytest.raises(SourceError) as caught:
        read_source(source)
    problems = caught.value.problems
    for problem in problems:  # every problem is said in Polish too, for the clerk
        assert problem.message_pl and problem.message_pl != problem.message, problem
        if problem.value:
            assert repr(problem.value) in problem.message_pl or problem.code == "extra-cells", problem
    return problems


def read_rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


# --- the valid source ----------------------------------------------------------------------


def test_valid_source_reads_every_record():
    records = read_source(VALID)
    expected = {t.name: len(read_rows(VALID / t.filename)) - 1 for t in TABLES}
    assert len(records.institutions) == expected["instytucje"]
    assert len(records.venues) == expected["lokalizacje"]
    assert len(records.spaces) == expected["przestrzenie"]
    assert len(records.practices) == expected["dobre_praktyki"]
    space = next(s for s in records.spaces if s.id == "okp-sala-warsztatowa")
    assert space.area_m2 == Decimal("45.5")  # "45,5" with a decimal comma
    assert space.equipment == ("projektor", "ekran", "stoly", "krzesla")
    assert space.verified == date(2026, 2, 19)
    assert space.origin.row == 2
    venue = next(v for v in records.venues if v.id == "okp-siedziba")
    assert venue.district == 13  # written XIII
    assert next(v for v in records.venues if v.id == "okp-filia").latitude == Decimal("50.03")


def test_bundled_source_reads():
    records = read_source(Path(__file__).resolve().parent.parent / "source")
    assert records.institutions and records.venues and records.spaces


def test_contact_name_published_only_with_consent():
    rows = {
        r[0]: dict(zip(read_rows(VALID / "instytucje.csv")[0], r, strict=True))
        for r in read_rows(VALID / "instytucje.csv")[1:]
    }
    graph = to_graph(read_source(VALID), BASE)
    names = {str(o) for o in graph.objects(None, SCHEMA.name)}
    all_text = {str(o) for o in graph.objects() if isinstance(o, Literal)}
    consented = [r for r in rows.values() if r["kontakt_zgoda"] == "tak" and r["kontakt_osoba"]]
    refused = [r for r in rows.values() if r["kontakt_zgoda"] != "tak" and r["kontakt_osoba"]]
    assert consented and refused  # the fixture shows both: "nie" and an empty cell
    assert {r["kontakt_zgoda"] for r in refused} == {"nie", ""}
    for r in consented:
        institution = next(graph.subjects(SCHEMA.identifier, Literal(r["id"])))
        contact = URIRef(f"{institution}#contact")  # the NGO contact point (#general-contact is the general one)
        assert contact in set(graph.objects(institution, SCHEMA.contactPoint))
        assert graph.value(contact, SCHEMA.name) == Literal(r["kontakt_osoba"])
        assert r["kontakt_osoba"] in names
    for r in refused:
        assert r["kontakt_osoba"] not in all_text
        institution = next(graph.subjects(SCHEMA.identifier, Literal(r["id"])))
        for contact in graph.objects(institution, SCHEMA.contactPoint):
            assert graph.value(contact, SCHEMA.name) is None


# --- one bad cell or column per case ----------------------------------------------------------


@dataclass(frozen=True)
class Bad:
    """An invalid fixture and the problem it must give."""

    fixture: str
    row: int | None
    column: str | None
    value: str | None
    expected: tuple[str, ...]  # words the message must contain (what is expected)
    code: str = "invalid-value"

    def __str__(self) -> str:
        return self.fixture.removesuffix(".csv")


def _allowed(scheme) -> tuple[str, ...]:
    return ("expected", *scheme.slugs())


CASES = [
    Bad("instytucje_missing_column_typ.csv", 1, "typ", None, ("missing", "expected columns", "typ"), "missing-column"),
    Bad(
        "lokalizacje_unknown_column_pietro.csv",
        1,
        "pietro",
        "pietro",
        ("unknown column", "expected columns", "instytucja_id"),
        "unknown-column",
    ),
    Bad(
        "lokalizacje_duplicate_column.csv",
        1,
        "nazwa",
        "nazwa",
        ("appears twice", "expected each column once"),
        "duplicate-column",
    ),
    Bad("przestrzenie_empty_name.csv", 4, "nazwa", "", ("empty", "required"), "required"),
    Bad("lokalizacje_empty_locality.csv", 2, "miejscowosc", "", ("empty", "required"), "required"),
    Bad("przestrzenie_illustrative_empty.csv", 4, "ilustracyjne", "", ("empty", "required"), "required"),
    Bad("instytucje_unknown_type.csv", 3, "typ", "kino", _allowed(INSTITUTION_TYPES)),
    Bad("przestrzenie_unknown_space_type.csv", 2, "rodzaj", "sala-balowa", _allowed(SPACE_TYPES)),
    Bad(
        "przestrzenie_unknown_equipment.csv",
        2,
        "wyposazenie",
        "projektor, rzutnik, ekran",
        ("'rzutnik'", *_allowed(EQUIPMENT)),
    ),
    Bad(
        "przestrzenie_unknown_sharing_mode.csv",
        6,
        "formy_udostepniania",
        "umowa-o-wspolpracy, barter",
        ("'barter'", *_allowed(SHARING_MODES)),
    ),
    Bad(
        "przestrzenie_duplicate_id.csv",
        7,
        "id",
        "okp-sala-warsztatowa",
        ("duplicate id", "row 2", "expected every id once"),
        "duplicate-id",
    ),
    Bad(
        "lokalizacje_unknown_institution.csv",
        4,
        "instytucja_id",
        "biblioteka-nieistniejaca",
        ("not an id in", "instytucje.csv", "expected"),
        "unknown-reference",
    ),
    Bad(
        "przestrzenie_unknown_venue.csv",
        5,
        "lokalizacja_id",
        "bt-filia",
        ("not an id in", "lokalizacje.csv", "expected"),
        "unknown-reference",
    ),
    Bad(
        "dobre_praktyki_unknown_space.csv",
        2,
        "przestrzen_id",
        "okp-sala-kinowa",
        ("not an id in", "przestrzenie.csv", "expected"),
        "unknown-reference",
    ),
    Bad(
        "lokalizacje_postal_code_without_hyphen.csv",
        3,
        "kod_pocztowy",
        "30001",
        ("postal code", "expected NN-NNN", "30-001"),
    ),
    Bad("instytucje_email_malformed.csv", 2, "email", "sekretariat(at)okp.example.pl", ("e-mail", "expected")),
    Bad(
        "instytucje_website_without_scheme.csv",
        3,
        "strona_www",
        "www.bt.example.pl",
        ("web address", "expected", "perhaps 'https://www.bt.example.pl'"),
    ),
    Bad(
        "instytucje_website_with_braces.csv",
        2,
        "strona_www",
        "https://okp.example.pl/{sale}",
        ("web address", "expected"),
    ),
    Bad("instytucje_sources_not_urls.csv", 2, "zrodla", "strona ośrodka", ("not a web address", "expected")),
    Bad("instytucje_phone_in_words.csv", 2, "telefon", "dwanaście sześćset", ("phone number", "expected", "+48")),
    Bad(
        "instytucje_id_not_a_slug.csv",
        4,
        "id",
        "Teatr Próbny",
        ("not a valid id", "expected", "lower-case", "perhaps 'teatr-probny'"),
    ),
    Bad(
        "instytucje_wikidata_malformed.csv",
        2,
        "wikidata",
        "https://www.wikidata.org/wiki/Q4115189",
        ("Wikidata", "expected Q", "here: Q4115189"),
    ),
    Bad("instytucje_consent_maybe.csv", 2, "kontakt_zgoda", "chyba", ("yes or no", "expected 'tak' or 'nie'")),
    Bad(
        "instytucje_control_character.csv",
        3,
        "nazwa",
        "Biblioteka\x0bTestowa",
        ("control character", "U+000B", "expected plain text"),
        "control-character",
    ),
    Bad("lokalizacje_district_19.csv", 5, "dzielnica", "19", ("not a district", "expected", "1 to 18")),
    Bad(
        "lokalizacje_latitude_without_longitude.csv",
        5,
        "dlugosc",
        "",
        ("szerokosc is given", "expected both"),
        "half-coordinates",
    ),
    Bad("przestrzenie_capacity_zero.csv", 3, "liczba_miejsc", "0", ("positive whole number", "expected")),
    Bad(
        "przestrzenie_capacity_approximate.csv",
        6,
        "liczba_miejsc",
        "ok. 40",
        ("positive whole number", "expected", "the number alone", "opis"),
    ),
    Bad(
        "przestrzenie_area_negative.csv",
        3,
        "powierzchnia_m2",
        "-200",
        ("positive number", "expected", "greater than 0"),
    ),
    Bad("przestrzenie_area_in_words.csv", 6, "powierzchnia_m2", "duża", ("not a number", "expected")),
    Bad(
        "przestrzenie_date_not_a_date.csv",
        2,
        "zweryfikowano",
        "19.02.2026",
        ("not a date", "expected RRRR-MM-DD", "write it as 2026-02-19"),
    ),
    Bad("przestrzenie_date_impossible.csv", 5, "zweryfikowano", "2026-02-30", ("not a date", "expected RRRR-MM-DD")),
    # The blank line is row 4 in a spreadsheet, so the bad record is row 6, not 5.
    Bad("przestrzenie_blank_row_then_error.csv", 6, "liczba_miejsc", "piętnaście", ("positive whole number",)),
    Bad("przestrzenie_unquoted_comma.csv", 3, None, None, ("15 cells", "14 columns", "double quotes"), "extra-cells"),
    Bad(
        "dobre_praktyki_two_places.csv",
        2,
        "przestrzen_id",
        "",
        ("przestrzen_id, lokalizacja_id are all given", "expected exactly one of"),
        "practice-place",
    ),
    Bad(
        "dobre_praktyki_real_in_example_space.csv",
        2,
        "przestrzen_id",
        "okp-sala-warsztatowa",
        ("illustrative space", "expected a real space"),
        "real-practice-in-example-space",
    ),
    Bad(
        "lokalizacje_accessibility_date_in_words.csv",
        2,
        "data_dostepnosci",
        "wiosna 2025",
        ("not a date", "RRRR-MM or RRRR"),
    ),
]


def test_every_invalid_fixture_has_a_case():
    covered = [c.fixture for c in CASES] + ["lokalizacje_coordinates_in_warsaw.csv"]  # two problems: its own test
    assert sorted(p.name for p in INVALID.glob("*.csv")) == sorted(covered)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_input_is_reported_where_the_clerk_sees_it(tmp_path, case):
    source = make_source(tmp_path, case.fixture)
    table = next(t for t in TABLES if case.fixture.startswith(t.name + "_"))
    problems = problems_of(source)
    assert len(problems) == 1, [str(p) for p in problems]  # one mistake, one problem: no follow-on noise
    problem = problems[0]
    assert problem.file == str(source / table.filename)
    assert (problem.row, problem.column, problem.value, problem.code) == (case.row, case.column, case.value, case.code)
    for words in case.expected:
        assert words in problem.message
    if case.value:
        assert repr(case.value) in problem.message  # the bad value, quoted
    text = str(problem)  # as the CLI prints it
    assert text.startswith(f"{source / table.filename}, row {case.row}" if case.row else str(source / table.filename))
    if case.column:
        assert f"column {case.column}" in text


def test_coordinates_outside_krakow_name_both_columns(tmp_path):
    source = make_source(tmp_path, "lokalizacje_coordinates_in_warsaw.csv")
    problems = problems_of(source)
    found = {(p.row, p.column, p.value) for p in problems}
    assert found == {(3, "szerokosc", "52.2297"), (3, "dlugosc", "21.0122")}
    assert all("outside Kraków" in p.message and "expected" in p.message for p in problems)
    assert "between 49.96 and 50.13" in next(p.message for p in problems if p.column == "szerokosc")


def test_all_problems_are_reported_at_once(tmp_path):
    chosen = [
        c
        for c in CASES
        if c.fixture
        in (
            "instytucje_email_malformed.csv",
            "lokalizacje_postal_code_without_hyphen.csv",
            "przestrzenie_capacity_zero.csv",
            "dobre_praktyki_unknown_space.csv",
        )
    ]
    source = make_source(tmp_path, *(c.fixture for c in chosen))
    # and a second mistake in the same file
    rows = read_rows(source / "przestrzenie.csv")
    rows[4][rows[0].index("rodzaj")] = "sala-balowa"
    with open(source / "przestrzenie.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    problems = problems_of(source)
    found = {(Path(p.file).name, p.row, p.column) for p in problems}
    expected = {
        (next(t.filename for t in TABLES if c.fixture.startswith(t.name + "_")), c.row, c.column) for c in chosen
    }
    assert found == expected | {("przestrzenie.csv", 5, "rodzaj")}
    assert f"{len(problems)} problem(s)" in str(SourceError(problems))


# --- whole files ---------------------------------------------------------------------------------


def test_file_not_utf8_says_so(tmp_path):
    source = make_source(tmp_path)
    text = (source / "instytucje.csv").read_text(encoding="utf-8")
    (source / "instytucje.csv").write_bytes(text.encode("cp1250"))  # what Excel's plain "CSV" gives
    problems = problems_of(source)
    assert [(p.file, p.code) for p in problems] == [(str(source / "instytucje.csv"), "not-utf8")]
    assert "not UTF-8" in problems[0].message and "CSV UTF-8" in problems[0].message
    first_bad_line = next(i for i, line in enumerate(text.splitlines(), 1) if not line.isascii())
    assert problems[0].row == first_bad_line


def test_not_utf8_file_does_not_hide_problems_in_other_files(tmp_path):
    source = make_source(tmp_path, "przestrzenie_capacity_zero.csv")
    (source / "lokalizacje.csv").write_bytes((source / "lokalizacje.csv").read_text(encoding="utf-8").encode("cp1250"))
    problems = problems_of(source)
    assert {(Path(p.file).name, p.code) for p in problems} == {
        ("lokalizacje.csv", "not-utf8"),
        ("przestrzenie.csv", "invalid-value"),
    }


def test_utf8_bom_is_accepted(tmp_path):
    source = make_source(tmp_path)
    for table in TABLES:
        path = source / table.filename
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert read_source(source) == read_source_relabelled(VALID, source)


def test_excel_semicolon_separator_is_accepted(tmp_path):
    source = make_source(tmp_path)
    for table in TABLES:
        path = source / table.filename
        rows = read_rows(path)
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh, delimiter=";", lineterminator="\r\n").writerows(rows)
        assert ";" in path.read_text(encoding="utf-8-sig").splitlines()[0]
    assert read_source(source) == read_source_relabelled(VALID, source)


def read_source_relabelled(valid: Path, source: Path):
    """The records of the valid source, with origins pointing at the copy."""
    copy = source.parent / "pristine"
    shutil.copytree(valid, copy)
    records = read_source(copy)
    from dataclasses import replace

    def fix(r):
        return replace(r, origin=replace(r.origin, file=r.origin.file.replace(str(copy), str(source))))

    return replace(
        records,
        **{
            name: tuple(fix(r) for r in getattr(records, name))
            for name in ("institutions", "venues", "spaces", "practices")
        },
    )


@pytest.mark.parametrize(
    "content", [b"", b"\n\n", b"\xef\xbb\xbf", b" , ,\r\n"], ids=["empty", "blank-lines", "bom-only", "blank-cells"]
)
def test_empty_file(tmp_path, content):
    source = make_source(tmp_path)
    (source / "lokalizacje.csv").write_bytes(content)
    problems = problems_of(source)
    assert [(p.file, p.code) for p in problems] == [(str(source / "lokalizacje.csv"), "empty-file")]
    assert "empty" in problems[0].message and "expected a header row" in problems[0].message


def test_header_without_records(tmp_path):
    source = make_source(tmp_path)
    header = (source / "przestrzenie.csv").read_text(encoding="utf-8").splitlines()[0]
    (source / "przestrzenie.csv").write_text(header + "\n", encoding="utf-8")
    problems = problems_of(source)
    assert [(Path(p.file).name, p.code) for p in problems] == [("przestrzenie.csv", "empty-file")]
    assert "no records" in problems[0].message


def test_optional_table_may_be_absent_or_empty(tmp_path):
    source = make_source(tmp_path)
    header = (source / "dobre_praktyki.csv").read_text(encoding="utf-8").splitlines()[0]
    (source / "dobre_praktyki.csv").write_text(header + "\n", encoding="utf-8")
    assert read_source(source).practices == ()
    (source / "dobre_praktyki.csv").unlink()
    assert read_source(source).practices == ()


def test_missing_table(tmp_path):
    source = make_source(tmp_path)
    (source / "lokalizacje.csv").unlink()
    problems = problems_of(source)
    assert [(p.file, p.code) for p in problems] == [(str(source / "lokalizacje.csv"), "missing-table")]
    assert "lokalizacje.csv" in problems[0].message


def test_missing_source_folder(tmp_path):
    problems = problems_of(tmp_path / "nowhere")
    assert [p.code for p in problems] == ["missing-source"]
    assert "does not exist" in problems[0].message


def test_source_that_is_neither_folder_nor_workbook(tmp_path):
    path = tmp_path / "zestawienie.txt"
    path.write_text("id\n", encoding="utf-8")
    assert [p.code for p in problems_of(path)] == ["bad-source-path"]


def test_blank_rows_are_skipped_and_rows_keep_their_numbers(tmp_path):
    source = make_source(tmp_path)
    rows = read_rows(source / "przestrzenie.csv")
    rows.insert(2, [""] * len(rows[0]))
    with open(source / "przestrzenie.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    records = read_source(source)
    assert len(records.spaces) == len(rows) - 2
    moved = next(s for s in records.spaces if s.id == rows[3][0])
    assert moved.origin.row == 4


def test_cells_are_trimmed(tmp_path):
    source = make_source(tmp_path)
    rows = read_rows(source / "przestrzenie.csv")
    rows[1] = [f"  {c} " if c else c for c in rows[1]]
    with open(source / "przestrzenie.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    space = next(s for s in read_source(source).spaces if s.id == rows[1][0].strip())
    assert space.name == rows[1][2].strip() and space.capacity == int(rows[1][5])


# --- workbooks -------------------------------------------------------------------------------------

NUMERIC = {"liczba_miejsc", "powierzchnia_m2", "szerokosc", "dlugosc"}
DATES = {"zweryfikowano", "data"}


def _typed(header: str, value: str):
    """A cell as a clerk's spreadsheet holds it: numbers as numbers, dates as dates."""
    if not value:
        return None
    if header in NUMERIC:
        number = float(value.replace(",", "."))
        return int(number) if number.is_integer() else number
    if header in DATES:
        return datetime.fromisoformat(value)
    return value


def write_workbook(path: Path, source: Path = VALID, change=None) -> None:
    """Write the CSV tables of ``source`` as one workbook, one sheet per table."""
    import pandas as pd

    engine = "odf" if path.suffix == ".ods" else "openpyxl"
    with pd.ExcelWriter(path, engine=engine) as writer:
        for table in TABLES:
            rows = read_rows(source / table.filename)
            header, body = rows[0], rows[1:]
            data = [[_typed(h, v) for h, v in zip(header, row, strict=True)] for row in body]
            if change and change[0] == table.name:
                row, column, value = change[1:]
                data[row - 2][header.index(column)] = value
            pd.DataFrame(data, columns=header).to_excel(writer, sheet_name=table.name, index=False)


BUNDLED = Path(__file__).resolve().parent.parent / "source"


@pytest.mark.parametrize("suffix", [".xlsx", ".ods"])
@pytest.mark.parametrize("source", [VALID, BUNDLED], ids=["valid", "bundled"])
def test_workbook_reads_to_the_same_records_as_the_csvs(tmp_path, suffix, source):
    workbook = tmp_path / f"zestawienie{suffix}"
    write_workbook(workbook, source)
    from_csv = read_source(source)
    from_workbook = read_source(workbook)
    for name in ("institutions", "venues", "spaces", "practices"):
        left = [{k: v for k, v in vars(r).items() if k != "origin"} for r in getattr(from_csv, name)]
        right = [{k: v for k, v in vars(r).items() if k != "origin"} for r in getattr(from_workbook, name)]
        assert left == right, name
    assert [r.origin.row for r in from_workbook.spaces] == [r.origin.row for r in from_csv.spaces]
    assert from_workbook.spaces[0].origin.file == f"{workbook.name}, sheet przestrzenie"
    # a folder holding just the workbook reads the same
    folder = tmp_path / "source"
    folder.mkdir()
    shutil.copy(workbook, folder)
    assert read_source(folder) == from_workbook


@pytest.mark.parametrize("suffix", [".xlsx", ".ods"])
def test_bad_cell_in_workbook_names_file_and_sheet(tmp_path, suffix):
    workbook = tmp_path / f"zestawienie{suffix}"
    write_workbook(workbook, change=("przestrzenie", 3, "liczba_miejsc", "ok. 40"))
    problems = problems_of(workbook)
    assert [(p.file, p.row, p.column, p.value) for p in problems] == [
        (f"zestawienie{suffix}, sheet przestrzenie", 3, "liczba_miejsc", "ok. 40")
    ]
    assert str(problems[0]).startswith(f"zestawienie{suffix}, sheet przestrzenie, row 3, column liczba_miejsc:")


def test_workbook_date_cell_that_is_not_a_date(tmp_path):
    workbook = tmp_path / "zestawienie.xlsx"
    write_workbook(workbook, change=("przestrzenie", 2, "zweryfikowano", datetime(2026, 2, 19, 14, 30)))
    [problem] = problems_of(workbook)
    assert (problem.row, problem.column, problem.value) == (2, "zweryfikowano", "2026-02-19 14:30:00")
    assert "expected RRRR-MM-DD" in problem.message


def test_workbook_without_a_sheet(tmp_path):
    import pandas as pd

    workbook = tmp_path / "zestawienie.xlsx"
    with pd.ExcelWriter(workbook) as writer:
        for table in TABLES[:2]:
            rows = read_rows(VALID / table.filename)
            pd.DataFrame(rows[1:], columns=rows[0]).to_excel(writer, sheet_name=table.name, index=False)
    problems = problems_of(workbook)
    assert [(p.file, p.code) for p in problems] == [("zestawienie.xlsx", "missing-table")]
    assert "no sheet named przestrzenie" in problems[0].message


def test_broken_workbook(tmp_path):
    workbook = tmp_path / "zestawienie.xlsx"
    workbook.write_bytes(b"PK\x03\x04 this is not a workbook")
    problems = problems_of(workbook)
    assert [(p.file, p.code) for p in problems] == [("zestawienie.xlsx", "bad-workbook")]
    assert "cannot be read" in problems[0].message


def test_several_workbooks_in_the_source_folder(tmp_path):
    folder = tmp_path / "source"
    folder.mkdir()
    write_workbook(folder / "a.xlsx")
    write_workbook(folder / "b.ods")
    problems = problems_of(folder)
    assert [p.code for p in problems] == ["many-workbooks"]
    assert "a.xlsx" in problems[0].message and "b.ods" in problems[0].message


def test_csv_written_by_excel_round_trips_through_the_reader(tmp_path):
    """A workbook saved as CSV by pandas (quoted cells, CRLF) reads like the original."""
    import pandas as pd

    source = make_source(tmp_path)
    for table in TABLES:
        frame = pd.read_csv(VALID / table.filename, dtype=str, keep_default_na=False)
        buffer = io.StringIO()
        frame.to_csv(buffer, index=False, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
        (source / table.filename).write_text(buffer.getvalue(), encoding="utf-8")
    assert read_source(source) == read_source_relabelled(VALID, source)


def test_cell_with_line_breaks_is_one_row(tmp_path):
    """A quoted cell spanning lines is one spreadsheet row: later rows keep their numbers."""
    source = make_source(tmp_path)
    rows = read_rows(source / "przestrzenie.csv")
    rows[1][rows[0].index("opis")] = "Pierwsza linia.\nDruga linia.\r\nTrzecia."
    rows[3][rows[0].index("liczba_miejsc")] = "dużo"
    with open(source / "przestrzenie.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    [problem] = problems_of(source)
    assert (problem.row, problem.column, problem.value) == (4, "liczba_miejsc", "dużo")


# --- said so a clerk can act on it: the likely fix, in Polish too ------------------------------


def rewrite(path: Path, change) -> None:
    """Rewrite a CSV table in place: ``change(rows)`` edits the list of rows (header first)."""
    rows = read_rows(path)
    change(rows)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)


def set_cell(rows: list[list[str]], row: int, column: str, value: str) -> None:
    rows[row - 1][rows[0].index(column)] = value


@pytest.mark.parametrize(
    "typed, meant",
    [
        ("Nazwa", "nazwa"),
        ("liczba miejsc", "liczba_miejsc"),
        ("powierzchnia m²", "powierzchnia_m2"),
        ("zweryfikowno", "zweryfikowano"),
    ],
)
def test_misspelt_header_is_one_problem_naming_the_column_meant(tmp_path, typed, meant):
    source = make_source(tmp_path)
    rewrite(source / "przestrzenie.csv", lambda rows: rows[0].__setitem__(rows[0].index(meant), typed))
    [problem] = problems_of(source)  # not also "column ... is missing"
    assert (problem.row, problem.column, problem.value, problem.code) == (1, typed, typed, "misspelt-column")
    assert f"expected {meant!r}" in problem.message and f"powinna się nazywać {meant!r}" in problem.message_pl


def test_unquoted_decimal_comma_names_the_column_and_the_number(tmp_path):
    source = make_source(tmp_path)
    lines = (source / "lokalizacje.csv").read_text(encoding="utf-8").splitlines()
    assert ",50.061,19.937," in lines[4]  # tp-scena, row 5
    lines[4] = lines[4].replace(",50.061,19.937,", ",50,061,19,937,")  # typed with Polish decimal commas, unquoted
    (source / "lokalizacje.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    [problem] = problems_of(source)
    assert (problem.row, problem.column, problem.value, problem.code) == (
        5,
        "szerokosc, dlugosc",
        "50,061, 19,937",
        "extra-cells",
    )
    assert "expected 50.061, 19.937 with a dot" in problem.message and "';' as the separator" in problem.message
    assert "przecinek dziesiętny" in problem.message_pl


def test_comma_in_text_is_not_mistaken_for_a_decimal_comma(tmp_path):
    """A split in text shifts numbers into number columns: no column is blamed then."""
    source = make_source(tmp_path, "przestrzenie_unquoted_comma.csv")
    [problem] = problems_of(source)
    assert problem.column is None and "double quotes" in problem.message and "decimal" not in problem.message


def test_not_utf8_shows_the_text_as_the_clerk_typed_it(tmp_path):
    source = make_source(tmp_path)
    rewrite(source / "przestrzenie.csv", lambda rows: set_cell(rows, 3, "opis", "Sala z widokiem na Wisłę"))
    path = source / "przestrzenie.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1250"))
    [problem] = problems_of(source)
    assert (problem.row, problem.code) == (
        2,
        "not-utf8",
    )  # the first non-ASCII text is in row 2 ("Jasna sala na parterze." is ASCII)
    assert problem.value == "Po wcześniejszym uzgodnieniu."
    assert "Windows-1250" in problem.message and "'CSV UTF-8" in problem.message and "UTF-8" in problem.message_pl


def test_not_utf8_after_a_multiline_cell_names_the_spreadsheet_row(tmp_path):
    source = make_source(tmp_path)
    rewrite(
        source / "przestrzenie.csv",
        lambda rows: (
            set_cell(rows, 2, "opis", "Jasna sala.\nNa parterze."),
            set_cell(rows, 2, "warunki", "Po uzgodnieniu."),
            set_cell(rows, 4, "nazwa", "Sala spotkań"),
        ),
    )
    path = source / "przestrzenie.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1250"))
    [problem] = problems_of(source)
    assert (problem.row, problem.value, problem.code) == (4, "Sala spotkań", "not-utf8")  # line 5 of the file


def test_utf16_file_says_what_it_is(tmp_path):
    source = make_source(tmp_path)
    path = source / "instytucje.csv"
    path.write_bytes(path.read_text(encoding="utf-8").replace(",", "\t").encode("utf-16"))  # Excel's "Unicode text"
    [problem] = problems_of(source)
    assert (problem.file, problem.row, problem.code) == (str(path), None, "not-utf8")
    assert "UTF-16" in problem.message and "'CSV UTF-8" in problem.message and "Tekst Unicode" in problem.message_pl


@pytest.mark.parametrize(
    "column, typed, meant",
    [
        ("rodzaj", "sala spotkań", "sala-spotkan"),
        ("rodzaj", "Sala Prób", "sala-prob"),
        ("rodzaj", "meeting room", "sala-spotkan"),
        ("formy_udostepniania", "Współorganizacja", "wspolorganizacja"),
        ("wyposazenie", "stoły, krzesła", "stoly"),
    ],
)
def test_a_label_typed_for_a_controlled_value_suggests_the_value(tmp_path, column, typed, meant):
    source = make_source(tmp_path)
    rewrite(source / "przestrzenie.csv", lambda rows: set_cell(rows, 4, column, typed))
    [problem] = problems_of(source)
    assert (problem.row, problem.column, problem.value) == (4, column, typed)
    assert f"write {meant!r}" in problem.message and f"wpisz {meant!r}" in problem.message_pl
    assert f"'{typed}' contains '{typed}'" not in problem.message  # a one-value cell is not "contained" in itself


def test_an_id_with_polish_letters_suggests_the_plain_one(tmp_path):
    source = make_source(tmp_path)
    rewrite(source / "przestrzenie.csv", lambda rows: set_cell(rows, 4, "id", "sala-spotkań-żółta"))
    [problem] = problems_of(source)
    assert (problem.row, problem.column) == (4, "id")
    assert "perhaps 'sala-spotkan-zolta'" in problem.message and "bez polskich znaków" in problem.message_pl


def test_a_reference_with_a_typo_suggests_the_id_meant(tmp_path):
    source = make_source(tmp_path)
    rewrite(source / "przestrzenie.csv", lambda rows: set_cell(rows, 5, "lokalizacja_id", "bt-siedzba"))
    [problem] = problems_of(source)
    assert (problem.row, problem.column, problem.code) == (5, "lokalizacja_id", "unknown-reference")
    assert "perhaps 'bt-siedziba', row 4" in problem.message


def test_swapped_coordinates_are_named(tmp_path):
    source = make_source(tmp_path)
    rewrite(
        source / "lokalizacje.csv",
        lambda rows: (set_cell(rows, 2, "szerokosc", "19.95"), set_cell(rows, 2, "dlugosc", "50.04")),
    )
    problems = problems_of(source)
    assert {(p.row, p.column) for p in problems} == {(2, "szerokosc"), (2, "dlugosc")}
    assert all("swapped" in p.message and "zamienione" in p.message_pl for p in problems)


def test_value_in_a_column_without_header(tmp_path):
    source = make_source(tmp_path)

    def add_column(rows):
        rows[0].append("")
        for row in rows[1:]:
            row.append("")
        rows[2][-1] = "notatka"

    rewrite(source / "przestrzenie.csv", add_column)
    [problem] = problems_of(source)
    width = len(read_rows(source / "przestrzenie.csv")[0])
    assert width == 15 and (problem.row, problem.column, problem.value, problem.code) == (
        3,
        "O",
        "notatka",
        "no-header",
    )
    assert "no header" in problem.message and "bez nagłówka" in problem.message_pl


def test_cell_too_large_for_a_csv_table(tmp_path):
    source = make_source(tmp_path)
    rewrite(source / "przestrzenie.csv", lambda rows: set_cell(rows, 3, "opis", "x" * 200_000))
    [problem] = problems_of(source)
    # Issue 10 item 15: the cell is named by its row and column, with the advice that fits it.
    assert (Path(problem.file).name, problem.code) == ("przestrzenie.csv", "cell-too-long")
    assert (problem.row, problem.column) == (3, "opis") and "200,000 characters" in problem.message


def test_missing_csv_names_the_file_that_may_be_it(tmp_path):
    source = make_source(tmp_path)
    (source / "przestrzenie.csv").rename(source / "Przestrzenie (1).csv")
    [problem] = problems_of(source)
    assert (problem.file, problem.code) == (str(source / "przestrzenie.csv"), "missing-table")
    assert "rename 'Przestrzenie (1).csv' to przestrzenie.csv" in problem.message
    assert "zmień nazwę 'Przestrzenie (1).csv'" in problem.message_pl


def test_missing_sheet_lists_the_sheets_and_the_one_that_may_be_it(tmp_path):
    import openpyxl

    workbook = tmp_path / "zestawienie.xlsx"
    write_workbook(workbook)
    book = openpyxl.load_workbook(workbook)
    book["przestrzenie"].title = "Przestrzenie 2026"
    book.save(workbook)
    [problem] = problems_of(workbook)
    assert (problem.file, problem.code) == ("zestawienie.xlsx", "missing-table")
    assert "its sheets: instytucje, lokalizacje, Przestrzenie 2026, dobre_praktyki" in problem.message
    assert "rename the sheet 'Przestrzenie 2026' to przestrzenie" in problem.message
    assert "arkusze w pliku" in problem.message_pl


def test_title_above_the_header_is_skipped_and_rows_keep_their_numbers(tmp_path):
    source = make_source(tmp_path)
    rewrite(source / "przestrzenie.csv", lambda rows: set_cell(rows, 3, "liczba_miejsc", "dużo"))
    rewrite(source / "przestrzenie.csv", lambda rows: rows.insert(0, ["Zestawienie przestrzeni, stan na 19.02.2026"]))
    [problem] = problems_of(source)  # the header is now row 2, the bad cell row 4
    assert (problem.row, problem.column, problem.value) == (4, "liczba_miejsc", "dużo")


def test_table_without_its_header_row_is_one_problem(tmp_path):
    source = make_source(tmp_path)
    rewrite(source / "przestrzenie.csv", lambda rows: rows.pop(0))
    [problem] = problems_of(source)
    assert (problem.row, problem.column, problem.code) == (1, None, "no-header-row")
    assert "not a header row" in problem.message and "liczba_miejsc" in problem.message


def test_header_row_below_other_rows_is_pointed_at(tmp_path):
    source = make_source(tmp_path)
    rewrite(source / "lokalizacje.csv", lambda rows: rows.insert(0, ["Lokalizacje", "stan na", "2026-02-19"]))
    [problem] = problems_of(source)
    assert (problem.row, problem.code) == (1, "no-header-row")
    assert "row 2 looks like the header" in problem.message and "wiersz 2 wygląda na nagłówek" in problem.message_pl


def test_tables_named_in_other_letters_are_found(tmp_path):
    """'Przestrzenie.CSV' or 'dobre praktyki.csv' is the table; the optional one is not silently dropped."""
    source = make_source(tmp_path)
    (source / "przestrzenie.csv").rename(source / "Przestrzenie.CSV")
    (source / "dobre_praktyki.csv").rename(source / "dobre praktyki.csv")
    records = read_source(source)
    assert len(records.practices) == len(read_rows(VALID / "dobre_praktyki.csv")) - 1
    assert records.spaces[0].origin.file == str(source / "Przestrzenie.CSV")


def test_workbook_sheets_named_in_other_letters_are_found(tmp_path):
    import openpyxl

    workbook = tmp_path / "zestawienie.xlsx"
    write_workbook(workbook)
    book = openpyxl.load_workbook(workbook)
    book["dobre_praktyki"].title = "Dobre praktyki"
    book["przestrzenie"].title = "PRZESTRZENIE "
    book.save(workbook)
    records = read_source(workbook)
    assert len(records.practices) == len(read_rows(VALID / "dobre_praktyki.csv")) - 1
    assert records.spaces[0].origin.file == "zestawienie.xlsx, sheet PRZESTRZENIE "


def test_a_spreadsheet_without_the_later_optional_columns_still_reads(tmp_path):
    """Columns added after the first version (contacts' source, accessibility, ...) may be left out."""
    import csv

    from kfl_lod.source.tables import TABLES as ALL

    source = make_source(tmp_path)
    optional = {t.name: {c.header for c in t.columns if c.optional_header} for t in ALL}
    assert {"zrodlo_kontaktu", "winda", "lokalizacja_id", "data_zrodla"} <= set().union(*optional.values())
    for path in source.glob("*.csv"):
        with open(path, encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        header = [h for h in rows[0] if h not in optional[path.stem]]
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=header, extrasaction="ignore", lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    records = read_source(source)
    full = read_source(VALID)
    assert [v.id for v in records.venues] == [v.id for v in full.venues]
    assert all(v.lift is None and not v.accessibility_source for v in records.venues)
    assert any(v.lift for v in full.venues) and any(i.email_phone_source for i in full.institutions)


def test_a_stated_date_keeps_the_precision_of_its_source():
    from kfl_lod.source.cells import Invalid, stated_date

    assert [stated_date(v) for v in ("2019", "2020-03", "2014-12-05")] == ["2019", "2020-03", "2014-12-05"]
    for bad in ("2020-13", "20-03-2020", "marzec 2020", "2020-02-30", "0999"):
        with pytest.raises(Invalid):
            stated_date(bad)
