"""Dereferenceable URIs (303 to documents), the dumps under /dumps/, and /healthz.

Every IRI the data uses under the base answers. ``GET /space/x`` answers 303 See Other
to ``/space/x.html``, ``.ttl``, ``.nt``, ``.jsonld`` or ``.rdf``, chosen by ``Accept``.
303, not 200: the IRI names a room, not a document (Cool URIs for the Semantic Web);
each document then has its own URL to bookmark, cache and cite.
A document describes the thing and its ``#fragment`` parts, with the names of what it
links to, and carries ``Link`` headers to the same description in the other formats.
Paths map to IRIs by the path of the base IRI, so the server answers for its things
whatever host it runs on.
"""

from __future__ import annotations

import html
import re
import threading
from collections import OrderedDict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, request

from ..names import content_type
from ..pages_index import Nodes
from ..query import formats
from ..query.engine import default_prefixes
from ..query.results import serialize_graph
from ..store import triples_about
from . import cacheable, current_release
from . import settings as current_settings
from .headers import accepts_gzip, cors, etag_of, gzipped, not_modified
from .pages import release_index, render_resource
from .release import Release

bp = Blueprint("resources", __name__)

# Document formats of a thing, by extension, in our order of preference for */*.
DOCUMENTS: dict[str, formats.Format] = {
    "html": formats.HTML,
    "ttl": formats.TURTLE,
    "nt": formats.NTRIPLES,
    "jsonld": formats.JSONLD,
    "rdf": formats.RDFXML,
}
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$")
_CACHE_LOCK = threading.Lock()


@bp.record_once
def _routes(state) -> None:
    # Things live under the path of the base IRI (e.g. /kfl/space/x for https://host/kfl/).
    prefix = state.app.config["KFL_SETTINGS"].base_path.rstrip("/")
    state.add_url_rule(prefix + "/healthz", "healthz", healthz)
    state.add_url_rule(prefix + "/dumps/", "dumps_index", dumps_index)
    state.add_url_rule(prefix + "/dumps/<name>", "dump", dump)
    state.add_url_rule(prefix + "/<path:rest>", "resource", resource, methods=["GET", "HEAD"])


@bp.after_request
def _after(response: Response) -> Response:
    return cors(response, request)


_ENCODED_SLASH = re.compile(r"%2f|%5c", re.IGNORECASE)


@bp.before_app_request
def _raw_path() -> None:
    """404 for paths that only decode or collapse into one of ours (``/space%2Fx``, ``//space/x``).

    The WSGI path is already percent-decoded, so the check reads the path as the client sent
    it: an encoded slash is a character of one path segment, not a separator, and an empty
    segment names nothing (docs/server.md).
    """
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if not raw:
        return
    path = raw.split("?", 1)[0]
    if "://" in path:  # absolute-form request target: keep the path only
        path = "/" + path.split("://", 1)[1].partition("/")[2]
    if _ENCODED_SLASH.search(path) or "//" in path:
        abort(404, description="No such path: an encoded slash or an empty path segment names nothing here.")


# --- linked data ---------------------------------------------------------------------------


class _Index:
    """What a release describes: its things and their fragment parts (kept by the Release)."""

    def __init__(self, store: ox.Store, base: str, nodes: Nodes) -> None:
        # Asked of the store subject by subject (and of the pages' index for #fragments), never by
        # reading every statement: a large release answers its first dereference at once.
        self.store = store
        self.fragments = nodes.fragment_map
        self.things = _Things(base, nodes)
        self.namespaces = _Namespaces(store, self.things)
        self.documents: OrderedDict[tuple[str, str], tuple[bytes, str]] = OrderedDict()


class _Things:
    """The IRIs under the base that are described (as a subject, or by #fragment subjects): they dereference."""

    def __init__(self, base: str, nodes: Nodes) -> None:
        self.base = base
        self.nodes = nodes

    def __contains__(self, iri: object) -> bool:
        return (
            isinstance(iri, str)
            and iri.startswith(self.base)
            and "#" not in iri
            and (iri in self.nodes or bool(self.nodes.fragments(iri)))
        )


class _Namespaces:
    """Namespace IRIs the data uses (def/, named by void:vocabulary): they name their parent."""

    def __init__(self, store: ox.Store, things: _Things) -> None:
        self.store = store
        self.things = things

    def __contains__(self, iri: object) -> bool:
        if not (isinstance(iri, str) and iri.endswith("/") and iri[:-1] in self.things):
            return False
        used = self.store.quads_for_pattern(None, None, ox.NamedNode(iri), ox.DefaultGraph())
        return next(iter(used), None) is not None


def _index() -> _Index:
    base = current_settings().base
    return current_release().derived(
        "resources_index", lambda release: _Index(release.store, base, release_index(release, base).nodes)
    )


