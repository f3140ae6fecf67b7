"""The publication's JSON-LD: its @context and the compact, plain-JSON form of a graph.

Used for kfl.jsonld and context.jsonld, and by the web for each thing's JSON-LD, so the
two read alike. Deterministic: the same graph gives the same bytes.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring as _string  # C, when built (ensure_ascii=False)
from typing import Any

from rdflib import Graph
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from .triples import Iri, Lit, Triples, parse_object
from .vocab import GEO, SCHEMA, Iris

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
        self._iris: dict[tuple[str, bool], str] = {}

    def iri(self, value: str, vocab: bool = False) -> str:
        # The same IRIs (concepts, districts, predicates) recur on every thing: work each out once.
        key = (value, vocab)
        found = self._iris.get(key)
        if found is None:
            if len(self._iris) > 65536:  # each thing's own IRI comes once: keep the memory bounded
                self._iris.clear()
            found = self._iris[key] = self._iri(value, vocab)
        return found

    def _iri(self, value: str, vocab: bool = False) -> str:
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

    def entry(self, predicate: str, obj: Iri | Lit) -> tuple[str, Any]:
        """The key and JSON value of one triple's predicate and object.

        A term whose coercion fits gives plain JSON ("name": "Sala"); otherwise the
        predicate's first term carries an explicit value object, which no coercion changes.
        """
        if isinstance(obj, Iri):
            return self._reference(predicate, obj)
        return self._literal(predicate, obj)

    def _reference(self, predicate: str, obj: Iri) -> tuple[str, Any]:
        terms = self.by_iri.get(predicate, [])
        for term, spec in terms:
            if spec.get("@type") == "@id":
                return term, _Ref(self.iri(obj), obj)
        return self._key(predicate, terms), {"@id": _Ref(self.iri(obj), obj)}

    def _literal(self, predicate: str, obj: Lit) -> tuple[str, Any]:
        terms = self.by_iri.get(predicate, [])
        lexical, language, datatype = obj
        for term, spec in terms:
            if language and spec.get("@language") == language:
                return term, lexical
            if not language and "@language" not in spec:
                native = _native(obj)
                if datatype is not None and spec.get("@type") == datatype and not isinstance(native, (bool, int)):
                    return term, lexical
                if "@type" not in spec and native is not None:
                    return term, native
        key = self._key(predicate, terms)
        if language:
            return key, {"@value": lexical, "@language": language}
        native = _native(obj)
        if native is not None and not terms:
            return key, native
        if datatype is None:
            return key, {"@value": lexical}
        return key, {"@value": lexical, "@type": self.iri(datatype, vocab=True)}

    def _key(self, predicate: str, terms: list[tuple[str, dict[str, Any]]]) -> str:
        """The key of a value no term's coercion fits: the predicate's first term, else its compact IRI."""
        if terms:
            return terms[0][0]
        key = self.iri(predicate, vocab=True)
        return predicate if key in self.terms else key  # the short name may be a term for another predicate


class _Ref(str):
    """A compacted IRI that knows the full IRI it stands for (a literal never is one)."""

    full: str

    def __new__(cls, compact: str, full: str) -> _Ref:
        ref = super().__new__(cls, compact)
        ref.full = full
        return ref


def _native(obj: Lit) -> Any:
    """A literal as a plain JSON value, where JSON-LD maps it back to the same literal."""
    lexical, language, datatype = obj
    if datatype == _BOOLEAN and lexical in ("true", "false"):
        return lexical == "true"
    if datatype == _INTEGER:
        try:
            number = int(lexical)
        except ValueError:
            return None
        return number if str(number) == lexical else None
    if datatype is None and not language:
        return lexical
    return None


_BOOLEAN, _INTEGER = str(XSD.boolean), str(XSD.integer)


def to_jsonld(graph: Graph | Triples, base: str) -> bytes:
    """Compact JSON-LD: one object per thing, its #fragment parts embedded, keys sorted.

    Written a thing at a time (with its #parts): the whole document as one dict took a
    gigabyte at 35,000 spaces. The bytes are those json.dumps(document, indent=1,
    sort_keys=True) gives for the document as a whole.
    """
    triples = graph if isinstance(graph, Triples) else Triples.from_graph(graph)
    ctx = context(base)["@context"]
    compactor = _Compactor(ctx)
    # The lines of each thing and its #parts together: only a thing embeds its own parts.
    groups: dict[str, list[str]] = {}
    for line in triples.lines():
        if line[0] != "<":
            raise ValueError("blank nodes are not published")
        groups.setdefault(line[1 : line.index(">")].split("#", 1)[0], []).append(line)
    top: list[tuple[str, str]] = []  # (IRI, JSON text) of every thing not embedded in another
    for root in sorted(groups):
        nodes = _nodes(groups.pop(root), compactor, ctx)
        # Embed fragment nodes (venue/x#address) in the one node that refers to them.
        embedded: set[str] = set()
        for iri, node in nodes.items() if len(nodes) > 1 else ():  # alone, a thing has no part to embed
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
        for iri, node in nodes.items():
            if iri not in embedded:  # at depth 2 in the document: "@graph" is the top object's second key
                top.append((iri, _indented(node, "\n  ")))
    top.sort(key=lambda entry: entry[0])  # the things in IRI order, as one sort of the whole graph gives them
    if not top:
        return (_dumps({"@context": ctx, "@graph": []}) + "\n").encode("utf-8")
    head, tail = _dumps({"@context": ctx, "@graph": [0]}).rsplit("0", 1)
    return (head + ",\n  ".join(text for _, text in top) + tail + "\n").encode("utf-8")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)


def _indented(value: Any, newline: str = "\n") -> str:
    """``_dumps(value)`` for the JSON a node is made of, written as if ``newline`` began its line.

    json.dumps with an indent is the pure-Python encoder, a generator per level: this does
    the same for dicts, lists, strings, integers and booleans in a third of the time
    (tests/test_writers.py compares the two).
    """
    out: list[str] = []
    _write(value, newline, out)
    return "".join(out)


def _write(value: Any, newline: str, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(_string(value))
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = newline + " "
        separator = "{" + inner
        for key in sorted(value):
            out.append(separator + _string(key) + ": ")
            _write(value[key], inner, out)
            separator = "," + inner
        out.append(newline + "}")
    elif isinstance(value, list):
        if not value:
            out.append("[]")
            return
        inner = newline + " "
        separator = "[" + inner
        for item in value:
            out.append(separator)
            _write(item, inner, out)
            separator = "," + inner
        out.append(newline + "]")
    elif value is True or value is False or value is None or isinstance(value, int):
        out.append(json.dumps(value))
    else:
        out.append(_dumps(value))  # anything else as json writes it (a float, say)


def _nodes(lines: list[str], compactor: _Compactor, ctx: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The JSON object of each subject of ``lines`` (N-Triples), in IRI order, parts not yet embedded."""
    statements: dict[str, list[tuple[str, Any]]] = {}
    for line in lines:
        s, p, o = line[:-3].split(" ", 2)
        statements.setdefault(s[1:-1], []).append((p[1:-1], parse_object(o)))
    nodes: dict[str, dict[str, Any]] = {}
    a = _TYPE
    for s in sorted(statements):
        node: dict[str, Any] = {"id": compactor.iri(s)}
        types = sorted(compactor.iri(o, vocab=True) for p, o in statements[s] if p == a)
        if types:
            node["type"] = types[0] if len(types) == 1 else types
        values: dict[str, list[Any]] = {}
        for p, o in statements[s]:
            if p == a:
                continue
            key, value = compactor.entry(p, o)
            values.setdefault(key, []).append(value)
        for key, items in values.items():
            if len(items) > 1:  # the key is computed even for one item: 20 % of the writer at scale
                items.sort(key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
            spec = ctx.get(key)
            is_set = isinstance(spec, dict) and spec.get("@container") == "@set"
            node[key] = items if (len(items) > 1 or is_set) else items[0]
        nodes[s] = node
    return nodes


_TYPE = str(RDF.type)


def _target(item: Any) -> str | None:
    """The full IRI an item refers to, if it is a reference to a node (never for a literal)."""
    if isinstance(item, dict) and set(item) == {"@id"}:
        item = item["@id"]
    return item.full if isinstance(item, _Ref) else None


def context_bytes(base: str) -> bytes:
    return (json.dumps(context(base), ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")
