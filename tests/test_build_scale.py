"""The build's fast paths give exactly what the plain ones give (#13).

kfl.xlsx rows written without openpyxl's cell objects, the change record and catalog reading
a few lines of kfl.nt instead of parsing it all, districts located with numpy: each is
compared with the plain implementation it replaced, on the bundled data, a generated source
and hostile values.
"""

from __future__ import annotations

import csv
import io
import random
import zipfile
from datetime import date

import pyoxigraph as ox
import pytest

from kfl_lod import catalog, changes, districts, xlsx
from kfl_lod.build import build
from kfl_lod.generate import generate
from kfl_lod.names import CSV, NTRIPLES
from support import ROOT, make_settings

BASE = "https://kfl.krakow.pl/"


def _table(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"))))


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A generated source of 300 spaces, built once."""
    tmp = tmp_path_factory.mktemp("generated")
    source = tmp / "source"
    source.mkdir()
    for name, data in generate(300, seed=4).items():
        (source / name).write_bytes(data)
    settings = make_settings(tmp, source=source)
    result = build(settings, today=date(2026, 3, 2))
    assert result.report.conforms
    return settings.published / "latest"


# --- kfl.xlsx ---------------------------------------------------------------------------------


def test_the_workbook_of_the_bundled_and_a_generated_table_is_openpyxls_byte_for_byte(published, generated):
    for folder in (published.published / "latest", generated):
        data = (folder / CSV).read_bytes()
        assert xlsx.from_csv(data) == xlsx._openpyxl(_rows(data)) == (folder / "kfl.xlsx").read_bytes()


HOSTILE = [
    " leading space",
    "trailing space ",
    "   ",
    "x & <y> > \"q\" 'a'",
    "ąęłńóśźż ĄĘ „cudzysłów” — 😀 𝔘",
    "line1\nline2\r\nline3\ttab",
    "=SUM(A1:A2)",
    "+48 12 345 67 89",
    "2026-02-19",
    "\u00a0nbsp\u00a0",
    "]]>",
    "&#8222;",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_text_is_written_as_openpyxl_writes_it(value):
    rows = [["przestrzen_id", "nazwa", "liczba_miejsc", "opis"], ["a", value, "12", value], ["b", "", value, ""]]
    data = _table(rows)
    assert xlsx.from_csv(data) == xlsx._openpyxl(_rows(data))


@pytest.mark.parametrize(
    "number", ["12", "0", "-3", "1.5", "50.0617", "19.937300", "1e3", "007", "12345678901234567890"]
)
def test_numbers_are_written_as_openpyxl_writes_them(number):
    data = _table([["nazwa", "liczba_miejsc", "szerokosc"], ["a", number, number], ["b", "", "abc"]])
    assert xlsx.from_csv(data) == xlsx._openpyxl(_rows(data))


@pytest.mark.parametrize(
    "rows",
    [
        [],
        [["nazwa", "opis"]],
        [["nazwa", "opis"], ["", ""], ["a", ""]],  # the last row with a value sets the dimension
        [["nazwa", "opis"], ["a", "b"], ["", ""]],
        [["nazwa"], ["a", "extra cell"]],  # cells beyond the header: openpyxl's own path
        [["nazwa", "liczba_miejsc"], ["bad\x01char", "1"]],  # not XML: openpyxl's own refusal
        [["nazwa", "dzielnica"], ["a", "NaN"], ["b", "Infinity"]],
    ],
)
def test_edge_tables_are_written_as_openpyxl_writes_them(rows):
    data = _table(rows)
    try:
        expected = xlsx._openpyxl(_rows(data))
    except Exception as exc:  # openpyxl refuses it: so does the fast path, with the same error
        with pytest.raises(type(exc)):
            xlsx.from_csv(data)
        return
    assert xlsx.from_csv(data) == expected


def test_the_workbook_reads_back_with_the_same_values(published):
    from openpyxl import load_workbook

    data = (published.published / "latest" / CSV).read_bytes()
    sheet = load_workbook(io.BytesIO(xlsx.from_csv(data))).active
    rows = _rows(data)
    got = [["" if c is None else c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert [str(c) for c in got[0]] == rows[0]
    assert len(got) == len(rows)
    with zipfile.ZipFile(io.BytesIO(xlsx.from_csv(data))) as book:
        assert all(info.date_time == xlsx.EPOCH for info in book.infolist())


# --- change record and catalog: a few lines of kfl.nt, not a full parse -------------------------


def _parsed(nt: bytes) -> dict:
    """changes.records_in as it was: every statement parsed (the reference)."""
    from kfl_lod.namespaces import parse_iri

    found: dict = {}
    names: dict = {}
    for quad in ox.parse(nt, format=ox.RdfFormat.N_TRIPLES):
        s = quad.subject
        if not isinstance(s, ox.NamedNode):
            continue
        iri = s.value
        kind, slug, fragment = parse_iri(iri, BASE)
        if kind not in changes.KINDS or fragment or "#" in iri:
            continue
        found.setdefault(iri, {"kind": kind, "id": slug, "name": ""})
        if quad.predicate.value == changes._NAME and isinstance(quad.object, ox.Literal):
            names.setdefault(iri, {})[quad.object.language or ""] = quad.object.value
    for iri, by_lang in names.items():
        found[iri]["name"] = by_lang.get("pl") or by_lang.get("") or next(iter(sorted(by_lang.values())))
    return dict(sorted(found.items()))


def _illustrative_parsed(nt: bytes) -> dict:
    space, flag = f"{BASE}def/Space", f"{BASE}def/illustrative"
    spaces, marked = set(), set()
    for quad in ox.parse(nt, format=ox.RdfFormat.N_TRIPLES):
        s, p, o = quad.subject.value, quad.predicate.value, quad.object
        if p.endswith("22-rdf-syntax-ns#type") and isinstance(o, ox.NamedNode) and o.value == space:
            spaces.add(s)
        elif p == flag and isinstance(o, ox.Literal) and o.value == "true":
            marked.add(s)
    return {"spaces": len(spaces), "illustrative": len(spaces & marked)}


def test_things_and_counts_from_the_lines_equal_a_full_parse(published, generated):
    for folder in (published.published / "latest", generated):
        nt = (folder / NTRIPLES).read_bytes()
        found = changes.records_in(nt, BASE)
        assert found == _parsed(nt)
        assert {t["kind"] for t in found.values()} == set(changes.KINDS)
        assert catalog.illustrative_counts({NTRIPLES: nt}, BASE) == _illustrative_parsed(nt)


TRICKY = """<https://kfl.krakow.pl/space/a> <https://schema.org/name> "Sala \\"A\\" \\u0105"@pl .
<https://kfl.krakow.pl/space/a> <https://schema.org/name> "Room A"@en .
<https://kfl.krakow.pl/space/b> <https://schema.org/description> "x <https://schema.org/name> y" .
<https://kfl.krakow.pl/space/b> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://kfl.krakow.pl/def/Space> .
<https://kfl.krakow.pl/space/b> <https://kfl.krakow.pl/def/illustrative> "true"^^<http://www.w3.org/2001/XMLSchema#boolean> .
<https://kfl.krakow.pl/space/c> <https://schema.org/name> "Bez języka" .
<https://kfl.krakow.pl/space/c> <https://schema.org/name> <https://kfl.krakow.pl/space/a> .
<https://kfl.krakow.pl/venue/v#address> <https://schema.org/name> "adres" .
<https://kfl.krakow.pl/venue/v> <https://schema.org/name> "Stara"@pl .
<https://kfl.krakow.pl/venue/v> <https://schema.org/name> "Nowa"@pl .
<https://kfl.krakow.pl/space/x/y> <https://schema.org/name> "not a thing" .
<https://kfl.krakow.pl/vocab/space-type/sala> <https://schema.org/name> "pojęcie"@pl .
<https://elsewhere.org/space/z> <https://schema.org/name> "obcy"@pl .
_:b1 <https://schema.org/name> "pusty"@pl .
_:b1 <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://kfl.krakow.pl/def/Space> .
<https://kfl.krakow.pl/practice/p> <https://kfl.krakow.pl/def/illustrative> "false"^^<http://www.w3.org/2001/XMLSchema#boolean> .
<https://kfl.krakow.pl/practice/p> <https://schema.org/name> "Praktyka"@PL-Latn .
<https://kfl.krakow.pl/practice/p> <https://schema.org/name> "Typed"^^<http://www.w3.org/2001/XMLSchema#string> .
<https://kfl.krakow.pl/institution/i> <https://schema.org/name> "Zweite"@de .
<https://kfl.krakow.pl/institution/i> <https://schema.org/name> "Erste"@de .
<https://kfl.krakow.pl/institution/i> <https://schema.org/name> "Andere"@fr .""".encode()


@pytest.mark.parametrize("nt", [TRICKY, TRICKY + b"\n", b"", b"\n", TRICKY.replace(b"space/a>", b"space/\\u0061>")])
def test_tricky_lines_give_what_a_full_parse_gives(nt):
    assert changes.records_in(nt, BASE) == _parsed(nt)
    assert catalog.illustrative_counts({NTRIPLES: nt}, BASE) == _illustrative_parsed(nt)


# --- districts with numpy: the plain loops' results ------------------------------------------------


def test_districts_over_arrays_equal_the_plain_loops():
    found = districts.boundaries()
    rng = random.Random(5)
    points = [(rng.uniform(49.95, 50.13), rng.uniform(19.78, 20.22)) for _ in range(150)]
    for d in found:  # on vertices and in the middle of edges, where ties and zero distances are
        ring = d.rings[0]
        for (x1, y1), (x2, y2) in list(zip(ring, ring[1:], strict=False))[::40]:
            points += [(y1, x1), ((y1 + y2) / 2, (x1 + x2) / 2)]
    for lat, lon in points:
        for d in found:
            assert districts._inside_np(lon, lat, d.rings) == districts._inside(lon, lat, d.rings)
            assert districts._border_np(lon, lat, d.rings) == districts._border_m(lon, lat, d.rings)
    empty = (((19.9, 50.0),),)
    assert districts._border_np(19.9, 50.0, empty) == districts._border_m(19.9, 50.0, empty)
    assert districts._inside_np(19.9, 50.0, empty) is districts._inside(19.9, 50.0, empty)


def test_bundled_venues_keep_their_districts(records):
    assert ROOT.exists()
    derived = [v for v in records.venues if v.district_method == districts.INSIDE]
    assert derived
    for venue in derived:
        lat, lon = float(venue.latitude), float(venue.longitude)
        plain = [d for d in districts.boundaries() if districts._inside(lon, lat, d.rings)]
        assert venue.district in [d.number for d in plain]


# --- kfl.csv, kfl.xlsx, kfl.geojson from another process -------------------------------------------


def _timer(stage, work):
    return work()


def test_the_other_process_writes_the_same_files(records):
    from kfl_lod import sidework

    side = sidework.RecordFiles(records, BASE, min_spaces=0)
    assert side._other is not None and side._other.started  # it did start one
    files = side.files(_timer)
    assert side.error is None, side.error
    assert files == sidework.write(records, BASE)
    assert set(side.seconds) == {f"write {n}" for n in sidework.NAMES} | {"read the previous release"}
    assert side.before == changes.before(None, files[CSV], BASE)


def test_if_the_other_process_fails_the_files_are_written_here(records, monkeypatch):
    from kfl_lod import otherprocess, sidework

    monkeypatch.setattr(otherprocess.sys, "executable", "/bin/false")
    side = sidework.RecordFiles(records, BASE, min_spaces=0)
    files = side.files(_timer)
    assert side.error and "exited 1" in side.error
    assert files == sidework.write(records, BASE)


def test_a_build_with_the_other_process_publishes_the_same_bytes(published, tmp_path, monkeypatch):
    from kfl_lod import sidework

    monkeypatch.setattr(sidework, "MIN_SPACES", 0)
    monkeypatch.setattr(sidework.RecordFiles.__init__, "__defaults__", (None, 0))
    settings = make_settings(tmp_path)
    result = build(settings, today=date(2026, 3, 2))
    assert any("(other process)" in stage for stage in result.timings)
    mine = settings.published / "latest"
    theirs = published.published / "latest"
    names = sorted(p.name for p in theirs.iterdir() if p.is_file())
    assert names == sorted(p.name for p in mine.iterdir() if p.is_file())
    for name in names:
        assert (mine / name).read_bytes() == (theirs / name).read_bytes(), name


def _edit_source(source):
    """Change a space's capacity and drop another space: a release with changes and a withdrawal."""
    path = source / "przestrzenie.csv"
    rows = _rows(path.read_bytes())
    header = rows[0]
    capacity, ident = header.index("liczba_miejsc"), header.index("id")
    changed = next(r for r in rows[1:] if r[capacity])
    changed[capacity] = str(int(changed[capacity]) + 7)
    dropped = rows[-1][ident]
    path.write_bytes(_table(rows[:-1]))
    return changed[ident], dropped


def test_the_change_record_is_the_same_with_the_previous_release_read_by_the_other_process(tmp_path, monkeypatch):
    import shutil

    from kfl_lod import sidework

    first = make_settings(tmp_path / "a")
    build(first, today=date(2026, 3, 2))
    shutil.copytree(tmp_path / "a", tmp_path / "b", symlinks=True)
    second = make_settings(tmp_path / "b")
    changed, dropped = _edit_source(first.source)
    _edit_source(second.source)
    build(first, today=date(2026, 3, 3))  # the bundled data is small: all in this process
    monkeypatch.setattr(sidework.RecordFiles.__init__, "__defaults__", (None, 0))
    result = build(second, today=date(2026, 3, 3))
    assert "read the previous release (other process)" in result.timings
    here = (first.published / "latest" / "changes.json").read_bytes()
    there = (second.published / "latest" / "changes.json").read_bytes()
    assert here == there
    assert changed.encode() in here and dropped.encode() in here


def test_parts_read_from_another_release_are_not_used(published):
    folder = published.published / "latest"
    files = {CSV: (folder / CSV).read_bytes(), NTRIPLES: (folder / NTRIPLES).read_bytes()}
    stale = changes.Before("/elsewhere/releases/x", {"https://kfl.krakow.pl/space/gone": {}}, [{"id": "x"}])
    record = changes.compare(folder, files, "2026-03-03-abc", date(2026, 3, 3), BASE, stale)
    assert record == changes.compare(folder, files, "2026-03-03-abc", date(2026, 3, 3), BASE)
    assert record["withdrawn"] == [] and record["changed"] == []


def test_digests_are_remembered_only_within_a_build():
    from kfl_lod import publish

    data = [b"a" * 10, b"b" * 10, bytes(10)]
    with publish.digests_remembered():
        first = [publish.sha256_hex(d) for d in data]
        assert [publish.sha256_hex(d) for d in data] == first
        assert len(publish._DIGESTS) == 3
    assert publish._DIGESTS is None
    import hashlib

    assert first == [hashlib.sha256(d).hexdigest() for d in data]


def test_the_store_tells_when_it_has_loaded(published, tmp_path):
    """The pages' index process starts only then: the two at once passed 3 GB at 35,000 spaces."""
    from kfl_lod.store import Preparing, dataset_graph

    nt = (published.published / "latest" / NTRIPLES).read_bytes()
    calls: list[bool] = []
    loading = Preparing(tmp_path / "a", nt, dataset_graph(BASE), min_bytes=0, then=lambda: calls.append(True))
    assert loading._thread is not None
    loading._thread.join()
    assert calls == [True] and loading._store is not None  # called once, after the loads
    loading.cancel()
    small: list[bool] = []
    Preparing(tmp_path / "b", nt, dataset_graph(BASE), then=lambda: small.append(True))  # too small to load
    assert small == [True]