def resource(rest: str) -> Response:
    """303 from a thing's IRI to its document, or the document itself, or 404."""
    settings = current_settings()
    index = _index()
    iri = settings.base + rest
    if iri in index.things:
        return _see_other(iri)
    if iri in index.namespaces:
        # A namespace IRI (def/, used by void:vocabulary) names what its parent names.
        return _see_other(iri[:-1])
    stem, dot, ext = rest.rpartition(".")
    if dot and ext in DOCUMENTS and settings.base + stem in index.things:
        return _document(index, settings.base + stem, ext)
    # Withdrawn things never get here: the releases blueprint answers them 410 Gone first.
    abort(404, description=f"Nothing is published under {iri}.")


def _document_url(iri: str, ext: str) -> str:
    settings = current_settings()
    path = settings.base_path + iri[len(settings.base) :]
    return f"{request.script_root}{path}.{ext}"


def _links(iri: str, skip: str = "") -> str:
    """Link header: every document of a thing (on its IRI's 303), or one alternate (on a document).

    A document names exactly one ``rel="alternate"``: JSON-LD processors follow the one of
    type application/ld+json from a non-JSON answer (JSON-LD 1.1 API, 9.2), and PyLD 3.x
    fails on a document with several; the JSON-LD document names the HTML page. Every
    format stays listed on the thing's IRI, which ``rel="describes"`` names.
    """
    if not skip:
        return ", ".join(
            f'<{_document_url(iri, ext)}>; rel="alternate"; type="{fmt.media_type}"' for ext, fmt in DOCUMENTS.items()
        )
    other = "html" if skip == "jsonld" else "jsonld"
    return (
        f'<{_document_url(iri, other)}>; rel="alternate"; type="{DOCUMENTS[other].media_type}", '
        f'<{iri}>; rel="describes"'
    )


def _see_other(iri: str) -> Response:
    try:
        fmt = formats.negotiate(request.headers.get("Accept"), tuple(DOCUMENTS.values()))
    except formats.NotAcceptable:
        lines = "\n".join(f"  {_document_url(iri, ext)} ({f.media_type})" for ext, f in DOCUMENTS.items())
        response = Response(
            f"Not acceptable. {iri} is described in:\n{lines}\n", 406, content_type="text/plain; charset=utf-8"
        )
        response.headers["Link"] = _links(iri)
        response.vary.add("Accept")
        return response
    ext = next(e for e, f in DOCUMENTS.items() if f is fmt)
    location = _document_url(iri, ext)
    body = f'<!doctype html><title>303 See Other</title><p>See <a href="{html.escape(location)}">{html.escape(location)}</a></p>\n'
    response = Response(body, 303, content_type="text/html; charset=utf-8")
    response.headers["Location"] = location
    response.headers["Link"] = _links(iri)
    response.vary.add("Accept")
    return response


def _document(index: _Index, iri: str, ext: str) -> Response:
    if ext == "html":
        response = _html_document(index, iri)
    else:
        release = current_release()
        body, etag = _document_bytes(index, iri, ext)
        etag = release.etag(etag)
        if not_modified(request, etag.strip('"'), release.modified):
            # The 200's media type, so the pages' compression leaves it alone and the 304 varies
            # on what the 200 varies on (not Accept-Encoding).
            response = Response(status=304, content_type=DOCUMENTS[ext].content_type)
        else:
            response = Response(body, 200, content_type=DOCUMENTS[ext].content_type)
            cacheable()
        response.headers["ETag"] = etag
    existing = response.headers.get("Link")
    response.headers["Link"] = ", ".join(x for x in (existing, _links(iri, skip=ext)) if x)
    return response


def _document_bytes(index: _Index, iri: str, ext: str) -> tuple[bytes, str]:
    key = (iri, ext)
    with _CACHE_LOCK:
        cached = index.documents.get(key)
        if cached is not None:
            index.documents.move_to_end(key)
            return cached
    triples = triples_about(index.store, iri, index.fragments.get(iri, []))
    if ext == "jsonld":
        body = _compact_jsonld(triples)
    else:
        body = serialize_graph(triples, DOCUMENTS[ext].name, default_prefixes(current_settings().base))
    entry = (body, etag_of(body))
    with _CACHE_LOCK:
        index.documents[key] = entry
        while len(index.documents) > 2048:
            index.documents.popitem(last=False)
    return entry


def _compact_jsonld(triples: list[ox.Triple]) -> bytes:
    """JSON-LD compacted with the published @context, so it reads as plain JSON (like kfl.jsonld)."""
    from rdflib import Graph

    from ..jsonld import to_jsonld

    graph = Graph()
    graph.parse(data=serialize_graph(triples, "ntriples").decode("utf-8"), format="nt")
    return to_jsonld(graph, current_settings().base)


def _html_document(index: _Index, iri: str) -> Response:
    response = render_resource(iri)
    if response is None:
        abort(404, description=f"Nothing is published under {iri}.")
    return response


# --- dumps ---------------------------------------------------------------------------------


