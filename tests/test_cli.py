"""The `kfl-lod build` and `kfl-lod validate` commands: exit codes, the report, --json, progress."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.namespace import RDF

from kfl_lod.cli import main
from kfl_lod.vocab import SH

ROOT = Path(__file__).resolve().parent.parent
VALID = ROOT / "tests" / "data" / "valid"
SUMMARY = re.compile(
    r"^(?P<action>Published|Not published|Valid|Invalid): (?P<institutions>\d+) institutions, (?P<venues>\d+) venues, "
    r"(?P<spaces>\d+) spaces \((?P<illustrative>\d+) illustrative\), (?P<triples>\d+) triples, (?P<violations>\d+) violations, "
    r"(?P<warnings>\d+) warnings, (?P<seconds>\d+\.\d\d) s",
    re.MULTILINE,
)


@pytest.fixture
def run(tmp_path, monkeypatch):
    """Run the CLI in an empty working folder with the repo's shapes; return the click Result."""
    monkeypatch.chdir(tmp_path)
    env = {k: None for k in os.environ if k.startswith("KFL_")}
    env["KFL_SHAPES"] = str(ROOT / "shapes")

    def invoke(*args: str, **extra_env: str):
        return CliRunner(env={**env, **extra_env}).invoke(main, list(args), catch_exceptions=False)

    return invoke


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    """One `kfl-lod build` of the bundled source: (the click Result, its working folder)."""
    tmp = tmp_path_factory.mktemp("cli")
    source = copy_source(tmp)
    env = {k: None for k in os.environ if k.startswith("KFL_")} | {"KFL_SHAPES": str(ROOT / "shapes")}
    here = Path.cwd()
    os.chdir(tmp)
    try:
        result = CliRunner(env=env).invoke(
            main, ["build", "--source", str(source), "--out", "out"], catch_exceptions=False
        )
    finally:
        os.chdir(here)
    return result, tmp


def copy_source(tmp: Path, origin: Path = ROOT / "source") -> Path:
    source = tmp / "source"
    shutil.copytree(origin, source)
    return source


def set_cell(path: Path, row: int, column: str, value: str) -> None:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[row - 1][rows[0].index(column)] = value
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)


def count_rows(path: Path) -> int:
    with open(path, encoding="utf-8", newline="") as fh:
        return sum(1 for _ in csv.reader(fh)) - 1


def test_build_publishes_and_prints_a_summary(bundled):
    result, tmp_path = bundled
    source = tmp_path / "source"
    assert result.exit_code == 0, result.output
    summary = SUMMARY.search(result.stdout)
    assert summary and summary["action"] == "Published"
    assert int(summary["institutions"]) == count_rows(source / "instytucje.csv")
    assert int(summary["venues"]) == count_rows(source / "lokalizacje.csv")
    assert int(summary["spaces"]) == count_rows(source / "przestrzenie.csv")
    assert int(summary["triples"]) == len(Graph().parse(tmp_path / "out" / "kfl.nt"))
    report = Graph().parse(tmp_path / "out" / "shacl-report.ttl")
    assert int(summary["warnings"]) == len(set(report.subjects(RDF.type, SH.ValidationResult))) > 0
    assert float(summary["seconds"]) > 0


def test_warnings_are_grouped_by_message_with_a_hint_to_the_report(bundled):
    result, _ = bundled
    out = result.stdout
    warnings = int(SUMMARY.search(out)["warnings"])
    groups = re.findall(r"^\s+(\d+) × (.+)$", out, re.MULTILINE)
    assert sum(int(n) for n, _ in groups) == warnings
    assert len(groups) == len({m for _, m in groups}) < warnings  # one line per kind, not per record
    assert len(out.splitlines()) < 3 * len(groups) + 5
    assert "No coordinates" in out and "Brak współrzędnych" in out  # English and Polish
    assert re.search(r"e\.g\. venue/\S+ \(\S+lokalizacje\.csv, row \d+\)", out)
    assert str(Path("out") / "shacl-report.ttl") in out


