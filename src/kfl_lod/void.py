"""The VoID description of the data: size, partitions by class and property, where to get it.

Describes ``{base}dataset`` (the same IRI as the DCAT dataset, so the two descriptions meet
in the SPARQL store). Everything in it is computed from the data graph and the base, never
from the clock or the release, so it is content: the same data gives the same bytes.
Served at ``/.well-known/void`` (RFC 5785 name from the VoID guide).
"""

from __future__ import annotations

import hashlib
from collections import Counter

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, XSD

from .dumps import to_ntriples, to_turtle
from .names import JSONLD, NTRIPLES, TURTLE, VOID_NTRIPLES, VOID_TURTLE
from .namespaces import PREFIXES
from .triples import Triples, n3
from .vocab import GEO, SCHEMA, VOID, Iris

FORMATS = Namespace(PREFIXES["formats"])
DUMP_FILES = ((TURTLE, "Turtle"), (NTRIPLES, "N-Triples"), (JSONLD, "JSON-LD"))
EXAMPLES_PER_KIND = 2


def _slug(iri: str, prefixes: dict[str, str]) -> str:
    """A readable fragment for a class or property IRI: prefix-localname, else a short hash."""
    for ns, prefix in sorted(prefixes.items(), key=lambda kv: -len(kv[0])):
        local = iri[len(ns) :]
        if iri.startswith(ns) and local and local.replace("_", "").replace("-", "").isalnum():
            return f"{prefix}-{local}"
    return "h" + hashlib.sha256(iri.encode()).hexdigest()[:10]


