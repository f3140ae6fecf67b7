"""The pages' index prepared by the build gives the same pages and searches as one read from the store."""

from __future__ import annotations

import dataclasses
import json
import shutil
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest
from werkzeug.datastructures import MultiDict

from kfl_lod import pages_index
from kfl_lod.build import build
from kfl_lod.generate import generate
from kfl_lod.pages_index import COUNTS, FILE, build_index, dump, open_index, triple_count
from kfl_lod.settings import Settings
from kfl_lod.store import PREPARED, dataset_graph, open_release, prepare
from kfl_lod.web import create_app, search
from support import make_settings

SEARCHES = [
    {},
    {"q": "sala warsztatowa dla dzieci"},
    {"q": "Szukam wolnej sali na 30 osób z projektorem"},
    {"q": "spotkan"},
    {"q": "teatr", "bez_przykladow": "tak"},
    {"q": "zzzz nic takiego"},
    {"dzielnica": "1"},
    {"dzielnica": "5", "osoby": "20", "bezplatnie": "tak"},
    {"rodzaj": "sala-konferencyjna", "bez_schodow": "tak"},
    {"forma": "nieodplatne-uzyczenie", "wyposazenie": "projektor"},
    {"osoby": "500"},
]


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Settings:
    """A publication built from a small generated source (seed 5)."""
    tmp = tmp_path_factory.mktemp("generated")
    source = tmp / "source"
    source.mkdir()
    for name, data in generate(120, seed=5).items():
        (source / name).write_bytes(data)
    settings = make_settings(tmp, source=source)
    assert build(settings, today=date(2026, 3, 1)).report.conforms
    return settings


@pytest.fixture(params=["bundled", "generated"])
def publication(request) -> Settings:
    return request.getfixturevalue("published" if request.param == "bundled" else "generated")


def without_file(settings: Settings, tmp: Path) -> Settings:
    """A copy of the publication whose release has no prepared index (an older build's release)."""
    copy = tmp / "published"
    shutil.copytree(settings.published, copy, symlinks=True)
    (copy / "latest" / FILE).unlink()
    return dataclasses.replace(settings, published=copy)


def test_build_prepares_the_file(publication):
    assert (publication.published / "latest" / FILE).stat().st_size > 0


def test_index_from_file_equals_index_from_store(publication):
    folder = (publication.published / "latest").resolve()
    store = open_release(folder)
    from_file = open_index(folder, store, publication.base)
    from_store = build_index(store, publication.base)
    assert from_file.spaces and from_file.nodes.fragment_map  # the file was read, and it has content
    assert dump(from_file, from_file.nodes.fragment_map) == dump(from_store, from_store.nodes.fragment_map)
    for index in (from_file, from_store):
        assert search.everywhere(index) == search.everywhere(from_store)
    for args in SEARCHES:
        results = []
        for index in (from_file, from_store):
            query, problems = search.parse(MultiDict(args), index)
            found = search.run(index, query)
            results.append(([s.iri for s in found.spaces], found.unknown, found.facets, found.drops, problems))
        assert results[0] == results[1], args
    # a file written for another base is not used
    other = open_index(folder, store, "https://example.org/")
    assert not other.spaces


def test_a_damaged_or_foreign_file_falls_back_to_the_store(publication, tmp_path):
    copy = without_file(publication, tmp_path)
    folder = (copy.published / "latest").resolve()
    store = open_release(folder)
    expected = dump(build_index(store, copy.base), build_index(store, copy.base).nodes.fragment_map)
    for damaged in (b"{not json", b'{"format": 999}', b'{"format": 1, "spaces": [[1]]}'):
        (folder / FILE).write_bytes(damaged)
        index = open_index(folder, store, copy.base)
        assert dump(index, index.nodes.fragment_map) == expected


def test_pages_and_searches_are_the_same_bytes_with_and_without_the_file(publication, tmp_path):
    with_file = create_app(publication).test_client()
    without = create_app(without_file(publication, tmp_path)).test_client()
    folder = (publication.published / "latest").resolve()
    index = open_index(folder, open_release(folder), publication.base)
    base = publication.base
    things = [
        next(iter(index.spaces)),
        next(iter(index.venues)),
        next(iter(index.institutions)),
        *list(index.practices)[:1],
        next(iter(index.concepts)),
        index.districts[0].iri,
    ]
    paths = ["/", "/?lang=en", "/praktyki"] + ["/" + iri[len(base) :] + ".html" for iri in things]
    paths += ["/?" + urlencode(args) for args in SEARCHES]
    for path in paths:
        a, b = with_file.get(path), without.get(path)
        assert a.status_code == b.status_code == 200, path
        assert a.data == b.data, path


def test_prepare_keeps_an_existing_file_and_writes_atomically(publication, tmp_path):
    copy = without_file(publication, tmp_path)
    folder = (copy.published / "latest").resolve()
    written = pages_index.prepare(folder, copy.base)
    assert written == folder / FILE and written.read_bytes() == (publication.published / "latest" / FILE).read_bytes()
    stamp = written.stat().st_mtime_ns
    pages_index.prepare(folder, copy.base)
    assert written.stat().st_mtime_ns == stamp
    assert not [p for p in written.parent.iterdir() if ".tmp-" in p.name]


def default_graph_size(store: ox.Store) -> int:
    return sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))


def test_healthz_counts_statements_not_quads_of_a_prepared_store(generated, tmp_path):
    copy = without_file(generated, tmp_path)
    folder = (copy.published / "latest").resolve()
    assert prepare(folder, dataset_graph(copy.base), min_bytes=0) == folder / PREPARED
    store = open_release(folder)
    assert len(store) == 2 * default_graph_size(store)  # the data twice: default and dataset graph
    health = create_app(copy).test_client().get("/healthz").get_json()
    assert health["status"] == "ok" and health["triples"] == default_graph_size(store)


def test_triple_count_reads_the_counts_the_build_wrote_and_counts_a_changed_file(publication, tmp_path):
    copy = without_file(publication, tmp_path)
    folder = (copy.published / "latest").resolve()
    expected = default_graph_size(open_release(folder))
    assert triple_count(folder) == expected
    counts = folder / COUNTS
    written = json.loads(counts.read_bytes())
    assert sum(lines for _, lines in written.values()) == expected
    # the recorded counts are used as they are ...
    counts.write_text(json.dumps({name: [size, 1] for name, (size, _) in written.items()}))
    assert triple_count(folder) == len(written)
    # ... unless a file's size is not the recorded one (a settings-only rebuild rewrote the catalog)
    counts.write_text(json.dumps({name: [size + 1, 1] for name, (size, _) in written.items()}))
    assert triple_count(folder) == expected
    counts.unlink()
    assert triple_count(folder) == expected
    assert triple_count(tmp_path / "empty") is None
