"""The SPARQL 1.1 endpoint (/sparql): the query side of the protocol, read-only, with limits.

- GET ``?query=``, POST form (``query=``), POST ``application/sparql-query``;
  ``default-graph-uri`` / ``named-graph-uri`` replace the dataset, as the protocol says.
- The answer's format by ``Accept`` (q-values, wildcards) or the ``format`` parameter.
- Updates are refused (403): the store is rebuilt from the source tables, never edited.
- No query: a SPARQL 1.1 Service Description (RDF) or, for a browser, a query page.
- Limits: ``query_timeout`` (the query's process is killed), ``max_rows`` (cut, and the
  ``X-KFL-Results-Truncated`` header says so), ``max_query_bytes``, ``max_body_bytes``,
  and no ``SERVICE`` (the server makes no request because of a query).
"""

from __future__ import annotations

import io
import json
import os
import re
import threading
from urllib.parse import unquote_to_bytes

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request

from .. import namespaces
from ..namespaces import PREFIXES, VOID
from ..query import formats
from ..query.engine import Job, Reply, default_prefixes
from ..query.pool import PoolError, QueryPool
from ..query.results import serialize_graph
from ..query.text import MAX_NESTING, inspect
from ..store import dataset_graph, store_loader
from . import cacheable, client_address, current_release
from . import settings as current_settings
from . import store as current_store
from .headers import cors
from .query_page import download_name, query_page

bp = Blueprint("sparql", __name__)

METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"]
_POOL_LOCK = threading.Lock()
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20\x7f<>\"{}|\\^`]*$")

SD = PREFIXES["sd"]
FORMATS_NS = PREFIXES["formats"]
RDF_TYPE = ox.NamedNode(namespaces.RDF_TYPE)
RDFS_COMMENT = ox.NamedNode(namespaces.RDFS + "comment")
VOID_TRIPLES = ox.NamedNode(VOID + "triples")
_SD_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
)


class ProtocolError(Exception):
    """A request the protocol does not allow; becomes a plain-text error answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def query_pool() -> QueryPool:
    """This server process's pool of query processes, started on first use (after any fork).

    The processes open the store ``create_app`` was given as ``query_store``, else the
    publication's N-Triples in the default graph and in the named graph ``{base}dataset``.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # the app behind the proxy
    with _POOL_LOCK:
        entry = app.extensions.get("kfl_query_pool")
        if entry is None or entry[0] != os.getpid():
            settings = app.config["KFL_SETTINGS"]
            releases = app.extensions["kfl_releases"]
            if releases.engine is not None:
                from ..query.external import EnginePool

                pool: QueryPool = EnginePool(
                    settings.query_workers,
                    releases.engine,
                    queue=settings.query_queue,
                    client_limit=settings.query_client_limit,
                    reserved=settings.query_reserved,
                )
                entry = app.extensions["kfl_query_pool"] = (os.getpid(), pool)
                return pool
            custom = app.extensions.get("kfl_query_store")
            loader = custom or store_loader(settings.published, settings.base)

            def release() -> tuple[str, str]:
                current = releases.current()
                return current.key, "" if custom else str(current.folder)

            pool = QueryPool(
                settings.query_workers,
                loader,
                version=release,
                memory_mb=settings.query_memory_mb,
                queue=settings.query_queue,
                client_limit=settings.query_client_limit,
                reserved=settings.query_reserved,
            )
            entry = app.extensions["kfl_query_pool"] = (os.getpid(), pool)
        return entry[1]


@bp.after_request
def _after(response: Response) -> Response:
    response.vary.add("Accept")
    if request.method == "OPTIONS":
        response.headers["Allow"] = "GET, HEAD, POST, OPTIONS"  # not the PUT/DELETE/PATCH answered 405
    return cors(response, request)


@bp.record_once
def _routes(state) -> None:
    # The endpoint lives under the path of the base IRI, like everything else we publish.
    prefix = state.app.config["KFL_SETTINGS"].base_path.rstrip("/")
    for path in ("/sparql", "/sparql/"):
        state.add_url_rule(prefix + path, "endpoint" + path.replace("/", "_"), endpoint, methods=METHODS)
    state.add_url_rule(prefix + "/sparql/prefixes.json", "prefixes", prefixes)


