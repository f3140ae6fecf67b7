"""Determinism and safety of a build: same source, same bytes; a failed or killed build changes nothing."""

from __future__ import annotations

import csv
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from kfl_lod.build import build
from kfl_lod.errors import SourceError
from kfl_lod.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
DAY = date(2026, 3, 2)
OTHER_BASE = "https://dane.example.org/kultura/kfl/"


def make_settings(tmp: Path, **changes):
    """Settings for a publication under tmp, from a copy of the bundled source."""
    source = tmp / "source"
    if "source" not in changes and not source.exists():
        shutil.copytree(ROOT / "source", source)
    values = dict(source=source, published=tmp / "published", shapes=ROOT / "shapes", base="https://kfl.krakow.pl/")
    values.update(changes)
    return load_settings(environ={}, cwd=tmp, **values)


def release_files(out: Path) -> dict[str, bytes]:
    """The files of the release ``latest`` points at, read through that one resolved folder."""
    folder = (out / "latest").resolve(strict=True)
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def tree(out: Path) -> dict[str, bytes]:
    """Everything under a publication folder: file bytes, and link targets for links."""
    found = {}
    for path in sorted(out.rglob("*")):
        rel = str(path.relative_to(out))
        if path.is_symlink():
            found[rel] = b"-> " + os.readlink(path).encode()
        elif path.is_file():
            found[rel] = path.read_bytes()
    return found


