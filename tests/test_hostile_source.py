"""Hostile and careless source files (issue 10, items 8, 9, 11, 12, 13, 15): each a listed problem, never a traceback.

Every problem names file, row (as the spreadsheet shows it), column, value and what is
expected, in English and Polish; the CLI exits 2 with the same problems in --json.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from kfl_lod.cli import main
from kfl_lod.errors import Problem, SourceError
from kfl_lod.source import read_source
from kfl_lod.source.limits import MAX_ID_CHARS
from kfl_lod.source.tables import TABLES
from support import ROOT

BUNDLED = ROOT / "source"


def copy_source(tmp: Path) -> Path:
    source = tmp / "source"
    shutil.copytree(BUNDLED, source)
    return source


def read_rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def set_cell(path: Path, row: int, column: str, value: str) -> None:
    rows = read_rows(path)
    rows[row - 1][rows[0].index(column)] = value
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)


def problems_of(source: Path) -> list[Problem]:
    """The problems reading ``source`` reports, each checked to be whole and bilingual."""
    with pytest.raises(SourceError) as caught:
        read_source(source)
    problems = caught.value.problems
    for p in problems:
        assert p.file and p.code and p.message and p.message_pl and p.message != p.message_pl, p
        assert "expected" in p.message, p  # says what is expected
    return problems


def cli(*args: str, cwd: Path | None = None):
    env = {k: None for k in os.environ if k.startswith("KFL_")} | {"KFL_SHAPES": str(ROOT / "shapes")}
    return CliRunner(env=env).invoke(main, list(args))


def cli_problems(source: Path, tmp: Path) -> list[dict]:
    """Run `kfl-lod build --json` on ``source``: exit 2, no traceback, the problems as JSON."""
    result = cli("build", "--json", "--source", str(source), "--out", str(tmp / "out"))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    report = json.loads(result.output)
    assert report["error"] == "bad-source" and report["problems"]
    plain = cli("build", "--source", str(source), "--out", str(tmp / "out"))
    assert plain.exit_code == 2 and "Traceback" not in plain.output
    assert not (tmp / "out" / "latest").exists()
    return report["problems"]


# --- item 8: never a traceback, never exit 1, for bad input ------------------------------------------


@pytest.mark.parametrize(
    "table, column, value, words",
    [
        ("lokalizacje.csv", "dzielnica", "1²", "from 1 to 18"),
        ("lokalizacje.csv", "dzielnica", "²", "from 1 to 18"),
        ("przestrzenie.csv", "liczba_miejsc", "4²", "positive whole number"),
        ("przestrzenie.csv", "liczba_miejsc", "9" * 4301, "from 1 to 100,000"),
        ("przestrzenie.csv", "liczba_miejsc", "٤٠", "positive whole number"),
        ("przestrzenie.csv", "powierzchnia_m2", "1e1000000", "at most 100,000"),
        ("przestrzenie.csv", "powierzchnia_m2", "9" * 5000, "at most 100,000"),
        ("przestrzenie.csv", "powierzchnia_m2", "NaN", "number"),
    ],
)
def test_odd_numbers_are_listed_problems_with_exit_2(tmp_path, table, column, value, words):
    source = copy_source(tmp_path)
    set_cell(source / table, 2, column, value)
    [problem] = cli_problems(source, tmp_path)
    assert (Path(problem["file"]).name, problem["row"], problem["column"]) == (table, 2, column)
    assert problem["value"] == value and words in problem["message"]


def test_a_table_file_that_cannot_be_read_is_a_listed_problem(tmp_path, monkeypatch):
    source = copy_source(tmp_path)
    target = source / "przestrzenie.csv"
    if os.geteuid() != 0:
        target.chmod(0)
    else:  # root reads any file: make this one fail as a locked file does
        import builtins

        from kfl_lod.source import files

        real_open = builtins.open

        def locked(path, *args, **kwargs):
            if Path(path) == target:
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path, *args, **kwargs)

        monkeypatch.setattr(files, "open", locked, raising=False)
    [problem] = problems_of(source)
    assert (problem.file, problem.code) == (str(target), "unreadable-file")
    assert "Permission denied" in problem.message and "odczyt" in problem.message_pl


def test_a_source_path_with_a_nul_from_the_settings_file_is_a_listed_problem(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kfl-lod.toml").write_text('source = "bad\\u0000name"\n', encoding="utf-8")
    result = cli("validate", "--json")
    assert result.exit_code == 2, (result.output, result.exception)
    assert json.loads(result.output)["problems"][0]["code"] == "missing-source"


# --- item 9: workbooks do not lose data silently ----------------------------------------------------


def write_xlsx(path: Path, source: Path = BUNDLED, edit=None):
    """The CSV tables of ``source`` as one XLSX, numbers as numbers; ``edit(workbook)`` changes it first."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for table in TABLES:
        rows = read_rows(source / table.filename)
        ws = wb.create_sheet(table.name)
        for row in rows:
            ws.append([int(v) if v.isdigit() and len(v) < 6 else v for v in row])
    if edit:
        edit(wb)
    wb.save(path)
    return path