def prefixes() -> Response:
    """The prefixes a query may use undeclared, as prefix.cc's JSON (the query page completes them offline)."""
    body = json.dumps(default_prefixes(current_settings().base), ensure_ascii=False, indent=1)
    response = Response(body, 200, content_type="application/json")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def endpoint() -> Response:
    """Answer a SPARQL protocol request, or describe the service when there is no query."""
    html_page = _html_wanted(request.args.getlist("format") + request.args.getlist("output"))
    try:
        if request.method in ("PUT", "DELETE", "PATCH"):
            raise ProtocolError(
                405, f"Method {request.method} is not allowed: query with GET or POST. This endpoint is read-only."
            )
        query, default_graphs, named_graphs, format_params = _read_request()
        if query is None:
            return _describe_service(format_params)
        html_page = _html_wanted(format_params)
        job = _job(query, default_graphs, named_graphs, format_params, html_page)
    except ProtocolError as exc:
        if html_page and exc.status not in (405, 413):
            return query_page(_kept_query(), error=exc.message, status=exc.status)
        return _error(exc.status, exc.message)
    settings = current_settings()
    try:
        reply = query_pool().run(job, settings.query_timeout, client=client_address(request.environ, settings))
    except PoolError as exc:
        if html_page:
            response = query_page(job.query, error=str(exc), status=exc.status)
        else:
            response = _error(exc.status, str(exc))
        if exc.status in (429, 503):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response
    if html_page:
        if reply.status != 200:
            return query_page(job.query, error=reply.message, status=reply.status)
        return query_page(job.query, reply=reply)
    return _answer(reply)


def _html_wanted(format_params: list[str]) -> bool:
    """Whether to answer with the query page (an HTML table): format=html, or a browser's Accept."""
    values = [v.strip().lower() for v in format_params if v.strip()]
    if values:
        return all(v in ("html", "text/html") for v in values)
    return formats.wants_html(request.headers.get("Accept"))


def _kept_query() -> str:
    """The query the client sent, to show again next to an error (empty if it cannot be read)."""
    try:
        value = request.values.get("query")
        if value is None and request.mimetype == "application/sparql-query":
            value = request.get_data(cache=True).decode("utf-8", "replace")
        return value or ""
    except Exception:  # noqa: BLE001 - an unreadable request just shows an empty editor
        return ""


def _error(status: int, message: str) -> Response:
    response = Response(message.rstrip() + "\n", status, content_type="text/plain; charset=utf-8")
    if status == 405:
        response.headers["Allow"] = "GET, HEAD, POST, OPTIONS"
    return response


def _answer(reply: Reply) -> Response:
    if reply.status != 200:
        return _error(reply.status, reply.message)
    response = Response(reply.body, 200, content_type=reply.content_type)
    cacheable()
    # A browser saving the answer names the file by its format (not "sparql", without extension).
    fmt = formats.get(reply.family, reply.format) if reply.family and reply.format else None
    if fmt is not None:
        response.headers["Content-Disposition"] = f'inline; filename="{download_name(fmt)}"'
    if reply.family != formats.BOOLEAN:
        settings = current_settings()
        response.headers["X-KFL-Results-Truncated"] = "true" if reply.truncated else "false"
        response.headers["X-KFL-Results-Limit"] = str(settings.max_rows)
        response.headers["X-KFL-Results-Byte-Limit"] = str(settings.max_result_bytes)
        response.headers["X-KFL-Result-Rows"] = str(reply.rows)
    return response


# --- reading the request --------------------------------------------------------------------


def _read_request() -> tuple[str | None, list[str], list[str], list[str]]:
    """The query text, protocol dataset and format parameter of a GET or POST request."""
    settings = current_settings()
    args = request.args
    if request.content_length is not None and request.content_length > settings.max_body_bytes:
        raise ProtocolError(
            413,
            f"Request body too large: {request.content_length} bytes; the limit is "
            f"{settings.max_body_bytes} bytes (setting max_body_bytes).",
        )
    if request.method == "POST" and request.content_length is None:
        _buffer_unsized_body(settings.max_body_bytes)
    _check_utf8(request.environ.get("QUERY_STRING", ""), "URL's query string")
    queries = args.getlist("query")
    updates = args.getlist("update")
    default_graphs = args.getlist("default-graph-uri")
    named_graphs = args.getlist("named-graph-uri")
    format_params = args.getlist("format") + args.getlist("output")
    if request.method == "POST":
        mimetype = request.mimetype
        if mimetype == "application/x-www-form-urlencoded":
            _check_utf8(request.get_data(cache=True), "form body")
            form = request.form
            queries += form.getlist("query")
            updates += form.getlist("update")
            default_graphs += form.getlist("default-graph-uri")
            named_graphs += form.getlist("named-graph-uri")
            format_params += form.getlist("format") + form.getlist("output")
            if not queries and not updates:
                raise ProtocolError(400, "Missing query: a form POST must carry a 'query' field.")
        elif mimetype == "application/sparql-query":
            queries.append(_body_text())
        elif mimetype == "application/sparql-update":
            updates.append("(body)")
        elif not mimetype:
            raise ProtocolError(
                400,
                "Missing Content-Type: POST a query as application/x-www-form-urlencoded "
                "(query=...) or as application/sparql-query.",
            )
        else:
            raise ProtocolError(
                400,
                f"Unsupported Content-Type {mimetype!r}: POST a query as "
                "application/x-www-form-urlencoded (query=...) or as application/sparql-query.",
            )
    if updates:
        raise ProtocolError(
            403,
            "SPARQL Update is not accepted: this endpoint is read-only. The data is "
            "published from the source tables (kfl-lod build), never edited here.",
        )
    if len(queries) > 1:
        raise ProtocolError(400, f"{len(queries)} queries given: send exactly one 'query' parameter.")
    # Clients repeat the parameter (SPARQLWrapper: format=rdf+xml&format=application/rdf+xml,
    # and an empty value); each value is resolved, and only values naming nothing are refused.
    format_params = [v for v in format_params if v.strip()]
    for value in format_params:
        if value.strip().lower() != "html" and not formats.is_known_format_value(value):
            raise ProtocolError(
                400, f"Unknown format {value!r}; use one of: {', '.join(formats.FORMAT_VALUES)}, or a media type."
            )
    for iri in default_graphs + named_graphs:
        if not _IRI.match(iri):
            raise ProtocolError(400, f"Not an absolute IRI in default-graph-uri / named-graph-uri: {iri!r}.")
    if not queries:
        if request.method == "POST":
            raise ProtocolError(400, "Missing query: send it in the 'query' parameter or as the body.")
        return None, default_graphs, named_graphs, format_params
    query = queries[0]
    size = len(query.encode("utf-8"))
    if size > settings.max_query_bytes:
        raise ProtocolError(
            413,
            f"Query too large: {size} bytes; the limit is {settings.max_query_bytes} bytes (setting max_query_bytes).",
        )
    if not query.strip():
        raise ProtocolError(400, "Missing query: the 'query' parameter is empty.")
    return query, default_graphs, named_graphs, format_params


