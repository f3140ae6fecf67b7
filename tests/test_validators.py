"""The compiled SHACL engine (PyPI ``shacl``) reports exactly what pySHACL reports.

The build validates with the compiled engine (setting ``validator = "shacl"``), about 50
times faster than pySHACL and linear in the graph; pySHACL stays the reference. Each test
validates the same graph with both and compares the whole Report: every result's severity,
focus node, path, value, shape, constraint component, Polish and English message, source row
and column. The graphs: the bundled data, every broken case of tests/test_shapes.py (one per
constraint of shapes/kfl.ttl), and generated sources with seeded faults of many kinds at once.
"""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from kfl_lod.generate import write
from kfl_lod.mapping import provenance, to_graph
from kfl_lod.source import read_source
from kfl_lod.validation import Report, load_shapes, validate
from kfl_lod.vocab import SCHEMA
from test_shapes import CASES, VALID, iri

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://kfl.krakow.pl/"


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes(ROOT / "shapes", BASE)


def both(graph: Graph, shapes: Graph, records=None):
    """The reports of both engines (blank nodes' labels, which name nothing, made equal)."""
    where = provenance(records, BASE) if records is not None else None
    reference = validate(graph, shapes, where, engine="pyshacl")
    compiled = validate(graph, shapes, where, engine="shacl")
    return unlabelled(reference), unlabelled(compiled)


def unlabelled(report: Report) -> Report:
    """The report with every blank node's label replaced by "_:" (each engine picks its own)."""
    blank = lambda term: term if term.startswith("http") else "_:"  # noqa: E731
    same = (
        dataclasses.replace(
            r,
            focus=blank(r.focus),
            value="_:" if r.value == r.focus or blank(r.focus) == "_:" and "NodeKind" in r.component else r.value,
        )
        for r in report.results
    )
    return Report(tuple(same))


@pytest.mark.slow
def test_bundled_data(shapes):
    records = read_source(ROOT / "source")
    reference, compiled = both(to_graph(records, BASE), shapes, records)
    assert reference.results, "the bundled data has warnings: the comparison compares something"
    assert all(r.source and r.message_pl and r.message_en for r in reference.results)
    assert compiled == reference


@pytest.fixture(scope="module")
def valid_graph():
    records = read_source(VALID)
    return records, to_graph(records, BASE)


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=str)
def test_every_broken_case(valid_graph, shapes, case):
    records, graph = valid_graph
    g = Graph()
    for triple in graph:
        g.add(triple)
    if case.focus == "_:":
        g.add((BNode("b0"), iri(case.path), case.value))
    else:
        case.apply(g)
    reference, compiled = both(g, shapes, records)
    assert reference.violations or case.severity != "Violation"
    assert compiled == reference


def faulty(graph: Graph, seed: int, faults: int) -> Graph:
    """A copy of ``graph`` with ``faults`` seeded mistakes of many kinds."""
    rng = random.Random(seed)
    g = Graph()
    for triple in graph:
        g.add(triple)
    triples = sorted(g, key=lambda t: tuple(map(str, t)))
    literals = [t for t in triples if isinstance(t[2], Literal)]
    links = [t for t in triples if isinstance(t[2], URIRef) and t[1] != RDF.type]
    for _ in range(faults):
        kind = rng.randrange(6)
        if kind == 0:  # a statement lost
            g.remove(rng.choice(triples))
        elif kind == 1:  # a second value where one is allowed
            s, p, o = rng.choice(literals)
            if o.datatype == XSD.boolean:
                g.add((s, p, Literal(str(o) != "true")))
            else:
                g.add((s, p, Literal(f"{o} (2)", lang=o.language, datatype=o.datatype)))
        elif kind == 2:  # a value of the wrong datatype (not xsd:boolean: rdflib rewrites "truex" to "false")
            s, p, o = rng.choice(literals)
            g.remove((s, p, o))
            g.add((s, p, Literal(str(o) + "x", datatype=rng.choice((XSD.integer, XSD.date, None)))))
        elif kind == 3:  # a link to nothing, or to a thing of another class
            s, p, _ = rng.choice(links)
            g.add((s, p, URIRef(BASE + rng.choice(("venue/nie-ma", "space/nie-ma", "vocab/space-type/nie-ma")))))
        elif kind == 4:  # a number out of range
            s, _, _ = rng.choice(literals)
            g.add((s, SCHEMA.maximumAttendeeCapacity, Literal(rng.choice((-3, 0)))))
        else:  # a type lost: other shapes stop applying, references break
            s = rng.choice(triples)[0]
            g.remove((s, RDF.type, None))
    return g


RANGES = {f"{name}ConstraintComponent" for name in ("MinInclusive", "MaxInclusive", "MinExclusive", "MaxExclusive")}


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_source_with_seeded_faults(tmp_path, shapes, seed):
    """The same results, but for one known difference that cannot change a build's outcome.

    A value of the wrong datatype on a property with a range (latitude "50.1x", no datatype):
    both report the datatype violation; the compiled engine also reports the range, as the
    SHACL spec says (a comparison that fails is a result), pySHACL does not. The mapping
    never writes such a value (the source reader checks numbers), and the datatype violation
    alone already stops the build.
    """
    write(tmp_path / "source", 40, seed)
    records = read_source(tmp_path / "source")
    graph = to_graph(records, BASE)
    reference, compiled = both(faulty(graph, seed, 60), shapes, records)
    assert len(reference.violations) >= 20
    assert set(reference.results) <= set(compiled.results)
    wrong_type = {
        (r.focus, r.path, r.value) for r in reference.violations if r.component == "DatatypeConstraintComponent"
    }
    for extra in set(compiled.results) - set(reference.results):
        assert extra.component in RANGES and (extra.focus, extra.path, extra.value) in wrong_type, extra


@pytest.mark.slow
def test_report_written_fast_is_the_report_graph(tmp_path, shapes):
    """Report.to_ntriples (pyoxigraph, for many results) gives the bytes rdflib gives for Report.to_graph."""
    from kfl_lod.dumps import report_turtle, to_ntriples, to_turtle

    write(tmp_path / "source", 40, 5)
    records = read_source(tmp_path / "source")
    report = validate(faulty(to_graph(records, BASE), 5, 30), shapes, provenance(records, BASE))
    assert report.violations and report.warnings
    assert report.to_ntriples(BASE) == to_ntriples(report.to_graph(BASE))
    assert report_turtle(report, BASE) == to_turtle(report.to_graph(BASE))
