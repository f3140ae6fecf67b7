"""The HTML pages NGOs use: search (the home page, with its map), good practices, about the
data, and one page for every published thing (called by the resources blueprint).

Every page reads the release's index, built from the same store the SPARQL endpoint
answers from. Templates escape every value (Jinja autoescaping); the JSON-LD and the map
data are embedded as JSON with ``<``, ``>`` and ``&`` escaped.
"""

from __future__ import annotations

import dataclasses
import hashlib
import mimetypes
from collections import Counter
from datetime import date
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit

import numpy as np
from flask import Blueprint, Response, abort, current_app, make_response, render_template, request
from flask_compress import Compress
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from .. import names
from ..namespaces import compact, parse_iri
from ..pages_columns import NO_CAPACITY, UNKNOWN, derived_district
from ..pages_index import Index, SpaceEntry, VenueEntry, open_index
from ..words import fold
from . import cacheable, current_release, describe, i18n, search
from . import settings as current_settings
from .release import Release

bp = Blueprint("pages", __name__, template_folder="templates")

STATIC = Path(__file__).with_name("static")
# What goes out compressed: our pages, scripts, styles and SVG.
COMPRESSED = ("text/html", "text/css", "text/javascript", "application/javascript", "image/svg+xml")
# Versioned static files (?v=<hash of the file>) never change: a browser keeps them a year.
STATIC_FOREVER = "public, max-age=31536000, immutable"
STATIC_SHORT = "public, max-age=3600"
# The map background (setting map_tiles, OpenStreetMap's by default) is the only outside origin.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:{tiles}; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def tiles_origin(template: str) -> str:
    """The origin of a tile URL template, for the CSP ('{s}.' subdomains become '*.').

    >>> tiles_origin("https://{s}.tile.example.org/{z}/{x}/{y}.png"), tiles_origin("")
    ('https://*.tile.example.org', '')
    """
    if not template.startswith(("https://", "http://")):
        return ""
    scheme, _, rest = template.partition("://")
    host = rest.split("/", 1)[0].replace("{s}.", "*.")
    return f"{scheme}://{host}"


COOKIE_AGE = 365 * 24 * 3600
# The language of the values in the source tables (names, descriptions, conditions).
SOURCE_LANG = "pl"
# Where a submitted search lands: the results, not the top of the form (long on a phone).
RESULTS_ANCHOR = "wyniki"
# IRIs under the base that other routes serve as they are (no .html document).
DIRECT = ("sparql", "changes", "dumps/", ".well-known/")
# EU licence vocabulary IRIs we can name in words.
LICENCES = {
    "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0": (
        "Creative Commons Uznanie autorstwa 4.0 (CC BY 4.0)",
        "Creative Commons Attribution 4.0 (CC BY 4.0)",
        "https://creativecommons.org/licenses/by/4.0/deed.pl",
    ),
    "http://publications.europa.eu/resource/authority/licence/CC0": (
        "Creative Commons CC0 1.0 (domena publiczna)",
        "Creative Commons CC0 1.0 (public domain)",
        "https://creativecommons.org/publicdomain/zero/1.0/deed.pl",
    ),
}
# What each published file is, for the download list.
FILES = {
    names.TURTLE: "Turtle (RDF)",
    names.NTRIPLES: "N-Triples (RDF)",
    names.JSONLD: "JSON-LD",
    names.CONTEXT: "JSON-LD @context",
    names.CSV: "CSV",
    names.CSV_METADATA: "CSV on the Web (metadata)",
    names.GEOJSON: "GeoJSON",
    names.CATALOG_TURTLE: "DCAT-AP (Turtle)",
    names.CATALOG_JSONLD: "DCAT-AP (JSON-LD)",
    names.CATALOG_RDFXML: "DCAT-AP (RDF/XML)",
    names.CATALOG_NTRIPLES: "DCAT-AP (N-Triples)",
    names.VOID_TURTLE: "VoID (Turtle)",
    names.VOID_NTRIPLES: "VoID (N-Triples)",
    names.SHACL_REPORT: "SHACL report (Turtle)",
    names.SUMS: "SHA-256",
}
# Search parameter -> the interface text naming it.
PARAM_LABELS = {
    search.Q: "q",
    search.DISTRICT: "district",
    search.TYPE: "type",
    search.PEOPLE: "people",
    search.FREE: "free",
    search.MODE: "modes",
    search.EQUIPMENT: "equipment",
    search.STEP_FREE: "step_free",
    search.HIDE_EXAMPLES: "hide_examples",
    search.PAGE: "page_param",
}
# How many of the largest rooms the home page shows as a start.
START_ROOMS = 5
INDEX_WAIT = 60.0  # seconds a page waits for the pages' index being read (a 100k release: ~1 s)
MAP_SPACES = 500  # rooms whose places a search page's map carries at most (the first ones of the list)