def test_violations_exit_1_are_printed_in_full_and_publish_nothing(run, tmp_path):
    source = copy_source(tmp_path, VALID)
    first = run("build", "--source", str(source), "--out", "out")
    assert first.exit_code == 0, first.output
    before = {p: p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file()}
    set_cell(source / "przestrzenie.csv", 3, "nieodplatnie", "tak")  # free, yet only paid rental
    result = run("build", "--source", str(source), "--out", "out")
    assert result.exit_code == 1
    out = result.stdout
    assert "Violations (1)" in out
    assert f"space/okp-sala-widowiskowa — {source / 'przestrzenie.csv'}, row 3" in out
    assert "A space marked free of charge has only the 'paid rental' sharing mode." in out
    assert "Przestrzeń oznaczona jako nieodpłatna ma tylko formę 'odpłatny najem'." in out
    assert "Nothing was published" in out
    assert SUMMARY.search(out)["action"] == "Not published" and SUMMARY.search(out)["violations"] == "1"
    assert {p: p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file()} == before


def test_bad_input_exits_2_and_prints_every_problem(run, tmp_path):
    source = copy_source(tmp_path, VALID)
    set_cell(source / "przestrzenie.csv", 3, "liczba_miejsc", "ok. 40")
    set_cell(source / "lokalizacje.csv", 2, "kod_pocztowy", "31000")
    result = run("build", "--source", str(source), "--out", "out")
    assert result.exit_code == 2
    assert result.stdout == ""
    err = result.stderr
    assert "2 problem(s)" in err
    assert f"{source / 'przestrzenie.csv'}, row 3, column liczba_miejsc: 'ok. 40' is not a positive whole number" in err
    assert f"{source / 'lokalizacje.csv'}, row 2, column kod_pocztowy: '31000'" in err
    # each problem also in Polish, on the line below it, and the closing advice in both languages
    lines = err.splitlines()
    at = next(i for i, line in enumerate(lines) if "column liczba_miejsc" in line)
    assert (
        lines[at + 1].strip() == "PL: 'ok. 40' nie jest liczbą całkowitą większą od zera; wpisz samą liczbę, np. 40 "
        "(słowa takie jak 'ok.' czy 'do' wpisz w kolumnie opis)"
    )
    assert "Nothing was published" in err and "Nic nie opublikowano" in err
    assert not (tmp_path / "out").exists()


def test_bad_input_as_json(run, tmp_path):
    source = copy_source(tmp_path, VALID)
    set_cell(source / "przestrzenie.csv", 3, "liczba_miejsc", "ok. 40")
    result = run("build", "--json", "--source", str(source), "--out", "out")
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert data["error"] == "bad-source"
    assert data["problems"] == [
        {
            "file": str(source / "przestrzenie.csv"),
            "row": 3,
            "column": "liczba_miejsc",
            "value": "ok. 40",
            "message": data["problems"][0]["message"],
            "message_pl": data["problems"][0]["message_pl"],
            "code": "invalid-value",
        }
    ]
    assert "positive whole number" in data["problems"][0]["message"]
    assert "liczbą całkowitą większą od zera" in data["problems"][0]["message_pl"]


@pytest.mark.slow
@pytest.mark.parametrize("where", ["group", "command"])
def test_json_report_is_the_same_report_as_data(run, tmp_path, bundled, where):
    human, _ = bundled
    source = copy_source(tmp_path)
    args = ["--json", "build"] if where == "group" else ["build", "--json"]
    result = run(*args, "--source", str(source), "--out", "data")
    assert result.exit_code == 0
    data = json.loads(result.stdout)  # nothing but the JSON on stdout
    summary = SUMMARY.search(human.stdout)
    for key in ("institutions", "venues", "spaces", "triples", "violations", "warnings"):
        assert data[key] == int(summary[key]), key
    assert data["illustrative_spaces"] == int(summary["illustrative"])
    assert data["conforms"] is True and data["release"] and data["files"]["kfl.ttl"] > 0
    assert len(data["results"]) == data["warnings"]
    first = data["results"][0]
    assert set(first) >= {"severity", "focus", "path", "message_pl", "message_en", "shape", "source", "component"}
    groups = dict((m, int(n)) for n, m in re.findall(r"^\s+(\d+) × (.+)$", human.stdout, re.MULTILINE))
    for message, count in groups.items():
        assert sum(1 for r in data["results"] if message.startswith(r["message_en"])) == count


