"""Each namespace IRI is written once (namespaces.py); IRIs we mint are read by one function."""

from __future__ import annotations

import ast
from pathlib import Path

from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from kfl_lod import namespaces
from kfl_lod.namespaces import PREFIXES, parse_iri
from kfl_lod.vocab import Iris

SRC = Path(namespaces.__file__).parent


def _string_constants(tree: ast.AST) -> list[ast.Constant]:
    """String literals that are not docstrings."""
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    return [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
    ]


def test_no_module_writes_a_namespace_iri_of_its_own():
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        if path.name == "namespaces.py":
            continue
        for node in _string_constants(ast.parse(path.read_text(encoding="utf-8"))):
            if "PREFIX " in node.value:
                continue  # an example SPARQL query shown to people declares its own prefixes
            for namespace in PREFIXES.values():
                if namespace in node.value:
                    offenders.append(f"{path.relative_to(SRC)}:{node.lineno} {namespace}")
    assert not offenders, "use kfl_lod.namespaces instead:\n" + "\n".join(offenders)


def test_rdflib_namespaces_agree_with_the_table():
    for prefix, ns in (("dcat", DCAT), ("dct", DCTERMS), ("owl", OWL), ("rdf", RDF), ("rdfs", RDFS), ("skos", SKOS)):
        assert str(ns) == PREFIXES[prefix]
    assert str(XSD) == PREFIXES["xsd"]


def test_parse_iri_reads_what_iris_mints():
    base = "https://example.org/kfl/"
    iris = Iris(base)
    assert parse_iri(str(iris.space("sala-1")), base) == ("space", "sala-1", "")
    assert parse_iri(str(iris.venue("a")) + "#address", base) == ("venue", "a", "address")
    assert parse_iri(str(iris.institution("x")), base).kind == "institution"
    assert parse_iri(str(iris.practice("p")), base).kind == "practice"
    assert parse_iri(str(iris.district(3)), base) == ("district", "3", "")
    assert parse_iri(str(iris.scheme("equipment")), base) == ("scheme", "equipment", "")
    assert parse_iri(str(iris.concept("equipment", "projektor")), base) == ("concept", "equipment/projektor", "")
    assert parse_iri(str(iris.kfl.Space), base) == ("term", "Space", "")
    assert parse_iri(str(iris.dataset), base) == ("thing", "dataset", "")
    assert parse_iri("https://elsewhere.org/space/a", base).kind == ""
