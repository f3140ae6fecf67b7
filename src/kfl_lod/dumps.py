"""Serialise the publication: graph and records in, bytes of each published file out.

Every writer is deterministic: the same graph gives the same bytes, whatever the order
of the source rows or of rdflib's internal sets.
"""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from .records import Records
from .source.tables import INSTITUTIONS, PRACTICES, SPACES, VENUES, Table
from .vocab import DISTRICTS, GEO, SCHEMA, Iris, roman

# Language-tagged properties: the plain term carries Polish, the *_en term English.
_LANG_TERMS = {
    "name": SCHEMA.name,
    "alternateName": SCHEMA.alternateName,
    "description": SCHEMA.description,
    "contactType": SCHEMA.contactType,
    "prefLabel": SKOS.prefLabel,
    "definition": SKOS.definition,
    "label": RDFS.label,
    "comment": RDFS.comment,
}
_IRI_TERMS = {
    "url": SCHEMA.url,
    "sameAs": SCHEMA.sameAs,
    "additionalType": SCHEMA.additionalType,
    "containedInPlace": SCHEMA.containedInPlace,
    "location": SCHEMA.location,
    "parentOrganization": SCHEMA.parentOrganization,
    "address": SCHEMA.address,
    "geo": SCHEMA.geo,
    "contactPoint": SCHEMA.contactPoint,
    "floorSize": SCHEMA.floorSize,
    "areaServed": SCHEMA.areaServed,
    "organizer": SCHEMA.organizer,
    "hasGeometry": GEO.hasGeometry,
    "source": DCTERMS.source,
    "inScheme": SKOS.inScheme,
    "topConceptOf": SKOS.topConceptOf,
    "hasTopConcept": SKOS.hasTopConcept,
    "subClassOf": RDFS.subClassOf,
    "range": RDFS.range,
    "isDefinedBy": RDFS.isDefinedBy,
}
_SET_TERMS = {"amenityFeature": SCHEMA.amenityFeature}
_TYPED_TERMS = {
    "latitude": (SCHEMA.latitude, XSD.decimal),
    "longitude": (SCHEMA.longitude, XSD.decimal),
    "value": (SCHEMA.value, None),
    "asWKT": (GEO.asWKT, GEO.wktLiteral),
    "startDate": (SCHEMA.startDate, XSD.date),
}


def context(base: str) -> dict[str, Any]:
    """The JSON-LD @context: compact terms so the JSON reads as plain JSON."""
    iris = Iris(base)
    kfl = str(iris.kfl)
    ctx: dict[str, Any] = {
        "@vocab": str(SCHEMA),
        "@base": iris.base,
        "schema": str(SCHEMA),
        "kfl": kfl,
        "skos": str(SKOS),
        "dct": str(DCTERMS),
        "geo": str(GEO),
        "rdfs": str(RDFS),
        "owl": str(OWL),
        "xsd": str(XSD),
        "id": "@id",
        "type": "@type",
    }
    for term, iri in _LANG_TERMS.items():
        ctx[term] = {"@id": str(iri), "@language": "pl"}
        ctx[f"{term}_en"] = {"@id": str(iri), "@language": "en"}
    for term, iri in _IRI_TERMS.items():
        ctx[term] = {"@id": str(iri), "@type": "@id"}
    for term, iri in _SET_TERMS.items():
        ctx[term] = {"@id": str(iri), "@type": "@id", "@container": "@set"}
    for term, (iri, datatype) in _TYPED_TERMS.items():
        ctx[term] = {"@id": str(iri)} | ({"@type": str(datatype)} if datatype else {})
    for term in ("spaceType",):
        ctx[term] = {"@id": kfl + term, "@type": "@id"}
    for term in ("sharingMode", "equipment"):
        ctx[term] = {"@id": kfl + term, "@type": "@id", "@container": "@set"}
    ctx["conditions"] = {"@id": kfl + "conditions", "@language": "pl"}
    ctx["lastVerified"] = {"@id": kfl + "lastVerified", "@type": str(XSD.date)}
    ctx["illustrative"] = {"@id": kfl + "illustrative"}
    ctx["stepFreeAccess"] = {"@id": kfl + "stepFreeAccess"}
    ctx["notation"] = {"@id": str(SKOS.notation)}
    return {"@context": ctx}


