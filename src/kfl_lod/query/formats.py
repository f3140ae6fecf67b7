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


# Aliases are the media types clients really send for a format; each counts only when a client
# names it exactly (never through a wildcard). Turtle is valid N3, so N3 clients (rdflib's
# format="n3", SPARQLWrapper's N3) get Turtle; N-Triples is valid N-Quads and is what rdflib's
# format="nt" asks for as text/plain.
JSON = Format("json", "application/sparql-results+json", ("application/json",), "srj")
XML = Format("xml", "application/sparql-results+xml", ("application/xml", "text/xml"), "srx")
CSV = Format("csv", "text/csv", (), "csv")
TSV = Format("tsv", "text/tab-separated-values", (), "tsv")
TURTLE = Format(
    "turtle",
    "text/turtle",
    ("application/x-turtle", "application/turtle", "text/n3", "text/rdf+n3", "application/n3"),
    "ttl",
)
NTRIPLES = Format("ntriples", "application/n-triples", ("text/plain", "application/n-quads"), "nt")
JSONLD = Format("jsonld", "application/ld+json", ("application/json", "application/x-json+ld"), "jsonld")
RDFXML = Format("rdfxml", "application/rdf+xml", ("application/xml", "text/xml"), "rdf")
HTML = Format("html", "text/html", ("application/xhtml+xml",), "html")

OFFERS: dict[str, tuple[Format, ...]] = {
    SOLUTIONS: (JSON, XML, CSV, TSV),
    BOOLEAN: (JSON, XML, CSV, TSV),  # ASK as CSV/TSV: one column, as Jena/Fuseki answers
    GRAPH: (TURTLE, NTRIPLES, JSONLD, RDFXML),
}

# Values of the ``format`` parameter, per family ("xml" and "json" mean different
# formats for solutions and for graphs, as clients expect).
_FORMAT_NAMES: dict[str, dict[str, Format]] = {
    SOLUTIONS: {"json": JSON, "srj": JSON, "xml": XML, "srx": XML, "csv": CSV, "tsv": TSV},
    BOOLEAN: {"json": JSON, "srj": JSON, "xml": XML, "srx": XML, "csv": CSV, "tsv": TSV},
    GRAPH: {
        "turtle": TURTLE,
        "ttl": TURTLE,
        "n3": TURTLE,
        "ntriples": NTRIPLES,
        "n-triples": NTRIPLES,
        "nt": NTRIPLES,
        "jsonld": JSONLD,
        "json-ld": JSONLD,
        "json": JSONLD,
        "rdfxml": RDFXML,
        "rdf": RDFXML,
        "rdf+xml": RDFXML,
        "xml": RDFXML,
    },
}
FORMAT_VALUES = sorted({name for names in _FORMAT_NAMES.values() for name in names})


class NotAcceptable(Exception):
    """No offered format fits what the client accepts."""


class ConflictingFormats(ValueError):
    """Several ``format`` parameters name different formats for the same kind of answer."""


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
        score = _score(ranges, offer)
        if score is None or score[0] <= 0:
            continue
        key = (score[0], score[1], -index)
        if best is None or key > best:
            best, chosen = key, offer
    if chosen is None:
        raise NotAcceptable(accept or "")
    return chosen


def _score(ranges: list[MediaRange], offer: Format, exact_only: bool = False) -> tuple[float, int] | None:
    """(q, specificity) of the best range matching one of an offer's media types, or None."""
    score: tuple[float, int] | None = None
    for media_type in offer.media_types():
        # The most specific range decides the q of a media type (RFC 9110, 12.5.1).
        # Aliases (application/json for JSON-LD, text/plain for N-Triples) count only when
        # named exactly, so a wildcard like text/* picks text/csv, not SPARQL XML by its
        # text/xml alias, and rdflib's "text/plain, */*;q=0.1" gets N-Triples, not HTML.
        exact = exact_only or media_type != offer.media_type
        matches = [
            (r.match(media_type), r.q)
            for r in ranges
            if r.match(media_type) and (r.match(media_type) == 3 or not exact)
        ]
        if not matches:
            continue
        specificity, q = max(matches)
        if score is None or (q, specificity) > score:
            score = (q, specificity)
    return score


