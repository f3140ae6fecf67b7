"""Talk to an external SPARQL 1.1 engine: queries (the Protocol) and graphs (the Graph Store Protocol).

The server can query an engine built for large data (Oxigraph server, Fuseki, ...) instead
of its embedded store (setting ``store``); ``kfl-lod load`` fills it. In the engine:

- each release is one named graph, ``{base}dataset/graph/{release}`` (not the IRI the
  catalog gives that release, whose facts answers would rename), written whole before
  anyone reads it;
- one small *control graph*, ``{base}dataset/served``, says which graph is served now and
  which graphs are complete (``kfl:release``, ``kfl:loaded``, ``void:triples``). Switching
  releases is one write of this graph; servers look at it every ``store_poll`` seconds and
  query only graphs it lists, so no reader ever sees a graph half written.

Every failure is an EngineError naming the URL (never its password) and the HTTP status,
in Polish and English.
"""

from __future__ import annotations

import base64
import http.client
import io
import socket
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

import pyoxigraph as ox

from .errors import KflError
from .namespaces import VOID, XSD

# What the engine may answer with, best first: results we can check for completeness.
QUERY_ACCEPT = (
    "application/sparql-results+json, application/n-triples;q=0.9, application/sparql-results+xml;q=0.8, "
    "text/turtle;q=0.7, application/rdf+xml;q=0.6"
)
# By the query's form, where it is known: an engine offered both may answer a CONSTRUCT as
# SPARQL JSON (Virtuoso 7 does), so a graph query asks for graph formats only.
RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.8"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.7, application/rdf+xml;q=0.6"
RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


def control_graph(base: str) -> str:
    """The engine's graph saying which release graph is served.

    >>> control_graph("https://kfl.krakow.pl/")
    'https://kfl.krakow.pl/dataset/served'
    """
    return base + "dataset/served"


def release_graph(base: str, release: str) -> str:
    """The named graph a release is loaded into.

    Not the release's own IRI (``{base}dataset/{release}``, a ``prov:Entity`` in the catalog):
    answers name the graph ``{base}dataset`` again, and facts about the release would be
    renamed with it.

    >>> release_graph("https://kfl.krakow.pl/", "2026-03-02-1a2b3c4d")
    'https://kfl.krakow.pl/dataset/graph/2026-03-02-1a2b3c4d'
    """
    return f"{base}dataset/graph/{release}"


def _kfl(base: str, name: str) -> ox.NamedNode:
    return ox.NamedNode(base + "def/" + name)


# --- errors ------------------------------------------------------------------------------------


class EngineError(KflError):
    """The external SPARQL engine could not do what was asked; says where and why, in Polish and English."""

    code = "engine"

    def __init__(self, url: str, status: int | None, pl: str, en: str) -> None:
        self.url = url
        self.status = status
        self.pl = pl
        self.en = en
        super().__init__(f"{pl}\n{en}")


class EngineUnreachable(EngineError):
    def __init__(self, url: str, reason: str) -> None:
        super().__init__(
            url,
            None,
            f"Nie można połączyć się z silnikiem SPARQL pod {url}: {reason}. Czy działa i czy adres jest dobry?",
            f"Cannot reach the SPARQL engine at {url}: {reason}. Is it running, and is the address right?",
        )


class EngineRefused(EngineError):
    def __init__(self, url: str, status: int, detail: str) -> None:
        super().__init__(
            url,
            status,
            f"Silnik SPARQL pod {url} odmówił dostępu (HTTP {status}){_said(detail)}. "
            "Podaj użytkownika i hasło w adresie (https://użytkownik:hasło@…) albo sprawdź uprawnienia.",
            f"The SPARQL engine at {url} refused access (HTTP {status}){_said(detail)}. "
            "Give a user and password in the URL (https://user:password@…) or check its permissions.",
        )


class EngineFailed(EngineError):
    def __init__(self, url: str, status: int, detail: str) -> None:
        self.detail = detail
        super().__init__(
            url,
            status,
            f"Silnik SPARQL pod {url} odpowiedział błędem HTTP {status}{_said(detail)}.",
            f"The SPARQL engine at {url} answered HTTP {status}{_said(detail)}.",
        )


class EngineTimeout(EngineError):
    def __init__(self, url: str, seconds: float) -> None:
        super().__init__(
            url,
            None,
            f"Silnik SPARQL pod {url} nie odpowiedział w ciągu {seconds:g} s.",
            f"The SPARQL engine at {url} did not answer within {seconds:g} s.",
        )


