"""Describe any published thing for a person: its kind, its facts as labelled rows, its JSON-LD.

Everything is read from the release's index (itself read from the store); nothing here
builds a query from a URL, so no request can change what is asked of the store.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef

from ..jsonld import to_jsonld
from ..namespaces import (
    ADMS,
    DCAT,
    DCATAP,
    DCTERMS,
    FOAF,
    GEO,
    PROV,
    RDF_TYPE,
    RDFS,
    SCHEMA,
    SKOS,
    SPDX,
    VCARD,
    VOID,
    XSD,
    compact,
)
from ..pages_index import Index, Node
from .i18n import text

# Labels of the properties from other vocabularies that our data uses (ours come from the store).
PROPERTY_LABELS: dict[str, tuple[str, str]] = {
    RDF_TYPE: ("rodzaj zasobu", "type"),
    SCHEMA + "name": ("nazwa", "name"),
    SCHEMA + "alternateName": ("nazwa skrócona", "alternate name"),
    SCHEMA + "description": ("opis", "description"),
    SCHEMA + "identifier": ("identyfikator", "identifier"),
    SCHEMA + "url": ("strona internetowa", "website"),
    SCHEMA + "email": ("e-mail", "e-mail"),
    SCHEMA + "telephone": ("telefon", "phone"),
    SCHEMA + "contactPoint": ("kontakt", "contact point"),
    SCHEMA + "contactType": ("rodzaj kontaktu", "contact type"),
    SCHEMA + "location": ("lokalizacja", "location"),
    SCHEMA + "parentOrganization": ("organizator", "parent organisation"),
    SCHEMA + "additionalType": ("rodzaj", "type"),
    SCHEMA + "sameAs": ("to samo co", "same as"),
    SCHEMA + "address": ("adres", "address"),
    SCHEMA + "streetAddress": ("ulica i numer", "street address"),
    SCHEMA + "postalCode": ("kod pocztowy", "postal code"),
    SCHEMA + "addressLocality": ("miejscowość", "locality"),
    SCHEMA + "addressCountry": ("kraj", "country"),
    SCHEMA + "geo": ("współrzędne", "coordinates"),
    SCHEMA + "latitude": ("szerokość geograficzna", "latitude"),
    SCHEMA + "longitude": ("długość geograficzna", "longitude"),
    SCHEMA + "containedInPlace": ("położone w", "contained in"),
    SCHEMA + "openingHours": ("godziny otwarcia", "opening hours"),
    SCHEMA + "amenityFeature": ("udogodnienie", "amenity"),
    SCHEMA + "value": ("wartość", "value"),
    SCHEMA + "maximumAttendeeCapacity": ("liczba miejsc", "capacity"),
    SCHEMA + "floorSize": ("powierzchnia", "floor area"),
    SCHEMA + "unitCode": ("kod jednostki", "unit code"),
    SCHEMA + "unitText": ("jednostka", "unit"),
    SCHEMA + "isAccessibleForFree": ("bezpłatnie", "free of charge"),
    SCHEMA + "organizer": ("organizator", "organiser"),
    SCHEMA + "startDate": ("data", "date"),
    SCHEMA + "areaServed": ("obszar", "area served"),
    RDFS + "label": ("etykieta", "label"),
    RDFS + "comment": ("objaśnienie", "comment"),
    RDFS + "range": ("zakres wartości", "range"),
    RDFS + "subClassOf": ("podklasa", "subclass of"),
    RDFS + "isDefinedBy": ("zdefiniowane w", "defined by"),
    SKOS + "prefLabel": ("nazwa", "label"),
    SKOS + "definition": ("definicja", "definition"),
    SKOS + "inScheme": ("w słowniku", "in scheme"),
    SKOS + "topConceptOf": ("pojęcie główne słownika", "top concept of"),
    SKOS + "hasTopConcept": ("pojęcie", "concept"),
    SKOS + "notation": ("kod", "notation"),
    DCTERMS + "source": ("źródło", "source"),
    DCTERMS + "title": ("tytuł", "title"),
    DCTERMS + "description": ("opis", "description"),
    DCTERMS + "license": ("licencja", "licence"),
    DCTERMS + "rights": ("prawa", "rights"),
    DCTERMS + "publisher": ("wydawca", "publisher"),
    DCTERMS + "issued": ("data wydania", "issued"),
    DCTERMS + "modified": ("data zmiany", "modified"),
    DCTERMS + "language": ("język", "language"),
    DCTERMS + "format": ("format", "format"),
    DCTERMS + "identifier": ("identyfikator", "identifier"),
    DCTERMS + "spatial": ("obszar", "spatial coverage"),
    DCTERMS + "temporal": ("okres", "temporal coverage"),
    DCTERMS + "accrualPeriodicity": ("częstotliwość aktualizacji", "update frequency"),
    DCTERMS + "conformsTo": ("zgodne z", "conforms to"),
    DCTERMS + "hasVersion": ("wersja", "version"),
    DCTERMS + "isVersionOf": ("wersja zbioru", "version of"),
    DCAT + "dataset": ("zbiór danych", "dataset"),
    DCAT + "distribution": ("dystrybucja", "distribution"),
    DCAT + "downloadURL": ("adres pobrania", "download URL"),
    DCAT + "accessURL": ("adres dostępu", "access URL"),
    DCAT + "mediaType": ("typ pliku", "media type"),
    DCAT + "byteSize": ("rozmiar w bajtach", "size in bytes"),
    DCAT + "contactPoint": ("kontakt", "contact point"),
    DCAT + "keyword": ("słowo kluczowe", "keyword"),
    DCAT + "theme": ("temat", "theme"),
    DCAT + "landingPage": ("strona zbioru", "landing page"),
    DCAT + "version": ("wersja", "version"),
    GEO + "hasGeometry": ("geometria", "geometry"),
    GEO + "asWKT": ("geometria (WKT)", "geometry (WKT)"),
    # The catalogue and VoID descriptions (dataset, distributions, SPARQL service).
    DCTERMS + "accessRights": ("prawa dostępu", "access rights"),
    DCTERMS + "creator": ("autor", "creator"),
    DCTERMS + "date": ("data", "date"),
    DCTERMS + "provenance": ("pochodzenie danych", "provenance"),
    DCTERMS + "type": ("typ", "type"),
    RDFS + "seeAlso": ("zobacz też", "see also"),
    DCAT + "endpointDescription": ("opis usługi", "endpoint description"),
    DCAT + "endpointURL": ("adres usługi", "endpoint URL"),
    DCAT + "hasCurrentVersion": ("bieżąca wersja", "current version"),
    DCAT + "servesDataset": ("udostępnia zbiór", "serves dataset"),
    DCAT + "service": ("usługa danych", "data service"),
    DCAT + "themeTaxonomy": ("słownik tematów", "theme taxonomy"),
    ADMS + "versionNotes": ("opis wersji", "version notes"),
    VOID + "class": ("klasa", "class"),
    VOID + "classPartition": ("podzbiór według klasy", "class partition"),
    VOID + "classes": ("liczba klas", "number of classes"),
    VOID + "dataDump": ("zrzut danych", "data dump"),
    VOID + "distinctObjects": ("liczba różnych obiektów", "distinct objects"),
    VOID + "distinctSubjects": ("liczba różnych podmiotów", "distinct subjects"),
    VOID + "entities": ("liczba zasobów", "number of entities"),
    VOID + "exampleResource": ("przykładowy zasób", "example resource"),
    VOID + "feature": ("cecha", "feature"),
    VOID + "properties": ("liczba właściwości", "number of properties"),
    VOID + "property": ("właściwość", "property"),
    VOID + "propertyPartition": ("podzbiór według właściwości", "property partition"),
    VOID + "sparqlEndpoint": ("punkt dostępowy SPARQL", "SPARQL endpoint"),
    VOID + "subset": ("podzbiór", "subset"),
    VOID + "triples": ("liczba trójek", "number of triples"),
    VOID + "uriSpace": ("przestrzeń adresów URI", "URI space"),
    VOID + "vocabulary": ("słownik", "vocabulary"),
    VCARD + "fn": ("nazwa", "name"),
    VCARD + "hasAddress": ("adres", "address"),
    VCARD + "hasEmail": ("e-mail", "e-mail"),
    VCARD + "street-address": ("ulica i numer", "street address"),
    VCARD + "postal-code": ("kod pocztowy", "postal code"),
    VCARD + "locality": ("miejscowość", "locality"),
    VCARD + "country-name": ("kraj", "country"),
    FOAF + "homepage": ("strona główna", "home page"),
    FOAF + "name": ("nazwa", "name"),
    FOAF + "page": ("strona", "page"),
    FOAF + "primaryTopic": ("główny temat", "primary topic"),
    PROV + "atLocation": ("miejsce", "location"),
    PROV + "used": ("wykorzystano", "used"),
    PROV + "wasDerivedFrom": ("pochodzi z", "derived from"),
    SPDX + "checksum": ("suma kontrolna", "checksum"),
    SPDX + "algorithm": ("algorytm", "algorithm"),
    SPDX + "checksumValue": ("wartość sumy kontrolnej", "checksum value"),
    DCATAP + "availability": ("planowana dostępność", "planned availability"),
}


@dataclass
class Value:
    """One value of a property as shown: its text, and where it links to."""

    text: str
    href: str = ""
    lang: str = ""
    external: bool = False


@dataclass
class Row:
    label: str
    values: list[Value]


@dataclass
class Section:
    """The rows of one node: the thing itself or one of its #fragment parts."""

    anchor: str
    title: str
    rows: list[Row] = field(default_factory=list)


