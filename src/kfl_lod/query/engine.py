"""Run one SPARQL query against a store and write its answer: the work a query process does.

This runs inside a query process (see ``pool``), never in the web server's own process:
pyoxigraph can neither cancel a query nor always survive one, so a query must run where
it can be killed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from ..store import as_published
from . import formats
from .results import PREFIXES, Written, write_boolean, write_graph, write_solutions


@dataclass(frozen=True)
class Job:
    """One query to run, with everything the protocol request decided about it."""

    query: str
    formats: dict[str, str | None]  # family -> format name, None where nothing is acceptable
    max_rows: int
    base_iri: str | None = None
    default_graphs: tuple[str, ...] | None = None  # protocol dataset (default-graph-uri)
    named_graphs: tuple[str, ...] | None = None  # protocol dataset (named-graph-uri)
    version: str = ""  # which publication the answer must come from
    folder: str = ""  # the folder of that release's files ("" : the loader's own data)
    prefixes: dict[str, str] = field(default_factory=dict)  # default prefixes, overridable by PREFIX
    max_bytes: int | None = None  # cut the answer before it grows past this many bytes
    graph: str = ""  # an external engine (setting store): the named graph holding the release
    engine_note: str = ""  # an external engine: why no graph can be asked now, if none


@dataclass(frozen=True)
class Reply:
    """The answer to a Job: an HTTP-like status, a content type and bytes."""

    status: int
    content_type: str
    body: bytes
    rows: int = 0
    truncated: bool = False
    family: str = ""
    format: str = ""

    @classmethod
    def error(cls, status: int, message: str) -> Reply:
        return cls(status, "text/plain; charset=utf-8", message.encode("utf-8"))

    @property
    def message(self) -> str:
        return self.body.decode("utf-8", "replace") if self.status >= 400 else ""


def default_prefixes(base: str) -> dict[str, str]:
    """The prefixes a query may use without declaring them: the usual ones and ``kfl:``."""
    return {**PREFIXES, "kfl": base + "def/"}


def execute(store: ox.Store, job: Job) -> Reply:
    """Run ``job`` on ``store``; every failure becomes a Reply with a readable message."""
    kwargs: dict = {"base_iri": job.base_iri, "prefixes": job.prefixes or None}
    try:
        if job.default_graphs is not None or job.named_graphs is not None:
            # The protocol's dataset replaces the query's FROM / FROM NAMED and the store's
            # default dataset: unnamed parts are empty (SPARQL 1.1 Protocol, 2.1.4).
            kwargs["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs or ()]
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs or ()]
        result = store.query(job.query, **kwargs)
        if isinstance(result, ox.QueryBoolean):
            family = formats.BOOLEAN
        elif isinstance(result, ox.QuerySolutions):
            family = formats.SOLUTIONS
        else:
            family = formats.GRAPH
        name = job.formats.get(family)
        if name is None:
            offered = ", ".join(f.media_type for f in formats.OFFERS[family])
            return Reply.error(
                406,
                f"Not acceptable: this {_form_word(family)} can be answered as {offered}; "
                "ask for one of them in the Accept header or the format parameter.",
            )
        written = _write(result, family, name, job.max_rows, job.prefixes, job.max_bytes)
    except SyntaxError as exc:
        return Reply.error(400, f"Malformed query: {exc}")
    except ValueError as exc:
        return Reply.error(400, f"Query rejected: {exc}")
    except OSError as exc:
        return Reply.error(500, f"The query failed while reading the data: {exc}")
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException as exc:  # pyoxigraph raises PanicException (a BaseException) on engine bugs
        return Reply.error(
            500,
            f"The query engine failed on this query ({type(exc).__name__}: {exc}). "
            "Try to simplify it, e.g. ORDER BY over values of one type.",
        )
    fmt = formats.get(family, name)
    return Reply(200, fmt.content_type, written.body, written.rows, written.truncated, family, name)


def _form_word(family: str) -> str:
    return {
        formats.SOLUTIONS: "SELECT query",
        formats.BOOLEAN: "ASK query",
        formats.GRAPH: "CONSTRUCT or DESCRIBE query",
    }[family]


def _write(result, family: str, name: str, max_rows: int, prefixes: dict[str, str], max_bytes: int | None) -> Written:
    if family == formats.BOOLEAN:
        return write_boolean(bool(result), name)
    if family == formats.SOLUTIONS:
        return write_solutions(result, name, max_rows, max_bytes)
    # Triples get back the datatypes the store folded (store.as_published): a CONSTRUCT says what the files say.
    return write_graph(map(as_published, result), name, max_rows, prefixes or None, max_bytes)