def _buffer_unsized_body(limit: int) -> None:
    """Read a chunked body (no Content-Length) up to the limit, refusing more.

    Werkzeug would silently cut such a body at the limit; a cut query could mean
    something else, so it is read here and refused whole if too large.
    """
    stream = request.environ["wsgi.input"]
    data = stream.read(limit + 1) if request.environ.get("wsgi.input_terminated") else b""
    if len(data) > limit:
        raise ProtocolError(413, f"Request body too large: more than {limit} bytes (setting max_body_bytes).")
    request.environ["wsgi.input"] = io.BytesIO(data)
    request.environ["CONTENT_LENGTH"] = str(len(data))
    request.environ.pop("HTTP_TRANSFER_ENCODING", None)


def _check_utf8(encoded: str | bytes, where: str) -> None:
    """Refuse percent-encoded text that is not UTF-8 (instead of reading it with replacement characters)."""
    raw = encoded.encode("latin-1", "replace") if isinstance(encoded, str) else encoded
    if b"%" not in raw and raw.isascii():
        return
    try:
        unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(
            400,
            f"The {where} is not valid UTF-8 (byte {exc.start} after percent-decoding): "
            "percent-encode the query as UTF-8.",
        ) from exc


def _body_text() -> str:
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise ProtocolError(400, f"The query must be sent in UTF-8, not {charset}.")
    data = request.get_data(cache=False)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, f"The query body is not valid UTF-8 (byte {exc.start}).") from exc


def _job(
    query: str, default_graphs: list[str], named_graphs: list[str], format_params: list[str], html_page: bool = False
) -> Job:
    settings = current_settings()
    release = current_release()
    text = inspect(query)
    if text.depth > MAX_NESTING:
        raise ProtocolError(
            400,
            f"Query nested too deeply: brackets ({{ ( [) and unary operators (! - +) nest {text.depth} "
            f"levels; the limit is {MAX_NESTING}. Flatten the query.",
        )
    if text.update:
        raise ProtocolError(
            403,
            f"SPARQL Update ({text.update}) is not accepted: this endpoint is read-only. "
            "The data is published from the source tables, never edited here.",
        )
    if text.uses_service:
        raise ProtocolError(
            400,
            "SERVICE (federated query) is not allowed: this endpoint makes no outbound "
            "requests. Query the other endpoint yourself and combine the results.",
        )
    if html_page:
        # The page renders the answer itself: solutions and booleans as SPARQL JSON, graphs as N-Triples.
        chosen: dict[str, str | None] = {formats.SOLUTIONS: "json", formats.BOOLEAN: "json", formats.GRAPH: "ntriples"}
    else:
        try:
            chosen = formats.choose(request.headers.get("Accept"), format_params)
        except formats.ConflictingFormats as exc:
            raise ProtocolError(400, str(exc)) from exc
    if text.form and all(v is None for v in chosen.values()):
        raise ProtocolError(406, _not_acceptable_message())
    dataset = bool(default_graphs or named_graphs)
    return Job(
        query=query,
        formats=chosen,
        max_rows=settings.max_rows,
        base_iri=settings.base,
        default_graphs=tuple(default_graphs) if dataset else None,
        named_graphs=tuple(named_graphs) if dataset else None,
        version=release.key,
        folder="" if current_app.extensions.get("kfl_query_store") else str(release.folder),
        prefixes=default_prefixes(settings.base),
        max_bytes=settings.max_result_bytes,
        graph=release.graph,
        engine_note="" if release.graph else current_app.extensions["kfl_releases"].engine_note(),
    )


