"""The clerk's commands end to end: kfl-lod template, diff, rollback, publisher (docs/source-format.md)."""

from __future__ import annotations

import csv
import json
import re
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from kfl_lod import release_record
from kfl_lod.build import build
from kfl_lod.cli import main
from kfl_lod.publishers import load, verify
from kfl_lod.rollback import rollback
from kfl_lod.source import TABLES, read_source
from kfl_lod.source.notes import COLUMN_NOTES, allowed, comment, markdown
from support import ROOT, make_settings


def run(settings, *args: str):
    env = {
        "KFL_SHAPES": str(settings.shapes),
        "KFL_SPARQL_EXAMPLES": str(settings.sparql_examples),
        "KFL_BASE": settings.base,
        "KFL_SOURCE": str(settings.source),
        "KFL_PUBLISHED": str(settings.published),
    }
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def _fields(records):
    return {
        kind: [{k: v for k, v in vars(r).items() if k != "origin"} for r in getattr(records, kind)]
        for kind in ("institutions", "venues", "spaces", "practices")
    }


def _edit(path: Path, row_id: str, remove: bool = False, **changes: str) -> None:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        headers, rows = reader.fieldnames, list(reader)
    assert any(r["id"] == row_id for r in rows)
    rows = [dict(r, **changes) if r["id"] == row_id else r for r in rows if not (remove and r["id"] == row_id)]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=headers)
        writer.writeheader()
        writer.writerows(rows)


# --- one declaration for the docs and the template ------------------------------------------