@bp.record
def _routes(state) -> None:
    # The pages live under the path of the base IRI, whatever host serves them.
    prefix = state.app.config["KFL_SETTINGS"].base_path.rstrip("/")
    state.add_url_rule(prefix + "/", "search", search_page)
    state.add_url_rule(prefix + "/praktyki", "practices", practices_page)
    state.add_url_rule(prefix + "/o-danych", "about", about_page)
    state.add_url_rule(prefix + "/deklaracja-dostepnosci", "accessibility", accessibility_page)
    state.add_url_rule(prefix + "/static/<path:filename>", "static_file", static_file)
    # Pages, scripts and styles go out compressed (brotli where the client accepts it, else gzip);
    # registered here, not app-wide, so the SPARQL and dump answers keep their own encodings.
    config = state.app.config
    config.setdefault("COMPRESS_REGISTER", False)
    config.setdefault("COMPRESS_MIMETYPES", list(COMPRESSED))
    config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    config.setdefault("COMPRESS_BR_LEVEL", 5)
    config.setdefault("COMPRESS_LEVEL", 6)
    config.setdefault("COMPRESS_MIN_SIZE", 500)
    state.app.extensions["kfl_compress"] = Compress(state.app)


@bp.after_app_request
def _compress(response: Response) -> Response:
    """Compress our pages, scripts and styles (not other blueprints' answers, which set their own)."""
    compress = current_app.extensions.get("kfl_compress")
    if compress is None or response.mimetype not in COMPRESSED or response.is_streamed:
        return response
    response = compress.after_request(response)
    if response.headers.get("Content-Encoding") == "gzip" and not response.is_streamed:
        # Flask-Compress stamps the gzip header with the time of compressing: zero it (RFC 1952:
        # no time), so the same page is the same bytes and the same ETag at any second, and a
        # revalidation with the gzip ETag matches the next render and the kept 200 alike.
        data = response.get_data()
        if data[:2] == b"\x1f\x8b" and len(data) > 10:
            response.set_data(data[:4] + b"\0\0\0\0" + data[8:])
    return response


