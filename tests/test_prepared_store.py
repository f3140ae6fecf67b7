"""A large release is also kept as an on-disk store: opened read-only, the same quads as loading it."""

from __future__ import annotations

from datetime import date

import pyoxigraph as ox
import pytest

from kfl_lod.build import build
from kfl_lod.generate import write
from kfl_lod.store import PREPARED, dataset_graph, open_store, prepare
from support import BASE, make_settings


def quads(store: ox.Store) -> set[str]:
    return {str(q) for q in store.quads_for_pattern(None, None, None, None)}


@pytest.mark.slow
def test_prepared_store_holds_what_loading_gives(tmp_path):
    write(tmp_path / "source", 30, 4)
    settings = make_settings(tmp_path)
    result = build(settings, today=date(2026, 3, 1))
    folder = result.published.folder
    assert not (folder / PREPARED).exists(), "a small release is loaded into memory, not prepared"
    assert prepare(folder, dataset_graph(BASE)) is None
    loaded = open_store(settings.published, dataset_graph(BASE))

    assert prepare(folder, dataset_graph(BASE), min_bytes=0) == folder / PREPARED
    opened = open_store(settings.published, dataset_graph(BASE))
    again = open_store(settings.published)  # a second process or the pages: read-only, side by side
    assert quads(opened) == quads(loaded) and len(quads(loaded)) > 2 * result.triples
    assert len(again) == len(opened)
    query = f"SELECT (COUNT(*) AS ?n) FROM <{dataset_graph(BASE)}> WHERE {{ ?s a ?c }}"
    assert [str(r["n"]) for r in opened.query(query)] == [str(r["n"]) for r in loaded.query(query)]
    with pytest.raises(RuntimeError, match="read-write"):  # the prepared store is read-only
        opened.add(ox.Quad(ox.NamedNode(BASE + "x"), ox.NamedNode(BASE + "p"), ox.Literal("1")))
    # another base's graph is not in it: the publication is loaded as before
    other = open_store(settings.published, "https://example.org/dataset")
    assert other.contains_named_graph(ox.NamedNode("https://example.org/dataset"))
    # a second prepare keeps the database in place; the release's files are unchanged by it
    assert prepare(folder, dataset_graph(BASE), min_bytes=0) == folder / PREPARED
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".store")) == [PREPARED]


@pytest.mark.slow
def test_build_prepares_a_large_release(tmp_path, monkeypatch):
    import kfl_lod.store

    write(tmp_path / "source", 30, 4)
    monkeypatch.setattr(kfl_lod.store, "PREPARE_BYTES", 0)
    settings = make_settings(tmp_path)
    result = build(settings, today=date(2026, 3, 1))
    folder = result.published.folder
    assert (folder / PREPARED).is_dir()
    # written beside the other files (store.Preparing): the same quads as loading the published files
    loaded = kfl_lod.store._load(ox.Store(), folder, dataset_graph(BASE))
    assert quads(open_store(settings.published, dataset_graph(BASE))) == quads(loaded)
    assert not list(settings.published.glob(".prepare-store-*"))
    assert "prepare store" in result.timings and "validate" in result.cpu


def test_a_build_with_violations_leaves_no_database_and_no_folder(tmp_path, monkeypatch):
    """The database starts loading before validation (store.Preparing from kfl.nt on): violations drop it all."""
    import csv

    import kfl_lod.store

    write(tmp_path / "source", 30, 4)
    path = tmp_path / "source" / "przestrzenie.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    free, modes = rows[0].index("nieodplatnie"), rows[0].index("formy_udostepniania")
    rows[1][free], rows[1][modes] = "tak", "odplatny-najem"  # free of charge, yet only paid rental: a violation
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    monkeypatch.setattr(kfl_lod.store, "PREPARE_BYTES", 0)
    settings = make_settings(tmp_path)
    assert not settings.published.exists()
    result = build(settings, today=date(2026, 3, 1))
    assert not result.report.conforms and result.published is None
    assert not settings.published.exists()  # not even the folder the database was loaded in
