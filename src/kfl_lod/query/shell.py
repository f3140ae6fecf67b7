"""Run one query from the shell with the same engine, processes and limits as the server (or its external engine)."""

from __future__ import annotations

from ..settings import Settings
from ..store import store_loader
from . import formats
from .engine import Job, Reply, default_prefixes
from .pool import PoolError, QueryPool

# Shell defaults: TSV reads well in a terminal; Turtle for graphs.
DEFAULTS = {formats.SOLUTIONS: "tsv", formats.BOOLEAN: "json", formats.GRAPH: "turtle"}


def run_query(settings: Settings, text: str, fmt: str | None = None) -> Reply:
    """Run ``text`` on the publication in one query process; errors become a Reply.

    :raises ValueError: if ``fmt`` names no format.
    """
    if fmt and not formats.is_known_format_value(fmt):
        raise ValueError(f"unknown format {fmt!r}; use one of: {', '.join(formats.FORMAT_VALUES)}")
    chosen = {
        family: ((f.name if (f := formats.by_name(family, fmt)) else None) if fmt else default)
        for family, default in DEFAULTS.items()
    }
    # A format that fits one form only (csv) leaves the others at their default.
    if fmt:
        chosen = {family: name or DEFAULTS[family] for family, name in chosen.items()}
    from .text import MAX_NESTING, inspect

    info = inspect(text)
    if info.depth > MAX_NESTING:
        return Reply.error(
            400, f"Query nested too deeply: brackets nest {info.depth} levels; the limit is {MAX_NESTING}."
        )
    if info.update:
        return Reply.error(403, f"SPARQL Update ({info.update}) is not accepted: the data is read-only.")
    if info.uses_service:
        return Reply.error(400, "SERVICE (federated query) is not allowed: no outbound requests are made.")
    graph = ""
    if settings.store:
        # An external engine (setting store): the graph it serves now, asked as the server asks it.
        from ..remote import Engine, EngineError, Link, read_served
        from .external import EnginePool

        engine = Engine.at(settings.store, settings.store_graphs)
        link = Link(engine)
        try:
            served = read_served(link, settings.base)
        except EngineError as exc:
            return Reply.error(503, exc.en)
        finally:
            link.close()
        if served.current is None:
            return Reply.error(503, f"The SPARQL engine at {engine.query_url} holds no release yet: run kfl-lod load.")
        graph = served.current.graph
        pool: QueryPool = EnginePool(1, engine)
    else:
        pool = QueryPool(1, store_loader(settings.published, settings.base), memory_mb=settings.query_memory_mb)
    try:
        job = Job(
            query=text,
            formats=chosen,
            max_rows=settings.max_rows,
            base_iri=settings.base,
            prefixes=default_prefixes(settings.base),
            max_bytes=settings.max_result_bytes,
            graph=graph,
        )
        return pool.run(job, settings.query_timeout)
    except PoolError as exc:
        return Reply.error(exc.status, str(exc))
    finally:
        pool.close()