def _not_acceptable_message() -> str:
    lines = [f"Not acceptable: no result format fits Accept: {request.headers.get('Accept', '')!r}."]
    for family, offers in formats.OFFERS.items():
        lines.append(f"  {family}: " + ", ".join(f.media_type for f in offers))
    return "\n".join(lines)


# --- no query: the service description or the query page ------------------------------------


def _describe_service(format_params: list[str]) -> Response:
    offers = (*formats.OFFERS[formats.GRAPH], formats.HTML)
    if format_params:
        fmt = None
        for value in format_params:
            fmt = fmt or formats.by_name(formats.GRAPH, value) or (formats.HTML if _html_wanted([value]) else None)
        if fmt is None:
            return _error(
                406, "The service description is available as " + ", ".join(f.media_type for f in offers) + "."
            )
    else:
        try:
            fmt = formats.negotiate(request.headers.get("Accept"), offers)
        except formats.NotAcceptable:
            return _error(
                406,
                "Not acceptable: the service description is available as "
                + ", ".join(f.media_type for f in offers)
                + ".",
            )
    if fmt is formats.HTML:
        return query_page(None)
    settings = current_settings()
    # The endpoint's IRI comes from the configured base, never from the Host header.
    endpoint_iri = settings.base + request.path[len(settings.base_path) :]
    body = serialize_graph(service_description(endpoint_iri), fmt.name, default_prefixes(settings.base))
    cacheable()
    return Response(body, 200, content_type=fmt.content_type)


def service_description(endpoint: str) -> list[ox.Triple]:
    """The SPARQL 1.1 Service Description of this endpoint, as triples (no blank nodes)."""
    settings = current_settings()
    service = ox.NamedNode(endpoint)
    dataset = ox.NamedNode(endpoint + "#dataset")
    default = ox.NamedNode(endpoint + "#default-graph")
    named = ox.NamedNode(endpoint + "#named-graph")

    def sd(name: str) -> ox.NamedNode:
        return ox.NamedNode(SD + name)

    try:
        triples_count = len(current_store())
    except Exception:  # noqa: BLE001 - a description without a count is still a description
        triples_count = None
    triples = [
        ox.Triple(service, RDF_TYPE, sd("Service")),
        ox.Triple(service, sd("endpoint"), service),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("defaultEntailmentRegime"), ox.NamedNode("http://www.w3.org/ns/entailment/Simple")),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default),
        ox.Triple(dataset, sd("namedGraph"), named),
        ox.Triple(default, RDF_TYPE, sd("Graph")),
        ox.Triple(named, RDF_TYPE, sd("NamedGraph")),
        ox.Triple(named, sd("name"), ox.NamedNode(dataset_graph(settings.base))),
        ox.Triple(named, sd("graph"), default),
        ox.Triple(
            service,
            RDFS_COMMENT,
            ox.Literal(
                f"Read-only SPARQL 1.1 endpoint of kfl-lod. Limits: {settings.query_timeout:g} s per query, "
                f"{settings.max_rows} result rows (more are cut; the X-KFL-Results-Truncated header says so), "
                f"{settings.max_query_bytes} bytes of query, no SERVICE.",
                language="en",
            ),
        ),
        ox.Triple(
            service,
            RDFS_COMMENT,
            ox.Literal(
                f"Punkt dostępowy SPARQL 1.1 kfl-lod, tylko do odczytu. Limity: {settings.query_timeout:g} s na "
                f"zapytanie, {settings.max_rows} wierszy wyniku (nadmiar jest obcinany, co zgłasza nagłówek "
                f"X-KFL-Results-Truncated), {settings.max_query_bytes} bajtów zapytania, bez SERVICE.",
                language="pl",
            ),
        ),
    ]
    for name in _SD_FORMATS:
        triples.append(ox.Triple(service, sd("resultFormat"), ox.NamedNode(FORMATS_NS + name)))
    if triples_count is not None:
        triples.append(
            ox.Triple(
                default,
                VOID_TRIPLES,
                ox.Literal(str(triples_count), datatype=ox.NamedNode(namespaces.XSD + "integer")),
            )
        )
    return triples


@bp.errorhandler(413)
def _too_large(exc) -> Response:
    limit = current_settings().max_body_bytes
    return _error(413, f"Request body too large; the limit is {limit} bytes (setting max_body_bytes).")
