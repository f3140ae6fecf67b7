"""The HTML pages NGOs use: search (the home page, with its map), good practices, about the
data, and one page for every published thing (called by the resources blueprint).

Every page reads the release's index, built from the same store the SPARQL endpoint
answers from. Templates escape every value (Jinja autoescaping); the JSON-LD and the map
data are embedded as JSON with ``<``, ``>`` and ``&`` escaped.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, urlencode

from flask import Blueprint, Response, current_app, make_response, render_template, request, send_from_directory
from markupsafe import Markup, escape
from werkzeug.exceptions import HTTPException

from .. import names
from ..namespaces import compact, parse_iri
from . import cacheable, current_release, describe, i18n, search
from . import settings as current_settings
from .index import Index, SpaceEntry, VenueEntry, build_index, fold

bp = Blueprint("pages", __name__, template_folder="templates")

STATIC = Path(__file__).with_name("static")
# Map background: OpenStreetMap's tiles in production; the page works without them.
TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
TILES_ORIGIN = "https://tile.openstreetmap.org"
ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    f"img-src 'self' data: {TILES_ORIGIN}; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
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
}


@bp.record
def _routes(state) -> None:
    # The pages live under the path of the base IRI, whatever host serves them.
    prefix = state.app.config["KFL_SETTINGS"].base_path.rstrip("/")
    state.add_url_rule(prefix + "/", "search", search_page)
    state.add_url_rule(prefix + "/praktyki", "practices", practices_page)
    state.add_url_rule(prefix + "/o-danych", "about", about_page)
    state.add_url_rule(prefix + "/static/<path:filename>", "static_file", static_file)


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
        path = {"search": "", "practices": "praktyki", "about": "o-danych"}[name]
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
        return self.base_path + "static/" + name

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
        body = render_template(
            f"pages/{template}", page=self, t=self.t, lang=self.lang, tiles=TILES, attribution=ATTRIBUTION, **values
        )
        response = make_response(body, status)
        response.headers["Content-Language"] = self.lang
        response.headers["Content-Security-Policy"] = CSP
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
    base = current_settings().base
    return current_release().derived("pages_index", lambda release: build_index(release.store, base))


def venue_points(page: Page, venues: list[VenueEntry]) -> list[dict]:
    """Map points of venues (those with coordinates), each listing its spaces."""
    return [
        {
            "lat": v.latitude,
            "lon": v.longitude,
            "name": v.name,
            "url": page.link(v.iri),
            "institution": v.institution.name if v.institution else "",
            "spaces": [{"name": s.name, "url": page.link(s.iri), "illustrative": s.illustrative} for s in v.spaces],
        }
        for v in venues
        if v.on_map
    ]


def release_version() -> str:
    """The name of the release served now, e.g. '2026-03-02-691353c4'."""
    return current_release().name


# --- search (the home page) ------------------------------------------------------------------


def search_page() -> Response:
    page = Page()
    query, problems = search.parse(request.args, page.index)
    result = search.run(page.index, query)
    points, missing = map_points(page, result.spaces)
    messages = [page.t(p.key, value=p.value, field=page.t(PARAM_LABELS[p.param])) for p in problems]
    what = ", ".join(page.t(PARAM_LABELS[param]) for param in result.unknown)
    key = "unknown_excluded" if len(result.unknown) == 1 else "unknown_excluded_many"
    unknown = [page.t(key, n=result.unknown_total, what=what)] if result.unknown_total else []
    return page.respond(
        "search.html",
        400 if problems else 200,
        query=query,
        result=result,
        problems=messages,
        unknown=unknown,
        points=points,
        missing=missing,
        facets=_facets(page.index),
        P=search,
        results_anchor=RESULTS_ANCHOR,
    )


def _facets(index: Index) -> dict[str, dict]:
    """How many spaces each district and each space type has (shown in the select lists)."""
    districts: dict[int, int] = {}
    types: dict[str, int] = {}
    for space in index.spaces.values():
        if space.venue.district is not None:
            districts[space.venue.district.number] = districts.get(space.venue.district.number, 0) + 1
        types[space.type] = types.get(space.type, 0) + 1
    return {"districts": districts, "types": types}


def map_points(page: Page, spaces: list[SpaceEntry]) -> tuple[list[dict], int]:
    """The venues of ``spaces`` that have coordinates, with their spaces; and how many spaces have none."""
    points: dict[str, dict] = {}
    missing = 0
    for space in spaces:
        venue = space.venue
        if not venue.on_map:
            missing += 1
            continue
        point = points.get(venue.iri)
        if point is None:
            point = points[venue.iri] = {
                "lat": venue.latitude,
                "lon": venue.longitude,
                "name": venue.name,
                "url": page.link(venue.iri),
                "institution": space.institution.name if space.institution else "",
                "spaces": [],
            }
        point["spaces"].append({"name": space.name, "url": page.link(space.iri), "illustrative": space.illustrative})
    return list(points.values()), missing


# --- good practices and about ------------------------------------------------------------------


def practices_page() -> Response:
    page = Page()
    practices = sorted(page.index.practices.values(), key=lambda p: fold(p.title))
    practices.sort(key=lambda p: p.date, reverse=True)  # newest first; undated last (empty sorts first, reversed last)
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
        "illustrative": sum(s.illustrative for s in index.spaces.values()),
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


def breakable(name: str) -> Markup:
    """A file name that may wrap after '.', '-' or '_' on a narrow screen, and nowhere else.

    >>> str(breakable("kfl.csv-metadata.json"))
    'kfl.<wbr>csv-<wbr>metadata.<wbr>json'
    """
    return Markup("").join(escape(c) + (Markup("<wbr>") if c in ".-_" else "") for c in name)


def _size(n: int) -> str:
    return f"{n} B" if n < 1024 else f"{n / 1024:.0f} KiB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MiB"


def static_file(filename: str) -> Response:
    response = send_from_directory(STATIC, filename, max_age=3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
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
        venues = [v for v in index.venues.values() if v.district and v.district.iri == iri]
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