def column_of(ws, header: str) -> int:
    return [c.value for c in ws[1]].index(header) + 1


def test_a_hidden_sheet_is_not_taken_over_the_visible_one(tmp_path):
    def hide_a_copy(wb):
        old = wb.copy_worksheet(wb["przestrzenie"])
        old.title = "Przestrzenie"  # the same table, an old version
        old.cell(2, column_of(old, "nazwa"), "Stara nazwa")
        old.sheet_state = "hidden"
        wb.move_sheet(old, offset=-10)  # first in the file, as it would win before

    path = write_xlsx(tmp_path / "zestawienie.xlsx", edit=hide_a_copy)
    records = read_source(path)
    assert "Stara nazwa" not in {s.name for s in records.spaces}
    assert {s.origin.file for s in records.spaces} == {"zestawienie.xlsx, sheet przestrzenie"}


def test_a_table_only_on_a_hidden_sheet_is_a_problem(tmp_path):
    def hide(wb):
        wb["przestrzenie"].sheet_state = "hidden"

    path = write_xlsx(tmp_path / "zestawienie.xlsx", edit=hide)
    [problem] = problems_of(path)
    assert (problem.file, problem.code) == ("zestawienie.xlsx, sheet przestrzenie", "hidden-sheet")
    assert "Unhide" in problem.message and "Odkryj" in problem.message_pl


def test_a_formula_without_a_saved_value_is_a_problem_not_an_empty_cell(tmp_path):
    def formula(wb):
        ws = wb["przestrzenie"]
        ws.cell(3, column_of(ws, "liczba_miejsc"), "=20*2")  # openpyxl saves no result, as many generators do

    path = write_xlsx(tmp_path / "zestawienie.xlsx", edit=formula)
    [problem] = problems_of(path)
    assert (problem.file, problem.row, problem.column, problem.code) == (
        "zestawienie.xlsx, sheet przestrzenie",
        3,
        "liczba_miejsc",
        "formula-without-value",
    )
    assert "save it again" in problem.message


def test_an_error_value_is_a_problem_not_an_empty_cell(tmp_path):
    def error(wb):
        ws = wb["przestrzenie"]
        ws.cell(4, column_of(ws, "powierzchnia_m2"), "#DIV/0!")

    path = write_xlsx(tmp_path / "zestawienie.xlsx", edit=error)
    [problem] = problems_of(path)
    assert (problem.row, problem.column, problem.value, problem.code) == (
        4,
        "powierzchnia_m2",
        "#DIV/0!",
        "error-value",
    )


