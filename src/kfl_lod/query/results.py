"""Write query answers in the SPARQL result formats, stopping at a row cap.

pyoxigraph's own result writers have no row limit, so the four result formats (SPARQL
JSON, XML, CSV, TSV) are written here, one solution at a time; graphs are cut at the
same cap and written by pyoxigraph. An answer is also cut before it grows past a byte
limit (graphs are measured as N-Triples). Each writer returns the bytes, the number of
rows written and whether more rows were left out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from json.encoder import encode_basestring
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from ..namespaces import PREFIXES as NAMESPACES
from ..namespaces import RDF, XSD

XSD_STRING = XSD + "string"
XSD_INTEGER = XSD + "integer"
XSD_DECIMAL = XSD + "decimal"
XSD_DOUBLE = XSD + "double"
XSD_BOOLEAN = XSD + "boolean"
RDF_LANG_STRING = RDF + "langString"
RESULTS_NS = "http://www.w3.org/2005/sparql-results#"

# Prefixes used when writing Turtle, so graphs read well.
PREFIXES = {
    p: NAMESPACES[p]
    for p in ("rdf", "rdfs", "xsd", "owl", "schema", "skos", "dct", "dcat", "geo", "void", "prov", "foaf", "sh", "sd")
}

_GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


@dataclass(frozen=True)
class Written:
    """Bytes of an answer, how many rows (or triples) it holds, and whether rows were cut."""

    body: bytes
    rows: int
    truncated: bool


def _capped(items: Iterable, max_rows: int, max_bytes: int | None = None) -> tuple[list, bool]:
    """The first ``max_rows`` items (at most ``max_bytes`` of them as N-Triples) and whether there were more."""
    out: list = []
    size = 0
    for item in items:
        if len(out) >= max_rows:
            return out, True
        if max_bytes is not None:
            size += len(str(item).encode("utf-8")) + 3
            if size > max_bytes:
                return out, True
        out.append(item)
    return out, False


# --- terms ---------------------------------------------------------------------------


def _json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _json_term(term.subject),
                "predicate": _json_term(term.predicate),
                "object": _json_term(term.object),
            },
        }
    raise TypeError(f"unexpected term {term!r}")


def _xml_term(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{_xml_text(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{_xml_text(term.value)}</literal>"
        return f"<literal>{_xml_text(term.value)}</literal>"
    if isinstance(term, ox.Triple):
        return (
            f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>{_xml_term(term.predicate)}"
            f"</predicate><object>{_xml_term(term.object)}</object></triple>"
        )
    raise TypeError(f"unexpected term {term!r}")


def _xml_text(value: str) -> str:
    # XML 1.0 cannot carry most control characters, U+FFFE or U+FFFF even escaped; RDF literals can.
    cleaned = _NOT_XML.sub("\ufffd", value)
    return escape(cleaned)


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _csv_term(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return str(term)


def _csv_field(value: str) -> str:
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _tsv_term(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal) and not term.language:
        datatype = term.datatype.value
        value = term.value
        # Numbers and booleans may be written in their short Turtle form when canonical.
        if datatype == XSD_INTEGER and value.lstrip("+-").isdigit():
            return value
        if datatype == XSD_BOOLEAN and value in ("true", "false"):
            return value
    text = str(term)  # N-Triples syntax: <iri>, _:b, "lex"@lang, "lex"^^<dt>
    return text.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


# --- writers -------------------------------------------------------------------------


def write_solutions(solutions: ox.QuerySolutions, fmt: str, max_rows: int, max_bytes: int | None = None) -> Written:
    """Write SELECT results in ``fmt`` (json, xml, csv, tsv): at most ``max_rows`` rows and ``max_bytes`` bytes."""
    variables = [v.value for v in solutions.variables]
    head, row_text, tail = _WRITERS[fmt]
    chunks = [head(variables).encode("utf-8")]
    footer = tail().encode("utf-8")
    size = len(chunks[0]) + len(footer)
    rows = 0
    truncated = False
    # Rows come as tuples in the order of ``variables`` (None where unbound): reading a
    # solution by name costs several times more. Terms repeat from row to row, so each
    # writer remembers what it wrote for a term (``_Memo``).
    memo = _Memo()
    for row in solutions:
        if rows >= max_rows:
            truncated = True
            break
        chunk = row_text(variables, tuple(row), rows, memo).encode("utf-8")
        if max_bytes is not None and size + len(chunk) > max_bytes:
            truncated = True
            break
        chunks.append(chunk)
        size += len(chunk)
        rows += 1
    chunks.append(footer)
    return Written(b"".join(chunks), rows, truncated)


class _Memo(dict):
    """Term -> its text in one format, for one answer (bounded: a long answer of unique terms stays small)."""

    LIMIT = 4096

    def text(self, term, write: Callable) -> str:
        text = self.get(term)
        if text is None:
            text = write(term)
            if len(self) < self.LIMIT:
                self[term] = text
        return text


_encode = encode_basestring  # what json.dumps(..., ensure_ascii=False) writes for a str


def _json_text(term) -> str:
    """``json.dumps(_json_term(term), ensure_ascii=False)``, written directly (same bytes)."""
    kind = type(term)
    if kind is ox.NamedNode:
        return '{"type": "uri", "value": ' + _encode(term.value) + "}"
    if kind is ox.Literal:
        language = term.language
        if language:
            return '{"type": "literal", "value": ' + _encode(term.value) + ', "xml:lang": ' + _encode(language) + "}"
        datatype = term.datatype.value
        if datatype != XSD_STRING:
            return '{"type": "literal", "value": ' + _encode(term.value) + ', "datatype": ' + _encode(datatype) + "}"
        return '{"type": "literal", "value": ' + _encode(term.value) + "}"
    if kind is ox.BlankNode:
        return '{"type": "bnode", "value": ' + _encode(term.value) + "}"
    return json.dumps(_json_term(term), ensure_ascii=False)


def _json_head(variables: list[str]) -> str:
    return '{"head":{"vars":' + json.dumps(variables, ensure_ascii=False) + '},"results":{"bindings":['


def _json_row(variables: list[str], row: tuple, index: int, memo: _Memo) -> str:
    # As json.dumps({var: term as JSON, ...}, ensure_ascii=False) for the bound variables.
    cells = [
        _encode(name) + ": " + memo.text(term, _json_text)
        for name, term in zip(variables, row, strict=True)
        if term is not None
    ]
    return ("," if index else "") + "\n{" + ", ".join(cells) + "}"


def _xml_head(variables: list[str]) -> str:
    names = "".join(f"<variable name={quoteattr(v)}/>" for v in variables)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="{RESULTS_NS}">\n<head>{names}</head>\n<results>\n'


def _xml_row(variables: list[str], row: tuple, index: int, memo: _Memo) -> str:
    cells = "".join(
        f"<binding name={quoteattr(v)}>{memo.text(term, _xml_term)}</binding>"
        for v, term in zip(variables, row, strict=True)
        if term is not None
    )
    return f"<result>{cells}</result>\n"


def _csv_head(variables: list[str]) -> str:
    return ",".join(_csv_field(v) for v in variables) + "\r\n"


def _csv_text(term) -> str:
    return _csv_field(_csv_term(term))


def _csv_row(variables: list[str], row: tuple, index: int, memo: _Memo) -> str:
    return ",".join("" if term is None else memo.text(term, _csv_text) for term in row) + "\r\n"


def _tsv_head(variables: list[str]) -> str:
    return "\t".join(f"?{v}" for v in variables) + "\n"


def _tsv_row(variables: list[str], row: tuple, index: int, memo: _Memo) -> str:
    return "\t".join("" if term is None else memo.text(term, _tsv_term) for term in row) + "\n"


_WRITERS: dict[str, tuple[Callable, Callable, Callable]] = {
    "json": (_json_head, _json_row, lambda: "\n]}}\n"),
    "xml": (_xml_head, _xml_row, lambda: "</results>\n</sparql>\n"),
    "csv": (_csv_head, _csv_row, lambda: ""),
    "tsv": (_tsv_head, _tsv_row, lambda: ""),
}


def write_boolean(value: bool, fmt: str) -> Written:
    """Write an ASK answer in ``fmt`` (json, xml, csv or tsv).

    SPARQL 1.1 defines CSV/TSV for SELECT only; for ASK we answer one column ``_askResult``
    with ``true`` or ``false``, as Jena/Fuseki does, rather than refuse clients that ask.

    >>> write_boolean(False, "csv").body, write_boolean(True, "tsv").body
    (b'_askResult\\r\\nfalse\\r\\n', b'?_askResult\\ntrue\\n')
    """
    word = "true" if value else "false"
    if fmt == "json":
        body = '{"head":{},"boolean":' + word + "}\n"
    elif fmt == "csv":
        body = f"_askResult\r\n{word}\r\n"
    elif fmt == "tsv":
        body = f"?_askResult\n{word}\n"
    else:
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="{RESULTS_NS}">\n'
            f"<head/>\n<boolean>{word}</boolean>\n</sparql>\n"
        )
    return Written(body.encode("utf-8"), 1, False)


def write_graph(
    triples: Iterable[ox.Triple],
    fmt: str,
    max_rows: int,
    prefixes: dict[str, str] | None = None,
    max_bytes: int | None = None,
) -> Written:
    """Write triples in ``fmt`` (turtle, ntriples, jsonld, rdfxml): at most ``max_rows`` of them,
    and no more than ``max_bytes`` written as N-Triples."""
    kept, truncated = _capped(triples, max_rows, max_bytes)
    body = serialize_graph(kept, fmt, prefixes)
    return Written(body, len(kept), truncated)


def serialize_graph(triples: list[ox.Triple], fmt: str, prefixes: dict[str, str] | None = None) -> bytes:
    """Serialise a list of triples; Turtle gets the usual prefixes (only those used)."""
    rdf_format = _GRAPH_FORMATS[fmt]
    if fmt == "ntriples":
        # Sorted lines: the same graph always gives the same bytes.
        return b"".join(sorted(f"{t} .\n".encode() for t in triples))
    if fmt == "turtle":
        return _turtle(triples, _used_prefixes(triples, prefixes or PREFIXES))
    if fmt == "rdfxml":
        used = _used_prefixes(triples, prefixes or PREFIXES)
        return ox.serialize([_xml_safe(t) for t in triples], format=rdf_format, prefixes=used) or b""
    return ox.serialize(triples, format=rdf_format) or b""


def _xml_safe(triple: ox.Triple) -> ox.Triple:
    """The triple with characters XML 1.0 cannot carry in its literal replaced by U+FFFD (as in SPARQL XML)."""
    obj = triple.object
    if isinstance(obj, ox.Literal) and _NOT_XML.search(obj.value):
        value = _NOT_XML.sub("\ufffd", obj.value)
        obj = ox.Literal(value, language=obj.language) if obj.language else ox.Literal(value, datatype=obj.datatype)
        return ox.Triple(triple.subject, triple.predicate, obj)
    return triple


def _used_prefixes(triples: list[ox.Triple], prefixes: dict[str, str]) -> dict[str, str]:
    iris: set[str] = set()
    for t in triples:
        for term in (t.subject, t.predicate, t.object):
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
            elif isinstance(term, ox.Literal):
                iris.add(term.datatype.value)
    return {p: ns for p, ns in prefixes.items() if any(i.startswith(ns) for i in iris)}


# --- Turtle ------------------------------------------------------------------------------------
# Written here, not by pyoxigraph 0.5.13, whose Turtle writer abbreviates any integer-like
# literal (e.g. "5"^^xsd:nonNegativeInteger) to a bare 5, which reads back as xsd:integer.

RDF_TYPE = RDF + "type"
_LOCAL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL = re.compile(r"^[+-]?[0-9]*\.[0-9]+$")


def _turtle(triples: list[ox.Triple], prefixes: dict[str, str]) -> bytes:
    """Turtle grouped by subject (sorted), rdf:type first; only exact shorthands."""
    # Longest namespace first, so a more specific prefix wins.
    spaces = sorted(prefixes.items(), key=lambda item: -len(item[1]))

    def iri(value: str) -> str:
        for prefix, ns in spaces:
            if value.startswith(ns) and _LOCAL.match(value[len(ns) :]):
                return f"{prefix}:{value[len(ns) :]}"
        return f"<{value}>"

    def term(t) -> str:
        if isinstance(t, ox.NamedNode):
            return iri(t.value)
        if isinstance(t, ox.Literal):
            if t.language:
                return str(t)
            datatype = t.datatype.value
            lexical = str(ox.Literal(t.value))
            if datatype == XSD_STRING:
                return lexical
            if datatype == XSD_INTEGER and _INTEGER.match(t.value):
                return t.value
            if datatype == XSD_DECIMAL and _DECIMAL.match(t.value):
                return t.value
            if datatype == XSD_BOOLEAN and t.value in ("true", "false"):
                return t.value
            return f"{lexical}^^{iri(datatype)}"
        return str(t)

    lines = [f"@prefix {p}: <{ns}> ." for p, ns in sorted(prefixes.items())]
    if lines:
        lines.append("")
    by_subject: dict[str, dict[str, list[str]]] = {}
    for t in triples:
        predicate = "a" if t.predicate.value == RDF_TYPE else iri(t.predicate.value)
        objects = by_subject.setdefault(term(t.subject), {}).setdefault(predicate, [])
        rendered = term(t.object)
        if rendered not in objects:
            objects.append(rendered)
    for subject in sorted(by_subject):
        predicates = by_subject[subject]
        order = sorted(predicates, key=lambda p: (p != "a", p))
        parts = [f"{p} {' , '.join(sorted(predicates[p]))}" for p in order]
        lines.append(subject + " " + " ;\n    ".join(parts) + " .")
    return ("\n".join(lines) + "\n").encode("utf-8")
