"""The data files the build writes without an rdflib Graph are the bytes the Graph-based writers wrote.

Until the mapping wrote N-Triples lines (kfl_lod.triples), kfl.nt, kfl.ttl, kfl.jsonld and
VoID were written from an rdflib Graph. The digests below are those files as that code
(main at 12dfaeb) wrote them for a generated source and for tests/data/valid: a writer that
changes one byte, the order of anything included, fails here. If the mapping, the
generator or a writer changes on purpose, check the difference, then update DIGESTS with the
hashes this test prints. The meaning is checked apart from the bytes: every file read back
by rdflib is the graph of kfl.nt, and kfl.nt is what rdflib's own N-Triples writer writes.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDFS, XSD

from kfl_lod.build import checked, render
from kfl_lod.generate import write
from kfl_lod.jsonld import to_jsonld
from kfl_lod.mapping import map_records, to_graph
from kfl_lod.names import JSONLD, NTRIPLES, TURTLE, VOID_NTRIPLES, VOID_TURTLE
from kfl_lod.settings import load_settings
from kfl_lod.source import read_source
from kfl_lod.triples import Triples

ROOT = Path(__file__).resolve().parent.parent
FILES = (NTRIPLES, TURTLE, JSONLD, VOID_TURTLE, VOID_NTRIPLES)
DIGESTS = {
    "generated-300-seed-2": {
        NTRIPLES: "16e9b8c51deab6eb645624e3ae465823930009115216623d777bfaca7dde9e6b",
        TURTLE: "e8686b47d0c90a9019645a7c7e53328401114e341e50b7ce5bdce46b5f75eb02",
        JSONLD: "c75ec16c426bc451d21727a012749ee06562b05620d7165ab9086251f3568f37",
        VOID_TURTLE: "dea67e2f8ad0024b5036d3589cc1e7ff387b585e00da5dd38f63a5a7e0373c1e",
        VOID_NTRIPLES: "ab77f31c45550a67527352c78d31dc7bc340012aba08e6407a62a71609a98c72",
    },
    "tests-data-valid": {
        NTRIPLES: "4831f28b76b73e4fdb40b22bcba8b8f3330c209944cd86c53ca0198d2936675b",
        TURTLE: "a0b0a4db96133c5a2c19dbaf0577f054525f125e8ef6e0c5b434c2ea54799900",
        JSONLD: "c30ca43dbe4db16eacf7fb42c140f2ff6bbe8d49cee2dbe8868f19c9e2b16065",
        VOID_TURTLE: "9254f5d1848d22879f1ac2b31e30ccc7129445a5f30d584078aab31fdf15f9da",
        VOID_NTRIPLES: "39305046d83e264998bfa18baaf4085f75c67ed9f5d69f07e8c637e5e4e0a8b5",
    },
}


@pytest.fixture(scope="module", params=sorted(DIGESTS))
def written(request, tmp_path_factory):
    """(name, settings, the files the build renders) for each source of DIGESTS."""
    tmp = tmp_path_factory.mktemp(request.param)
    if request.param.startswith("generated"):
        source = tmp / "source"
        write(source, 300, 2)
    else:
        source = ROOT / "tests" / "data" / "valid"
    settings = load_settings(environ={}, cwd=tmp, source=source, published=tmp / "published", shapes=ROOT / "shapes")
    found = checked(settings)
    assert found.report.conforms
    return request.param, settings, render(found.records, found.triples, found.report, settings, found.ntriples)


def test_data_files_are_the_bytes_the_graph_based_writers_wrote(written):
    name, _, files = written
    got = {file: hashlib.sha256(files[file]).hexdigest() for file in FILES}
    assert got == DIGESTS[name], f"{name}: new digests (see the module's docstring) {json.dumps(got, indent=1)}"


def test_every_file_holds_the_graph_of_kfl_nt_and_kfl_nt_is_rdflibs_own(written):
    _, settings, files = written
    graph = Graph().parse(data=files[NTRIPLES], format="nt")
    # rdflib's N-Triples writer, lines sorted as bytes, gives kfl.nt again: each term is written as rdflib writes it.
    lines = sorted(set(graph.serialize(format="nt", encoding="utf-8").split(b"\n")) - {b""})
    assert b"\n".join(lines) + b"\n" == files[NTRIPLES]
    assert isomorphic(graph, Graph().parse(data=files[TURTLE], format="turtle"))
    assert isomorphic(graph, Graph().parse(data=files[JSONLD], format="json-ld"))
    assert isomorphic(Graph().parse(data=files[VOID_NTRIPLES], format="nt"), Graph().parse(data=files[VOID_TURTLE]))
    # The mapping's own rdflib Graph (to_graph, for tests and tools) is the same graph.
    assert isomorphic(graph, to_graph(read_source(settings.source), settings.base))
    document = json.loads(files[JSONLD])
    ids = [node["id"] for node in document["@graph"]]
    assert ids == sorted(ids, key=lambda i: i if i.startswith("http") else settings.base + i.removeprefix("./"))


def test_a_graph_and_its_lines_give_the_same_json_ld_and_n_triples():
    """The web's documents (an rdflib Graph from the store) and the build (lines) share one writer."""
    base = "https://example.org/"
    g = Graph(bind_namespaces="none")
    g.bind("rdfs", RDFS)
    a, b = URIRef(base + "space/a"), URIRef(base + "space/a#part")
    tricky = 'cudzysłów " ukośnik \\ nowa\nlinia\rpowrót\ttab \u2028 ł 😀'
    for triple in (
        (a, RDFS.label, Literal(tricky, lang="pl")),
        (a, RDFS.label, Literal("tricky", lang="en")),
        (a, RDFS.seeAlso, b),
        (b, RDFS.label, Literal(tricky)),
        (b, RDFS.comment, Literal("7", datatype=XSD.integer)),
        (b, RDFS.comment, Literal("007", datatype=XSD.decimal)),
        (b, RDFS.comment, Literal("true", datatype=XSD.boolean)),
        (b, RDFS.comment, Literal("x", datatype=XSD.string)),
    ):
        g.add(triple)
    lines = Triples.from_graph(g)
    again = Triples.from_ntriples(lines.ntriples())
    assert again.ntriples() == lines.ntriples()
    assert isomorphic(again.graph(), g)
    assert to_jsonld(g, base) == to_jsonld(again, base)
    assert isomorphic(Graph().parse(data=to_jsonld(again, base), format="json-ld"), g)
    document = json.loads(to_jsonld(again, base))
    assert [n["id"] for n in document["@graph"]] == ["space/a"]  # the part is embedded in its thing
    assert document["@graph"][0]["rdfs:seeAlso"]["id"] == "space/a#part"


