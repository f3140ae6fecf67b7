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
import importlib
import re
import threading
from collections import OrderedDict
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, request

from ..names import content_type
from ..namespaces import compact, prefixes
from ..query import formats
from ..query.engine import default_prefixes
from ..query.results import serialize_graph
from ..store import describe, fragment_index, publication_folder, things
from . import settings as current_settings
from . import store as current_store
from .headers import accepts_gzip, cors, etag_of, gzipped, not_modified, release_name

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
    """What the served release describes: its things and their fragment parts."""

    def __init__(self, store: ox.Store, base: str) -> None:
        self.store = store
        self.things = things(store, base)
        self.fragments = fragment_index(store)
        # Namespace IRIs the data uses (def/, named by void:vocabulary): they name their parent.
        self.namespaces = {
            quad.object.value
            for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph())
            if isinstance(quad.object, ox.NamedNode)
            and quad.object.value.startswith(base)
            and quad.object.value.endswith("/")
            and quad.object.value[:-1] in self.things
        }
        self.documents: OrderedDict[tuple[str, str], tuple[bytes, str]] = OrderedDict()


def _index() -> _Index:
    store = current_store()
    holder = current_app.extensions.setdefault("kfl_resources", {})
    with _CACHE_LOCK:
        index = holder.get("index")
        if index is None or index.store is not store:
            index = holder["index"] = _Index(store, current_settings().base)
        return index


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
        body, etag = _document_bytes(index, iri, ext)
        if not_modified(request, etag, None):
            response = Response(status=304)
        else:
            response = Response(body, 200, content_type=DOCUMENTS[ext].content_type)
        response.headers["ETag"] = f'"{etag}"'
    existing = response.headers.get("Link")
    response.headers["Link"] = ", ".join(x for x in (existing, _links(iri, skip=ext)) if x)
    response.headers["X-KFL-Release"] = release_name()
    return response


def _document_bytes(index: _Index, iri: str, ext: str) -> tuple[bytes, str]:
    key = (iri, ext)
    with _CACHE_LOCK:
        cached = index.documents.get(key)
        if cached is not None:
            index.documents.move_to_end(key)
            return cached
    triples = describe(index.store, iri, index.fragments.get(iri, []))
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

    from ..dumps import to_jsonld

    graph = Graph()
    graph.parse(data=serialize_graph(triples, "ntriples").decode("utf-8"), format="nt")
    return to_jsonld(graph, current_settings().base)


def _html_document(index: _Index, iri: str) -> Response:
    render = _optional("pages", "render_resource")
    if render is not None:
        response = render(iri)
        if response is not None:
            return response
    return _plain_page(index, iri)


