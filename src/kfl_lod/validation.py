"""Check the graph against the SHACL shapes; wrap pySHACL into a readable Report."""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from .errors import SettingsError
from .mapping import Provenance
from .triples import Triples
from .vocab import SH

# The shapes are written under this base; loading rewrites it to the configured one.
SHAPES_BASE = "https://kfl.krakow.pl/"
_BOOLEAN = ox.NamedNode(str(XSD.boolean))


@dataclass(frozen=True)
class Result:
    """One SHACL result, said so a clerk can act on it."""

    severity: str  # "Violation" or "Warning"
    focus: str
    path: str
    value: str
    message_pl: str
    message_en: str
    shape: str  # the property shape or SPARQL constraint that failed, e.g. .../shapes#Space-capacity
    source: str  # "source/przestrzenie.csv, row 14" or "": for the clerk, not published
    component: str = ""  # the SHACL constraint component, e.g. "MinCountConstraintComponent"
    column: str = ""  # the clerk's column(s) the value comes from, e.g. "liczba_miejsc": not published

    @property
    def where(self) -> str:
        """Source row and column, as the clerk finds them: "x.csv, row 3, column nazwa" (or "")."""
        if not self.source:
            return ""
        return self.source + (f", column {self.column}" if self.column else "")

    def __str__(self) -> str:
        where = f" ({self.where})" if self.source else ""
        path = f" {self.path}:" if self.path else ""
        value = f" [value: {self.value}]" if self.value else ""
        return f"{self.severity}: {self.focus}{where}{path} {self.message_en or self.message_pl}{value}"

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Report:
    """The outcome of validation: conforms when there is no violation."""

    results: tuple[Result, ...]

    @property
    def violations(self) -> list[Result]:
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[Result]:
        return [r for r in self.results if r.severity != "Violation"]

    @property
    def conforms(self) -> bool:
        return not self.violations

    def to_ntriples(self, base: str) -> bytes:
        """The triples of to_graph as sorted N-Triples, written by pyoxigraph: 20 times faster for many results."""
        sh = str(SH)
        node = ox.NamedNode
        report = node(f"{base}shacl-report")
        triples = [
            ox.Triple(report, node(str(RDF.type)), node(sh + "ValidationReport")),
            ox.Triple(
                report, node(sh + "conforms"), ox.Literal("true" if self.conforms else "false", datatype=_BOOLEAN)
            ),
        ]
        for r in self.results:
            key = "|".join((r.focus, r.path, r.shape, r.component, r.value, r.message_en))
            n = node(f"{report.value}#r-{hashlib.sha256(key.encode()).hexdigest()[:12]}")
            add = lambda p, o, n=n: triples.append(ox.Triple(n, node(sh + p), o))  # noqa: E731
            triples.append(ox.Triple(report, node(sh + "result"), n))
            triples.append(ox.Triple(n, node(str(RDF.type)), node(sh + "ValidationResult")))
            add("resultSeverity", node(sh + r.severity))
            add("focusNode", node(r.focus))
            if r.path:
                add("resultPath", node(r.path))
            if r.shape:
                add("sourceConstraint" if r.component == "SPARQLConstraintComponent" else "sourceShape", node(r.shape))
            if r.component:
                add("sourceConstraintComponent", node(sh + r.component))
            if r.value:
                add("value", ox.Literal(r.value))
            if r.message_pl:
                add("resultMessage", ox.Literal(r.message_pl, language="pl"))
            if r.message_en:
                add("resultMessage", ox.Literal(r.message_en, language="en"))
        written = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        assert written is not None  # without an output file, serialize returns the bytes
        lines = written.splitlines(keepends=True)
        return b"".join(sorted(set(lines)))

    def to_graph(self, base: str) -> Graph:
        """The report as RDF with stable IRIs (no blank nodes), for shacl-report.ttl."""
        g = Graph(bind_namespaces="none")
        g.bind("sh", SH)
        g.bind("xsd", XSD)
        report = URIRef(f"{base}shacl-report")
        g.add((report, RDF.type, SH.ValidationReport))
        g.add((report, SH.conforms, Literal(self.conforms)))
        for r in self.results:
            key = "|".join((r.focus, r.path, r.shape, r.component, r.value, r.message_en))
            node = URIRef(f"{report}#r-{hashlib.sha256(key.encode()).hexdigest()[:12]}")
            g.add((report, SH.result, node))
            g.add((node, RDF.type, SH.ValidationResult))
            g.add((node, SH.resultSeverity, SH[r.severity]))
            g.add((node, SH.focusNode, URIRef(r.focus)))
            if r.path:
                g.add((node, SH.resultPath, URIRef(r.path)))
            if r.shape:
                sparql = r.component == "SPARQLConstraintComponent"
                g.add((node, SH.sourceConstraint if sparql else SH.sourceShape, URIRef(r.shape)))
            if r.component:
                g.add((node, SH.sourceConstraintComponent, SH[r.component]))
            if r.value:
                g.add((node, SH.value, Literal(r.value)))
            if r.message_pl:
                g.add((node, SH.resultMessage, Literal(r.message_pl, lang="pl")))
            if r.message_en:
                g.add((node, SH.resultMessage, Literal(r.message_en, lang="en")))
        # The source row is left out on purpose: it changes when rows are reordered (the same
        # data would make a new release) and the file path may be the clerk's own folder.
        return g