def rewrite_table(path: Path, change) -> None:
    """Rewrite a CSV table: ``change(header, rows) -> rows``."""
    with open(path, encoding="utf-8", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([header, *change(header, rows)])


def rename_first_space(header: list[str], rows: list[list[str]]) -> list[list[str]]:
    rows[0][header.index("nazwa")] += " (po remoncie)"
    return rows


# --- determinism -------------------------------------------------------------------------------


@pytest.mark.slow
def test_same_source_gives_byte_identical_files(tmp_path):
    one = make_settings(tmp_path / "one")
    two = make_settings(tmp_path / "two")
    first, second = build(one, today=DAY), build(two, today=DAY)
    assert first.published.version == second.published.version
    files = release_files(one.published)
    assert files == release_files(two.published)
    assert {
        "kfl.ttl",
        "kfl.nt",
        "kfl.jsonld",
        "context.jsonld",
        "kfl.csv",
        "kfl.geojson",
        "shacl-report.ttl",
        "SHA256SUMS",
    } <= set(files)


@pytest.mark.slow
def test_shuffled_rows_change_nothing(tmp_path, published):
    """Rows, and with the second seed also columns and the items of list cells, in another order."""
    expected = release_files(published.published)
    for seed in (1, 2):
        settings = make_settings(tmp_path / str(seed))
        for table in settings.source.glob("*.csv"):
            rewrite_table(table, lambda header, rows, seed=seed: random.Random(seed).sample(rows, len(rows)))
            if seed == 2:
                shuffle_columns_and_lists(table, random.Random(seed))
        build(settings, today=DAY)
        assert release_files(settings.published) == expected


def shuffle_columns_and_lists(path: Path, rng: random.Random) -> None:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    order = rng.sample(range(len(rows[0])), len(rows[0]))
    lists = {i for i, h in enumerate(rows[0]) if h in ("wyposazenie", "formy_udostepniania")}
    changed = 0
    for row in rows[1:]:
        for i in lists:
            items = [v.strip() for v in row[i].split(",") if v.strip()]
            if len(items) > 1:
                row[i] = ", ".join(reversed(items))
                changed += 1
    if lists:
        assert changed  # the bundled source has list cells with several items to reorder
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([[row[i] for i in order] for row in rows])


@pytest.mark.slow
def test_rebuild_of_the_same_source_makes_no_new_release(tmp_path):
    settings = make_settings(tmp_path)
    first = build(settings, today=DAY)
    before = tree(settings.published)
    again = build(settings, today=date(2026, 3, 9))
    assert again.published.version == first.published.version and not again.published.new_release
    assert tree(settings.published) == before


@pytest.mark.slow
def test_other_base_changes_iris_only(tmp_path, published):
    settings = make_settings(tmp_path, base=OTHER_BASE)
    result = build(settings, today=DAY)
    assert result.report.conforms
    assert len(result.report.warnings) == len(build(make_settings(tmp_path / "default"), today=DAY).report.warnings)
    theirs = release_files(settings.published)
    ours = release_files(published.published)

    def rebased(g: Graph) -> set:
        def term(t):
            return URIRef(str(t).replace(OTHER_BASE, published.base)) if isinstance(t, URIRef) else t

        return {(term(s), term(p), term(o)) for s, p, o in g}

    for name, fmt in (("kfl.nt", "nt"), ("kfl.ttl", "turtle"), ("kfl.jsonld", "json-ld")):
        other = Graph().parse(data=theirs[name], format=fmt)
        assert not any(published.base in str(t) for triple in other for t in triple), name
        assert rebased(other) == set(Graph().parse(data=ours[name], format=fmt)), name
        literals = {o for _, _, o in other if isinstance(o, Literal)}
        assert literals == {o for _, _, o in Graph().parse(data=ours[name], format=fmt) if isinstance(o, Literal)}
    for name in ("kfl.csv", "kfl.geojson", "context.jsonld"):
        assert theirs[name].decode().replace(OTHER_BASE, published.base) == ours[name].decode(), name


# --- safety ------------------------------------------------------------------------------------------


def test_bad_input_leaves_the_publication_untouched(tmp_path):
    settings = make_settings(tmp_path)
    build(settings, today=DAY)
    before = tree(settings.published)
    rewrite_table(
        settings.source / "przestrzenie.csv", lambda h, rows: [[*rows[0][:5], "ok. 40", *rows[0][6:]], *rows[1:]]
    )
    with pytest.raises(SourceError):
        build(settings, today=date(2026, 3, 3))
    assert tree(settings.published) == before


def test_bad_input_on_a_first_build_writes_nothing(tmp_path):
    settings = make_settings(tmp_path)
    (settings.source / "instytucje.csv").write_bytes(b"")
    with pytest.raises(SourceError):
        build(settings, today=DAY)
    assert not settings.published.exists() or tree(settings.published) == {}


def command(settings) -> tuple[list[str], dict[str, str]]:
    exe = Path(sys.executable).parent / "kfl-lod"
    env = {k: v for k, v in os.environ.items() if not k.startswith("KFL_")}
    env.update(KFL_SHAPES=str(ROOT / "shapes"), KFL_BASE=settings.base)
    return [str(exe), "build", "--source", str(settings.source), "--out", str(settings.published)], env


@pytest.mark.slow
def test_killed_build_leaves_a_complete_release(tmp_path):
    """Kill `kfl-lod build` at many moments: published/ is always the old or the new release, whole."""
    settings = make_settings(tmp_path / "work")
    build(settings, today=date.today())
    old = release_files(settings.published)
    pristine = tmp_path / "pristine"
    shutil.copytree(settings.published, pristine, symlinks=True)
    rewrite_table(settings.source / "przestrzenie.csv", rename_first_space)
    reference = make_settings(tmp_path / "reference", source=settings.source)
    shutil.copytree(pristine, reference.published, symlinks=True)  # the same history: same change record
    build(reference, today=date.today())
    new = release_files(reference.published)
    assert new != old

    def check(moment: str) -> str:
        files = release_files(settings.published)
        assert files in (old, new), f"half-written publication after a kill at {moment}"
        for name in files:  # the stable names resolve, to the same release
            if not name.startswith("."):
                assert (settings.published / name).read_bytes() == files[name], name
        return "new" if files == new else "old"

    argv, env = command(settings)
    seen = []
    releases = settings.published / "releases"
    # Fixed delays cover reading, mapping and validating; watching releases/ catches the
    # writing: kill when the staging folder appears, and when the new release is renamed in.
    moments = [("after", d) for d in (0.05, 0.15, 0.3, 0.45, 0.6)] + [("staging", None), ("renamed", None)]
    for kind, delay in moments:
        shutil.rmtree(settings.published)
        shutil.copytree(pristine, settings.published, symlinks=True)
        before = set(os.listdir(releases))
        proc = subprocess.Popen(argv, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            if kind == "after":
                time.sleep(delay)
            else:
                deadline = time.monotonic() + 30
                while proc.poll() is None and time.monotonic() < deadline:
                    names = set(os.listdir(releases)) - before
                    if (kind == "staging" and any(n.startswith(".tmp-") for n in names)) or (
                        kind == "renamed" and any(not n.startswith(".") for n in names)
                    ):
                        break
            proc.send_signal(signal.SIGSTOP)  # frozen mid-way: a reader now sees ...
            seen.append(check(f"{kind} {delay} (stopped)"))
            proc.kill()
        finally:
            proc.kill()
            proc.wait()
        seen.append(check(f"{kind} {delay} (killed)"))
    assert "old" in seen  # the kills did land before the switch
    # The next build cleans up whatever a killed one left and publishes the new release.
    result = build(settings, today=date.today())
    assert result.report.conforms and release_files(settings.published) == new
    assert not [p for p in releases.iterdir() if p.name.startswith(".")]
    assert not [p for p in settings.published.iterdir() if p.name.startswith(".")]


@pytest.mark.slow
def test_build_run_to_the_end_publishes_the_new_release(tmp_path):
    settings = make_settings(tmp_path)
    build(settings, today=date.today())
    reference = make_settings(tmp_path / "reference", source=settings.source)
    shutil.copytree(settings.published, reference.published, symlinks=True)
    rewrite_table(settings.source / "przestrzenie.csv", rename_first_space)
    argv, env = command(settings)
    done = subprocess.run(argv, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    build(reference, today=date.today())
    assert release_files(settings.published) == release_files(reference.published)


def test_a_workbook_publishes_the_same_bytes_as_the_csv_files(tmp_path, published):
    """The clerk may keep the tables as CSV or as one workbook: the same data, the same release."""
    import pandas as pd

    workbook = tmp_path / "zestawienie.xlsx"
    with pd.ExcelWriter(workbook, engine="openpyxl") as writer:
        for table in ("instytucje", "lokalizacje", "przestrzenie", "dobre_praktyki"):
            frame = pd.read_csv(ROOT / "source" / f"{table}.csv", dtype=str, keep_default_na=False)
            for column in (
                "liczba_miejsc",
                "powierzchnia_m2",
                "szerokosc",
                "dlugosc",
            ):  # numbers as numbers, as Excel keeps them
                if column in frame:
                    frame[column] = [float(v.replace(",", ".")) if v else None for v in frame[column]]
            frame.to_excel(writer, sheet_name=table, index=False)
    settings = make_settings(tmp_path, source=workbook)
    build(settings, today=DAY)
    assert release_files(settings.published) == release_files(published.published)
