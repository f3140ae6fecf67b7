"""A graph as its N-Triples lines: what the build maps, checks and writes, without an rdflib Graph.

An rdflib Graph keeps three indexes of term objects: about 1.4 KB per statement, 2 GB
for 35,000 spaces, and most of the mapping's time went into adding to it. The build
needs the statements only once each, in one order: written as the lines of kfl.nt
(rdflib's own N-Triples form of each term, so the bytes are those rdflib wrote), they
are kfl.nt once sorted, the compiled validator's input, Turtle through pyoxigraph, and
the JSON-LD and VoID writers' input. Whatever still wants an rdflib Graph (pySHACL,
tests, the check page) gets one parsed from the lines, on demand.
"""

from __future__ import annotations

import itertools
import operator
import re
from collections.abc import Iterable, Iterator
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.plugins.serializers.nt import _quote_encode, _quoteLiteral

# An N-Triples term as the writers need it: an IRI (Iri, a str) or a literal (lexical form, language, datatype).
Term = Any


class Iri(str):
    """An IRI object of a statement (a literal is a Lit)."""

    __slots__ = ()


class Lit(tuple):
    """A literal object: (lexical form, language or None, datatype IRI or None)."""

    __slots__ = ()

    @property
    def lexical(self) -> str:
        return self[0]

    @property
    def language(self) -> str | None:
        return self[1]

    @property
    def datatype(self) -> str | None:
        return self[2]


_ESCAPE = re.compile(r"\\(.)")
_UNESCAPE = {"\\": "\\", "n": "\n", '"': '"', "r": "\r"}  # the inverse of rdflib's _quote_encode


class Written(str):
    """An object already in its N-Triples form (made by literal or boolean), added as it is.

    The mapping's most common objects, without an rdflib Literal each (1.4 µs to make,
    0.4 µs to write): the same text rdflib writes for Literal(lexical, lang=language).
    """

    __slots__ = ()


def literal(lexical: str, language: str | None = None) -> Written:
    """A plain or language-tagged string literal, written as rdflib writes it.

    >>> literal('Sala "A"', "pl") == n3(Literal('Sala "A"', lang="pl")), literal("x\\y") == n3(Literal("x\\y"))
    (True, True)
    """
    return Written(_quote_encode(lexical) + "@" + language if language else _quote_encode(lexical))


def boolean(value: bool) -> Written:
    """An xsd:boolean literal, written as rdflib writes Literal(value)."""
    return _BOOLEANS[bool(value)]


def n3(term: Any) -> str:
    """One rdflib term as rdflib's N-Triples writer writes it (an invalid IRI raises, as there)."""
    kind = type(term)
    if kind is URIRef:  # the common case first: isinstance on rdflib's terms goes through abc, 0.5 µs
        return term.n3()
    if kind is Literal or isinstance(term, Literal):
        return _quoteLiteral(term)
    if isinstance(term, BNode):
        return term.n3()
    return term.n3()  # URIRef: checks the IRI


def parse_object(o: str) -> Term:
    """An object written by n3: Iri for an IRI, Lit for a literal; a blank node raises ValueError."""
    if o[0] == "<":
        return Iri(o[1:-1])
    if o[0] != '"':
        raise ValueError("blank nodes are not published")
    end = o.rindex('"')
    lexical = o[1:end]
    if "\\" in lexical:
        lexical = _ESCAPE.sub(lambda m: _UNESCAPE[m.group(1)], lexical)
    rest = o[end + 1 :]
    if rest.startswith("@"):
        return Lit((lexical, rest[1:], None))
    if rest.startswith("^^"):
        return Lit((lexical, None, rest[3:-1]))
    return Lit((lexical, None, None))