class _Compactor:
    """Compact triples with our context: pick the term whose coercion fits each value."""

    def __init__(self, ctx: dict[str, Any]) -> None:
        self.base = ctx["@base"]
        self.by_iri: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        for term, spec in ctx.items():
            if term.startswith("@") or not isinstance(spec, dict):
                continue
            self.by_iri.setdefault(spec["@id"], []).append((term, spec))
        self.prefixes = {
            v: k for k, v in ctx.items() if isinstance(v, str) and v.endswith(("/", "#")) and not k.startswith("@")
        }
        self.vocab = ctx["@vocab"]
        self.terms = set(ctx)

    def iri(self, value: str, vocab: bool = False) -> str:
        if vocab and value.startswith(self.vocab) and "/" not in value[len(self.vocab) :]:
            return value[len(self.vocab) :]
        rest = value[len(self.base) :]
        # Relative to the base, unless the rest would read as a scheme or compact IRI ("a:b").
        if not vocab and value.startswith(self.base) and ":" not in rest.split("/")[0]:
            return rest or "./"
        for ns, prefix in sorted(self.prefixes.items(), key=lambda kv: -len(kv[0])):
            if value.startswith(ns) and value != ns and prefix != "schema":
                return f"{prefix}:{value[len(ns) :]}"
        return value

    def entry(self, predicate: URIRef, obj: Any) -> tuple[str, Any]:
        """The key and JSON value of one triple's predicate and object.

        A term whose coercion fits gives plain JSON ("name": "Sala"); otherwise the
        predicate's first term carries an explicit value object, which no coercion changes.
        """
        terms = self.by_iri.get(str(predicate), [])
        for term, spec in terms:
            if isinstance(obj, URIRef) and spec.get("@type") == "@id":
                return term, _Ref(self.iri(str(obj)), str(obj))
            if isinstance(obj, Literal):
                if obj.language and spec.get("@language") == obj.language:
                    return term, str(obj)
                if not obj.language and "@language" not in spec:
                    native = _native(obj)
                    if spec.get("@type") == str(obj.datatype) and not isinstance(native, (bool, int)):
                        return term, str(obj)
                    if "@type" not in spec and native is not None:
                        return term, native
        if terms:
            key = terms[0][0]
        else:
            key = self.iri(str(predicate), vocab=True)
            if key in self.terms:  # the short name is taken by a term for another predicate
                key = str(predicate)
        if isinstance(obj, URIRef):
            return key, {"@id": _Ref(self.iri(str(obj)), str(obj))}
        if obj.language:
            return key, {"@value": str(obj), "@language": obj.language}
        native = _native(obj)
        if native is not None and not terms:
            return key, native
        if obj.datatype is None:
            return key, {"@value": str(obj)}
        return key, {"@value": str(obj), "@type": self.iri(str(obj.datatype), vocab=True)}


class _Ref(str):
    """A compacted IRI that knows the full IRI it stands for (a literal never is one)."""

    def __new__(cls, compact: str, full: str) -> _Ref:
        ref = super().__new__(cls, compact)
        ref.full = full
        return ref


def _native(obj: Literal) -> Any:
    """A literal as a plain JSON value, where JSON-LD maps it back to the same literal."""
    if obj.datatype == XSD.boolean and str(obj) in ("true", "false"):
        return obj.toPython()
    if obj.datatype == XSD.integer and obj.value is not None and str(obj) == str(int(obj)):
        return int(obj)
    if obj.datatype is None and not obj.language:
        return str(obj)
    return None