def _candidates(value: str) -> list[str]:
    """The names a ``format`` value may stand for: itself, or each item of a list a client copied from Accept.

    A ``+`` sent unencoded in a query string arrives as a space (``application/rdf xml``, ``rdf xml``).

    >>> _candidates(" application/rdf xml ")
    ['application/rdf+xml']
    >>> _candidates("application/ld+json,application/x-json+ld;q=0.9")
    ['application/ld+json', 'application/x-json+ld']
    """
    out = []
    for item in value.split(","):
        name = item.split(";")[0].strip().lower().replace(" ", "+")  # no name has a space
        if name:
            out.append(name)
    return out


def by_name(family: str, value: str) -> Format | None:
    """The format a ``format`` parameter names for a family, or None if it names none.

    The value may be a short name (``json``, ``ttl``, ``n3``, ``rdf+xml``) or a media type
    (an alias too: ``text/n3``, ``application/turtle``), or a comma-separated list of them.

    >>> by_name(GRAPH, "rdf+xml").name, by_name(GRAPH, "text/rdf n3").name, by_name(BOOLEAN, "tsv").name
    ('rdfxml', 'turtle', 'tsv')
    """
    for name in _candidates(value):
        if name in _FORMAT_NAMES[family]:
            return _FORMAT_NAMES[family][name]
        for offer in OFFERS[family]:
            if name in offer.media_types():
                return offer
    return None


def is_known_format_value(value: str) -> bool:
    """Whether a ``format`` parameter names a format of any family."""
    return any(by_name(family, value) for family in OFFERS)


def from_parameters(family: str, values: list[str]) -> Format | None:
    """The one format that the ``format``/``output``/``results`` values name for a family.

    Clients repeat the parameter (SPARQLWrapper sends ``format=rdf+xml&format=application/rdf+xml``,
    and an empty value when it has no media type): empty values are ignored, values naming
    no format of this family are left to ``Accept``, and only values naming two different
    formats of the family are refused.

    >>> from_parameters(GRAPH, ["rdf+xml", "application/rdf+xml", ""]).name
    'rdfxml'
    >>> from_parameters(SOLUTIONS, ["json-ld", ""]) is None
    True

    :raises ConflictingFormats: if two values name different formats of the family.
    """
    found: dict[str, Format] = {}
    for value in values:
        fmt = by_name(family, value) if value.strip() else None
        if fmt is not None:
            found.setdefault(fmt.name, fmt)
    if len(found) > 1:
        raise ConflictingFormats(
            f"The format parameters name different formats for one answer: {', '.join(sorted(found))}."
        )
    return next(iter(found.values()), None)


def choose(accept: str | None, format_params: str | list[str] | None) -> dict[str, str | None]:
    """For each family, the name of the format to answer in, or None if none fits.

    A ``format`` parameter naming a format of the family wins; otherwise ``Accept`` decides.

    :raises ConflictingFormats: if the parameters disagree.
    """
    values = [format_params] if isinstance(format_params, str) else list(format_params or [])
    chosen: dict[str, str | None] = {}
    for family, offers in OFFERS.items():
        fmt = from_parameters(family, values)
        if fmt is not None:
            chosen[family] = fmt.name
            continue
        try:
            chosen[family] = negotiate(accept, offers).name
        except NotAcceptable:
            chosen[family] = None
    return chosen


def wants_html(accept: str | None) -> bool:
    """Whether a browser asks for HTML before any result format: text/html named exactly, at the top q.

    Clients sending ``*/*`` never get HTML; a browser's form submission does.

    >>> wants_html("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    True
    >>> wants_html("*/*"), wants_html(None), wants_html("application/sparql-results+json,*/*;q=0.9")
    (False, False, False)
    """
    if not accept:
        return False
    ranges = parse_accept(accept)
    html = _score(ranges, HTML, exact_only=True)
    if html is None or html[0] <= 0:
        return False
    others = [_score(ranges, offer) for offer in (*OFFERS[SOLUTIONS], *OFFERS[GRAPH])]
    return all(score is None or score[0] <= html[0] for score in others)


def get(family: str, name: str) -> Format:
    """The offered format of a family by its short name."""
    return next(f for f in OFFERS[family] if f.name == name)