class Page:
    """What every template needs: the language, its texts, and links that keep the language."""

    def __init__(self) -> None:
        self.settings = current_settings()
        self.choice = i18n.choose(request, self.settings.language)
        self.lang = self.choice.lang
        self.index: Index = current_index()
        self.base_path = self.settings.base_path
        self.other_lang = "en" if self.lang == "pl" else "pl"

    def t(self, key: str, **values: object) -> str:
        return i18n.text(key, self.lang, **values)

    @property
    def source_lang(self) -> Markup:
        """A ``lang`` attribute for source values when the page is in another language (WCAG 3.1.2)."""
        return Markup(f' lang="{SOURCE_LANG}"') if self.lang != SOURCE_LANG else Markup("")

    def _keep(self, url: str, params: list[tuple[str, str]] | None = None) -> str:
        params = list(params or [])
        if self.choice.explicit:
            params.append(("lang", self.lang))
        return url + ("?" + urlencode(params) if params else "")

    def url(self, name: str, params: list[tuple[str, str]] | None = None) -> str:
        """A link to one of our pages ('search', 'practices', 'about'), keeping the language."""
        path = {"search": "", "practices": "praktyki", "about": "o-danych", "accessibility": "deklaracja-dostepnosci"}[
            name
        ]
        return self._keep(self.base_path + path, params)

    def link(self, iri: str) -> str:
        """A link to the HTML page of a thing we publish (or the IRI itself if not ours)."""
        if not iri.startswith(self.index.base):
            return iri
        thing, _, fragment = iri.partition("#")
        rest = thing[len(self.index.base) :]
        anchor = f"#{fragment}" if fragment else ""
        if thing not in self.index.nodes or rest == "" or rest.startswith(DIRECT):
            # Served by a route of its own (home, SPARQL, changes, files), not as a described thing.
            return (
                self._keep(self.base_path + rest) + anchor
                if rest in ("", "changes")
                else self.base_path + rest + anchor
            )
        return self._keep(self.base_path + rest + ".html") + anchor

    def document(self, iri: str, extension: str) -> str:
        """The path of a thing's document in another format (.ttl, .jsonld, .nt)."""
        return self.base_path + iri[len(self.index.base) :] + extension

    def static(self, name: str) -> str:
        """The versioned address of a static file (its hash in the query: cached for a year)."""
        version = static_version(name)
        return self.base_path + "static/" + name + (f"?v={version}" if version else "")

    @property
    def tiles(self) -> str:
        return self.settings.map_tiles

    @property
    def attribution(self) -> str:
        """The map's credit as HTML (Leaflet shows it as such): our escaped text and link."""
        text, url = self.settings.map_tiles_attribution, self.settings.map_tiles_attribution_url
        if url.startswith(("https://", "http://")):
            return str(Markup('<a href="{}">{}</a>').format(url, text))
        return str(escape(text))

    def absolute(self, path: str) -> str:
        """An absolute address for a path of ours (for meta tags read outside the page)."""
        return urljoin(self.settings.base, path)

    def here(self, lang: str) -> str:
        """The current page in ``lang`` (the language switch)."""
        params = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
        return local_path(request.path) + "?" + urlencode(params + [("lang", lang)])

    def label(self, iri: str) -> str:
        concept = self.index.concept(iri)
        if concept is not None:
            return concept.label(self.lang)
        return self.index.label(iri, self.lang) or compact(iri)

    def definition(self, iri: str) -> str:
        concept = self.index.concept(iri)
        return concept.definition(self.lang) if concept else ""

    def district_name(self, venue: VenueEntry) -> str:
        return i18n.pick(venue.district.labels, self.lang) if venue.district else ""

    def hours(self, value: str) -> str:
        return i18n.opening_hours(value, self.lang)

    def respond(self, template: str, status: int = 200, **values: object) -> Response:
        values.setdefault("points", [])
        body = render_template(f"pages/{template}", page=self, t=self.t, lang=self.lang, **values)
        response = make_response(body, status)
        response.headers["Content-Language"] = self.lang
        origin = tiles_origin(self.settings.map_tiles)
        response.headers["Content-Security-Policy"] = CSP.format(tiles=f" {origin}" if origin else "")
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        response.vary.update(("Accept-Language", "Cookie"))
        if self.choice.from_query:
            response.set_cookie(i18n.COOKIE, self.lang, max_age=COOKIE_AGE, path=self.base_path, samesite="Lax")
        elif status == 200:
            cacheable()  # the same request in the same release renders the same bytes
        return response


def local_path(path: str) -> str:
    """``path`` as a link that can only stay on this site: escaped, one leading slash.

    A backslash or a doubled slash would make browsers leave the site (``/\\evil.example``).

    >>> local_path("/\\evil.example")
    '/%5Cevil.example'
    >>> local_path("//evil.example/x")
    '/evil.example/x'
    """
    return "/" + quote(path, safe="/:@!$&'()*+,;=-._~%").lstrip("/")


def page_url() -> str:
    """The absolute URL of the current page, under the configured base (never the Host header)."""
    settings = current_settings()
    rest = request.path[len(settings.base_path) :] if request.path.startswith(settings.base_path) else ""
    query = request.query_string.decode("latin-1")
    return settings.base + quote(rest, safe="/:@!$&'()*+,;=-._~%") + (f"?{query}" if query else "")


def current_index() -> Index:
    """The index of the release the app serves now (rebuilt when a new release is switched in)."""
    return release_index(current_release(), current_settings().base)


def release_index(release: Release, base: str) -> Index:
    """The pages' index of ``release``: read once from its prepared file (or its store), kept by the release.

    While another thread reads it (the start's warm-up), a page waits at most INDEX_WAIT seconds,
    then answers 503 with Retry-After: the server is up, its pages not yet.
    """
    try:
        return release.derived("pages_index", lambda r: open_index(r.folder, r.store, base), wait=INDEX_WAIT)
    except TimeoutError:
        response = make_response("The pages are being prepared; try again in a few seconds.\n", 503)
        response.headers["Retry-After"] = "5"
        response.headers["Content-Type"] = "text/plain; charset=utf-8"
        abort(response)