class Triples:
    """Statements as N-Triples lines, added one at a time like Graph.add, counted and sorted once.

    >>> from rdflib.namespace import RDFS
    >>> t = Triples({"rdfs": str(RDFS)})
    >>> t.add((URIRef("https://example.org/a"), RDFS.label, Literal('Sala "A"', lang="pl")))
    >>> t.add((URIRef("https://example.org/a"), RDFS.label, Literal('Sala "A"', lang="pl")))
    >>> len(t), t.ntriples()
    (1, b'<https://example.org/a> <http://www.w3.org/2000/01/rdf-schema#label> "Sala \\\\"A\\\\""@pl .\\n')
    >>> [(s, p, o) for s, p, o in t.statements()][0][2]
    ('Sala "A"', 'pl', None)
    """

    def __init__(self, prefixes: dict[str, str] | None = None, lines: Iterable[str] = ()) -> None:
        self.prefixes = dict(prefixes or {})  # prefix -> namespace, for Turtle (as Graph.bind)
        self._lines: list[str] = list(lines)
        self._sorted: list[str] | None = None
        self._graph: Graph | None = None
        self._last: tuple[Any, str] = (
            None,
            "",
        )  # the last subject and its N-Triples form: a record's statements share it
        self._predicates: dict[Any, str] = {}
        self._source: bytes | None = None  # kfl.nt's bytes the lines come back from (see forget)
        self._count = 0  # how many lines were forgotten

    @classmethod
    def from_graph(cls, graph: Graph) -> Triples:
        """The statements of an rdflib Graph (its bound prefixes kept)."""
        triples = cls({prefix: str(ns) for prefix, ns in graph.namespaces() if prefix})
        for triple in graph:
            triples.add(triple)
        triples._graph = graph
        return triples

    @classmethod
    def from_ntriples(cls, data: bytes, prefixes: dict[str, str] | None = None) -> Triples:
        """Statements from N-Triples as the writers here wrote them (kfl.nt)."""
        return cls(prefixes, (line + "\n" for line in data.decode("utf-8").split("\n") if line.strip()))

    def add(self, triple: tuple[Any, Any, Any]) -> None:
        """Add one statement of rdflib terms (as Graph.add; a repeated statement counts once)."""
        s, p, o = triple
        if s is self._last[0]:
            subject = self._last[1]
        else:
            subject = n3(s)
            self._last = (s, subject)
        predicate = self._predicates.get(p)  # a few dozen predicates: each written once
        if predicate is None:
            predicate = self._predicates[p] = n3(p)
        if self._source is not None:  # forgotten lines first come back
            self.lines()
        self._lines.append(f"{subject} {predicate} {o if type(o) is Written else n3(o)} .\n")
        self._sorted = None
        self._graph = None

    def forget(self, ntriples: bytes) -> None:
        """Let the lines go while ``ntriples`` (their bytes, as ntriples() gave them) are kept anyway.

        The build does, once other processes write the files made from the lines (graphwork):
        at 35,000 spaces 270 MB less while it validates and writes the rest. Asked again, the
        lines are read back from the bytes.
        """
        self._count = len(self.lines())
        self._lines, self._sorted, self._graph, self._source = [], None, None, ntriples

    def lines(self) -> list[str]:
        """The distinct lines, sorted (kfl.nt's order: by code point, the order of the UTF-8 bytes)."""
        if self._sorted is None and self._source is not None:
            source, self._source = self._source, None
            self._lines = [line + "\n" for line in source.decode("utf-8").split("\n") if line]
        if self._sorted is None:
            lines = self._lines
            lines.sort()  # in place, and duplicates dropped after: a set of millions of lines took 70 MB more
            if any(map(operator.eq, lines, itertools.islice(lines, 1, None))):
                lines[:] = [line for line, _ in itertools.groupby(lines)]
            self._sorted = lines
        return self._sorted

    def __len__(self) -> int:
        return self._count if self._source is not None else len(self.lines())

    def ntriples(self) -> bytes:
        """N-Triples, lines sorted: the bytes of kfl.nt."""
        lines, step = self.lines(), 65536
        # Encoded a slice at a time: one str of every line would be UCS-2 (twice the bytes) for a single "ł".
        return b"".join(["".join(lines[i : i + step]).encode("utf-8") for i in range(0, len(lines), step)])

    def statements(self) -> Iterator[tuple[str, str, Term]]:
        """(subject IRI, predicate IRI, object as Iri or Lit), in the lines' order; blank nodes raise."""
        for line in self.lines():
            s, p, o = line[:-3].split(" ", 2)
            if s[0] != "<":
                raise ValueError("blank nodes are not published")
            yield s[1:-1], p[1:-1], parse_object(o)

    def raw(self) -> Iterator[tuple[str, str, str]]:
        """(subject, predicate, object) as written in N-Triples (IRIs in <>), in the lines' order."""
        for line in self.lines():
            s, p, o = line[:-3].split(" ", 2)
            yield s, p, o

    def graph(self) -> Graph:
        """The statements as an rdflib Graph (parsed once, on demand: for pySHACL, tests, the check page)."""
        if self._graph is None:
            graph = Graph(bind_namespaces="none")
            for prefix, ns in self.prefixes.items():
                graph.bind(prefix, ns)
            graph.parse(data=self.ntriples(), format="nt")
            self._graph = graph
        return self._graph


_BOOLEANS = {value: Written(_quoteLiteral(Literal(value))) for value in (True, False)}

__all__ = ["Iri", "Lit", "Triples", "URIRef", "Written", "boolean", "literal", "n3", "parse_object"]