class EngineAnswerCut(EngineError):
    """The engine's answer ended early or is malformed: it must not pass for a complete one."""

    def __init__(self, url: str, reason: str) -> None:
        self.reason = reason
        super().__init__(
            url,
            200,
            f"Odpowiedź silnika SPARQL pod {url} jest ucięta lub uszkodzona: {reason}.",
            f"The SPARQL engine's answer from {url} is cut off or malformed: {reason}.",
        )


def _said(detail: str) -> str:
    detail = " ".join(detail.split())[:300]
    return f": {detail}" if detail else ""


# --- where the engine is -----------------------------------------------------------------------


@dataclass(frozen=True)
class Engine:
    """Where an engine answers queries and takes graphs, and how to authenticate."""

    query_url: str
    graphs_url: str
    authorization: str | None = field(default=None, repr=False)

    @classmethod
    def at(cls, store: str, graphs: str = "") -> Engine:
        """The engine at ``store``: an Oxigraph server's root (``/query``, ``/store``) or a query endpoint.

        >>> Engine.at("http://127.0.0.1:7878").query_url, Engine.at("http://127.0.0.1:7878/").graphs_url
        ('http://127.0.0.1:7878/query', 'http://127.0.0.1:7878/store')
        >>> e = Engine.at("https://u:p%40ss@fuseki.example/kfl")
        >>> e.query_url, e.graphs_url, e.authorization
        ('https://fuseki.example/kfl', 'https://fuseki.example/kfl', 'Basic dTpwQHNz')
        """
        query, auth = _without_user(store)
        if urlsplit(query).path in ("", "/"):
            root = query.rstrip("/")
            query, default_graphs = root + "/query", root + "/store"
        else:
            default_graphs = query
        graphs_url, graphs_auth = _without_user(graphs) if graphs else (default_graphs, None)
        return cls(query, graphs_url, auth or graphs_auth)

    def headers(self, **extra: str) -> dict[str, str]:
        headers = {"User-Agent": "kfl-lod", **extra}
        if self.authorization:
            headers["Authorization"] = self.authorization
        return headers


def _without_user(url: str) -> tuple[str, str | None]:
    """The URL without user:password (never shown or logged), and the Basic authorization they give."""
    from urllib.parse import unquote

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EngineError(
            url,
            None,
            f"{url!r} nie jest adresem http(s) silnika SPARQL.",
            f"{url!r} is not an http(s) URL of a SPARQL engine.",
        )
    if parts.username is None:
        return url, None
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    if ":" in parts.hostname:
        host = f"[{parts.hostname}]" + (f":{parts.port}" if parts.port else "")
    clean = urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    secret = f"{unquote(parts.username)}:{unquote(parts.password or '')}".encode()
    return clean, "Basic " + base64.b64encode(secret).decode("ascii")


# --- one connection ----------------------------------------------------------------------------