def to_graph(data: Graph | Triples, base: str) -> Graph:
    """The VoID description of ``data`` published under ``base``."""
    iris = Iris(base)
    kfl = iris.kfl
    prefixes = {
        str(SCHEMA): "schema",
        str(kfl): "kfl",
        str(SKOS): "skos",
        str(DCTERMS): "dct",
        str(GEO): "geo",
        str(RDF): "rdf",
        str(RDFS): "rdfs",
        str(OWL): "owl",
    }
    g = Graph(bind_namespaces="none")
    for prefix, ns in (
        ("void", VOID),
        ("dct", DCTERMS),
        ("foaf", FOAF),
        ("xsd", XSD),
        ("rdf", RDF),
        ("rdfs", RDFS),
        ("schema", SCHEMA),
        ("kfl", kfl),
        ("skos", SKOS),
        ("geo", GEO),
        ("owl", OWL),
        ("formats", FORMATS),
    ):
        g.bind(prefix, ns)
    dataset = iris.dataset
    doc = URIRef(f"{base}.well-known/void")
    g.add((doc, RDF.type, VOID.DatasetDescription))
    g.add((doc, DCTERMS.title, Literal("Opis VoID zbioru kfl-lod", lang="pl")))
    g.add((doc, DCTERMS.title, Literal("VoID description of the kfl-lod dataset", lang="en")))
    g.add((doc, FOAF.primaryTopic, dataset))

    g.add((dataset, RDF.type, VOID.Dataset))
    g.add((dataset, VOID.uriSpace, Literal(base)))
    g.add((dataset, VOID.sparqlEndpoint, URIRef(f"{base}sparql")))
    for name, fmt in DUMP_FILES:
        g.add((dataset, VOID.dataDump, URIRef(f"{base}dumps/{name}")))
        g.add((dataset, VOID.feature, FORMATS[fmt]))

    # One pass over the statements as N-Triples terms: equal terms are equal text there.
    triples = data if isinstance(data, Triples) else Triples.from_graph(data)
    subjects: set[str] = set()
    objects: set[str] = set()
    properties: Counter[str] = Counter()
    instances: dict[str, set[str]] = {}
    a, flag, true = RDF.type.n3(), kfl.illustrative.n3(), n3(Literal(True))
    flagged: set[str] = set()
    for s, p, o in triples.raw():
        subjects.add(s)
        objects.add(o)
        properties[p] += 1
        if p == a:
            instances.setdefault(o, set()).add(s)
        elif p == flag and o == true:
            flagged.add(s)
    # Back to rdflib terms for the few that the description names (IRIs: "<x>" -> x; sorted as rdflib sorts them).
    iri = _iri
    entities = {s for s in subjects if s.startswith("<" + base)}
    g.add((dataset, VOID.triples, _int(len(triples))))
    g.add((dataset, VOID.entities, _int(len(entities))))
    g.add((dataset, VOID.distinctSubjects, _int(len(subjects))))
    g.add((dataset, VOID.distinctObjects, _int(len(objects))))
    g.add((dataset, VOID.properties, _int(len(properties))))
    g.add((dataset, VOID.classes, _int(len(instances))))
    vocabularies = {str(SCHEMA), str(kfl), str(SKOS), str(DCTERMS), str(GEO)}
    for vocabulary in sorted(vocabularies):
        g.add((dataset, VOID.vocabulary, URIRef(vocabulary)))

    for cls, members in sorted((iri(c), m) for c, m in instances.items()):
        part = URIRef(f"{dataset}#class-{_slug(str(cls), prefixes)}")
        g.add((dataset, VOID.classPartition, part))
        g.add((part, RDF.type, VOID.Dataset))
        g.add((part, VOID["class"], cls))
        g.add((part, VOID.entities, _int(len(members))))
    for prop, count in sorted((iri(p), n) for p, n in properties.items()):
        part = URIRef(f"{dataset}#property-{_slug(str(prop), prefixes)}")
        g.add((dataset, VOID.propertyPartition, part))
        g.add((part, RDF.type, VOID.Dataset))
        g.add((part, VOID.property, prop))
        g.add((part, VOID.triples, _int(count)))

    for cls in (kfl.Space, kfl.Venue, SCHEMA.Organization):
        of_kind = sorted((iri(m) for m in instances.get(cls.n3(), ())), key=str)
        real = [m for m in of_kind if m.n3() not in flagged]
        for example in (real or of_kind)[:EXAMPLES_PER_KIND]:
            g.add((dataset, VOID.exampleResource, example))

    illustrative = sorted(iri(s) for s in flagged)
    if not illustrative:  # e.g. the setting illustrative = omit: no subset to describe
        return g
    subset = URIRef(f"{dataset}#illustrative")
    g.add((dataset, VOID.subset, subset))
    g.add((subset, RDF.type, VOID.Dataset))
    g.add((subset, DCTERMS.title, Literal("Wpisy ilustracyjne", lang="pl")))
    g.add((subset, DCTERMS.title, Literal("Illustrative records", lang="en")))
    g.add(
        (
            subset,
            DCTERMS.description,
            Literal(
                "Wpisy oznaczone kfl:illustrative true: żadne publiczne źródło ich nie potwierdza; pokazują format danych, "
                "a nie fakty. Wybierz je zapytaniem SELECT ?s WHERE { ?s kfl:illustrative true }.",
                lang="pl",
            ),
        )
    )
    g.add(
        (
            subset,
            DCTERMS.description,
            Literal(
                "Records marked kfl:illustrative true: no public source states them; they show the format of the data, "
                "not facts. Select them with SELECT ?s WHERE { ?s kfl:illustrative true }.",
                lang="en",
            ),
        )
    )
    g.add((subset, VOID.entities, _int(len(illustrative))))
    for example in illustrative[:EXAMPLES_PER_KIND]:
        g.add((subset, VOID.exampleResource, example))
    return g


def _iri(term: str) -> URIRef:
    """An IRI as N-Triples writes it ("<x>") as an rdflib term (a literal or blank node is an error here)."""
    if not term.startswith("<"):
        raise ValueError(f"not an IRI: {term}")
    return URIRef(term[1:-1])


def _int(n: int) -> Literal:
    return Literal(n, datatype=XSD.integer)


def render(data: Graph | Triples, base: str) -> dict[str, bytes]:
    """void.ttl and void.nt."""
    g = to_graph(data, base)
    return {VOID_TURTLE: to_turtle(g), VOID_NTRIPLES: to_ntriples(g)}
