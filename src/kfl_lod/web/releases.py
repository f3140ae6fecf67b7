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
import re
from pathlib import Path
from typing import Any, cast

from flask import Blueprint, Response, abort, request, send_from_directory
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDFS, XSD

from ..names import CHANGES, RELEASES, VOID_NTRIPLES, VOID_TURTLE, content_type
from ..namespaces import RECORD_KINDS
from ..query import formats
from ..rdfio import to_jsonld_prefixed, to_rdfxml
from ..store import release_notes, release_record
from . import current_release
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
    # Absolute: send_from_directory reads a relative folder against the package, not the working
    # directory (with published = "published", every /releases/{v}/{file} was a 404).
    return Path(current_settings().published).absolute()


def _cached(key: str, load):
    """A value computed once per release, kept by the request's Release."""
    return current_release().derived("releases:" + key, lambda _: load())


def _record() -> dict[str, Any] | None:
    return current_release().record


def _withdrawn() -> dict[str, dict[str, Any]]:
    return current_release().withdrawn


def _page(template: str, status: int = 200, **values: Any) -> Response:
    """A page in the site's layout and its language (one choice for frame and body)."""
    response = Page().respond(template, status, **values)
    response.vary.add("Accept")
    return response


def _conditional(response: Response) -> Response:
    """Add an ETag and answer 304 when the client already has these bytes."""
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.add_etag()
    # 304 stands for a 200 the client already has; a 410 or 404 is sent as it is.
    return cast(Response, response.make_conditional(request)) if response.status_code == 200 else response


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
    folder = current_release().folder
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
        return to_jsonld_prefixed(g, {prefix: str(ns) for prefix, ns in g.namespaces() if prefix})
    return g.serialize(format="nt", encoding="utf-8")


def changes_index(as_json: bool = False) -> Response:
    """Every release with what changed, and every withdrawn record."""
    record = _record()
    if record is None:
        abort(404, "No change record: the data has not been published yet.")
    if as_json or _wants_json():
        data = current_release().file(CHANGES).read_bytes()
        response = Response(data, mimetype="application/json")
        response.vary.add("Accept")
        return _conditional(response)
    lang = Page().lang
    releases = []
    for release in reversed(record["releases"]):
        notes = release_notes(release, lang)
        kept = (_published() / RELEASES / release["version"] / CHANGES).is_file()
        releases.append({"version": release["version"], "date": release["date"], "notes": notes, "kept": kept})
    withdrawn = sorted(record["withdrawn_total"].items(), key=lambda kv: (kv[1]["date"], kv[0]), reverse=True)
    return _conditional(_page("changes.html", releases=releases, withdrawn=withdrawn))


def release_changes(version: str) -> Response:
    """What changed in one release."""
    as_json = version.endswith(".json")
    version = version.removesuffix(".json")
    if not VERSION.match(version):
        abort(404, "Not a release version (YYYY-MM-DD-xxxxxxxx).")
    folder = _published() / RELEASES / version
    record = release_record(folder) if folder.is_dir() else None
    if record is None:
        known = next((r for r in (_record() or {}).get("releases", []) if r["version"] == version), None)
        if known is None:
            abort(404, f"No release {version}.")
        notes = release_notes(known, Page().lang)
        return _conditional(_page("release.html", 410, version=version, record=None, notes=notes))
    if as_json or _wants_json():
        response = Response((folder / CHANGES).read_bytes(), mimetype="application/json")
        response.vary.add("Accept")
        return _conditional(response)
    notes = release_notes(record["releases"][-1], Page().lang)
    files = sorted(p.name for p in folder.iterdir() if p.is_file() and FILE.match(p.name))
    return _conditional(_page("release.html", version=version, record=record, notes=notes, files=files))


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
    # send_from_directory adds its own charset to text types: say it once, as /dumps/ does.
    response.headers["Content-Type"] = content_type(name)
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
    if "/" not in rest or rest.split("/", 1)[0] not in RECORD_KINDS:
        return None
    iri = settings.base + rest
    info = _withdrawn().get(iri)
    return gone(iri, info) if info else None


def gone(iri: str, info: dict[str, Any]) -> Response:
    """The 410 answer for a withdrawn IRI: HTML, JSON or Turtle by Accept."""
    offered = ["text/html", "application/json", "text/turtle", "application/n-triples", "application/ld+json"]
    best = request.accept_mimetypes.best_match(offered, default="text/html") or "text/html"
    if best == "text/html":
        return _conditional(_page("gone.html", 410, iri=iri, w=info))
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
        data = g.serialize(format=fmt, encoding="utf-8")
        if fmt == "nt":  # rdflib writes N-Triples in hash order: sorted, every process sends the same bytes
            data = b"".join(sorted(data.splitlines(keepends=True)))
        response = Response(data, 410, mimetype=best)
    response.vary.add("Accept")
    return _conditional(response)


def gone_response(iri: str) -> Response | None:
    """The 410 answer if ``iri`` names a withdrawn thing, else None (for the resources blueprint)."""
    info = _withdrawn().get(iri)
    return gone(iri, info) if info else None