def load_shapes(folder: Path, base: str) -> Graph:
    """Parse every *.ttl in the shapes folder, rewritten to the configured base."""
    paths = sorted(Path(folder).glob("*.ttl"))
    if not paths:
        # Without shapes every graph would "conform": refuse rather than publish unchecked data.
        raise SettingsError(
            f"no SHACL shapes (*.ttl) in {folder}; expected the project's shapes/ folder (setting: shapes)"
        )
    shapes = Graph()
    for path in paths:
        shapes.parse(data=path.read_text(encoding="utf-8").replace(SHAPES_BASE, base), format="turtle")
    return shapes


def validate(
    graph: Graph | Triples,
    shapes: Graph,
    provenance: Provenance | None = None,
    engine: str = "shacl",
    ntriples: bytes | None = None,
) -> Report:
    """Validate the graph and return a Report sorted for reading.

    ``engine`` is "shacl" (the compiled validator of the PyPI package ``shacl``: about 50
    times faster, linear in the graph) or "pyshacl" (the reference); tests/test_validators.py
    shows both give the same Report on the bundled data, on every broken case of
    tests/test_shapes.py and on generated sources with seeded faults. ``ntriples`` is the
    graph already written as N-Triples (the build writes it anyway), else it is written here.
    ``graph`` may be the mapping's Triples: pySHACL then gets an rdflib Graph parsed from them.
    ``provenance`` (from the mapping) names the source row and column each result is
    about; only for the clerk's reading, never published.
    """
    if engine == "pyshacl":
        found = _pyshacl(graph.graph() if isinstance(graph, Triples) else graph, shapes)
    elif engine == "shacl":
        found = _compiled(graph, shapes, ntriples)
    else:
        raise SettingsError(f"setting validator: {engine!r} must be shacl or pyshacl")
    provenance = provenance or Provenance()
    results = []
    for severity, focus, path_iri, shape_iri, component, value, messages in found:
        if shape_iri and not any(lang for _, lang in messages):
            # pySHACL drops the language tags of SPARQL constraints' messages, the compiled
            # engine all of them: take them from the shapes.
            messages = [
                (str(m), getattr(m, "language", None)) for m in shapes.objects(URIRef(shape_iri), SH.message)
            ] or messages
        pl = next((text for text, lang in messages if lang == "pl"), "")
        en = next((text for text, lang in messages if lang == "en"), "")
        if not pl and not en and messages:
            en = messages[0][0]
        origin = provenance.origin(focus)
        results.append(
            Result(
                severity=severity,
                focus=focus,
                path=path_iri,
                value=value,
                message_pl=pl,
                message_en=en,
                shape=shape_iri,
                source=str(origin) if origin else "",
                component=component,
                column=provenance.column(focus, path_iri or shape_iri) if origin else "",
            )
        )
    results.sort(
        key=lambda r: (r.severity != "Violation", r.focus, r.path, r.shape, r.component, r.message_en, r.value)
    )
    return Report(tuple(dict.fromkeys(results)))


