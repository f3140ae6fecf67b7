"""Namespaces and the shape of our IRIs, stated once; imports nothing of ours and no RDF library.

``PREFIXES`` is the one table of namespace IRIs; every module that writes or reads a
prefixed name takes it from here (rdflib ``Namespace`` objects are made from it in
``vocab``). ``parse_iri`` is the one reader of the IRIs we mint (``vocab.Iris`` mints them).
"""

from __future__ import annotations

from typing import NamedTuple

# prefix -> namespace IRI. Our own terms ("kfl:") live under the base: see ``own_terms``.
PREFIXES: dict[str, str] = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "geo": "http://www.opengis.net/ont/geosparql#",
    "void": "http://rdfs.org/ns/void#",
    "prov": "http://www.w3.org/ns/prov#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "sh": "http://www.w3.org/ns/shacl#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "adms": "http://www.w3.org/ns/adms#",
    "spdx": "http://spdx.org/rdf/terms#",
    "dcatap": "http://data.europa.eu/r5r/",
    "formats": "http://www.w3.org/ns/formats/",
}

RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
XSD = PREFIXES["xsd"]
OWL = PREFIXES["owl"]
SCHEMA = PREFIXES["schema"]
SKOS = PREFIXES["skos"]
DCTERMS = PREFIXES["dct"]
DCAT = PREFIXES["dcat"]
GEO = PREFIXES["geo"]
VOID = PREFIXES["void"]
PROV = PREFIXES["prov"]
FOAF = PREFIXES["foaf"]
SH = PREFIXES["sh"]
VCARD = PREFIXES["vcard"]
ADMS = PREFIXES["adms"]
SPDX = PREFIXES["spdx"]
DCATAP = PREFIXES["dcatap"]
RDF_TYPE = RDF + "type"

OWN_PREFIX = "kfl"
# Kinds of record, by the first segment of their IRI path: institution/{id} and so on.
RECORD_KINDS = ("institution", "venue", "space", "practice")


def own_terms(base: str) -> str:
    """The namespace of our own terms under a base (``kfl:``).

    >>> own_terms("https://x.org/")
    'https://x.org/def/'
    """
    return base + "def/"


def prefixes(base: str, names: tuple[str, ...] | None = None) -> dict[str, str]:
    """The prefix table (or the named part of it, in that order) with ``kfl:`` for ``base``."""
    chosen = {n: PREFIXES[n] for n in names} if names is not None else dict(PREFIXES)
    return {**chosen, OWN_PREFIX: own_terms(base)}


def compact(iri: str, table: dict[str, str] | None = None, sep: str = ":") -> str:
    """Write an IRI as prefix:local with the longest matching namespace of ``table``, else in full.

    >>> compact("https://schema.org/Place"), compact("https://x.org/def/Space", prefixes("https://x.org/"))
    ('schema:Place', 'kfl:Space')
    >>> compact("https://schema.org/")
    'https://schema.org/'
    """
    for prefix, namespace in sorted((table or PREFIXES).items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(namespace) and iri != namespace:
            return f"{prefix}{sep}{iri[len(namespace) :]}"
    return iri


class Parsed(NamedTuple):
    """What an IRI under the base names: its kind, its key and its #fragment."""

    kind: str  # institution, venue, space, practice, district, scheme, concept, term, thing; "" outside the base
    key: str  # the id, number, scheme slug, "scheme/concept" or term name; the path for "thing"
    fragment: str = ""  # "address" for venue/x#address


def parse_iri(iri: str, base: str) -> Parsed:
    """Say what kind of thing an IRI under ``base`` names, its key and fragment.

    >>> parse_iri("https://x.org/space/sala-1", "https://x.org/")
    Parsed(kind='space', key='sala-1', fragment='')
    >>> parse_iri("https://x.org/venue/a#address", "https://x.org/")
    Parsed(kind='venue', key='a', fragment='address')
    >>> parse_iri("https://x.org/vocab/sharing-mode/wspolorganizacja", "https://x.org/")
    Parsed(kind='concept', key='sharing-mode/wspolorganizacja', fragment='')
    >>> parse_iri("https://elsewhere.org/space/a", "https://x.org/")
    Parsed(kind='', key='', fragment='')
    """
    if not iri.startswith(base):
        return Parsed("", "")
    path, _, fragment = iri[len(base) :].partition("#")
    head, _, rest = path.partition("/")
    if head in (*RECORD_KINDS, "district") and rest and "/" not in rest:
        return Parsed(head, rest, fragment)
    if head == "vocab" and rest:
        return Parsed("concept" if "/" in rest else "scheme", rest, fragment)
    if head == "def":
        return Parsed("term", rest, fragment)
    return Parsed("thing", path, fragment)
