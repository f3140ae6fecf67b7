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
    paths = ["/", "/?lang=en", "/praktyki", "/o-danych"] + ["/" + iri[len(base) :] + ".html" for iri in things]
    paths += ["/" + d.iri[len(base) :] + ".html" for d in index.districts]
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


def queries(index) -> list[dict]:
    """Searches touching every choice of every filter, alone and combined, with texts and people."""
    found: list[dict] = [dict(args) for args in SEARCHES]
    types = [c.slug for c in index.scheme_concepts("space-type")]
    modes = [c.slug for c in index.scheme_concepts("sharing-mode")]
    equipment = [c.slug for c in index.scheme_concepts("equipment")]
    found += [{"dzielnica": str(d.number)} for d in index.districts]
    found += [{"rodzaj": t} for t in types] + [{"forma": m} for m in modes]
    found += [{"wyposazenie": e} for e in equipment]
    found += [{"osoby": n} for n in ("1", "25", "80", "300", "100000")]
    texts = ["sala", "warsztat", "teatr muzeum", "biblioteka dzieci", "nr 1", "projektor", "ąę", "sale konferencyjne"]
    for n, text in enumerate(texts):
        found.append(
            {
                "q": text,
                "dzielnica": str(index.districts[n % len(index.districts)].number),
                "bezplatnie": "tak" if n % 2 else "",
                "bez_schodow": "tak" if n % 3 == 0 else "",
                "bez_przykladow": "tak" if n % 4 == 1 else "",
            }
        )
        found.append({"q": text, "rodzaj": types[n % len(types)], "osoby": str(10 * n + 5)})
        found.append(
            MultiDict(
                [("q", text), ("forma", modes[n % len(modes)]), ("forma", modes[(n + 1) % len(modes)])]
                + [("wyposazenie", equipment[n % len(equipment)]), ("wyposazenie", equipment[(n + 2) % len(equipment)])]
            )
        )
    return found


def test_the_columnar_search_finds_orders_and_counts_what_the_python_loop_did(publication):
    """tests/reference_search.py is the search before its columns; both give the same on every search."""
    import reference_search

    folder = (publication.published / "latest").resolve()
    store = open_release(folder)
    for index in (open_index(folder, store, publication.base), build_index(store, publication.base)):
        assert search.everywhere(index) == reference_search.everywhere(index)
        for args in queries(index):
            query, _ = search.parse(MultiDict(args), index)
            got, expected = search.run(index, query), reference_search.run(index, query)
            assert [s.iri for s in got.spaces] == [s.iri for s in expected.spaces], args
            assert [s.iri for s in got.real] == [s.iri for s in expected.real], args
            assert (got.unknown, got.unknown_total, got.terms, got.partial, got.people_from_text) == (
                expected.unknown,
                expected.unknown_total,
                expected.terms,
                expected.partial,
                expected.people_from_text,
            ), args
            assert got.facets == expected.facets, args
            assert got.drops == expected.drops, args
            assert [s.iri for s in got.closest] == [s.iri for s in expected.closest], args
            assert got.closest_without == expected.closest_without, args


def test_expanding_a_word_looks_at_its_stem_only_and_finds_what_testing_every_lemma_finds(publication):
    from kfl_lod.words import analyse, fold, related

    folder = (publication.published / "latest").resolve()
    index = open_index(folder, open_release(folder), publication.base)
    lexicon = index.lexicon
    words = ["sala", "sali", "warsztatowa", "warsztat", "dzieci", "teatralny", "projektorem", "nr", "1", "muzeum"]
    words += sorted(lexicon.forms)[::7]
    for word in words:
        own = set(analyse(word)[0]) | lexicon.forms.get(fold(word), set())
        brute = frozenset(v for v in lexicon.lemmas if any(related(q, v) for q in own))
        assert lexicon.expand(word) == brute, word
    assert any(len(lexicon.expand(w)) > 1 for w in words)  # words that join others are among them


def test_entries_made_on_demand_are_whole_and_shared_between_threads(generated):
    import threading

    folder = (generated.published / "latest").resolve()
    index = open_index(folder, open_release(folder), generated.base)
    assert type(index.spaces).__name__ == "_Entries"  # read from the files, made on demand
    iris = list(index.spaces)
    seen: list[list] = []
    errors: list[BaseException] = []

    def walk(offset: int) -> None:
        try:
            found = []
            for iri in iris[offset:] + iris[:offset]:
                space = index.spaces[iri]
                assert space.venue is not None and any(s is space for s in space.venue.spaces)
                assert space.institution is None or any(v is space.venue for v in space.institution.venues)
                found.append(space)
            seen.append(found)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=walk, args=(k * 17,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    by_iri = [{s.iri: id(s) for s in found} for found in seen]
    assert all(ids == by_iri[0] for ids in by_iri)  # one object per entry, whichever thread made it


def test_the_index_made_by_another_process_is_the_same_files(publication, tmp_path, monkeypatch):
    import sys

    folder = (publication.published / "latest").resolve()
    ntriples = (folder / "kfl.nt").read_bytes()
    here = pages_index.index_files(
        ox.parse(path=str(folder / "kfl.nt"), format=ox.RdfFormat.N_TRIPLES), publication.base
    )
    other = pages_index.Preparing(ntriples, publication.base, min_bytes=0)
    made = other.files()
    assert other.error is None and made == here and list(made)[-1] == FILE
    assert other.seconds[0] > 0
    # written into a release without an index: the same bytes as the build's own
    copy = without_file(publication, tmp_path)
    target = (copy.published / "latest").resolve()
    pages_index.prepare(target, copy.base, made)
    for name, data in here.items():
        assert (target / name).read_bytes() == data == (folder / name).read_bytes(), name
    # an interpreter that cannot run it: no files, a reason, and prepare makes them here
    monkeypatch.setattr(sys, "executable", "/bin/false")
    broken = pages_index.Preparing(ntriples, publication.base, min_bytes=0)
    assert broken.files() is None and broken.error
    small = pages_index.Preparing(ntriples, publication.base)  # the bundled data: below the threshold
    assert small.files() is None and small.error is None