def test_cells_merged_down_a_column_hold_their_value_in_every_row(tmp_path):
    spaces = read_rows(BUNDLED / "przestrzenie.csv")
    venue = spaces[0].index("lokalizacja_id")
    same = [i for i in range(2, len(spaces)) if spaces[i][venue] == spaces[i - 1][venue]]
    assert same, "the bundled source has two spaces of one venue in adjacent rows"
    row = same[0]  # 0-based index of the second of the pair: spreadsheet rows row and row + 1

    def merge(wb):
        ws = wb["przestrzenie"]
        col = column_of(ws, "lokalizacja_id")
        ws.merge_cells(start_row=row, start_column=col, end_row=row + 1, end_column=col)

    path = write_xlsx(tmp_path / "zestawienie.xlsx", edit=merge)
    records = read_source(path)
    plain = read_source(write_xlsx(tmp_path / "plain.xlsx"))
    assert [(s.id, s.venue) for s in records.spaces] == [(s.id, s.venue) for s in plain.spaces]
    by_row = {s.origin.row: s for s in records.spaces}
    assert by_row[row + 1].venue == spaces[row][venue]  # not "empty"


def test_cells_merged_across_columns_are_a_problem_naming_them(tmp_path):
    def merge(wb):
        ws = wb["przestrzenie"]
        col = column_of(ws, "opis")
        ws.merge_cells(start_row=3, start_column=col, end_row=3, end_column=col + 1)

    path = write_xlsx(tmp_path / "zestawienie.xlsx", edit=merge)
    problems = problems_of(path)
    assert [(p.row, p.column, p.code) for p in problems] == [(3, "opis", "merged-cells")]
    assert "Unmerge" in problems[0].message


def test_a_title_merged_above_the_header_stays_fine(tmp_path):
    def title(wb):
        ws = wb["przestrzenie"]
        ws.insert_rows(1)
        ws.cell(1, 1, "Zestawienie sal")
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=6)

    records = read_source(write_xlsx(tmp_path / "zestawienie.xlsx", edit=title))
    assert min(s.origin.row for s in records.spaces) == 3


def test_a_date_stored_as_a_day_number_says_which_date_it_is(tmp_path):
    def serial(wb):
        ws = wb["przestrzenie"]
        ws.cell(2, column_of(ws, "zweryfikowano"), 46072)  # a number, not a date cell

    [problem] = problems_of(write_xlsx(tmp_path / "zestawienie.xlsx", edit=serial))
    assert (problem.row, problem.column, problem.value) == (2, "zweryfikowano", "46072")
    assert "2026-02-19" in problem.message and "2026-02-19" in problem.message_pl


def test_a_csv_cut_off_inside_a_quoted_cell_is_an_error(tmp_path):
    source = copy_source(tmp_path)
    path = source / "przestrzenie.csv"
    text = path.read_text(encoding="utf-8").rstrip("\r\n")
    path.write_text(text + '\nkoniec,x,"Sala bez końca, ucięta', encoding="utf-8")
    rows = len(read_rows(BUNDLED / "przestrzenie.csv"))
    [problem] = problems_of(source)
    assert (problem.file, problem.row, problem.code) == (str(path), rows + 1, "cut-off-csv")
    assert "closing quote" in problem.message and "cudzysłowu zamykającego" in problem.message_pl


# --- item 11: bounded work on hostile files ---------------------------------------------------------


def rewrite_sheet(path: Path, sheet: str, change) -> None:
    """Rewrite one worksheet's XML inside an XLSX: ``change(xml) -> xml`` (bytes or an iterable of bytes)."""
    from openpyxl import load_workbook

    index = load_workbook(path, read_only=True).sheetnames.index(sheet) + 1
    member = f"xl/worksheets/sheet{index}.xml"
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == member:
                changed = change(data)
                with new.open(member, "w", force_zip64=True) as out:
                    for chunk in [changed] if isinstance(changed, bytes) else changed:
                        out.write(chunk)
            else:
                new.writestr(info, data)
    tmp.replace(path)


