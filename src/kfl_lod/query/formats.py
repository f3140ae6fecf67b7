"""Result formats and content negotiation (``Accept`` with q-values and wildcards).

Three families of answers exist: solutions (SELECT), a boolean (ASK) and a graph
(CONSTRUCT, DESCRIBE, linked-data documents). Each family offers a few formats, in the
server's order of preference; ``negotiate`` picks the one the client wants most.
"""

from __future__ import annotations

from dataclasses import dataclass

SOLUTIONS, BOOLEAN, GRAPH = "solutions", "boolean", "graph"


@dataclass(frozen=True)
class Format:
    """One serialisation: its short name, media type and the aliases clients send."""

    name: str
    media_type: str
    aliases: tuple[str, ...] = ()
    extension: str = ""

    @property
    def content_type(self) -> str:
        """The Content-Type header value: text types say their charset."""
        return f"{self.media_type}; charset=utf-8" if self.media_type.startswith("text/") else self.media_type

    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.aliases)


JSON = Format("json", "application/sparql-results+json", ("application/json",), "srj")
XML = Format("xml", "application/sparql-results+xml", ("application/xml", "text/xml"), "srx")
CSV = Format("csv", "text/csv", (), "csv")
TSV = Format("tsv", "text/tab-separated-values", (), "tsv")
TURTLE = Format("turtle", "text/turtle", ("application/x-turtle",), "ttl")
NTRIPLES = Format("ntriples", "application/n-triples", (), "nt")
JSONLD = Format("jsonld", "application/ld+json", ("application/json",), "jsonld")
RDFXML = Format("rdfxml", "application/rdf+xml", ("application/xml", "text/xml"), "rdf")
HTML = Format("html", "text/html", ("application/xhtml+xml",), "html")

OFFERS: dict[str, tuple[Format, ...]] = {
    SOLUTIONS: (JSON, XML, CSV, TSV),
    BOOLEAN: (JSON, XML),
    GRAPH: (TURTLE, NTRIPLES, JSONLD, RDFXML),
}

# Values of the ``format`` parameter, per family ("xml" and "json" mean different
# formats for solutions and for graphs, as clients expect).
_FORMAT_NAMES: dict[str, dict[str, Format]] = {
    SOLUTIONS: {"json": JSON, "srj": JSON, "xml": XML, "srx": XML, "csv": CSV, "tsv": TSV},
    BOOLEAN: {"json": JSON, "srj": JSON, "xml": XML, "srx": XML},
    GRAPH: {
        "turtle": TURTLE,
        "ttl": TURTLE,
        "ntriples": NTRIPLES,
        "n-triples": NTRIPLES,
        "nt": NTRIPLES,
        "jsonld": JSONLD,
        "json-ld": JSONLD,
        "json": JSONLD,
        "rdfxml": RDFXML,
        "rdf": RDFXML,
        "xml": RDFXML,
    },
}
FORMAT_VALUES = sorted({name for names in _FORMAT_NAMES.values() for name in names})


class NotAcceptable(Exception):
    """No offered format fits what the client accepts."""


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float

    def match(self, media_type: str) -> int:
        """How specifically this range matches ``media_type``: 3 exact, 2 type/*, 1 */*, 0 not."""
        main, _, sub = media_type.partition("/")
        if self.type == "*" and self.subtype == "*":
            return 1
        if self.type == main and self.subtype == "*":
            return 2
        if self.type == main and self.subtype == sub:
            return 3
        return 0


def parse_accept(header: str | None) -> list[MediaRange]:
    """Parse an Accept header; a missing or empty one accepts everything.

    >>> parse_accept("text/turtle;q=0.5, */*;q=0.1")
    [MediaRange(type='text', subtype='turtle', q=0.5), MediaRange(type='*', subtype='*', q=0.1)]
    """
    ranges: list[MediaRange] = []
    for part in (header or "").split(","):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        if media == "*":  # seen in the wild; means */*
            media = "*/*"
        main, slash, sub = media.partition("/")
        if not slash or not main or not sub:
            continue
        q = 1.0
        for param in pieces[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(main, sub, q))
    return ranges or [MediaRange("*", "*", 1.0)]


def negotiate(accept: str | None, offers: tuple[Format, ...]) -> Format:
    """Pick the offer the client prefers: highest q, then most specific match, then our order.

    >>> negotiate("application/rdf+xml", OFFERS[GRAPH]).name
    'rdfxml'
    >>> negotiate("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", OFFERS[GRAPH]).name
    'rdfxml'
    >>> negotiate(None, OFFERS[SOLUTIONS]).name
    'json'

    :raises NotAcceptable: if every offer has q=0 or matches no range.
    """
    ranges = parse_accept(accept)
    best: tuple[float, int, int] | None = None
    chosen: Format | None = None
    for index, offer in enumerate(offers):
        score: tuple[float, int] | None = None
        for media_type in offer.media_types():
            # The most specific range decides the q of a media type (RFC 9110, 12.5.1).
            # Aliases (application/json for JSON-LD) count only when named exactly, so a
            # wildcard like text/* picks text/csv, not SPARQL XML by its text/xml alias.
            exact_only = media_type != offer.media_type
            matches = [
                (r.match(media_type), r.q)
                for r in ranges
                if r.match(media_type) and (r.match(media_type) == 3 or not exact_only)
            ]
            if not matches:
                continue
            specificity, q = max(matches)
            if score is None or (q, specificity) > score:
                score = (q, specificity)
        if score is None or score[0] <= 0:
            continue
        key = (score[0], score[1], -index)
        if best is None or key > best:
            best, chosen = key, offer
    if chosen is None:
        raise NotAcceptable(accept or "")
    return chosen


def by_name(family: str, value: str) -> Format | None:
    """The format a ``format`` parameter names for a family, or None if it names none.

    The value may be a short name (``json``, ``ttl``) or a media type.
    """
    value = value.strip().lower()
    if value in _FORMAT_NAMES[family]:
        return _FORMAT_NAMES[family][value]
    for offer in OFFERS[family]:
        if value in offer.media_types():
            return offer
    return None


def is_known_format_value(value: str) -> bool:
    """Whether a ``format`` parameter names a format of any family."""
    return any(by_name(family, value) for family in OFFERS)


def choose(accept: str | None, format_param: str | None) -> dict[str, str | None]:
    """For each family, the name of the format to answer in, or None if none fits."""
    chosen: dict[str, str | None] = {}
    for family, offers in OFFERS.items():
        if format_param:
            fmt = by_name(family, format_param)
            chosen[family] = fmt.name if fmt else None
            continue
        try:
            chosen[family] = negotiate(accept, offers).name
        except NotAcceptable:
            chosen[family] = None
    return chosen


def get(family: str, name: str) -> Format:
    """The offered format of a family by its short name."""
    return next(f for f in OFFERS[family] if f.name == name)