class Link:
    """One keep-alive HTTP connection to an engine (each query slot of the server holds one)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._conn: http.client.HTTPConnection | None = None
        self._key: tuple[str, str, int | None] | None = None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _connection(self, url: str, timeout: float) -> http.client.HTTPConnection:
        parts = urlsplit(url)
        key = (parts.scheme, parts.hostname or "", parts.port)
        if self._conn is None or self._key != key:
            self.close()
            kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
            self._conn = kind(parts.hostname or "", parts.port, timeout=timeout)
            self._key = key
        else:
            self._conn.timeout = timeout
            if self._conn.sock is not None:
                self._conn.sock.settimeout(timeout)
        return self._conn

    def request(
        self,
        method: str,
        url: str,
        body: bytes | Iterable[bytes] | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 30.0,
    ) -> Answer:
        """Send one request and read the status and headers; failures become EngineErrors.

        A 2xx answer's body is read through the returned Answer; any other status raises
        (EngineRefused for 401/403, EngineFailed otherwise) with the start of the body.
        """
        deadline = time.monotonic() + timeout
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        for attempt in (1, 2):
            conn = self._connection(url, timeout)
            reused = conn.sock is not None
            try:
                conn.request(method, target, body=body, headers=self.engine.headers(**(headers or {})))
                response = conn.getresponse()
                break
            except TimeoutError as exc:
                self.close()
                raise EngineTimeout(url, timeout) from exc
            except (OSError, http.client.HTTPException) as exc:
                self.close()
                # A kept-alive connection the engine closed meanwhile: try once on a new one.
                if attempt == 1 and reused and (body is None or isinstance(body, bytes)):
                    continue
                raise EngineUnreachable(url, _reason(exc)) from exc
        answer = Answer(self, url, response, deadline, timeout)
        if response.status // 100 != 2:
            detail = answer.head(2000)
            if response.status in (401, 403):
                raise EngineRefused(url, response.status, detail)
            raise EngineFailed(url, response.status, detail)
        return answer


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused — połączenie odrzucone"
    if isinstance(exc, socket.gaierror):
        return f"unknown host — nieznany host ({exc})"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


class Answer(io.RawIOBase):
    """The body of an engine's answer as a stream: every read keeps to the deadline.

    A body that ends before its framing says (Content-Length, chunked encoding), a broken
    connection, or the deadline passing: the read fails and ``failure`` says why, so a
    parser reading from here can never mistake the first part of an answer for all of it.
    """

    def __init__(
        self, link: Link, url: str, response: http.client.HTTPResponse, deadline: float, timeout: float
    ) -> None:
        super().__init__()
        self.timeout = timeout
        self.link = link
        self.url = url
        self.response = response
        self.deadline = deadline
        self.status = response.status
        self.content_type = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
        self.failure: EngineError | None = None
        # Neither Content-Length nor chunked: the body ends when the connection closes, cut or not.
        self.unframed = not response.chunked and response.length is None
        self.bytes = 0
        self.tail = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        left = self.deadline - time.monotonic()
        try:
            if left <= 0:
                raise TimeoutError
            sock = self.link._conn.sock if self.link._conn is not None else None
            if sock is not None:
                sock.settimeout(left)
            n = self.response.readinto(buffer)
        except TimeoutError as exc:
            self.failure = self.failure or EngineTimeout(self.url, self.timeout)
            self.finish()
            raise OSError(str(self.failure)) from exc
        except http.client.IncompleteRead as exc:
            self.failure = EngineAnswerCut(
                self.url, f"the body ended after {self.bytes + len(exc.partial)} bytes, before its end"
            )
            self.finish()
            raise OSError(str(self.failure)) from exc
        except (OSError, http.client.HTTPException, ValueError) as exc:
            self.failure = EngineAnswerCut(self.url, f"the connection broke while reading it ({_reason(exc)})")
            self.finish()
            raise OSError(str(self.failure)) from exc
        if n:
            self.bytes += n
            # The last bytes read: what an engine wrote where its answer broke off says why.
            self.tail = (self.tail + bytes(buffer[:n]))[-256:]
        return n or 0

    def head(self, limit: int) -> str:
        """Up to ``limit`` bytes of the body as text (for error messages); then done with the connection."""
        try:
            data = self.response.read(limit)
        except (OSError, http.client.HTTPException):
            data = b""
        self.finish()
        return data.decode("utf-8", "replace")

    def finish(self) -> None:
        """Done with this answer: keep the connection only if the whole body was read."""
        if not self.response.isclosed():
            self.link.close()
        else:
            self.response.close()

    def drain(self) -> bytes:
        """The whole body (for small answers), checked to be complete."""
        data = self.read()
        if self.failure is not None:
            raise self.failure
        self.finish()
        return data or b""


# --- the control graph -------------------------------------------------------------------------


@dataclass(frozen=True)
class Loaded:
    """One complete release graph in the engine."""

    graph: str
    release: str
    loaded: str = ""
    triples: int | None = None
    digest: str = ""


@dataclass(frozen=True)
class Served:
    """What the control graph says: the graph served now, and every complete graph."""

    current: Loaded | None
    graphs: dict[str, Loaded]


def _ask(link: Link, query: str, accept: str, timeout: float) -> Answer:
    """POST one of our own queries to the engine's query endpoint, as a form."""
    return link.request(
        "POST",
        link.engine.query_url,
        urlencode({"query": query}).encode(),
        {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
        timeout,
    )


def read_served(link: Link, base: str, timeout: float = 5.0) -> Served:
    """Read the engine's control graph (empty if it was never loaded)."""
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{control_graph(base)}> {{ ?s ?p ?o }} }}"
    answer = _ask(link, query, "application/n-triples", timeout)
    body = answer.drain()
    fmt = GRAPH_FORMATS.get(answer.content_type, ox.RdfFormat.N_TRIPLES)
    try:
        triples = list(ox.parse(body, fmt))
    except SyntaxError as exc:
        raise EngineAnswerCut(link.engine.query_url, f"the control graph does not parse ({exc})") from exc
    return served_from(triples, base)