def bounded(run, seconds: float, megabytes: float):
    """Run ``run()``; check it took at most ``seconds`` and ``megabytes`` of Python memory; return its result."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = run()
    finally:
        took = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
    assert took < seconds, f"{took:.1f} s"
    assert peak < megabytes, f"{peak:.0f} MB"
    return result


def test_a_tiny_xlsx_claiming_70_million_rows_is_refused_at_once(tmp_path):
    path = write_xlsx(tmp_path / "bomb.xlsx")
    far = b'<row r="70000000"><c r="A70000000" t="inlineStr"><is><t>x</t></is></c></row>'
    rewrite_sheet(
        path,
        "przestrzenie",
        lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:Z70000000"', xml).replace(
            b"</sheetData>", far + b"</sheetData>"
        ),
    )
    assert path.stat().st_size < 64 * 1024
    problems = bounded(lambda: problems_of(path), seconds=10, megabytes=200)
    [problem] = problems
    assert (problem.file, problem.code) == ("bomb.xlsx", "too-big")
    assert "1,048,576" in problem.message and "przestrzenie" in problem.message


def test_an_xlsx_inflating_beyond_the_limit_is_refused_before_it_is_unpacked(tmp_path, monkeypatch):
    from kfl_lod.source import workbooks

    # The real limit is hundreds of MiB; a lower one makes the same bomb quick to write.
    monkeypatch.setattr(workbooks, "MAX_UNPACKED_BYTES", 8 * 1024 * 1024)
    path = write_xlsx(tmp_path / "bomb.xlsx")

    def inflate(xml: bytes):
        head, tail = xml.split(b"</sheetData>")
        yield head
        chunk = b"<row/>" * 100_000
        for _ in range(16 * 1024 * 1024 // len(chunk)):  # 16 MiB of empty rows
            yield chunk
        yield b"</sheetData>" + tail

    rewrite_sheet(path, "przestrzenie", inflate)
    assert path.stat().st_size < 256 * 1024
    [problem] = bounded(lambda: problems_of(path), seconds=5, megabytes=20)
    assert (problem.file, problem.code) == ("bomb.xlsx", "too-big")
    assert "8 MiB" in problem.message and "unpacks" in problem.message


def test_a_sheet_formatted_down_to_the_last_row_but_empty_below_the_data_stays_fine(tmp_path):
    path = write_xlsx(tmp_path / "formatted.xlsx")
    last = len(read_rows(BUNDLED / "przestrzenie.csv"))

    def format_every_row(xml: bytes):
        head, tail = xml.split(b"</sheetData>")
        yield head
        for start in range(last + 1, 1_048_577, 50_000):
            yield b"".join(
                b'<row r="%d" s="1" customFormat="1" ht="15"/>' % n
                for n in range(start, min(start + 50_000, 1_048_577))
            )
        yield b"</sheetData>" + tail

    rewrite_sheet(path, "przestrzenie", format_every_row)
    records = bounded(lambda: read_source(path), seconds=60, megabytes=300)
    assert len(records.spaces) == last - 1


def test_an_ods_repeating_a_row_70_million_times_is_refused_at_once(tmp_path):
    path = tmp_path / "bomb.ods"
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
        '<table:table table:name="przestrzenie">'
        '<table:table-row table:number-rows-repeated="70000000"><table:table-cell office:value-type="string">'
        "<text:p>x</text:p></table:table-cell></table:table-row>"
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
    [problem] = bounded(lambda: problems_of(path), seconds=5, megabytes=100)
    assert (problem.file, problem.code) == ("bomb.ods", "too-big")
    assert "1,048,576" in problem.message


def test_an_ods_with_empty_rows_repeated_to_the_end_stays_fine(tmp_path):
    path = tmp_path / "zestawienie.ods"
    import pandas as pd

    with pd.ExcelWriter(path, engine="odf") as writer:
        for table in TABLES:
            rows = read_rows(BUNDLED / table.filename)
            pd.DataFrame(rows[1:], columns=rows[0]).to_excel(writer, sheet_name=table.name, index=False)
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    empty = b'<table:table-row table:number-rows-repeated="1048000"><table:table-cell/></table:table-row>'
    parts["content.xml"] = parts["content.xml"].replace(b"</table:table>", empty + b"</table:table>")
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    records = bounded(lambda: read_source(path), seconds=20, megabytes=300)
    assert len(records.spaces) == len(read_rows(BUNDLED / "przestrzenie.csv")) - 1


def test_a_csv_beyond_the_file_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    from kfl_lod.source import files

    source = copy_source(tmp_path)
    monkeypatch.setattr(files, "MAX_FILE_BYTES", 1000)
    problems = problems_of(source)
    assert {(Path(p.file).name, p.code) for p in problems} >= {("przestrzenie.csv", "too-big")}
    assert all("MiB" in p.message for p in problems if p.code == "too-big")


# --- item 12: source files are files in the source folder -------------------------------------------


def test_a_link_leaving_the_source_folder_is_refused_without_saying_where_it_points(tmp_path):
    source = copy_source(tmp_path)
    secret = tmp_path / "secret-place" / "hidden.csv"
    secret.parent.mkdir()
    shutil.copy(source / "przestrzenie.csv", secret)
    (source / "przestrzenie.csv").unlink()
    (source / "przestrzenie.csv").symlink_to(secret)
    problems = problems_of(source)
    assert ("outside-source", str(source / "przestrzenie.csv")) in {(p.code, p.file) for p in problems}
    everything = json.dumps([p.as_dict() for p in problems])
    assert "secret-place" not in everything and "hidden.csv" not in everything


def test_a_link_to_proc_is_refused(tmp_path):
    source = copy_source(tmp_path)
    (source / "instytucje.csv").unlink()
    (source / "instytucje.csv").symlink_to("/proc/self/environ")
    problems = cli_problems(source, tmp_path)
    assert any(p["code"] == "outside-source" for p in problems)
    assert "environ" not in json.dumps(problems)


def test_a_link_inside_the_source_folder_is_fine(tmp_path):
    source = copy_source(tmp_path)
    (source / "kopie").mkdir()
    (source / "przestrzenie.csv").rename(source / "kopie" / "przestrzenie.csv")
    (source / "przestrzenie.csv").symlink_to(Path("kopie") / "przestrzenie.csv")
    assert read_source(source).spaces


# --- item 13: plausibility ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "table, column, value, words",
    [
        ("lokalizacje.csv", "szerokosc", "5_0.065444", "is not a number"),
        ("lokalizacje.csv", "dlugosc", "1_9.93", "is not a number"),
        ("przestrzenie.csv", "liczba_miejsc", str(10**20), "from 1 to 100,000"),
        ("przestrzenie.csv", "powierzchnia_m2", "1e309", "at most 100,000"),
        ("przestrzenie.csv", "id", "a" * (MAX_ID_CHARS + 1), f"at most {MAX_ID_CHARS} characters"),
        ("przestrzenie.csv", "id", "x" * 10_000, f"at most {MAX_ID_CHARS} characters"),
        ("przestrzenie.csv", "zrodla", "https://example.org/\u202egpj.exe", "invisible character U+202E"),
        ("przestrzenie.csv", "id", "sala\u200b-1", "invisible character U+200B"),
        ("instytucje.csv", "email", "biuro\u200d@example.pl", "invisible character U+200D"),
        ("instytucje.csv", "telefon", "+48 12\u2066 616 78 23", "invisible character U+2066"),
        ("instytucje.csv", "strona_www", "https://exa\u200cmple.pl/", "invisible character U+200C"),
        ("przestrzenie.csv", "nazwa", "Sala \u202eAB", "invisible character U+202E"),
        ("przestrzenie.csv", "opis", "Opis\u00adz miękkim łącznikiem", "invisible character U+00AD"),
    ],
)
def test_implausible_values_are_refused_with_the_expected_range(tmp_path, table, column, value, words):
    source = copy_source(tmp_path)
    set_cell(source / table, 2, column, value)
    problems = problems_of(source)
    mine = [p for p in problems if p.row == 2 and p.column == column and p.code != "half-coordinates"]
    assert len(mine) == 1, problems
    assert words in mine[0].message and mine[0].value == value


def test_the_documented_limits_are_the_enforced_ones():
    from kfl_lod.source import cells, limits

    doc = (ROOT / "docs" / "source-format.md").read_text(encoding="utf-8")
    for figure in (
        f"{limits.MAX_ID_CHARS}",
        f"{limits.MAX_CELL_CHARS:,}",
        f"{limits.MAX_ROW_NUMBER:,}",
        f"{limits.MAX_ROWS:,}",
        f"{limits.MAX_SHEETS}",
        f"{limits.MAX_PROBLEMS:,}",
        limits.mib(limits.MAX_FILE_BYTES),
        limits.mib(limits.MAX_UNPACKED_BYTES),
        f"{cells.MAX_CAPACITY:,}",
        f"{cells.MAX_AREA_M2:,}",
    ):
        assert figure in doc, figure


# --- item 15: messages ---------------------------------------------------------------------------------


def test_utf16_without_a_bom_is_said_so_not_windows_1250(tmp_path):
    source = copy_source(tmp_path)
    path = source / "przestrzenie.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16-le"))
    [problem] = problems_of(source)
    assert (problem.file, problem.code) == (str(path), "not-utf8")
    assert "UTF-16 without a byte-order mark" in problem.message and "Windows-1250" not in problem.message
    assert "CSV UTF-8" in problem.message


def test_a_workbook_named_csv_is_said_so(tmp_path):
    source = copy_source(tmp_path)
    write_xlsx(tmp_path / "x.xlsx")
    shutil.copy(tmp_path / "x.xlsx", source / "przestrzenie.csv")
    [problem] = problems_of(source)
    assert problem.code == "not-utf8" and "workbook" in problem.message


@pytest.mark.slow
def test_a_50_mb_cell_names_its_column_and_says_a_quote_is_missing(tmp_path):
    source = copy_source(tmp_path)
    path = source / "przestrzenie.csv"
    rows = read_rows(path)
    # 50 MB over half a million lines: what a quote opened and never closed makes of a file.
    rows[1][rows[0].index("opis")] = "Opis bez końca " + ("x" * 99 + "\n") * (50 * 1024 * 1024 // 100)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    problems = bounded(lambda: problems_of(source), seconds=30, megabytes=1200)
    [problem] = [p for p in problems if p.code == "cell-too-long"]
    assert (problem.row, problem.column) == (2, "opis")
    assert "double quote" in problem.message and "cudzysłów" in problem.message_pl
    assert len(problem.value) < 200  # quoted, not copied whole


def test_a_long_text_in_a_workbook_gets_the_advice_for_a_long_text(tmp_path, monkeypatch):
    from kfl_lod.source import files

    # A spreadsheet cuts a cell at 32,767 characters itself: try the advice with a lower limit.
    monkeypatch.setattr(files, "MAX_CELL_CHARS", 1000)

    def long(wb):
        ws = wb["przestrzenie"]
        ws.cell(2, column_of(ws, "opis"), "słowo\n" * 200)

    [problem] = problems_of(write_xlsx(tmp_path / "zestawienie.xlsx", edit=long))
    assert (problem.row, problem.column, problem.code) == (2, "opis", "cell-too-long")
    assert "shorter text" in problem.message and "quote" not in problem.message


def test_a_file_with_a_million_bad_cells_lists_a_bounded_number_of_problems(tmp_path):
    from kfl_lod.source.limits import MAX_PROBLEMS

    source = copy_source(tmp_path)
    rows = read_rows(source / "przestrzenie.csv")
    capacity = rows[0].index("liczba_miejsc")
    template = rows[1]
    bad = [[*template[:capacity], "ok. 40", *template[capacity + 1 :]] for _ in range(3 * MAX_PROBLEMS)]
    with open(source / "przestrzenie.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([rows[0], *bad])
    problems = problems_of(source)
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[-1].code == "too-many-problems" and "more problems" in problems[-1].message