# One result as both engines give it: severity, focus, path IRI ("" for a complex path), shape IRI
# ("" for a blank node), component, value, messages as (text, language or None).
Found = tuple[str, str, str, str, str, str, list[tuple[str, str | None]]]


def _pyshacl(graph: Graph, shapes: Graph) -> list[Found]:
    import pyshacl

    _, results_graph, _ = pyshacl.validate(
        graph, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    found: list[Found] = []
    # Only the report's own results: nested ones (sh:detail, from sh:node) explain those.
    for node in results_graph.objects(None, SH.result):
        # A SPARQL constraint is named by sh:sourceConstraint; other results by their shape.
        shape = results_graph.value(node, SH.sourceConstraint)
        if not isinstance(shape, URIRef):
            shape = results_graph.value(node, SH.sourceShape)
        component = results_graph.value(node, SH.sourceConstraintComponent)
        severity = results_graph.value(node, SH.resultSeverity)
        path = results_graph.value(node, SH.resultPath)
        value = results_graph.value(node, SH.value)
        found.append(
            (
                str(severity).rsplit("#", 1)[-1],
                str(results_graph.value(node, SH.focusNode)),
                str(path) if isinstance(path, URIRef) else "",
                str(shape) if isinstance(shape, URIRef) else "",
                str(component).rsplit("#", 1)[-1] if component is not None else "",
                str(value) if value is not None else "",
                [(str(m), getattr(m, "language", None)) for m in results_graph.objects(node, SH.resultMessage)],
            )
        )
    return found


_COMPILED: dict[bytes, Any] = {}  # shapes (N-Triples) -> compiled shapes: compiling is a share of a small run


def _compiled(graph: Graph | Triples, shapes: Graph, ntriples: bytes | None) -> list[Found]:
    import shacl

    text = shapes.serialize(format="nt", encoding="utf-8")
    compiled = _COMPILED.get(text)
    if compiled is None:
        compiled = _COMPILED[text] = shacl.Shapes.from_text(text.decode("utf-8"), format="ntriples")
        if len(_COMPILED) > 4:
            _COMPILED.pop(next(iter(_COMPILED)))
    if ntriples is not None:
        data = ntriples
    elif isinstance(graph, Triples):
        data = graph.ntriples()
    else:
        data = graph.serialize(format="nt", encoding="utf-8")
    # From a file: as text, the engine wants a str (for 35,000 spaces 350 MB of UCS-2, and 180 MB more of
    # UTF-8 kept inside it for the engine), where a file is read as the bytes it holds.
    with tempfile.TemporaryDirectory(prefix="kfl-validate-") as folder:
        path = Path(folder) / "data.nt"  # the engine knows the format by the extension
        path.write_bytes(data)
        report = compiled.validate_file(str(path), allow_warnings=True)
    return [
        (
            r.severity,
            _term(r.focus_node),
            _iri(r.path),
            _iri(r.source_shape),
            r.component,
            r.value_plain or "",
            [(m, None) for m in r.messages],
        )
        for r in report.results
    ]


def _iri(term: str | None) -> str:
    """The IRI of an N-Triples IRI term ("<x>" -> "x"); "" for a blank node or a complex path."""
    return term[1:-1] if term and term.startswith("<") and term.endswith(">") and ">" not in term[1:-1] else ""


def _term(term: str) -> str:
    """A node as pySHACL's str() gives it: the IRI, or the blank node's label."""
    return _iri(term) or term.removeprefix("_:")