def to_jsonld(graph: Graph, base: str) -> bytes:
    """Compact JSON-LD: one object per thing, its #fragment parts embedded, keys sorted."""
    ctx = context(base)
    compactor = _Compactor(ctx["@context"])
    nodes: dict[str, dict[str, Any]] = {}
    for s in sorted(set(graph.subjects()), key=str):
        if isinstance(s, BNode):
            raise ValueError("blank nodes are not published")
        node: dict[str, Any] = {"id": compactor.iri(str(s))}
        types = sorted(compactor.iri(str(t), vocab=True) for t in graph.objects(s, RDF.type))
        if types:
            node["type"] = types[0] if len(types) == 1 else types
        values: dict[str, list[Any]] = {}
        for p, o in graph.predicate_objects(s):
            if p == RDF.type:
                continue
            key, value = compactor.entry(p, o)
            values.setdefault(key, []).append(value)
        for key, items in values.items():
            items.sort(key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
            spec = ctx["@context"].get(key)
            is_set = isinstance(spec, dict) and spec.get("@container") == "@set"
            node[key] = items if (len(items) > 1 or is_set) else items[0]
        nodes[str(s)] = node
    # Embed fragment nodes (venue/x#address) in the one node that refers to them.
    embedded: set[str] = set()
    for iri, node in nodes.items():
        for key, value in list(node.items()):
            items = value if isinstance(value, list) else [value]
            replaced = []
            for item in items:
                target = _target(item)
                if target and target.startswith(iri + "#") and target in nodes and target not in embedded:
                    embedded.add(target)
                    replaced.append(nodes[target])
                else:
                    replaced.append(item)
            node[key] = replaced if isinstance(value, list) else replaced[0]
    graph_list = [node for iri, node in nodes.items() if iri not in embedded]
    document = {"@context": ctx["@context"], "@graph": graph_list}
    return (json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def _target(item: Any) -> str | None:
    """The full IRI an item refers to, if it is a reference to a node (never for a literal)."""
    if isinstance(item, dict) and set(item) == {"@id"}:
        item = item["@id"]
    return item.full if isinstance(item, _Ref) else None


def context_bytes(base: str) -> bytes:
    return (json.dumps(context(base), ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def to_ntriples(graph: Graph) -> bytes:
    """N-Triples, lines sorted: byte-identical for the same graph."""
    text = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    lines = sorted({line for line in text.splitlines() if line.strip()})
    return ("\n".join(lines) + "\n").encode("utf-8")


def to_turtle(graph: Graph) -> bytes:
    """Turtle, grouped by subject, everything sorted: byte-identical for the same graph.

    Written here rather than by rdflib's serializer, whose time grows faster than the
    graph (4 s for 50,000 triples); this one is linear after the sort. No blank nodes.

    >>> g = Graph(bind_namespaces="none"); g.bind("schema", SCHEMA)
    >>> g.add((URIRef("https://example.org/x"), SCHEMA.name, Literal('Sala "A"', lang="pl")))  # doctest: +ELLIPSIS
    <Graph ...>
    >>> print(to_turtle(g).decode())
    @prefix schema: <https://schema.org/> .
    <BLANKLINE>
    <https://example.org/x> schema:name "Sala \\"A\\""@pl .
    <BLANKLINE>
    """
    namespaces = sorted((str(ns), prefix) for prefix, ns in graph.namespaces() if prefix)
    by_length = sorted(namespaces, key=lambda item: -len(item[0]))
    used: set[str] = set()

    def iri(term: str) -> str:
        for ns, prefix in by_length:
            if term.startswith(ns) and _PN_LOCAL.match(term[len(ns) :]):
                used.add(prefix)
                return f"{prefix}:{term[len(ns) :]}"
        return "<" + _IRI_ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04X}", term) + ">"

    def node(term: Any) -> str:
        if isinstance(term, URIRef):
            return iri(str(term))
        if isinstance(term, Literal):
            text = '"' + str(term).translate(_STRING_ESCAPES) + '"'
            if term.language:
                return f"{text}@{term.language}"
            if term.datatype is not None:
                return f"{text}^^{iri(str(term.datatype))}"
            return text
        raise ValueError(f"blank nodes are not published: {term!r}")

    subjects: dict[Any, list[tuple[Any, Any]]] = {}
    for s, p, o in graph:
        subjects.setdefault(s, []).append((p, o))
    blocks = []
    for subject in sorted(subjects, key=lambda t: (isinstance(t, BNode), str(t))):
        predicates: dict[Any, list[str]] = {}
        for p, o in subjects[subject]:
            predicates.setdefault(p, []).append(node(o))
        lines = []
        for p in sorted(predicates, key=lambda t: (t != RDF.type, str(t))):
            objects = ", ".join(sorted(predicates[p]))
            lines.append(f"{'a' if p == RDF.type else iri(str(p))} {objects}")
        blocks.append(node(subject) + " " + " ;\n    ".join(lines) + " .\n")
    head = "".join(
        f"@prefix {prefix}: <{ns}> .\n" for ns, prefix in sorted(namespaces, key=lambda item: item[1]) if prefix in used
    )
    return (head + "\n" + "\n".join(blocks)).encode("utf-8")


# A prefixed name's local part, kept to a safe subset of Turtle's PN_LOCAL.
_PN_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_IRI_ESCAPE = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_STRING_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def _header(table: Table, field: str) -> str:
    return table.column(field).header


# kfl.csv's columns, in order: key (what the column holds, "kind.field"; csvw.COLUMNS describes
# each by it) and header. A column taken from the source keeps the clerk's header, read from
# the source tables, so the text is written once; the ids use the headers that name them there.
CSV_TABLE: tuple[tuple[str, str], ...] = (
    ("space.id", _header(PRACTICES, "space")),
    ("space.uri", "przestrzen_uri"),
    *((f"space.{f}", _header(SPACES, f)) for f in ("name", "type", "description", "capacity", "area_m2")),
    *((f"space.{f}", _header(SPACES, f)) for f in ("equipment", "sharing_modes", "free_of_charge", "conditions")),
    *((f"space.{f}", _header(SPACES, f)) for f in ("verified", "illustrative")),
    ("venue.id", _header(SPACES, "venue")),
    ("venue.uri", "lokalizacja_uri"),
    ("venue.name", "lokalizacja_nazwa"),
    *((f"venue.{f}", _header(VENUES, f)) for f in ("street", "postal_code", "locality", "district")),
    *((f"venue.{f}", _header(VENUES, f)) for f in ("latitude", "longitude", "step_free")),
    ("institution.id", _header(VENUES, "institution")),
    ("institution.uri", "instytucja_uri"),
    ("institution.name", "instytucja_nazwa"),
    ("institution.website", "instytucja_www"),
    ("institution.email", _header(INSTITUTIONS, "email")),
    ("institution.phone", _header(INSTITUTIONS, "phone")),
)
CSV_COLUMNS = tuple(header for _, header in CSV_TABLE)
CSV_HEADER = dict(CSV_TABLE)  # key -> header in kfl.csv


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("tak" if value else "nie")


def _decimal(value: Decimal | None) -> str:
    """A decimal without the clerk's trailing zeros, so a workbook and a CSV give the same bytes.

    >>> _decimal(Decimal("50.092500")), _decimal(Decimal("70")), _decimal(Decimal("45.50")), _decimal(None)
    ('50.0925', '70', '45.5', '')
    """
    return "" if value is None else format(value.normalize(), "f")


def to_csv(records: Records, base: str) -> bytes:
    """One row per space, with its venue and institution beside it."""
    iris = Iris(base)
    venues = {v.id: v for v in records.venues}
    institutions = {i.id: i for i in records.institutions}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for s in records.spaces:
        v = venues[s.venue]
        i = institutions[v.institution]
        row = {
            "space.id": s.id,
            "space.uri": iris.space(s.id),
            "space.name": s.name,
            "space.type": s.type,
            "space.description": s.description,
            "space.capacity": s.capacity or "",
            "space.area_m2": _decimal(s.area_m2),
            "space.equipment": ",".join(s.equipment),
            "space.sharing_modes": ",".join(s.sharing_modes),
            "space.free_of_charge": _yes_no(s.free_of_charge),
            "space.conditions": s.conditions,
            "space.verified": s.verified.isoformat() if s.verified else "",
            "space.illustrative": _yes_no(s.illustrative),
            "venue.id": v.id,
            "venue.uri": iris.venue(v.id),
            "venue.name": v.name,
            "venue.street": v.street,
            "venue.postal_code": v.postal_code,
            "venue.locality": v.locality,
            "venue.district": v.district or "",
            "venue.latitude": _decimal(v.latitude),
            "venue.longitude": _decimal(v.longitude),
            "venue.step_free": _yes_no(v.step_free),
            "institution.id": i.id,
            "institution.uri": iris.institution(i.id),
            "institution.name": i.name,
            "institution.website": i.website,
            "institution.email": i.contact_email or i.email,
            "institution.phone": i.contact_phone or i.phone,
        }
        writer.writerow([row[key] for key, _ in CSV_TABLE])
    return out.getvalue().encode("utf-8")


def to_geojson(records: Records, base: str) -> bytes:
    """A point per venue with coordinates, with its spaces; venues without them are left out."""
    iris = Iris(base)
    institutions = {i.id: i for i in records.institutions}
    spaces_of: dict[str, list] = {}
    for s in records.spaces:
        spaces_of.setdefault(s.venue, []).append(s)
    features = []
    for v in records.venues:
        if v.latitude is None or v.longitude is None:
            continue
        inst = institutions[v.institution]
        features.append(
            {
                "type": "Feature",
                "id": str(iris.venue(v.id)),
                "geometry": {"type": "Point", "coordinates": [float(v.longitude), float(v.latitude)]},
                "properties": {
                    "id": v.id,
                    "uri": str(iris.venue(v.id)),
                    "nazwa": v.name,
                    "adres": ", ".join(x for x in (v.street, f"{v.postal_code} {v.locality}".strip()) if x),
                    "dzielnica": f"{roman(v.district)} {DISTRICTS[v.district]}" if v.district else None,
                    "dostep_wozki": v.step_free,
                    "instytucja": inst.name,
                    "instytucja_uri": str(iris.institution(inst.id)),
                    "przestrzenie": [
                        {
                            "id": s.id,
                            "uri": str(iris.space(s.id)),
                            "nazwa": s.name,
                            "rodzaj": s.type,
                            "liczba_miejsc": s.capacity,
                            "nieodplatnie": s.free_of_charge,
                            "formy_udostepniania": list(s.sharing_modes),
                            "ilustracyjne": s.illustrative,
                        }
                        for s in spaces_of.get(v.id, [])
                    ],
                },
            }
        )
    document = {"type": "FeatureCollection", "features": features}
    return (json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")
