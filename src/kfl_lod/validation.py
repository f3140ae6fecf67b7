"""Check the graph against the SHACL shapes; wrap pySHACL into a readable Report."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from .errors import SettingsError
from .mapping import Provenance
from .vocab import SH

# The shapes are written under this base; loading rewrites it to the configured one.
SHAPES_BASE = "https://kfl.krakow.pl/"


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


def validate(graph: Graph, shapes: Graph, provenance: Provenance | None = None) -> Report:
    """Validate the graph with pySHACL and return a Report sorted for reading.

    ``provenance`` (from the mapping) names the source row and column each result is
    about; only for the clerk's reading, never published.
    """
    import pyshacl

    provenance = provenance or Provenance()
    _, results_graph, _ = pyshacl.validate(
        graph, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    results = []
    # Only the report's own results: nested ones (sh:detail, from sh:node) explain those.
    for node in results_graph.objects(None, SH.result):
        focus = str(results_graph.value(node, SH.focusNode))
        # A SPARQL constraint is named by sh:sourceConstraint; other results by their shape.
        shape = results_graph.value(node, SH.sourceConstraint)
        if not isinstance(shape, URIRef):
            shape = results_graph.value(node, SH.sourceShape)
        component = results_graph.value(node, SH.sourceConstraintComponent)
        messages = list(results_graph.objects(node, SH.resultMessage))
        if shape is not None and not any(getattr(m, "language", None) for m in messages):
            # pySHACL drops the language tags of SPARQL constraints' messages: take them from the shapes.
            messages = list(shapes.objects(shape, SH.message)) or messages
        pl = next((str(m) for m in messages if getattr(m, "language", None) == "pl"), "")
        en = next((str(m) for m in messages if getattr(m, "language", None) == "en"), "")
        if not pl and not en and messages:
            en = str(messages[0])
        severity = results_graph.value(node, SH.resultSeverity)
        path = results_graph.value(node, SH.resultPath)
        value = results_graph.value(node, SH.value)
        origin = provenance.origin(focus)
        path_iri = str(path) if isinstance(path, URIRef) else ""
        shape_iri = str(shape) if isinstance(shape, URIRef) else ""
        results.append(
            Result(
                severity=str(severity).rsplit("#", 1)[-1],
                focus=focus,
                path=path_iri,
                value=str(value) if value is not None else "",
                message_pl=pl,
                message_en=en,
                shape=shape_iri,
                source=str(origin) if origin else "",
                component=str(component).rsplit("#", 1)[-1] if component is not None else "",
                column=provenance.column(focus, path_iri or shape_iri) if origin else "",
            )
        )
    results.sort(
        key=lambda r: (r.severity != "Violation", r.focus, r.path, r.shape, r.component, r.message_en, r.value)
    )
    return Report(tuple(dict.fromkeys(results)))