def property_label(index: Index, predicate: str, lang: str) -> str:
    """The label of a property: ours from the store, others from the table above."""
    if predicate in PROPERTY_LABELS:
        pl, en = PROPERTY_LABELS[predicate]
        return en if lang == "en" else pl
    return index.label(predicate, lang) or compact(predicate)


def sections(index: Index, iri: str, lang: str, link: Callable[[str], str]) -> list[Section]:
    """Every fact the store holds about ``iri`` and its ``#fragment`` parts, labelled."""
    out = []
    parts = [iri, *index.nodes.fragments(iri)]
    holders = _holders(index, parts)
    for part in parts:
        node = index.nodes.get(part)
        if node is None:
            continue
        anchor = part[len(iri) + 1 :] if part != iri else ""
        held_by = property_label(index, holders[part], lang) if part in holders else ""
        section = Section(anchor, index.label(part, lang) or held_by or compact(part))
        rows: list[Row] = []
        for predicate in sorted(node.values, key=lambda p: (p != RDF_TYPE, property_label(index, p, lang))):
            values = _values(index, node, predicate, iri, lang, link)
            if values:
                rows.append(Row(property_label(index, predicate, lang), values))
        section.rows = rows
        out.append(section)
    return out


def _holders(index: Index, parts: list[str]) -> dict[str, str]:
    """For each ``#fragment`` part, the property through which the thing (or another part) holds it.

    A part without a label of its own is named by it ("powierzchnia #floor-size").
    """
    wanted = set(parts[1:])
    held: dict[str, str] = {}
    for part in parts:
        node = index.nodes.get(part)
        if node is None:
            continue
        for predicate in sorted(node.values):
            for term in node.values[predicate]:
                if isinstance(term, ox.NamedNode) and term.value in wanted:
                    held.setdefault(term.value, predicate)
    return held