def test_every_column_has_a_note_and_the_docs_show_the_generated_tables():
    for table in TABLES:
        assert set(COLUMN_NOTES[table.name]) == {c.header for c in table.columns}, table.name
    docs = (ROOT / "docs" / "source-format.md").read_text(encoding="utf-8")
    for table in TABLES:
        assert markdown(table) in docs, f"docs/source-format.md: regenerate the table of {table.name}"


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_template_with_data_reads_back_as_the_source(tmp_path, fmt):
    settings = make_settings(tmp_path)
    out = tmp_path / f"zestawienie.{fmt}"
    result = run(settings, "template", "--with-data", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert _fields(read_source(out)) == _fields(read_source(settings.source))
    valid = run(settings, "--json", "validate", "--source", str(out))
    assert valid.exit_code == 0, valid.output
    assert json.loads(valid.stdout)["violations"] == 0


def test_xlsx_template_has_notes_lists_checks_formats_and_a_guide(tmp_path):
    settings = make_settings(tmp_path)
    out = tmp_path / "szablon.xlsx"
    assert run(settings, "template", "--out", str(out)).exit_code == 0
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Jak wypełnić", *[t.name for t in TABLES]]
    assert "Jak wypełnić" in book["Jak wypełnić"]["A1"].value
    for table in TABLES:
        sheet = book[table.name]
        assert sheet.freeze_panes == "A2"
        headers = [c.value for c in sheet[1]]
        assert headers == [c.header for c in table.columns]
        for cell, column in zip(sheet[1], table.columns, strict=True):
            assert cell.comment is not None and cell.comment.text == comment(table, column)
        lists = {}
        for dv in sheet.data_validations.dataValidation:
            letter = re.match(r"[A-Z]+", str(dv.sqref)).group()
            lists[letter] = dv
        for index, column in enumerate(table.columns):
            letter = openpyxl.utils.get_column_letter(index + 1)
            values = allowed(column)
            if values:  # every controlled column has its drop-down
                assert lists[letter].type == "list"
                assert lists[letter].formula1 == '"' + ",".join(values) + '"'
    spaces = book["przestrzenie"]
    by_header = {c.value: c.column_letter for c in spaces[1]}
    capacity = next(
        dv for dv in spaces.data_validations.dataValidation if str(dv.sqref).startswith(by_header["liczba_miejsc"])
    )
    assert (capacity.type, capacity.formula1, capacity.errorStyle) == ("whole", "1", "stop")
    assert spaces.column_dimensions[by_header["zweryfikowano"]].number_format == "yyyy-mm-dd"
    assert spaces.column_dimensions[by_header["id"]].number_format == "@"
    venues = book["lokalizacje"]
    postal = next(
        dv for dv in venues.data_validations.dataValidation if str(dv.sqref).startswith(venues["E1"].column_letter)
    )
    assert venues["E1"].value == "kod_pocztowy" and postal.type == "custom" and "LEN(E2)=6" in postal.formula1


@pytest.mark.slow
def test_empty_template_filled_with_openpyxl_validates_and_builds(tmp_path):
    """A clerk's first workbook: the empty template, one record per table typed in, then built."""
    settings = make_settings(tmp_path)
    out = tmp_path / "nowe.xlsx"
    assert run(settings, "template", "--out", str(out)).exit_code == 0
    book = openpyxl.load_workbook(out)
    fill = {
        "instytucje": {
            "id": "dom-kultury-przyklad",
            "nazwa": "Dom Kultury Przykład (przykład)",
            "typ": "centrum-kultury",
        },
        "lokalizacje": {
            "id": "dk-przyklad-siedziba",
            "instytucja_id": "dom-kultury-przyklad",
            "nazwa": "Siedziba (przykład)",
            "kod_pocztowy": "31-154",
            "miejscowosc": "Kraków",
            "dzielnica": 1,
            "szerokosc": 50.0654,
            "dlugosc": 19.9469,
            "dostep_wozki": "tak",
        },
        "przestrzenie": {
            "id": "dk-przyklad-sala",
            "lokalizacja_id": "dk-przyklad-siedziba",
            "nazwa": "Sala (przykład)",
            "rodzaj": "sala-spotkan",
            "liczba_miejsc": 30,
            "powierzchnia_m2": 45.5,
            "wyposazenie": "projektor, krzesla",
            "formy_udostepniania": "nieodplatne-uzyczenie",
            "nieodplatnie": "tak",
            "zweryfikowano": date(2026, 2, 19),
            "ilustracyjne": "tak",
        },
    }
    for name, values in fill.items():
        sheet = book[name]
        headers = [c.value for c in sheet[1]]
        for header, value in values.items():
            sheet.cell(row=2, column=headers.index(header) + 1, value=value)
    book.save(out)
    built = run(settings, "--json", "build", "--source", str(out))
    assert built.exit_code == 0, built.output
    summary = json.loads(built.stdout)
    assert (summary["institutions"], summary["spaces"], summary["violations"]) == (1, 1, 0)
    space = read_source(out).spaces[0]
    assert (space.capacity, str(space.area_m2), space.verified) == (30, "45.5", date(2026, 2, 19))


def test_template_refuses_a_name_that_does_not_match_the_format(tmp_path):
    settings = make_settings(tmp_path)
    result = run(settings, "template", "--format", "ods", "--out", str(tmp_path / "x.xlsx"))
    assert result.exit_code == 2 and "does not end with .ods" in result.output
    assert not (tmp_path / "x.xlsx").exists()


# --- diff ------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_diff_names_added_withdrawn_and_changed_records_and_publishes_nothing(tmp_path):
    settings = make_settings(tmp_path)
    first = run(settings, "--json", "diff")
    assert first.exit_code == 0
    report = json.loads(first.stdout)
    assert report["current"] is None and report["would_publish"] and not settings.published.exists()
    assert len([a for a in report["added"] if a["kind"] == "space"]) == len(read_source(settings.source).spaces)

    assert build(settings).report.conforms
    same = json.loads(run(settings, "--json", "diff").stdout)
    assert not same["new_release"] and not same["added"] and same["release"] == same["current"]

    space = "bk-pod-gruszka-sala-fontany"
    _edit(settings.source / "przestrzenie.csv", space, nazwa="Sala Fontany (nowa nazwa)", liczba_miejsc="35")
    _edit(settings.source / "dobre_praktyki.csv", "przyklad-warsztaty-sasiedzkie", remove=True)
    before = sorted(p.name for p in (settings.published / "releases").iterdir())
    text = run(settings, "diff")
    assert text.exit_code == 0
    assert "~ changed / zmienione: space bk-pod-gruszka-sala-fontany" in text.output
    assert "nazwa: 'Sala Fontany' → 'Sala Fontany (nowa nazwa)'" in text.output
    assert "- withdrawn / wycofane: practice przyklad-warsztaty-sasiedzkie" in text.output
    report = json.loads(run(settings, "--json", "diff").stdout)
    changed = {c["id"]: c["fields"] for c in report["changed"]}
    assert {"field": "liczba_miejsc", "old": "", "new": "35"} in changed[space]
    assert [w["id"] for w in report["withdrawn"]] == ["przyklad-warsztaty-sasiedzkie"]
    assert sorted(p.name for p in (settings.published / "releases").iterdir()) == before  # nothing written

    # Institutions, venues and practices changed: named by the clerk's columns too.
    _edit(settings.source / "instytucje.csv", "biblioteka-krakow", nazwa_skrocona="BK (nowa)")
    report = json.loads(run(settings, "--json", "diff").stdout)
    (institution,) = report["changed_other"]
    assert (institution["kind"], institution["id"]) == ("institution", "biblioteka-krakow")
    assert institution["fields"] == [{"field": "nazwa_skrocona", "old": "BK", "new": "BK (nowa)"}]

    # What diff announced is what the build's change record says.
    done = build(settings)
    record = release_record.latest(settings.published)
    assert record["version"] == report["release"] == done.published.version
    assert record["changed"] == report["changed"] and record["withdrawn"] == report["withdrawn"]


def test_diff_lists_the_problems_a_build_would_stop_on(tmp_path):
    settings = make_settings(tmp_path)
    _edit(settings.source / "przestrzenie.csv", "bk-pod-gruszka-sala-fontany", liczba_miejsc="ok. 40")
    result = run(settings, "--json", "diff")
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert not report["would_publish"] and report["release"] is None
    (problem,) = report["problems"]
    assert (problem["column"], problem["value"]) == ("liczba_miejsc", "ok. 40")
    assert "wpisz samą liczbę" in problem["message_pl"]
    text = run(settings, "diff")
    assert "nic nie zostanie opublikowane" in text.output and "'ok. 40'" in text.output


# --- rollback ----------------------------------------------------------------------------------------


@pytest.mark.slow
def test_rollback_publishes_the_previous_release_again(tmp_path):
    settings = make_settings(tmp_path)
    first = build(settings, today=date(2026, 3, 2)).published
    nt_before = (settings.published / "kfl.nt").read_bytes()
    _edit(settings.source / "przestrzenie.csv", "bk-pod-gruszka-sala-fontany", remove=True)
    second = build(settings, today=date(2026, 3, 3)).published
    assert (settings.published / "kfl.nt").read_bytes() != nt_before

    result = run(settings, "--json", "rollback")
    assert result.exit_code == 0, result.output
    done = json.loads(result.stdout)
    assert (done["undone"], done["restored"]) == (second.version, first.version)
    assert (settings.published / "kfl.nt").read_bytes() == nt_before
    record = release_record.latest(settings.published)
    assert record["version"] == done["release"] and record["previous"] == second.version
    assert [a["id"] for a in record["added"]] == ["bk-pod-gruszka-sala-fontany"]  # the withdrawn space is back
    assert {first.version, second.version} <= {p.name for p in (settings.published / "releases").iterdir()}

    # Undoing the undo goes forward again.
    again = rollback(settings)
    assert again.restored == second.version


@pytest.mark.slow
def test_rollback_refuses_when_there_is_nothing_to_go_back_to(tmp_path):
    settings = make_settings(tmp_path)
    assert run(settings, "rollback").exit_code == 2
    build(settings, today=date(2026, 3, 2))
    result = run(settings, "rollback")
    assert result.exit_code == 2 and "first one" in result.output and "pierwsze" in result.output
    result = run(settings, "rollback", "--to", "2020-01-01-deadbeef")
    assert result.exit_code == 2 and "is not kept" in result.output


# --- publishers --------------------------------------------------------------------------------------------


def test_publisher_prints_a_hashed_line_and_the_token_once(tmp_path):
    settings = make_settings(tmp_path)
    result = CliRunner().invoke(main, ["publisher", "anna"])
    assert result.exit_code == 0
    line, *rest = result.output.splitlines()
    token = rest[-1]
    assert token not in line and line.startswith("anna=scrypt$")
    (tmp_path / "publishers").write_text(f"# who may publish\n{line}\n")
    named = load(str(tmp_path / "publishers"))
    assert verify(named, "anna", token) and not verify(named, "anna", token[:-1]) and not verify(named, "ewa", token)
    assert load(line) == named  # the same entries from an environment variable
    assert settings.publishers == ""  # off by default
