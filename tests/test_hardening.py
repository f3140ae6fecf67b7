"""Hostile and careless use of the build (issue 10, items 8, 10, 14): bad --out, formula cells, killed rebuilds."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from kfl_lod import publish as publish_module
from kfl_lod.build import build
from kfl_lod.cli import main
from kfl_lod.errors import PublishError
from support import ROOT, make_settings

DAY = date(2026, 3, 2)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def release(out: Path) -> dict[str, bytes]:
    """The files of the release ``latest`` points at."""
    folder = (out / "latest").resolve(strict=True)
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def assert_sums_match(files: dict[str, bytes], moment: str = "") -> None:
    """SHA256SUMS names every other file of the release with its hash."""
    listed = {}
    for line in files["SHA256SUMS"].decode().splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    actual = {n: hashlib.sha256(b).hexdigest() for n, b in files.items() if n not in ("SHA256SUMS", ".content-hash")}
    assert listed == actual, f"SHA256SUMS out of step with the files {moment}"


# --- item 14: a settings-only rebuild is all-or-nothing ------------------------------------------


def test_settings_only_rebuild_failing_at_any_write_leaves_a_consistent_release(tmp_path, monkeypatch):
    settings = make_settings(tmp_path)
    build(settings, today=DAY)
    old = release(settings.published)
    changed = settings.replace(contact_email="kultura@example.org")
    real_write = publish_module._write
    count = {"n": 0}

    def counting(path, data):
        count["n"] += 1
        return real_write(path, data)

    monkeypatch.setattr(publish_module, "_write", counting)
    build(changed, today=DAY)
    new = release(settings.published)
    writes = count["n"]
    assert new != old and writes > 0
    assert_sums_match(new)
    for fail_at in range(1, writes + 1):
        publish_module._remove_leftovers(settings.published)  # the old release back in place, as a test set-up
        build(settings, today=DAY)  # back to the old settings
        assert release(settings.published) == old
        count["n"] = 0

        def failing(path, data, fail_at=fail_at):
            count["n"] += 1
            if count["n"] == fail_at:
                raise OSError(28, "No space left on device (simulated)")
            return real_write(path, data)

        monkeypatch.setattr(publish_module, "_write", failing)
        with pytest.raises(PublishError, match="No space left"):
            build(changed, today=DAY)
        monkeypatch.setattr(publish_module, "_write", real_write)
        files = release(settings.published)
        assert files == old, f"a rebuild failing at write {fail_at} changed the release in place"
        assert_sums_match(files, f"after a failure at write {fail_at}")
    build(changed, today=DAY)
    assert release(settings.published) == new
    assert not [p for p in (settings.published / "releases").iterdir() if p.name.startswith(".")]


@pytest.mark.slow
def test_killed_settings_only_rebuild_keeps_catalog_and_checksums_in_step(tmp_path):
    """Kill a real `kfl-lod build` whose only change is a setting, at many moments."""
    settings = make_settings(tmp_path)
    build(settings, today=date.today())
    old = release(settings.published)
    exe = Path(sys.executable).parent / "kfl-lod"
    env = {k: v for k, v in os.environ.items() if not k.startswith("KFL_")}
    env.update(KFL_SHAPES=str(ROOT / "shapes"), KFL_BASE=settings.base, KFL_CONTACT_EMAIL="kultura@example.org")
    argv = [str(exe), "build", "--source", str(settings.source), "--out", str(settings.published)]
    releases = settings.published / "releases"
    seen = set()
    for delay in (0.2, 0.5, 0.8, 1.0, 1.2, 1.4, None):
        proc = subprocess.Popen(argv, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            if delay is None:  # the moment the new copy of the release is being written
                deadline = time.monotonic() + 30
                while proc.poll() is None and time.monotonic() < deadline:
                    if any(n.startswith(".tmp-") for n in os.listdir(releases)):
                        break
            else:
                time.sleep(delay)
            proc.kill()
        finally:
            proc.kill()
            proc.wait()
        files = release(settings.published)
        assert_sums_match(files, f"after a kill at {delay}")
        for name in files:
            if not name.startswith("."):
                assert (settings.published / name).read_bytes() == files[name], name
        seen.add("old" if files == old else "new")
        if files != old:  # it got through: go back to the old settings for the next round
            build(settings, today=date.today())
    done = subprocess.run(argv, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert_sums_match(release(settings.published))
    assert b"kultura@example.org" in release(settings.published)["catalog.ttl"]
    assert not [p for p in releases.iterdir() if p.name.startswith(".")]


# --- item 10: no published table cell can run as a formula ---------------------------------------


def published_cells(out: Path):
    """Every cell of every published table (CSV and, if there is one, XLSX): (file, row, column, value)."""
    folder = (out / "latest").resolve(strict=True)
    tables = sorted(p for p in folder.iterdir() if p.suffix in (".csv", ".tsv", ".xlsx", ".ods"))
    assert any(p.suffix == ".csv" for p in tables)
    for path in tables:
        if path.suffix in (".csv", ".tsv"):
            text = path.read_text(encoding="utf-8-sig")
            for r, row in enumerate(
                csv.reader(io.StringIO(text, newline=""), delimiter="\t" if path.suffix == ".tsv" else ",")
            ):
                for c, value in enumerate(row):
                    yield path.name, r + 1, c, value, False
        elif path.suffix == ".xlsx":
            from openpyxl import load_workbook

            wb = load_workbook(path, read_only=True)
            for ws in wb.worksheets:
                for r, row in enumerate(ws.iter_rows(), start=1):
                    for c, cell in enumerate(row):
                        if cell.value is not None:
                            yield f"{path.name}:{ws.title}", r, c, str(cell.value), cell.data_type == "f"


def test_no_published_table_cell_starts_with_a_formula_character(tmp_path):
    # A source with every kind of value that may start so: a phone with +48, a negative-looking
    # text kept out by the source check, and the bundled data.
    settings = make_settings(tmp_path)
    path = settings.source / "instytucje.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    rows[1][header.index("telefon")] = "+48 12 616 78 23"
    rows[2][header.index("telefon")] = "12 616 78 23"
    rows[1][header.index("email")] = "sekretariat@example.pl"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    result = build(settings, today=DAY)
    assert result.report.conforms
    cells = list(published_cells(settings.published))
    assert len(cells) > 100
    bad = [(f, r, c, v) for f, r, c, v, formula in cells if formula or v.startswith(FORMULA_START)]
    assert bad == []
    csv_text = release(settings.published)["kfl.csv"].decode()
    # The phone is still there, exact, as a tel: URI (RFC 3966) a machine reads back to +48 12 616 78 23.
    assert "tel:+48-12-616-78-23" in csv_text


@pytest.mark.parametrize(
    "column, value",
    [
        ("nazwa", '=HYPERLINK("http://evil.example","kliknij")'),
        ("nazwa", "+1+1"),
        ("nazwa", "-2+3"),
        ("nazwa", "@SUM(A1:A2)"),
        ("opis", "=1+1"),
        ("warunki", "@cmd"),
        ("email", "=cmd@example.pl"),
        ("email", "+x@example.pl"),
    ],
)
def test_formula_text_is_refused_at_the_source_check(tmp_path, column, value):
    settings = make_settings(tmp_path)
    table = "instytucje.csv" if column == "email" else "przestrzenie.csv"
    path = settings.source / table
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[1][rows[0].index(column)] = value
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    result = CliRunner(env={"KFL_SHAPES": str(ROOT / "shapes")}).invoke(
        main, ["build", "--json", "--source", str(settings.source), "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 2, result.output
    report = json.loads(result.output)
    problem = next(p for p in report["problems"] if p["column"] == column)
    assert problem["row"] == 2 and problem["value"] == value and problem["file"].endswith(table)
    assert problem["message_pl"] and problem["message"]
    assert not (tmp_path / "out" / "latest").exists()


# --- item 8: --out naming a file or an impossible path ---------------------------------------------


@pytest.mark.parametrize("kind", ["file", "under-a-file", "unwritable", "nul"])
def test_out_that_cannot_be_a_publication_folder_is_a_listed_problem(tmp_path, monkeypatch, kind):
    settings = make_settings(tmp_path)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a-file.txt").write_text("not a folder\n")
    if kind == "file":
        out = str(tmp_path / "a-file.txt")
    elif kind == "under-a-file":
        out = str(tmp_path / "a-file.txt" / "published")
    elif kind == "unwritable":
        if os.geteuid() == 0:
            out = "/proc/kfl-lod-published"  # root may write anywhere but /proc
        else:
            locked = tmp_path / "locked"
            locked.mkdir(mode=0o500)
            out = str(locked / "published")
    else:  # no command line can hold a NUL, but the settings file can (TOML's \u0000)
        (tmp_path / "kfl-lod.toml").write_text('published = "bad\\u0000name"\n', encoding="utf-8")
        out = None
    for as_json in (False, True):
        args = (
            ["build", "--source", str(settings.source)]
            + (["--out", out] if out else [])
            + (["--json"] if as_json else [])
        )
        result = CliRunner(env={"KFL_SHAPES": str(ROOT / "shapes")}).invoke(main, args)
        assert result.exit_code == 2, (result.output, result.exception)
        assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
        assert "Traceback" not in result.output
        if as_json:
            report = json.loads(result.output)
            assert report["error"] == "bad-out"
            assert report["problems"] and report["problems"][0]["message_pl"]
        else:
            assert "--out" in result.output and "publik" in result.output
    assert (tmp_path / "a-file.txt").read_text() == "not a folder\n"