def served_from(triples: Iterable, base: str) -> Served:
    """Interpret the control graph's triples."""
    served = _kfl(base, "servedGraph").value
    props = {
        _kfl(base, "release").value: "release",
        _kfl(base, "loaded").value: "loaded",
        VOID + "triples": "triples",
        _kfl(base, "digest").value: "digest",
    }
    current = ""
    found: dict[str, dict] = {}
    for t in triples:
        if t.predicate.value == served:
            current = t.object.value
        elif t.predicate.value in props:
            found.setdefault(t.subject.value, {})[props[t.predicate.value]] = t.object.value
    graphs = {}
    for graph, values in found.items():
        if "release" not in values:
            continue
        count = values.get("triples")
        graphs[graph] = Loaded(
            graph,
            values["release"],
            values.get("loaded", ""),
            int(count) if count and count.isdigit() else None,
            values.get("digest", ""),
        )
    return Served(graphs.get(current), graphs)


def served_triples(served: Served, base: str) -> bytes:
    """The control graph for ``served``, as N-Triples."""
    dataset = ox.NamedNode(base + "dataset")
    out: list[ox.Triple] = []
    if served.current is not None:
        out.append(ox.Triple(dataset, _kfl(base, "servedGraph"), ox.NamedNode(served.current.graph)))
    for loaded in served.graphs.values():
        node = ox.NamedNode(loaded.graph)
        out.append(ox.Triple(node, _kfl(base, "release"), ox.Literal(loaded.release)))
        if loaded.loaded:
            out.append(
                ox.Triple(
                    node, _kfl(base, "loaded"), ox.Literal(loaded.loaded, datatype=ox.NamedNode(XSD + "dateTime"))
                )
            )
        if loaded.triples is not None:
            out.append(
                ox.Triple(
                    node,
                    ox.NamedNode(VOID + "triples"),
                    ox.Literal(str(loaded.triples), datatype=ox.NamedNode(XSD + "integer")),
                )
            )
        if loaded.digest:
            out.append(ox.Triple(node, _kfl(base, "digest"), ox.Literal(loaded.digest)))
    return ox.serialize(out, format=ox.RdfFormat.N_TRIPLES) or b""


# --- the Graph Store Protocol ------------------------------------------------------------------


def graph_url(engine: Engine, graph: str) -> str:
    """The Graph Store Protocol URL of a named graph (indirect identification, ``?graph=``)."""
    sep = "&" if "?" in engine.graphs_url else "?"
    return f"{engine.graphs_url}{sep}graph={quote(graph, safe='')}"


def put_graph(link: Link, graph: str, body: Iterable[bytes], length: int, timeout: float) -> None:
    """Replace a named graph with N-Triples (PUT), streamed from ``body``."""
    link.request(
        "PUT",
        graph_url(link.engine, graph),
        body,
        {"Content-Type": "application/n-triples", "Content-Length": str(length)},
        timeout,
    ).drain()


def delete_graph(link: Link, graph: str, timeout: float) -> bool:
    """Drop a named graph (DELETE); False if the engine had no such graph."""
    try:
        link.request("DELETE", graph_url(link.engine, graph), None, {}, timeout).drain()
    except EngineFailed as exc:
        if exc.status == 404:
            return False
        raise
    return True


def count_triples(link: Link, graph: str, timeout: float) -> int:
    """How many triples a named graph holds, asked with a query."""
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    answer = _ask(link, query, "application/sparql-results+json", timeout)
    body = answer.drain()
    try:
        result = ox.parse_query_results(body, RESULT_FORMATS.get(answer.content_type, ox.QueryResultsFormat.JSON))
        rows = list(result) if isinstance(result, ox.QuerySolutions) else []
        return int(rows[0]["n"].value)
    except (SyntaxError, ValueError, IndexError, TypeError, AttributeError) as exc:
        raise EngineAnswerCut(link.engine.query_url, f"the count of <{graph}> does not read ({exc})") from exc


# --- watching what is served (the web server) --------------------------------------------------


class Watch:
    """What the engine serves, looked at every ``interval`` seconds by a thread (never on a request).

    ``served`` is the last control graph read (None before the first read succeeds);
    ``error`` the last failure (None after a success).
    """

    def __init__(self, engine: Engine, base: str, interval: float = 1.0, first_timeout: float = 3.0) -> None:
        self.engine = engine
        self.base = base
        self.interval = interval
        self.served: Served | None = None
        self.error: EngineError | None = None
        self.checked = 0.0
        self._link = Link(engine)
        self._stop = threading.Event()
        self.look(first_timeout)
        self._thread = threading.Thread(target=self._run, name="kfl-lod-engine-watch", daemon=True)
        self._thread.start()

    def look(self, timeout: float = 5.0) -> None:
        """Read the control graph now."""
        try:
            self.served = read_served(self._link, self.base, timeout)
            self.error = None
        except EngineError as exc:
            self.error = exc
            self._link.close()
        self.checked = time.time()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.look(max(2.0, self.interval * 2))

    def stop(self) -> None:
        self._stop.set()