def test_provenance_names_the_columns_as_when_every_statement_noted_them():
    records = read_source(ROOT / "tests" / "data" / "valid")
    provenance = map_records(records, "https://kfl.krakow.pl/").provenance
    space = next(iri for iri in provenance.rows if "/space/" in iri)
    assert provenance.column(space, "https://schema.org/maximumAttendeeCapacity") == "liczba_miejsc"
    assert provenance.column(space + "#floor-size", "https://schema.org/value") in ("", "powierzchnia_m2")
    assert provenance.column("https://kfl.krakow.pl/nothing", "https://schema.org/name") == ""
    everything = provenance.columns  # every record mapped again: the same answer for each statement
    assert everything[(space, "https://schema.org/maximumAttendeeCapacity")] == ("liczba_miejsc",)


def test_the_json_ld_writer_indents_as_json_dumps_does():
    from kfl_lod.jsonld import _dumps, _indented

    values = [
        {},
        [],
        {"b": [1, True, False, None, "x"], "a": {"z": [], "y": {}}, "@id": 'ą"\\\n\t\u2028😀'},
        [{"id": "a", "n": -5, "l": [{"k": ["v", {"w": 0}]}]}, "tail"],
        {"c": {"@value": "1", "@type": "xsd:integer"}, "é": "é", "E": 2**70},
    ]
    for value in values:
        assert _indented(value) == _dumps(value)
        assert _indented(value, "\n  ") == _dumps(value).replace("\n", "\n  ")


def test_kfl_jsonld_and_void_from_the_other_process_are_the_same_bytes(written):
    """graphwork's process (fed kfl.nt's lines) answers the files the build writes itself; if it dies, they are written here."""
    from kfl_lod.build import Timer
    from kfl_lod.graphwork import NAMES, GraphFiles

    _, settings, files = written
    triples = Triples.from_ntriples(files[NTRIPLES])
    other = GraphFiles(files[NTRIPLES], settings.base, min_bytes=0)
    timer = Timer()
    got = other.files(triples, timer)
    assert other.error is None and set(other.seconds) == {"write kfl.jsonld", "write void"}
    assert got == {name: files[name] for name in NAMES}
    assert "write kfl.jsonld" not in timer.seconds  # not written here

    dead = GraphFiles(files[NTRIPLES], settings.base, min_bytes=0)
    assert dead._other is not None and dead._other._proc is not None
    dead._other._proc.kill()
    assert dead.files(triples, timer) == {name: files[name] for name in NAMES}
    assert dead.error and "write kfl.jsonld" in timer.seconds
    small = GraphFiles(files[NTRIPLES], settings.base)  # below MIN_BYTES: no process at all
    assert small._other is None and small.files(triples, Timer()) == {name: files[name] for name in NAMES}
    small.cancel()


def test_forgotten_lines_come_back_from_the_bytes(written):
    _, settings, files = written
    triples = Triples.from_ntriples(files[NTRIPLES], {"rdfs": str(RDFS)})
    count = len(triples)
    triples.forget(files[NTRIPLES])
    assert not triples._lines and len(triples) == count and triples._source is not None  # counted without them
    assert triples.ntriples() == files[NTRIPLES] and len(triples) == count and triples._source is None
    assert to_jsonld(triples, settings.base) == files[JSONLD]