def test_validate_writes_nothing(run, tmp_path):
    source = copy_source(tmp_path, VALID)
    result = run("validate", "--source", str(source))
    assert result.exit_code == 0, result.output
    assert SUMMARY.search(result.stdout)["action"] == "Valid"
    assert not (tmp_path / "published").exists()
    set_cell(source / "przestrzenie.csv", 3, "nieodplatnie", "tak")
    invalid = run("validate", "--json", "--source", str(source))
    assert invalid.exit_code == 1
    data = json.loads(invalid.stdout)
    assert data["conforms"] is False and data["release"] is None
    assert [r["source"] for r in data["results"] if r["severity"] == "Violation"] == [
        f"{source / 'przestrzenie.csv'}, row 3"
    ]


@pytest.mark.parametrize(
    "args, env, words",
    [
        (["build", "--no-such-option"], {}, "No such option"),
        (["build", "--base", "ftp://example.org/"], {}, "http(s) IRI"),
        (["--base", "ftp://example.org/", "build"], {}, "http(s) IRI"),
        (["build"], {"KFL_KEEP_RELEASES": "many"}, "keep_releases"),
        (["build", "--source", str(VALID)], {"KFL_SHAPES": "nowhere"}, "no SHACL shapes"),
        (["build"], {"KFL_SETTINGS": "nowhere.toml"}, "not a file"),
        (["build", "--source", "missing-folder"], {}, "does not exist"),
    ],
)
def test_usage_and_settings_errors_exit_2(run, tmp_path, args, env, words):
    result = run(*args, **env)
    assert result.exit_code == 2
    assert words in result.stderr
    assert not (tmp_path / "published").exists()


def test_bad_settings_file_exits_2(run, tmp_path):
    (tmp_path / "kfl-lod.toml").write_text("base = \n", encoding="utf-8")
    result = run("build")
    assert result.exit_code == 2 and "kfl-lod.toml" in result.stderr and "not a valid TOML" in result.stderr


@pytest.mark.slow
def test_real_process_exit_codes(tmp_path):
    """The installed `kfl-lod` script, as a clerk runs it: 2 for bad input, 0 once fixed."""
    source = copy_source(tmp_path, VALID)
    set_cell(source / "przestrzenie.csv", 2, "zweryfikowano", "19.02.2026")
    exe = Path(sys.executable).parent / "kfl-lod"
    env = {k: v for k, v in os.environ.items() if not k.startswith("KFL_")} | {"KFL_SHAPES": str(ROOT / "shapes")}
    bad = subprocess.run(
        [str(exe), "build", "--source", str(source)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert bad.returncode == 2 and "row 2, column zweryfikowano: '19.02.2026' is not a date" in bad.stderr
    set_cell(source / "przestrzenie.csv", 2, "zweryfikowano", "2026-02-19")
    good = subprocess.run(
        [str(exe), "build", "--source", str(source)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert good.returncode == 0, good.stderr
    assert SUMMARY.search(good.stdout)["action"] == "Published"
    assert (tmp_path / "published" / "kfl.ttl").exists()
    assert "…" not in good.stderr  # no progress lines when stderr is not a terminal


def test_python_dash_m_runs_the_same_command_line(tmp_path):
    """`python -m kfl_lod` is the `kfl-lod` script: same usage, same exit codes."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KFL_")} | {"KFL_SHAPES": str(ROOT / "shapes")}
    usage = subprocess.run([sys.executable, "-m", "kfl_lod", "--help"], env=env, capture_output=True, text=True)
    assert usage.returncode == 0 and usage.stdout.startswith("Usage: kfl-lod ") and "validate" in usage.stdout
    source = copy_source(tmp_path, VALID)
    checked = subprocess.run(
        [sys.executable, "-m", "kfl_lod", "validate", "--source", str(source)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr
    assert SUMMARY.search(checked.stdout)["action"] == "Valid"


def test_progress_is_shown_on_a_terminal(tmp_path):
    import pty

    source = copy_source(tmp_path, VALID)
    exe = Path(sys.executable).parent / "kfl-lod"
    env = {k: v for k, v in os.environ.items() if not k.startswith("KFL_")} | {"KFL_SHAPES": str(ROOT / "shapes")}
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [str(exe), "validate", "--source", str(source)],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=follower,
            timeout=60,
        )
        os.close(follower)
        follower = -1
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        if follower != -1:
            os.close(follower)
        os.close(leader)
    terminal = b"".join(chunks).decode("utf-8")
    assert done.returncode == 0
    assert "reading source tables" in terminal and "validating with SHACL" in terminal
    assert "reading source tables" not in done.stdout.decode()