def dumps_index() -> Response:
    """The files of the served release, one name per line."""
    folder = current_release().folder
    names = (
        sorted(p.name for p in folder.iterdir() if p.is_file() and _SAFE_NAME.match(p.name)) if folder.is_dir() else []
    )
    cacheable()
    return Response("".join(f"{n}\n" for n in names), 200, content_type="text/plain; charset=utf-8")


def dump(name: str) -> Response:
    """A published file, with its media type, ETag, Last-Modified, 304, gzip and byte ranges (206)."""
    if not _SAFE_NAME.match(name):
        abort(404, description="No such file.")
    release = current_release()
    folder = release.folder
    path = folder / name
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError):
        abort(404, description=f"No file {name} in the publication.")
    if resolved.parent != folder or not resolved.is_file():
        abort(404, description=f"No file {name} in the publication.")
    data, etag, modified = _file(release, resolved)
    media_type = content_type(name)
    use_gzip = accepts_gzip(request) and len(data) > 512
    if use_gzip:
        etag += "-gzip"
    if not_modified(request, etag, modified):
        response = Response(status=304)
        response.headers["ETag"] = f'"{etag}"'
        response.headers["Last-Modified"] = _http_date(modified)
    else:
        # Ranges count bytes of the representation sent: the gzip bytes when gzip is sent (its
        # own ETag, so an If-Range from the identity download gets the whole file, not a mix).
        body = _gzip_cached(release, resolved, data) if use_gzip else data
        response = Response(body, 200, content_type=media_type)
        if use_gzip:
            response.headers["Content-Encoding"] = "gzip"
        cacheable()
        response.headers["ETag"] = f'"{etag}"'
        response.headers["Last-Modified"] = _http_date(modified)
        response.make_conditional(request, accept_ranges=True, complete_length=len(body))
    response.headers["Cache-Control"] = "public, max-age=300"
    response.vary.add("Accept-Encoding")
    return response


def _file(release: Release, path: Path) -> tuple[bytes, str, datetime]:
    """A release file's bytes, ETag and time, read once per release (and again if rewritten in place)."""
    stat = path.stat()
    key = (path.name, stat.st_mtime_ns, stat.st_size, stat.st_ino)
    files = release.derived("files", lambda _: {})
    with _CACHE_LOCK:
        hit = files.get(key)
    if hit is None:
        data = path.read_bytes()
        # The ETag names the release and the bytes: a cache in front revalidates with it, and
        # it says which release answered (issue 10, one answer one release).
        hit = (data, f"{release.name or 'none'}.{etag_of(data)}", datetime.fromtimestamp(int(stat.st_mtime), tz=UTC))
        with _CACHE_LOCK:
            files[key] = hit
    return hit


def _gzip_cached(release: Release, path: Path, data: bytes) -> bytes:
    key = (path.name, len(data), hash(data))
    packed = release.derived("gzipped", lambda _: {})
    with _CACHE_LOCK:
        hit = packed.get(key)
    if hit is None:
        hit = gzipped(data)
        with _CACHE_LOCK:
            packed[key] = hit
    return hit


def _http_date(moment: datetime) -> str:
    from email.utils import format_datetime

    return format_datetime(moment.astimezone(UTC), usegmt=True)


# --- health --------------------------------------------------------------------------------


def health_status(app, release: Release) -> tuple[int, dict]:
    """The status and body of /healthz for ``release`` (also answered by the front without a thread)."""
    try:
        triples = release.triples
    except Exception as exc:  # noqa: BLE001 - any failure to load means unhealthy
        return 503, {"status": "unavailable", "error": f"{type(exc).__name__}: {exc}"}
    status: dict[str, Any] = {"status": "ok" if triples else "empty", "release": release.name, "triples": triples}
    entry = app.extensions.get("kfl_query_pool")
    if entry is not None:
        status["query_processes"] = entry[1].status()
    releases = app.extensions["kfl_releases"]
    if releases.engine is not None:
        # Pages, documents and dumps still answer without the engine: 200, "degraded" while SPARQL cannot.
        status["engine"] = engine = engine_status(releases, release)
        if triples and engine.get("error"):
            status["status"] = "degraded"
    return (200 if triples else 503), status


def engine_status(releases, release: Release) -> dict:
    """What /healthz says about the external engine: where, which graph, when last looked at, any error."""
    watch = releases.watch
    out: dict = {"url": releases.engine.query_url, "graph": release.graph or None}
    if watch is None:
        return out
    out["checked"] = datetime.fromtimestamp(watch.checked, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    served = watch.served
    if served is not None and served.current is not None:
        out["serves"] = served.current.release
    if watch.error is not None:
        out["error"] = watch.error.en
    elif not release.graph:
        out["error"] = releases.engine_note()
    return out


def healthz() -> Response:
    """For load balancers: 200 if the publication is loaded, 503 if not."""
    from flask import jsonify

    code, status = health_status(current_app._get_current_object(), current_release())  # type: ignore[attr-defined]
    response = jsonify(status)
    response.status_code = code
    response.headers["Cache-Control"] = "no-store"
    return response
