"""Deterministic RDF/XML and JSON-LD for small graphs without blank nodes.

rdflib's RDF/XML and JSON-LD writers follow the order of its internal sets, which changes
from one Python process to the next; a publication must not. These writers sort.
"""

from __future__ import annotations

import json
import re
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

_NCNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*$")


def _split(iri: str) -> tuple[str, str]:
    """Split a predicate IRI into namespace and an XML local name."""
    for i in range(len(iri) - 1, -1, -1):
        if iri[i] in "#/":
            local = iri[i + 1 :]
            if _NCNAME.match(local):
                return iri[: i + 1], local
            break
    raise ValueError(f"{iri} cannot be written as an RDF/XML element name")


def to_rdfxml(graph: Graph) -> bytes:
    """RDF/XML, one rdf:Description per subject, everything sorted.

    >>> from rdflib import Namespace
    >>> EX = Namespace("https://example.org/")
    >>> g = Graph(); _ = g.add((EX.a, EX.name, Literal("Ala", lang="pl")))
    >>> print(to_rdfxml(g).decode())
    <?xml version="1.0" encoding="utf-8"?>
    <rdf:RDF xmlns:ns1="https://example.org/" xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
      <rdf:Description rdf:about="https://example.org/a">
        <ns1:name xml:lang="pl">Ala</ns1:name>
      </rdf:Description>
    </rdf:RDF>
    <BLANKLINE>
    """
    prefixes: dict[str, str] = {str(RDF): "rdf"}
    bound = {str(ns): prefix for prefix, ns in graph.namespaces()}
    lines = []
    for s in sorted(set(graph.subjects()), key=str):
        if isinstance(s, BNode):
            raise ValueError("blank nodes are not published")
        lines.append(f"  <rdf:Description rdf:about={quoteattr(str(s))}>")
        for p, o in sorted(graph.predicate_objects(s), key=lambda po: (str(po[0]), _key(po[1]))):
            ns, local = _split(str(p))
            if ns not in prefixes:
                wanted = bound.get(ns) or f"ns{len(prefixes)}"
                prefixes[ns] = wanted if wanted not in prefixes.values() else f"ns{len(prefixes)}"
            tag = f"{prefixes[ns]}:{local}"
            if isinstance(o, URIRef):
                lines.append(f"    <{tag} rdf:resource={quoteattr(str(o))}/>")
            elif isinstance(o, Literal):
                attr = (
                    f' xml:lang="{o.language}"'
                    if o.language
                    else (f" rdf:datatype={quoteattr(str(o.datatype))}" if o.datatype else "")
                )
                lines.append(f"    <{tag}{attr}>{escape(str(o))}</{tag}>")
            else:
                raise ValueError("blank nodes are not published")
        lines.append("  </rdf:Description>")
    xmlns = " ".join(f"xmlns:{prefix}={quoteattr(ns)}" for ns, prefix in sorted(prefixes.items(), key=lambda kv: kv[1]))
    head = ['<?xml version="1.0" encoding="utf-8"?>', f"<rdf:RDF {xmlns}>"]
    return ("\n".join(head + lines + ["</rdf:RDF>", ""])).encode("utf-8")


def _key(node: Any) -> str:
    if isinstance(node, Literal):
        return f"{node}\0{node.language or ''}\0{node.datatype or ''}"
    return str(node)


def to_jsonld_prefixed(graph: Graph, context: dict[str, str]) -> bytes:
    """Compact JSON-LD with the given prefixes, the @graph and all arrays sorted."""
    data = json.loads(graph.serialize(format="json-ld", context=context, auto_compact=True))
    if "@graph" not in data:
        body = {k: v for k, v in data.items() if k != "@context"}
        data = {"@context": data.get("@context", context), "@graph": [body] if body else []}
    data["@graph"] = sorted((_sorted(node) for node in data["@graph"]), key=lambda n: n.get("@id", ""))
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((_sorted(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value