def venue_points(page: Page, venues: list[VenueEntry]) -> list[dict]:
    """Map points of venues (those with coordinates), each listing its spaces."""
    points, _ = map_points(page, [space for venue in venues for space in venue.spaces])
    listed = {v["url"] for point in points for v in point["venues"]}
    for venue in venues:  # a venue with no rooms listed yet is still on the map
        if venue.on_map and page.link(venue.iri) not in listed:
            entry = {"name": venue.name, "url": page.link(venue.iri), "spaces": []}
            entry["institution"] = venue.institution.name if venue.institution else ""
            points.append({"lat": venue.latitude, "lon": venue.longitude, "venues": [entry], "example": False})
    return points


def release_version() -> str:
    """The name of the release served now, e.g. '2026-03-02-691353c4'."""
    return current_release().name


# --- search (the home page) ------------------------------------------------------------------


def search_page() -> Response:
    page = Page()
    index = page.index
    query, problems = search.parse(request.args, index)
    # The home page is a short start; any search parameter (an empty form too) asks for results.
    searched = any(k in request.args for k in (*search.PARAMS, search.PAGE))
    result = search.run(index, query)
    shown = result.page(query.page) if searched else []
    closest = result.closest[: search.PAGE_SIZE] if searched else []
    points, missing, mappable = _result_points(page, result, searched)
    messages = [page.t(p.key, value=p.value, field=page.t(PARAM_LABELS[p.param])) for p in problems]
    what = ", ".join(page.t(PARAM_LABELS[param]) for param in result.unknown)
    key = "unknown_excluded" if len(result.unknown) == 1 else "unknown_excluded_many"
    unknown = [page.t(key, n=result.unknown_total, what=what)] if result.unknown_total else []
    start = _start(page) if not searched else {}
    return page.respond(
        "search.html",
        400 if problems else 200,
        query=query,
        searched=searched,
        result=result,
        shown_real=[s for s in shown if not s.illustrative],
        shown_examples=[s for s in shown if s.illustrative],
        pages=_pager(page, query, result) if searched else [],
        chips=_chips(page, query),
        drops=[
            (page.t(PARAM_LABELS[p]), _value_label(page, p, v), n, _search_url(page, query.without(p, v)))
            for p, v, n in result.drops[:3]
        ],
        closest=closest,
        closest_without=_closest_without(page, query, result),
        problems=messages,
        unknown=unknown,
        points=points,
        missing=missing,
        map_partial={"n": MAP_SPACES, "total": mappable, "geojson": page.base_path + "dumps/" + names.GEOJSON}
        if mappable > MAP_SPACES
        else None,
        facets=result.facets,
        start=start,
        P=search,
        results_anchor=RESULTS_ANCHOR,
        description=page.t("meta_search") if not searched else page.t("meta_results", n=len(result.real)),
    )


def _result_points(page: Page, result: search.SearchResult, searched: bool) -> tuple[list[dict], int, int]:
    """The map's points: the places of the first MAP_SPACES rooms of the list that have coordinates.

    A page of a 100,000-room publication must not carry every point (the note under the map
    says how many it shows and links the GeoJSON dump with all of them). Also returns how many
    rooms of the list have no coordinates, and how many have them.
    """
    cols = page.index.columns
    positions = result.spaces.positions
    closest = result.closest
    if searched and isinstance(closest, search.Spaces):
        positions = np.concatenate([positions, closest.positions])
    located = positions[cols.located[positions]]
    points, _ = map_points(page, [page.index.space_at(int(p)) for p in located[:MAP_SPACES]])
    return points, len(positions) - len(located), len(located)


def _closest_without(page: Page, query: search.Query, result: search.SearchResult) -> dict[str, object] | None:
    """The filter the closest results leave out: its words, and the link to that search."""
    if result.closest_without is None:
        return None
    param, value = result.closest_without
    label = _value_label(page, param, value)
    name = page.t(PARAM_LABELS[param])
    return {
        "what": f"{name}: {label}" if label else name,
        "n": len(result.closest),
        "url": _search_url(page, query.without(param, value)),
    }


def _search_url(page: Page, query: search.Query) -> str:
    return page.url("search", query.params() or [(search.Q, "")]) + "#" + RESULTS_ANCHOR


def _value_label(page: Page, param: str, value: str) -> str:
    """A filter's value in words (a district's name, a concept's label, a number of people)."""
    index = page.index
    if param == search.DISTRICT:
        district = next((d for d in index.districts if str(d.number) == value), None)
        return i18n.pick(district.labels, page.lang) if district else value
    scheme = {search.TYPE: "space-type", search.MODE: "sharing-mode", search.EQUIPMENT: "equipment"}.get(param)
    if scheme:
        concept = next((c for c in index.scheme_concepts(scheme) if c.slug == value), None)
        return concept.label(page.lang) if concept else value
    if param == search.PEOPLE:
        return page.t("people_at_least", n=int(value))
    if param in (search.FREE, search.STEP_FREE, search.HIDE_EXAMPLES):
        return ""
    return value


