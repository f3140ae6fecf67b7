"""Run SPARQL queries on an external engine (setting ``store``), with our limits in front.

The same ``run(job, timeout, client)`` as the query processes' pool, so the endpoint does
not care which one answers: the admission rules (``query_queue``, ``query_client_limit``,
``query_reserved``) are the pool's own, with one HTTP connection to the engine per slot
instead of one process. Before a query leaves, the endpoint has already refused updates,
SERVICE, deep nesting and oversized text. Then:

- the query goes to the engine with our default prefixes and base prepended, and with
  the release's graph as its whole dataset; the graph's public name ``{base}dataset`` in
  the query (``GRAPH``, ``FROM``, ``default-graph-uri``, ...) stands for that graph, and
  answers name it ``{base}dataset`` again, so clients see what the embedded store shows;
- the answer is read as a stream within ``query_timeout`` (then the connection is closed,
  503), parsed, cut at ``max_rows`` / ``max_result_bytes`` and written by our own writers
  in the format the client asked for;
- an answer that ends early (connection cut, framing short, JSON/XML/N-Triples that do
  not parse to the end, an engine's "cancelled" note in a 200 body) is never passed on:
  502, or 503 when the engine says it stopped the query at its own time limit.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode, urljoin

import pyoxigraph as ox

from ..remote import (
    GRAPH_ACCEPT,
    GRAPH_FORMATS,
    QUERY_ACCEPT,
    RESULT_FORMATS,
    RESULTS_ACCEPT,
    Answer,
    Engine,
    EngineAnswerCut,
    EngineError,
    EngineFailed,
    EngineRefused,
    EngineTimeout,
    EngineUnreachable,
    Link,
)
from ..store import as_published
from . import formats
from .engine import Job, Reply
from .pool import PoolError, QueryPool, QueryTimeout
from .results import write_boolean, write_graph, write_solutions
from .text import _TOKEN, _unescape, inspect

log = logging.getLogger("kfl_lod.engine")

NOWHERE = "urn:kfl-lod:no-such-graph"  # stands for graphs the embedded store would not have: empty
_TIMEOUT_WORDS = ("cancel", "timeout", "timed out", "time limit")
# Formats with no end of their own: only the HTTP framing can say such an answer is whole.
_NO_END_MARK = ("application/n-triples", "text/plain", "text/turtle", "text/tab-separated-values")


class EngineDown(PoolError):
    """The engine cannot be asked now (unreachable, or it holds no release of ours)."""

    status = 503
    retry_after = 5


class _Slot:
    """One place to run a query: a kept-alive connection to the engine (the pool's process stand-in)."""

    ready = True
    isolated = False

    def __init__(self, engine: Engine) -> None:
        self.link = Link(engine)

    def alive(self) -> bool:
        return True

    def kill(self) -> None:
        self.link.close()


class EnginePool(QueryPool):
    """The pool's admission rules in front of an external engine (see module doc)."""

    def __init__(
        self,
        size: int,
        engine: Engine,
        queue: int | None = None,
        client_limit: int | None = None,
        reserved: int = 0,
    ) -> None:
        self.engine = engine
        super().__init__(size, loader=lambda: None, queue=queue, client_limit=client_limit, reserved=reserved)

    def _add(self) -> None:
        slot = _Slot(self.engine)
        self._all.add(slot)  # type: ignore[arg-type]
        self._idle.append(slot)  # type: ignore[arg-type]

    def run(self, job: Job, timeout: float, client: str = "") -> Reply:
        """Answer ``job`` from the engine within ``timeout`` seconds (PoolError subclasses as the pool raises)."""
        slot: _Slot = self._acquire(timeout, client)  # type: ignore[assignment]
        try:
            reply = answer(slot.link, job, timeout)
        except BaseException:
            slot.link.close()  # an answer left half read: never reuse its connection
            self._release(slot, client)  # type: ignore[arg-type]
            raise
        self._release(slot, client)  # type: ignore[arg-type]
        return reply

    def pids(self) -> list[int]:
        return []

    def status(self) -> dict:
        status = super().status()
        status.pop("network_isolated", None)
        status["engine"] = self.engine.query_url
        return status


# --- one query -------------------------------------------------------------------------------


def answer(link: Link, job: Job, timeout: float) -> Reply:
    """Send ``job`` to the engine and write its answer as the client asked; see the module doc."""
    dataset_iri = (job.base_iri or "") + "dataset"
    if not job.graph:
        raise EngineDown(
            job.engine_note
            or "The SPARQL engine holds no release of this publication yet (an operator loads one with "
            "kfl-lod load); the pages and dumps are served meanwhile. Try again later."
        )
    form = inspect(job.query).form
    text, from_default, from_named = rewrite(job.query, dataset_iri, job.graph, job.prefixes, job.base_iri or "")
    if job.default_graphs is not None or job.named_graphs is not None:
        default, named = list(job.default_graphs or ()), list(job.named_graphs or ())
    elif from_default or from_named:
        default, named = from_default, from_named
    else:
        default, named = [dataset_iri], [dataset_iri]
    fields: list[tuple[str, str]] = [("query", text)]
    fields += [("default-graph-uri", _graph(g, dataset_iri, job.graph)) for g in default or [NOWHERE]]
    fields += [("named-graph-uri", _graph(g, dataset_iri, job.graph)) for g in named or [NOWHERE]]
    url = link.engine.query_url
    try:
        stream = link.request(
            "POST",
            url,
            urlencode(fields).encode("utf-8"),
            {"Content-Type": "application/x-www-form-urlencoded", "Accept": _ACCEPT.get(form or "", QUERY_ACCEPT)},
            timeout,
        )
        return _write(stream, job, job.graph, dataset_iri, form)
    except EngineTimeout as exc:
        raise _timeout(timeout) from exc
    except EngineUnreachable as exc:
        log.warning("%s", exc.en)
        raise EngineDown("The SPARQL engine cannot be reached right now; try again in a moment.") from exc
    except EngineRefused as exc:
        log.error("%s", exc.en)
        return Reply.error(502, "The SPARQL engine behind this server refused it access; the operators are told.")
    except EngineFailed as exc:
        detail = " ".join(exc.detail.split())[:1000]
        if exc.status == 400:
            return Reply.error(400, f"Malformed query (the SPARQL engine says): {detail}")
        if exc.status in (408, 504) or any(w in detail.lower() for w in _TIMEOUT_WORDS):
            raise _timeout(timeout, engine=True) from exc
        if exc.status in (429, 503):
            log.warning("%s", exc.en)
            raise EngineDown(
                f"The SPARQL engine is busy or unavailable right now (HTTP {exc.status}); try again in a moment."
            ) from exc
        log.warning("%s", exc.en)
        return Reply.error(502, f"The SPARQL engine failed on this query (HTTP {exc.status}): {detail}")
    except EngineAnswerCut as exc:
        log.warning("%s", exc.en)
        if any(w in exc.reason.lower() for w in _TIMEOUT_WORDS):
            raise _timeout(timeout, engine=True) from exc
        return Reply.error(
            502,
            f"The SPARQL engine's answer was cut off or malformed ({exc.reason}); no part of it is sent. "
            "Try again; if it happens again, narrow the query down, e.g. with LIMIT.",
        )


def _timeout(seconds: float, engine: bool = False) -> QueryTimeout:
    who = (
        "The SPARQL engine stopped the query at its own time limit"
        if engine
        else (f"The query ran longer than {seconds:g} s (setting query_timeout) and was stopped")
    )
    return QueryTimeout(f"{who}. Narrow it down, e.g. with LIMIT or more specific patterns.")


def _graph(iri: str, dataset_iri: str, graph: str) -> str:
    """The engine's graph for a graph name a client used: ours, or one that is empty."""
    return graph if iri == dataset_iri else NOWHERE


_ACCEPT = {"SELECT": RESULTS_ACCEPT, "ASK": RESULTS_ACCEPT, "CONSTRUCT": GRAPH_ACCEPT, "DESCRIBE": GRAPH_ACCEPT}


def _write(stream: Answer, job: Job, graph: str, dataset_iri: str, form: str | None = None) -> Reply:
    """Parse the engine's answer as it streams in and write it as the job asks; cut or malformed: raise."""
    kind = stream.content_type
    if kind in RESULT_FORMATS:
        parse_format = RESULT_FORMATS[kind]
        family = None
    elif kind in GRAPH_FORMATS:
        family = formats.GRAPH
    else:
        stream.finish()
        raise EngineAnswerCut(stream.url, f"it came as {kind or 'no content type'}, which is no SPARQL result format")
    if stream.unframed and kind in _NO_END_MARK:
        stream.finish()
        raise EngineAnswerCut(
            stream.url,
            f"it came as {kind} without Content-Length or chunked encoding, so an answer cut at a line's end "
            "could not be told from a whole one",
        )
    try:
        if family is None:
            result: Any = ox.parse_query_results(stream, parse_format)  # type: ignore[arg-type]  # a binary stream
            family = formats.BOOLEAN if isinstance(result, ox.QueryBoolean) else formats.SOLUTIONS
            if form == "ASK" and family == formats.SOLUTIONS:
                # Virtuoso 7 answers ASK as one row of one variable (__ASK_RETVAL, 1 or 0).
                rows = list(result)
                values = [row[v] for row in rows[:1] for v in result.variables]
                result = bool(values) and values[0] is not None and values[0].value not in ("0", "false")
                family = formats.BOOLEAN
        name = job.formats.get(family)
        if name is None:
            stream.finish()
            offered = ", ".join(f.media_type for f in formats.OFFERS[family])
            return Reply.error(
                406,
                f"Not acceptable: this query can be answered as {offered}; "
                "ask for one of them in the Accept header or the format parameter.",
            )
        if family == formats.BOOLEAN:
            written = write_boolean(bool(result), name)
            _read_to_end(stream)
        elif family == formats.SOLUTIONS:
            written = write_solutions(_Renamed(result, graph, dataset_iri), name, job.max_rows, job.max_bytes)  # type: ignore[arg-type]
            if not written.truncated:
                _read_to_end(stream)
        else:
            # The engine folds integer subtypes too (Oxigraph does): give the files' datatypes back.
            triples = map(as_published, _triples(ox.parse(stream, GRAPH_FORMATS[kind]), graph, dataset_iri))  # type: ignore[arg-type]
            written = write_graph(triples, name, job.max_rows, job.prefixes or None, job.max_bytes)
            if not written.truncated:
                _read_to_end(stream)
    except (SyntaxError, OSError, ValueError) as exc:
        if stream.failure is not None:
            raise stream.failure from exc
        raise EngineAnswerCut(stream.url, _cut_reason(exc, stream)) from exc
    stream.finish()
    fmt = formats.get(family, name)
    return Reply(200, fmt.content_type, written.body, written.rows, written.truncated, family, name)


def _read_to_end(stream: Answer) -> None:
    """Make sure nothing but whitespace follows what the parser took (and that the framing ends)."""
    rest = stream.read()
    if stream.failure is not None:
        raise stream.failure
    if rest and rest.strip():
        raise EngineAnswerCut(stream.url, f"more followed the end of the answer: {_clip(rest)}")


def _cut_reason(exc: BaseException, stream: Answer) -> str:
    tail = _clip(stream.tail)
    return f"{exc}; it ends with {tail}" if tail else str(exc)


def _clip(data: bytes) -> str:
    text = " ".join(data[-160:].decode("utf-8", "replace").split())
    return repr(text)


class _Renamed:
    """Solutions with the release's graph named by its public IRI again."""

    def __init__(self, solutions: ox.QuerySolutions, graph: str, dataset_iri: str) -> None:
        self.variables = solutions.variables
        self._solutions = solutions
        self._graph = ox.NamedNode(graph)
        self._public = ox.NamedNode(dataset_iri)

    def __iter__(self) -> Iterator[_Row]:
        for row in self._solutions:
            yield _Row(row, self._graph, self._public)


class _Row:
    __slots__ = ("_row", "_graph", "_public")

    def __init__(self, row: ox.QuerySolution, graph: ox.NamedNode, public: ox.NamedNode) -> None:
        self._row, self._graph, self._public = row, graph, public

    def __getitem__(self, name: str):
        term = self._row[name]
        return self._public if term == self._graph else term

    def __iter__(self) -> Iterator[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None]:
        # The terms in the order of the variables, as the writers read a row (``tuple(row)``).
        graph, public = self._graph, self._public
        for term in self._row:
            yield public if term == graph else term


def _triples(quads, graph: str, dataset_iri: str) -> Iterator[ox.Triple]:
    ours, public = ox.NamedNode(graph), ox.NamedNode(dataset_iri)
    for quad in quads:
        s = public if quad.subject == ours else quad.subject
        o = public if quad.object == ours else quad.object
        yield ox.Triple(s, quad.predicate, o)


# --- the query text ---------------------------------------------------------------------------


def rewrite(
    query: str, dataset_iri: str, graph: str, prefixes: dict[str, str], base: str
) -> tuple[str, list[str], list[str]]:
    """The text to send, and the graphs the query names in FROM and FROM NAMED.

    Our default prefixes (those the query does not declare itself) and base are put in
    front on the same line, so the engine's line numbers still match the client's text;
    ``{base}dataset`` written as an IRI or prefixed name becomes the release's graph.

    >>> text, d, n = rewrite("SELECT * FROM <https://k/dataset> { GRAPH kfl:x {} }", "https://k/dataset",
    ...                      "https://k/dataset/r1", {"kfl": "https://k/def/"}, "https://k/")
    >>> text
    'BASE <https://k/> PREFIX kfl: <https://k/def/> SELECT * FROM <https://k/dataset/r1> { GRAPH kfl:x {} }'
    >>> d, n
    (['https://k/dataset'], [])
    >>> rewrite("PREFIX d: <https://k/> SELECT * { GRAPH d:dataset { ?s ?p ?o } }", "https://k/dataset",
    ...         "https://k/dataset/r1", {}, "https://k/")[0]
    'BASE <https://k/> PREFIX d: <https://k/> SELECT * { GRAPH <https://k/dataset/r1> { ?s ?p ?o } }'
    """
    declared: dict[str, str] = {}
    query_base = base
    out: list[str] = []
    from_default: list[str] = []
    from_named: list[str] = []
    previous: list[str] = []  # the last significant tokens (kind:upper text)
    pending_prefix: str | None = None
    for m in _TOKEN.finditer(query):
        kind, value = m.lastgroup, m.group()
        if kind in ("space", "comment"):
            out.append(value)
            continue
        replaced = value
        if kind == "pname" and previous[-1:] == ["word:PREFIX"]:
            pending_prefix = value[:-1] if value.endswith(":") else value.partition(":")[0]
        elif kind == "iri" and pending_prefix is not None:
            declared[pending_prefix] = urljoin(query_base, _unescape(value[1:-1]))
            pending_prefix = None
        elif kind == "iri" and previous[-1:] == ["word:BASE"]:
            query_base = urljoin(query_base, _unescape(value[1:-1]))
        elif kind in ("iri", "pname"):
            iri = _expand(kind, value, query_base, {**prefixes, **declared})
            if previous[-1:] == ["word:FROM"]:
                from_default.append(iri or value)
            elif previous[-2:] == ["word:FROM", "word:NAMED"]:
                from_named.append(iri or value)
            if iri == dataset_iri:
                replaced = f"<{graph}>"
        out.append(replaced)
        previous = [*previous[-1:], f"{kind}:{value.upper()}" if kind == "word" else kind or ""]
    prologue = [f"BASE <{base}>"] if base else []
    prologue += [f"PREFIX {name}: <{iri}>" for name, iri in prefixes.items() if name not in declared]
    return " ".join([*prologue, "".join(out)]), from_default, from_named


def _expand(kind: str, value: str, base: str, prefixes: dict[str, str]) -> str | None:
    if kind == "iri":
        return urljoin(base, _unescape(value[1:-1]))
    prefix, _, local = value.partition(":")
    if prefix not in prefixes:
        return None
    return prefixes[prefix] + local.replace("\\", "")


__all__ = ["EngineDown", "EnginePool", "EngineError", "answer", "rewrite"]