def _optional(module: str, name: str):
    """A function of another web module, if that module exists and has it."""
    try:
        mod = importlib.import_module(f"{__package__}.{module}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__package__}.{module}":
            raise
        return None
    return getattr(mod, name, None)


def _plain_page(index: _Index, iri: str) -> Response:
    """A plain HTML page listing what is known about a thing, every value escaped."""
    triples = describe(index.store, iri, index.fragments.get(iri, []))
    labels: dict[str, str] = {}
    for t in triples:
        if isinstance(t.object, ox.Literal) and t.predicate.value.endswith(("name", "prefLabel", "label")):
            if t.subject.value not in labels or t.object.language == "pl":
                labels[t.subject.value] = t.object.value
    title = labels.get(iri, iri)
    rows = []
    for t in triples:
        if t.subject.value != iri and not t.subject.value.startswith(iri + "#"):
            continue
        obj = t.object
        if isinstance(obj, ox.NamedNode):
            href = _local_link(obj.value)
            text = labels.get(obj.value, obj.value)
            cell = f'<a href="{html.escape(href)}">{html.escape(text)}</a>'
        else:
            lang = f' lang="{html.escape(obj.language)}"' if isinstance(obj, ox.Literal) and obj.language else ""
            cell = f"<span{lang}>{html.escape(obj.value)}</span>"
        subject = "" if t.subject.value == iri else html.escape("#" + t.subject.value.partition("#")[2])
        rows.append(f"<tr><td>{subject}</td><td>{html.escape(_short(t.predicate.value))}</td><td>{cell}</td></tr>")
    links = " · ".join(
        f'<a href="{html.escape(_document_url(iri, ext))}">{f.name}</a>'
        for ext, f in DOCUMENTS.items()
        if ext != "html"
    )
    body = (
        f'<!doctype html><html lang="pl"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head><body><main>'
        f"<h1>{html.escape(title)}</h1><p><code>{html.escape(iri)}</code></p><p>{links}</p>"
        "<table><thead><tr><th>część / part</th><th>właściwość / property</th><th>wartość / value</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></main></body></html>\n"
    )
    response = Response(body, 200, content_type="text/html; charset=utf-8")
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    return response


def _local_link(iri: str) -> str:
    settings = current_settings()
    if iri.startswith(settings.base):
        thing, _, fragment = iri.partition("#")
        return _document_url(thing, "html") + (f"#{fragment}" if fragment else "")
    return iri


def _short(iri: str) -> str:
    return compact(iri, prefixes(current_settings().base))


# --- dumps ---------------------------------------------------------------------------------


def dumps_index() -> Response:
    """The files of the served release, one name per line."""
    folder = publication_folder(current_settings().published)
    names = (
        sorted(p.name for p in folder.iterdir() if p.is_file() and _SAFE_NAME.match(p.name)) if folder.is_dir() else []
    )
    return Response("".join(f"{n}\n" for n in names), 200, content_type="text/plain; charset=utf-8")


def dump(name: str) -> Response:
    """A published file, with its media type, ETag, Last-Modified, 304, gzip and byte ranges (206)."""
    if not _SAFE_NAME.match(name):
        abort(404, description="No such file.")
    folder = publication_folder(current_settings().published).resolve()
    path = folder / name
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError):
        abort(404, description=f"No file {name} in the publication.")
    if resolved.parent != folder or not resolved.is_file():
        abort(404, description=f"No file {name} in the publication.")
    data, etag, modified = _file(resolved)
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
        body = _gzip_cached(resolved, data) if use_gzip else data
        response = Response(body, 200, content_type=media_type)
        if use_gzip:
            response.headers["Content-Encoding"] = "gzip"
        response.headers["ETag"] = f'"{etag}"'
        response.headers["Last-Modified"] = _http_date(modified)
        response.make_conditional(request, accept_ranges=True, complete_length=len(body))
    response.headers["Cache-Control"] = "public, max-age=300"
    response.vary.add("Accept-Encoding")
    return response


_FILES: dict[tuple, tuple[bytes, str, datetime]] = {}
_GZIP: dict[tuple, bytes] = {}


def _file(path: Path) -> tuple[bytes, str, datetime]:
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size, stat.st_ino)
    with _CACHE_LOCK:
        hit = _FILES.get(key)
    if hit is None:
        data = path.read_bytes()
        hit = (data, etag_of(data), datetime.fromtimestamp(int(stat.st_mtime), tz=UTC))
        with _CACHE_LOCK:
            if len(_FILES) > 64:
                _FILES.clear()
                _GZIP.clear()
            _FILES[key] = hit
    return hit


def _gzip_cached(path: Path, data: bytes) -> bytes:
    key = (str(path), len(data), hash(data))
    with _CACHE_LOCK:
        hit = _GZIP.get(key)
    if hit is None:
        hit = gzipped(data)
        with _CACHE_LOCK:
            _GZIP[key] = hit
    return hit


def _http_date(moment: datetime) -> str:
    from email.utils import format_datetime

    return format_datetime(moment.astimezone(UTC), usegmt=True)


# --- health --------------------------------------------------------------------------------


def healthz() -> Response:
    """For load balancers: 200 if the publication is loaded, 503 if not."""
    from flask import jsonify

    try:
        triples = len(current_store())
    except Exception as exc:  # noqa: BLE001 - any failure to load means unhealthy
        response = jsonify(status="unavailable", error=f"{type(exc).__name__}: {exc}")
        response.status_code = 503
        return response
    status = {"status": "ok" if triples else "empty", "release": release_name(), "triples": triples}
    entry = current_app.extensions.get("kfl_query_pool")
    if entry is not None:
        status["query_processes"] = entry[1].status()
    response = jsonify(status)
    response.status_code = 200 if triples else 503
    response.headers["Cache-Control"] = "no-store"
    return response