def _chips(page: Page, query: search.Query) -> list[dict[str, str]]:
    """The active filters, each with a link to the same search without it."""
    chips = []
    for param, value in query.active():
        label = _value_label(page, param, value)
        name = page.t(PARAM_LABELS[param])
        chips.append(
            {
                "text": f"{name}: {label}" if label else name,
                "url": _search_url(page, query.without(param, value)),
                "remove": page.t("chip_remove", what=f"{name}: {label}" if label else name),
            }
        )
    return chips


PAGER_ALL = 15  # up to this many pages the pager links every one; beyond, the first, last and nearest ones


def _pager(page: Page, query: search.Query, result: search.SearchResult) -> list[dict[str, object]]:
    """Links to the pages of the results: every page when few, else the first two, the last two and the nearest ones.

    A gap between them is an item of its own ({"gap": True}): 10,000 links would outweigh the page.
    """
    total = result.pages()
    if total <= 1:
        return []
    current = min(query.page, total)
    if total <= PAGER_ALL:
        numbers = list(range(1, total + 1))
    else:
        numbers = sorted({1, 2, total - 1, total} | set(range(max(1, current - 2), min(total, current + 2) + 1)))
    items: list[dict[str, object]] = []
    for n in numbers:
        if items and n != items[-1]["number"] + 1:  # type: ignore[operator]
            items.append({"gap": True, "number": n - 1})
        items.append(
            {"number": n, "url": _search_url(page, dataclasses.replace(query, page=n)), "current": n == current}
        )
    return items


def _start(page: Page) -> dict[str, object]:
    """The home page's short start: rooms per district, the largest rooms, how many there are."""
    index = page.index
    cols = index.columns
    real = ~cols.illustrative
    stated = real & (cols.district != UNKNOWN)
    per_district = Counter(cols.district[stated].tolist())
    districts = [
        {
            "name": i18n.pick(d.labels, page.lang),
            "count": per_district[d.number],
            "url": _search_url(page, search.Query(district=d.number)),
        }
        for d in index.districts
        if per_district.get(d.number)
    ]
    # The largest real rooms (a capacity of 0 says nothing), largest first, then by name.
    sized = np.flatnonzero(real & (cols.capacity != 0) & (cols.capacity != NO_CAPACITY))
    largest = sized[np.lexsort((cols.name_rank[sized], -cols.capacity[sized]))][:START_ROOMS]
    return {
        "districts": districts,
        "largest": [index.space_at(int(p)) for p in largest],
        "real": int(real.sum()),
        "examples": len(cols) - int(real.sum()),
        "without_district": int((real & (cols.district == UNKNOWN)).sum()),
        "derived_districts": bool((real & cols.derived).any()),
        "all_url": _search_url(page, search.Query()),
    }


def map_points(page: Page, spaces: list[SpaceEntry]) -> tuple[list[dict], int]:
    """Map points of the venues of ``spaces`` that have coordinates; and how many spaces have none.

    Venues at the same coordinates share one point (one marker listing them all), so every
    marker can be clicked; a point whose rooms are all illustrative is marked as such.
    """
    points: dict[tuple[float, float], dict] = {}
    missing = 0
    for space in spaces:
        venue = space.venue
        if venue.latitude is None or venue.longitude is None:
            missing += 1
            continue
        key = (round(venue.latitude, 6), round(venue.longitude, 6))
        point = points.get(key)
        if point is None:
            point = points[key] = {"lat": venue.latitude, "lon": venue.longitude, "venues": [], "example": True}
        entry = next((v for v in point["venues"] if v["url"] == page.link(venue.iri)), None)
        if entry is None:
            entry = {
                "name": venue.name,
                "url": page.link(venue.iri),
                "institution": space.institution.name if space.institution else "",
                "spaces": [],
            }
            point["venues"].append(entry)
        entry["spaces"].append({"name": space.name, "url": page.link(space.iri), "illustrative": space.illustrative})
        point["example"] = point["example"] and space.illustrative
    return list(points.values()), missing


# --- good practices and about ------------------------------------------------------------------