def _values(index: Index, node: Node, predicate: str, iri: str, lang: str, link: Callable[[str], str]) -> list[Value]:
    terms = node.values[predicate]
    langs = {t.language for t in terms if isinstance(t, ox.Literal) and t.language}
    keep = lang if lang in langs else ("pl" if "pl" in langs else "")
    out: list[Value] = []
    for term in sorted(terms, key=str):
        if isinstance(term, ox.Literal):
            if term.language and keep and term.language != keep:
                continue
            shown = term.value
            if term.datatype.value == XSD + "boolean":
                shown = text("yes" if term.value in ("true", "1") else "no", lang)
            out.append(Value(shown, lang=term.language or ""))
        elif isinstance(term, ox.NamedNode):
            target = term.value
            if target.startswith(iri + "#"):
                out.append(Value(index.label(target, lang) or target[len(iri) :], href=target[len(iri) :]))
            elif target.startswith(index.base):
                out.append(Value(index.label(target, lang) or compact(target), href=link(target)))
            else:
                label = index.label(target, lang) or compact(target)
                out.append(
                    Value(label, href=target if target.startswith(("http://", "https://")) else "", external=True)
                )
    return out


def jsonld(index: Index, iri: str) -> str:
    """The thing's compact JSON-LD (as published), ready to embed in a ``<script>`` element.

    ``<``, ``>`` and ``&`` are written as JSON escapes, so no value can close the element.
    """
    graph = Graph(bind_namespaces="none")
    for part in [iri, *index.nodes.fragments(iri)]:
        node = index.nodes.get(part)
        if node is None:
            continue
        for predicate, terms in node.values.items():
            for term in terms:
                graph.add((URIRef(part), URIRef(predicate), _rdflib(term)))
    document: dict[str, Any] = json.loads(to_jsonld(graph, index.base))
    nodes = document.get("@graph", [])
    if len(nodes) == 1:
        document = {"@context": document["@context"], **nodes[0]}
    dumped = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return dumped.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _rdflib(term: Any) -> Any:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == XSD + "string":
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def title(index: Index, iri: str, lang: str) -> str:
    """The heading of a thing's page."""
    return index.label(iri, lang) or iri.rsplit("/", 1)[-1] or iri
