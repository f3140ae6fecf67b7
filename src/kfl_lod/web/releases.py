"""Releases on the web: VoID, the change record between releases, archived releases, 410 Gone.

- ``/.well-known/void``: the VoID description, Turtle by default, or N-Triples, RDF/XML,
  JSON-LD by ``Accept``.
- ``/changes``: every release with what changed; ``/changes/{version}``: the detail of one
  release (spaces added, withdrawn, changed with old and new values). HTML in Polish and
  English, or JSON (``Accept: application/json`` or ``.json``).
- ``/releases/{version}/{file}``: the files of the releases still kept.
- A thing that was published once and withdrawn since answers ``410 Gone`` with when and
  in which release, not 404: its URI stays meaningful. Checked before any other view, for
  the URI and its documents (``/space/x``, ``/space/x.html``, ``/space/x.ttl``...).

Every answer carries an ETag; conditional GETs get 304.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, current_app, render_template_string, request, send_from_directory
from markupsafe import Markup
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDFS, XSD

from .. import changes as changelog
from ..names import LATEST, RELEASES, VOID_NTRIPLES, VOID_TURTLE, content_type
from ..query import formats
from ..rdfio import to_jsonld, to_rdfxml
from . import settings as current_settings
from .headers import cors
from .pages import Page

bp = Blueprint("releases", __name__)


@bp.after_request
def _after(response: Response) -> Response:
    """Harvesters and web pages elsewhere may read VoID and the change records: CORS, as the endpoint."""
    return cors(response, request)


VERSION = re.compile(r"^\d{4}-\d{2}-\d{2}-[0-9a-f]{8}$")
FILE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
DOCUMENT = re.compile(r"\.(html|ttl|nt|jsonld|rdf|json)$")


@bp.record
def _routes(state) -> None:
    prefix = state.app.config["KFL_SETTINGS"].base_path.rstrip("/")
    paths = {"/.well-known/void", prefix + "/.well-known/void"}  # RFC 8615 puts it at the root
    for path in sorted(paths):
        state.add_url_rule(path, "void", void_description)
    state.add_url_rule(prefix + "/changes", "changes", changes_index)
    state.add_url_rule(prefix + "/changes.json", "changes_json", changes_index, defaults={"as_json": True})
    state.add_url_rule(prefix + "/changes/<version>", "release_changes", release_changes)
    state.add_url_rule(prefix + "/releases/<version>/<name>", "release_file", release_file)


# --- the publication's state, re-read when ``latest`` moves -------------------------------------


def _published() -> Path:
    return Path(current_settings().published)


def _cached(key: str, load):
    """A value computed once per release (``latest`` target), per app."""
    try:
        version = os.readlink(_published() / LATEST)
    except OSError:
        version = ""
    cache = current_app.extensions.setdefault("kfl_releases", {})
    entry = cache.get(key)
    if entry is None or entry[0] != version:
        entry = cache[key] = (version, load())
    return entry[1]


def _record() -> dict[str, Any] | None:
    return _cached("record", lambda: changelog.latest(_published()))


def _withdrawn() -> dict[str, dict[str, Any]]:
    return _cached("withdrawn", lambda: changelog.withdrawn(_published()))


# --- language ------------------------------------------------------------------------------------


def _lang() -> str:
    asked = request.args.get("lang", "")
    if asked in ("pl", "en"):
        return asked
    default = current_settings().language if current_settings().language in ("pl", "en") else "pl"
    return request.accept_languages.best_match(("pl", "en"), default=default) or default


TEXTS = {
    "changes": ("Zmiany w danych", "Changes in the data"),
    "intro": (
        "Każde wydanie danych ma wersję: datę i skrót zawartości. Tu widać, co zmieniło się między wydaniami.",
        "Every release of the data has a version: its date and a short content hash. This page shows what "
        "changed between releases.",
    ),
    "version": ("Wersja", "Version"),
    "date": ("Data", "Date"),
    "summary": ("Co się zmieniło", "What changed"),
    "details": ("szczegóły", "details"),
    "pruned": ("nie jest już przechowywane", "no longer kept"),
    "withdrawn_all": ("Wpisy wycofane", "Withdrawn records"),
    "withdrawn_intro": (
        "Ich adresy URI nadal działają: odpowiadają „410 Gone” z datą wycofania.",
        "Their URIs still work: they answer “410 Gone” with the date of withdrawal.",
    ),
    "name": ("Nazwa", "Name"),
    "kind": ("Rodzaj", "Kind"),
    "withdrawn_in": ("Wycofano w wydaniu", "Withdrawn in release"),
    "release": ("Wydanie", "Release"),
    "previous": ("Poprzednie wydanie", "Previous release"),
    "first": ("Pierwsze wydanie.", "First release."),
    "added": ("Dodane", "Added"),
    "withdrawn": ("Wycofane", "Withdrawn"),
    "changed": ("Zmienione przestrzenie", "Changed spaces"),
    "field": ("Pole", "Field"),
    "old": ("Poprzednio", "Before"),
    "new": ("Teraz", "Now"),
    "none": ("brak", "none"),
    "json": ("Ten zapis jako JSON", "This record as JSON"),
    "files": ("Pliki tego wydania", "Files of this release"),
    "all_changes": ("Wszystkie wydania", "All releases"),
    "gone_title": ("Wpis wycofany", "Record withdrawn"),
    "gone_text": (
        "Ten wpis był opublikowany, ale został wycofany z danych.",
        "This record was published, but has been withdrawn from the data.",
    ),
    "gone_when": (
        "Wycofano w wydaniu {version} z dnia {date}; ostatnio był w wydaniu {last}.",
        "Withdrawn in release {version} of {date}; last present in release {last}.",
    ),
    "home": ("Szukaj sali", "Find a room"),
    "release_gone": (
        "To wydanie nie jest już przechowywane na serwerze.",
        "This release is no longer kept on the server.",
    ),
    "institution": ("instytucja", "institution"),
    "venue": ("lokalizacja", "venue"),
    "space": ("przestrzeń", "space"),
    "practice": ("dobra praktyka", "good practice"),
}


def _t(lang: str):
    index = 0 if lang == "pl" else 1

    def t(key: str, **values: Any) -> str:
        text = TEXTS[key][index]
        return text.format(**values) if values else text

    return t


INDEX = """<p>{{ t('intro') }}</p>
<table class="releases">
<thead><tr><th scope="col">{{ t('version') }}</th><th scope="col">{{ t('date') }}</th><th scope="col">{{ t('summary') }}</th></tr></thead>
<tbody>
{% for r in releases %}<tr>
<td>{% if r.kept %}<a href="{{ base_path }}changes/{{ r.version }}">{{ r.version }}</a>{% else %}{{ r.version }} ({{ t('pruned') }}){% endif %}</td>
<td><time datetime="{{ r.date }}">{{ r.date }}</time></td>
<td>{{ r.notes }}</td>
</tr>{% endfor %}
</tbody>
</table>
<h2>{{ t('withdrawn_all') }}</h2>
<p>{{ t('withdrawn_intro') }}</p>
{% if withdrawn %}<table class="withdrawn">
<thead><tr><th scope="col">{{ t('name') }}</th><th scope="col">{{ t('kind') }}</th><th scope="col">URI</th><th scope="col">{{ t('withdrawn_in') }}</th></tr></thead>
<tbody>
{% for iri, w in withdrawn %}<tr><td>{{ w.name }}</td><td>{{ t(w.kind) }}</td><td><a href="{{ link(iri) }}">{{ iri }}</a></td>
<td>{{ w.version }} (<time datetime="{{ w.date }}">{{ w.date }}</time>)</td></tr>{% endfor %}
</tbody>
</table>{% else %}<p>{{ t('none') }}</p>{% endif %}
<p><a href="{{ base_path }}changes.json" type="application/json">{{ t('json') }}</a></p>
"""

DETAIL = """<p>{{ notes }}</p>
<p>{% if record.previous %}{{ t('previous') }}: <a href="{{ base_path }}changes/{{ record.previous }}">{{ record.previous }}</a>
(<time datetime="{{ record.previous_date }}">{{ record.previous_date }}</time>){% else %}{{ t('first') }}{% endif %}</p>
{% for key, items in (('added', record.added), ('withdrawn', record.withdrawn)) %}
<h2>{{ t(key) }} ({{ items|length }})</h2>
{% if items %}<ul class="{{ key }}">{% for i in items %}<li>{{ t(i.kind) }}: <a href="{{ link(i.iri) }}">{{ i.name or i.id }}</a> <code>{{ i.id }}</code></li>{% endfor %}</ul>
{% else %}<p>{{ t('none') }}</p>{% endif %}
{% endfor %}
<h2>{{ t('changed') }} ({{ record.changed|length }})</h2>
{% for c in record.changed %}<section class="changed">
<h3><a href="{{ link(c.iri) }}">{{ c.name or c.id }}</a> <code>{{ c.id }}</code></h3>
<table><thead><tr><th scope="col">{{ t('field') }}</th><th scope="col">{{ t('old') }}</th><th scope="col">{{ t('new') }}</th></tr></thead>
<tbody>{% for f in c.fields %}<tr><th scope="row"><code>{{ f.field }}</code></th><td>{{ f.old }}</td><td>{{ f.new }}</td></tr>{% endfor %}</tbody></table>
</section>{% else %}<p>{{ t('none') }}</p>{% endfor %}
<h2>{{ t('files') }}</h2>
<ul class="files">{% for name in files %}<li><a href="{{ base_path }}releases/{{ record.version }}/{{ name }}">{{ name }}</a></li>{% endfor %}</ul>
<p><a href="{{ base_path }}changes/{{ record.version }}.json" type="application/json">{{ t('json') }}</a> ·
<a href="{{ base_path }}changes">{{ t('all_changes') }}</a></p>
"""

GONE = """<p>{{ t('gone_text') }}</p>
<dl>
<dt>URI</dt><dd><code>{{ iri }}</code></dd>
<dt>{{ t('name') }}</dt><dd>{{ w.name or w.id }} ({{ t(w.kind) }})</dd>
</dl>
<p>{{ t('gone_when', version=w.version, date=w.date, last=w.last_version or '—') }}</p>
<p><a href="{{ base_path }}changes/{{ w.version }}">{{ t('release') }} {{ w.version }}</a> ·
<a href="{{ base_path }}changes">{{ t('all_changes') }}</a> · <a href="{{ base_path }}">{{ t('home') }}</a></p>
"""


def _page(title_key: str, body: str, status: int = 200, title: str | None = None, **values: Any) -> Response:
    lang = _lang()
    t = _t(lang)
    settings = current_settings()
    base_path = settings.base_path

    def link(iri: str) -> str:
        """Our IRIs as paths on this server, whatever host it runs on."""
        return base_path + iri[len(settings.base) :] if iri.startswith(settings.base) else iri

    inner = render_template_string(body, t=t, lang=lang, base_path=base_path, link=link, **values)
    # The site's own layout (header, navigation, skip link, footer), as every other page.
    response = Page().respond(
        "framed.html", status, title=title or t(title_key), body=Markup(inner), links=values.get("links", [])
    )
    response.vary.update(("Accept", "Accept-Language"))
    return response


def _conditional(response: Response) -> Response:
    """Add an ETag and answer 304 when the client already has these bytes."""
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.add_etag()
    # 304 stands for a 200 the client already has; a 410 or 404 is sent as it is.
    return response.make_conditional(request) if response.status_code == 200 else response


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"], default="text/html")
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


# --- views --------------------------------------------------------------------------------------


def void_description() -> Response:
    """The VoID description, Turtle unless the client asks for another RDF format.

    Negotiated by ``query.formats.negotiate``, like the endpoint and every IRI (q-values,
    wildcards, the aliases clients send such as text/plain and text/n3); the RDF/XML answer
    says bare ``application/rdf+xml``.
    """
    folder = _published() / LATEST
    path = folder / VOID_TURTLE
    if not path.is_file():
        abort(404, "No VoID description: the data has not been published yet.")
    offers = formats.OFFERS[formats.GRAPH]
    try:
        fmt = formats.negotiate(request.headers.get("Accept"), offers)
    except formats.NotAcceptable:
        response = Response(
            "Not acceptable. Available: " + ", ".join(f.media_type for f in offers) + "\n",
            406,
            content_type="text/plain; charset=utf-8",
        )
        response.vary.add("Accept")
        return response
    if fmt is formats.TURTLE:
        data = path.read_bytes()
    elif fmt is formats.NTRIPLES and (folder / VOID_NTRIPLES).is_file():
        data = (folder / VOID_NTRIPLES).read_bytes()
    else:
        data = _cached(f"void-{fmt.name}", lambda: _convert(path, fmt))
    response = Response(data, content_type=fmt.content_type)
    response.vary.add("Accept")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return _conditional(response)


def _convert(path: Path, fmt: formats.Format) -> bytes:
    g = Graph().parse(path, format="turtle")
    if fmt is formats.RDFXML:
        return to_rdfxml(g)
    if fmt is formats.JSONLD:
        return to_jsonld(g, {prefix: str(ns) for prefix, ns in g.namespaces() if prefix})
    return g.serialize(format="nt", encoding="utf-8")


def changes_index(as_json: bool = False) -> Response:
    """Every release with what changed, and every withdrawn record."""
    record = _record()
    if record is None:
        abort(404, "No change record: the data has not been published yet.")
    if as_json or _wants_json():
        data = (_published() / LATEST / changelog.CHANGES).read_bytes()
        response = Response(data, mimetype="application/json")
        response.vary.add("Accept")
        return _conditional(response)
    lang = _lang()
    releases = []
    for release in reversed(record["releases"]):
        notes = changelog.notes(release)[0 if lang == "pl" else 1]
        kept = (_published() / RELEASES / release["version"] / changelog.CHANGES).is_file()
        releases.append({"version": release["version"], "date": release["date"], "notes": notes, "kept": kept})
    withdrawn = sorted(record["withdrawn_total"].items(), key=lambda kv: (kv[1]["date"], kv[0]), reverse=True)
    return _conditional(
        _page(
            "changes",
            INDEX,
            releases=releases,
            withdrawn=withdrawn,
            links=[("alternate", current_settings().base_path + "changes.json", "application/json")],
        )
    )


def release_changes(version: str) -> Response:
    """What changed in one release."""
    as_json = version.endswith(".json")
    version = version.removesuffix(".json")
    if not VERSION.match(version):
        abort(404, "Not a release version (YYYY-MM-DD-xxxxxxxx).")
    folder = _published() / RELEASES / version
    record = changelog.load(folder) if folder.is_dir() else None
    if record is None:
        known = next((r for r in (_record() or {}).get("releases", []) if r["version"] == version), None)
        if known is None:
            abort(404, f"No release {version}.")
        notes = changelog.notes(known)[0 if _lang() == "pl" else 1]
        return _conditional(
            _page(
                "release",
                "<p>{{ notes }}</p><p>{{ t('release_gone') }}</p>",
                410,
                title=f"{_t(_lang())('release')} {version}",
                notes=notes,
            )
        )
    if as_json or _wants_json():
        response = Response((folder / changelog.CHANGES).read_bytes(), mimetype="application/json")
        response.vary.add("Accept")
        return _conditional(response)
    notes = changelog.notes(record["releases"][-1])[0 if _lang() == "pl" else 1]
    files = sorted(p.name for p in folder.iterdir() if p.is_file() and FILE.match(p.name))
    return _conditional(
        _page(
            "release",
            DETAIL,
            title=f"{_t(_lang())('release')} {version}",
            record=record,
            notes=notes,
            files=files,
            links=[("alternate", f"{current_settings().base_path}changes/{version}.json", "application/json")],
        )
    )


def release_file(version: str, name: str) -> Response:
    """One file of a kept release, as it was published."""
    if not VERSION.match(version) or not FILE.match(name):
        abort(404)
    folder = _published() / RELEASES / version
    if not (folder / name).is_file():
        abort(404, f"Release {version} has no file {name} (or is no longer kept).")
    response = send_from_directory(
        folder, name, mimetype=content_type(name), conditional=True, etag=True, max_age=86400
    )
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


# --- 410 Gone for withdrawn things ---------------------------------------------------------------


@bp.before_app_request
def _gone_if_withdrawn() -> Response | None:
    """Answer 410 Gone for the URI (or a document) of a thing that was withdrawn."""
    if request.method not in ("GET", "HEAD"):
        return None
    settings = current_settings()
    path = request.path
    if not path.startswith(settings.base_path):
        return None
    rest = DOCUMENT.sub("", path[len(settings.base_path) :])
    if "/" not in rest or rest.split("/", 1)[0] not in changelog.KINDS:
        return None
    iri = settings.base + rest
    info = _withdrawn().get(iri)
    return gone(iri, info) if info else None


def gone(iri: str, info: dict[str, Any]) -> Response:
    """The 410 answer for a withdrawn IRI: HTML, JSON or Turtle by Accept."""
    offered = ["text/html", "application/json", "text/turtle", "application/n-triples", "application/ld+json"]
    best = request.accept_mimetypes.best_match(offered, default="text/html") or "text/html"
    if best == "text/html":
        return _conditional(_page("gone_title", GONE, 410, iri=iri, w=info))
    if best == "application/json":
        body = json.dumps({"iri": iri, "status": "withdrawn", **info}, ensure_ascii=False, indent=1, sort_keys=True)
        response = Response(body + "\n", 410, mimetype="application/json")
    else:
        g = Graph(bind_namespaces="none")
        g.bind("prov", PROV)
        g.bind("rdfs", RDFS)
        thing = URIRef(iri)
        g.add((thing, PROV.invalidatedAtTime, Literal(f"{info['date']}T00:00:00", datatype=XSD.dateTime)))
        if info.get("name"):
            g.add((thing, RDFS.label, Literal(info["name"], lang="pl")))
        g.add((thing, RDFS.seeAlso, URIRef(f"{current_settings().base}changes/{info['version']}")))
        fmt = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld"}[best]
        response = Response(g.serialize(format=fmt, encoding="utf-8"), 410, mimetype=best)
    response.vary.add("Accept")
    return _conditional(response)


def gone_response(iri: str) -> Response | None:
    """The 410 answer if ``iri`` names a withdrawn thing, else None (for the resources blueprint)."""
    info = _withdrawn().get(iri)
    return gone(iri, info) if info else None