def practices_page() -> Response:
    page = Page()
    practices = sorted(page.index.practices.values(), key=lambda p: fold(p.title))
    practices.sort(key=lambda p: p.date, reverse=True)  # newest first; undated last (empty sorts first, reversed last)
    practices.sort(key=lambda p: p.illustrative)  # real ones first: an example never comes before a sourced practice
    return page.respond("practices.html", practices=practices)


def about_page() -> Response:
    page = Page()
    index = page.index
    version = release_version()
    licence = LICENCES.get(page.settings.licence)
    files = []
    folder = current_release().folder
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.is_file() and not path.name.startswith("."):
                kind = FILES.get(path.name) or path.suffix.lstrip(".").upper() or path.name
                files.append(
                    {
                        "name": path.name,
                        "label": breakable(path.name),
                        "format": kind,
                        "size": _size(path.stat().st_size),
                        "url": page.base_path + "dumps/" + path.name,
                    }
                )
    counts = {
        "institutions": len(index.institutions),
        "venues": len(index.venues),
        "spaces": len(index.spaces),
        "illustrative": int(index.columns.illustrative.sum()),
        "practices": len(index.practices),
    }
    publisher = index.label(index.base + "organization/wydzial-kultury", page.lang)
    year = version[:4] if version[:4].isdigit() else ""
    return page.respond(
        "about.html",
        version=version,
        licence=licence,
        files=files,
        counts=counts,
        publisher=publisher,
        year=year,
        dataset=index.base + "dataset",
        schemes=list(index.schemes.values()),
        example=(
            "PREFIX schema: <https://schema.org/>\n"
            "SELECT ?space ?name ?capacity WHERE {\n"
            "  ?space a schema:Place ; schema:name ?name ;\n"
            "         schema:maximumAttendeeCapacity ?capacity .\n"
            "  FILTER(?capacity >= 30)\n"
            "}"
        ),
    )


# What the site's own tests check (tests/browser: axe-core with these rule sets on every kind of page,
# at phone and desktop widths), stated in the accessibility statement.
TESTED_RULES = "WCAG 2.0 A, AA; WCAG 2.1 A, AA"


def accessibility_page() -> Response:
    """The accessibility statement (deklaracja dostępności) the Polish act of 4 April 2019 requires."""
    page = Page()
    settings = page.settings
    return page.respond(
        "accessibility.html",
        active="accessibility",
        entity=settings.accessibility_entity or settings.publisher_name,
        site_url=settings.base,
        email=settings.accessibility_email or settings.contact_email,
        tiles_origin=tiles_origin(settings.map_tiles),
        rules=TESTED_RULES,
        seat_name=settings.accessibility_entity or settings.contact_name or settings.publisher_name,
        seat_address=", ".join(
            part
            for part in (
                settings.contact_street,
                " ".join(p for p in (settings.contact_postal_code, settings.contact_locality) if p),
            )
            if part
        ),
        description=page.t("meta_accessibility"),
    )


def breakable(name: str) -> Markup:
    """A file name that may wrap after '.', '-' or '_' on a narrow screen, and nowhere else.

    >>> str(breakable("kfl.csv-metadata.json"))
    'kfl.<wbr>csv-<wbr>metadata.<wbr>json'
    """
    return Markup("").join(escape(c) + (Markup("<wbr>") if c in ".-_" else "") for c in name)


def _size(n: int) -> str:
    return f"{n} B" if n < 1024 else f"{n / 1024:.0f} KiB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MiB"


def _static_path(filename: str) -> Path | None:
    path = (STATIC / filename).resolve()
    if not path.is_relative_to(STATIC.resolve()) or not path.is_file():
        return None
    return path


@lru_cache(maxsize=256)
def _file_hash(path: Path, mtime_ns: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def static_version(filename: str) -> str:
    """A short hash of a static file's bytes ('' if there is no such file)."""
    path = _static_path(filename)
    if path is None:
        return ""
    return _file_hash(path, path.stat().st_mtime_ns)


def static_file(filename: str) -> Response:
    path = _static_path(filename)
    if path is None:
        abort(404)
    version = _file_hash(path, path.stat().st_mtime_ns)
    # Read whole (our files are small), so the answer can be compressed and carries a strong ETag.
    media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if media == "text/javascript":
        media = "application/javascript"
    if media.startswith("text/") or media == "application/javascript":
        media += "; charset=utf-8"
    response = Response(path.read_bytes(), content_type=media)
    response.set_etag(version)
    response.headers["Cache-Control"] = STATIC_FOREVER if request.args.get("v") == version else STATIC_SHORT
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.make_conditional(request)
    return response


# --- one page per thing -------------------------------------------------------------------------


def render_resource(iri: str) -> Response | None:
    """The HTML page of the thing ``iri`` names, or None if the release does not know it."""
    page = Page()
    index = page.index
    kind, key, _ = parse_iri(iri, index.base)
    values: dict[str, object] = {}
    if kind == "space":
        space = index.spaces.get(iri)
        if space is None:
            return None
        template, values = "space.html", {"space": space, "points": map_points(page, [space])[0]}
        values.update(_space_values(page, space))
        lines = _space_lines(page, space)
        illustrative = space.illustrative
    elif kind == "venue":
        venue = index.venues.get(iri)
        if venue is None:
            return None
        template, values = "venue.html", {"venue": venue, "points": venue_points(page, [venue])}
        lines = [venue.address, venue.institution.name if venue.institution else ""]
        illustrative = False
    elif kind == "institution":
        institution = index.institutions.get(iri)
        if institution is None:
            return None
        template = "institution.html"
        values = {"institution": institution, "points": venue_points(page, institution.venues)}
        lines = [institution.website]
        illustrative = False
    elif kind == "practice":
        practice = index.practices.get(iri)
        if practice is None:
            return None
        template, values = "practice.html", {"practice": practice}
        lines = [practice.organisation, practice.date, practice.space.name if practice.space else ""]
        illustrative = practice.illustrative
    elif iri in index.nodes and "#" not in iri:
        template, lines, illustrative = "thing.html", [], False
        values = _thing_values(page, kind, key, iri)
    else:
        return None
    title = describe.title(index, iri, page.lang)
    values.update(
        iri=iri,
        kind=kind,
        title=title,
        illustrative=illustrative,
        version=release_version(),
        sections=describe.sections(index, iri, page.lang, page.link),
        jsonld=describe.jsonld(index, iri),
        correction=correction_link(page, title, iri, lines),
        formats=[
            ("Turtle", page.document(iri, ".ttl")),
            ("JSON-LD", page.document(iri, ".jsonld")),
            ("N-Triples", page.document(iri, ".nt")),
        ],
    )
    return page.respond(template, 200, **values)


def _thing_values(page: Page, kind: str, key: str, iri: str) -> dict[str, object]:
    index = page.index
    values: dict[str, object] = {}
    if kind == "district":
        venues = index.district_venues(iri)
        values["district_venues"] = sorted(venues, key=lambda v: fold(v.name))
        values["search_link"] = page.url("search", [(search.DISTRICT, key)])
    elif kind == "scheme" and key in index.schemes:
        values["concepts"] = index.schemes[key].concepts
    elif kind == "concept" and iri in index.concepts:
        concept = index.concepts[iri]
        values["concept"] = concept
        values["scheme"] = index.schemes.get(concept.scheme)
        param = {"space-type": search.TYPE, "sharing-mode": search.MODE, "equipment": search.EQUIPMENT}.get(
            concept.scheme
        )
        if param:
            values["search_link"] = page.url("search", [(param, concept.slug)])
    return values


def _space_values(page: Page, space: SpaceEntry) -> dict[str, object]:
    """What the space page needs for acting: the way back, a route link, a request e-mail."""
    back_url, back_is_results = page.url("search"), False
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path == page.base_path and referrer.query:
        # Rebuilt from the parsed search, never copied: only our own parameters go back into the link.
        query, _ = search.parse(MultiDict(parse_qsl(referrer.query)), page.index)
        back_url, back_is_results = _search_url(page, query), True
    venue = space.venue
    route = None
    if venue.on_map:
        here = f"{venue.latitude},{venue.longitude}"
        route = {
            "url": f"https://www.openstreetmap.org/directions?route=%3B{quote(here)}#map=17/{venue.latitude}/{venue.longitude}",
            "geo": f"geo:{here}?q={quote(here + ' (' + venue.name + ')')}",
        }
    elif venue.address:
        route = {"url": "https://www.openstreetmap.org/search?query=" + quote(venue.address), "geo": ""}
    email = next((e for e in (space.institution.emails if space.institution else [])), "")
    request_mail = ""
    if email and not space.illustrative:
        t = page.t
        body = "\r\n".join(
            [
                t("request_body_hello"),
                "",
                t("request_body_ask", name=space.name, venue=", ".join(p for p in (venue.name, venue.address) if p)),
                f"{t('request_body_when')}: …",
                f"{t('request_body_people')}: …",
                f"{t('request_body_what')}: …",
                f"{t('request_body_equipment')}: …",
                f"{t('request_body_mode')}: {', '.join(page.label(m) for m in space.modes) or '…'}",
                "",
                t("request_body_bye"),
                "",
                page.absolute(page.link(space.iri)),
            ]
        )
        subject = t("request_subject", name=space.name)
        request_mail = f"{mailto(email)}?subject={quote(subject[:150], safe='')}&body={quote(body, safe='')}"
    return {
        "back_url": back_url,
        "back_is_results": back_is_results,
        "route": route,
        "request_mail": request_mail,
        "request_email": email,
        "description": page.t(
            "meta_space",
            name=space.name,
            type=page.label(space.type),
            place=", ".join(p for p in (space.institution.name if space.institution else "", venue.address) if p),
        ),
    }


def is_old(stated_on: str, today: date | None = None) -> bool:
    """Whether a source's date (year, year-month or date) is more than a year before ``today``.

    >>> is_old("2019", date(2026, 3, 1)), is_old("2025-11", date(2026, 3, 1)), is_old("2026-02-19", date(2026, 3, 1))
    (True, False, False)
    """
    today = today or date.today()
    parts = [int(p) for p in stated_on.split("-") if p.isdigit()]
    if not parts:
        return False
    year, month, day = (parts + [12, 28])[:3] if len(parts) == 1 else (parts + [28])[:3]
    try:
        stated = date(year, month, min(day, 28))
    except ValueError:
        return False
    return (today - stated).days > 365


@bp.app_template_test("derived_district")
def _derived_district(venue: VenueEntry) -> bool:
    """Whether the venue's district was derived from its coordinates (OpenStreetMap), not stated."""
    return derived_district(venue)


@bp.app_template_filter("kfl_old")
def _old_filter(stated_on: str) -> bool:
    return is_old(stated_on)


def _space_lines(page: Page, space: SpaceEntry) -> list[str]:
    t = page.t
    venue = ", ".join(p for p in (space.venue.name, space.venue.address) if p)
    lines = [
        f"{t('institution')}: {space.institution.name if space.institution else t('not_stated')}",
        f"{t('venue')}: {venue or t('not_stated')}",
        f"{t('type')}: {page.label(space.type)}",
        f"{t('capacity')}: {t('people_n', n=space.capacity) if space.capacity is not None else t('not_stated')}",
        f"{t('sharing')}: {', '.join(page.label(m) for m in space.modes) or t('not_stated')}",
    ]
    return lines


def correction_link(page: Page, title: str, iri: str, lines: list[str]) -> str:
    """A mailto: link to the dataset's contact point, prefilled with the record; '' if none is set."""
    email = page.settings.contact_email.strip()
    if not email:
        return ""
    body = "\r\n".join(
        [
            page.t("correction_body_intro"),
            "",
            title,
            iri,
            page_url(),
            *[line for line in lines if line],
            "",
            page.t("correction_body_ask"),
            "",
        ]
    )  # RFC 6068: line breaks are CRLF
    subject = " ".join(page.t("correction_subject", name=title).split())  # a header: one line
    return f"mailto:{quote(email, safe='@')}?subject={quote(subject[:150], safe='')}&body={quote(body[:1500], safe='')}"


@bp.app_errorhandler(404)
def not_found(error: HTTPException) -> Response | HTTPException:
    """A 404 page in the site's language and layout, for browsers; other clients get the plain answer."""
    if not request.accept_mimetypes.accept_html:
        return error
    try:
        page = Page()
        return page.respond("not_found.html", 404, detail=error.description or "")
    except Exception:  # noqa: BLE001 - an error page must never fail: fall back to the plain one
        current_app.logger.exception("the 404 page could not be rendered")
        return error


def tel(number: str) -> str:
    """A tel: link for a phone number written with spaces or hyphens.

    >>> tel("+48 12 616-78-23")
    'tel:+48126167823'
    """
    return "tel:" + "".join(c for c in number if c.isdigit() or c == "+")


def mailto(address: str) -> str:
    return "mailto:" + quote(address, safe="@")


@bp.app_template_filter("kfl_tel")
def _tel_filter(number: str) -> str:
    return tel(number)


@bp.app_template_filter("kfl_mailto")
def _mailto_filter(address: str) -> str:
    return mailto(address)
