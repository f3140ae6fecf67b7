"""Run the web app under Granian with the kfl-lod front (``kfl-lod serve``), as production does.

The server layer was chosen by measurement (bench/bench_stacks.py, docs/server.md):
Granian reads headers and keeps idle connections in Rust, the front (``front.py``) reads
bodies on the event loop, so slow or idle clients hold no thread; only whole requests
reach the threads running the app.
"""

from __future__ import annotations

import os
import threading

from ..settings import Settings, to_environ

REQUEST_LINE_LIMIT = 8190  # longest request target accepted (414 beyond); longer queries must be POSTed
SPARE_THREADS = 4  # threads per worker no SPARQL request can take: pages and /healthz always answer


def threads_needed(settings: Settings) -> int:
    """The fewest threads per worker that leave SPARE_THREADS free however many queries wait.

    >>> from kfl_lod.settings import Settings
    >>> threads_needed(Settings())
    22
    """
    return settings.query_workers + settings.query_queue + SPARE_THREADS


def granian_options(settings: Settings, host: str, port: int, workers: int, access_log: bool = False) -> dict:
    """The Granian settings `kfl-lod serve` uses (the production command in docs/server.md says the same)."""
    from granian.constants import HTTPModes, Interfaces
    from granian.http import HTTP1Settings

    return {
        "address": host,
        "port": port,
        "interface": Interfaces.ASGI,
        "workers": max(1, workers),
        "http": HTTPModes.http1,
        "websockets": False,
        # Slow or idle clients: headers must arrive, and idle keep-alive connections end, within this.
        "http1_settings": HTTP1Settings(header_read_timeout=int(settings.header_timeout * 1000)),
        "log_access": access_log,
        "respawn_failed_workers": True,
    }


def serve(
    settings: Settings, host: str, port: int, workers: int = 1, threads: int = 0, access_log: bool = False
) -> None:
    """Serve the publication until interrupted (Granian, ``workers`` processes, each with the front)."""
    from granian import Granian

    if threads:
        settings = settings.replace(http_threads=max(threads, threads_needed(settings)))
    # The worker processes build their app from the environment, like the production command.
    os.environ.update(to_environ(settings))
    Granian("kfl_lod.web.asgi:app", **granian_options(settings, host, port, workers, access_log)).serve()


def warm_pages(app) -> None:
    """Load the pages' index, Morfeusz, the withdrawn IRIs and compile every page template: the first visitor waits for none.

    Compiling the templates alone took 0.2–0.7 s on the shared machine, on the first page asked for.
    """
    from ..words import analyse
    from . import current_release
    from .pages import current_index

    with app.test_request_context(app.config["KFL_SETTINGS"].base_path):
        app.preprocess_request()
        current_index()  # first: the home page needs it
        app.jinja_env.get_template("pages/search.html")
        analyse("sala")  # loads Morfeusz's dictionary
        current_index().lexicon.expand("sala")  # reads the index's lexicon (the first text search needs it)
        current_release().withdrawn  # noqa: B018 - every page of a thing checks it (changes.json: 24 MB at 100k)
        for name in app.jinja_env.list_templates(filter_func=lambda n: n.startswith("pages/")):
            app.jinja_env.get_template(name)


def warm_up(app) -> threading.Thread:
    """Open the store and start the query processes before the first request; warm the pages meanwhile.

    The server answers (/healthz, SPARQL) as soon as the store is open; the pages' index of a
    large release takes longer to read, so a thread reads it (with the templates and Morfeusz)
    and a page asked for meanwhile waits for it (see pages.current_index). Returns the thread.
    """
    from . import current_release
    from .sparql import query_pool

    with app.test_request_context(app.config["KFL_SETTINGS"].base_path):
        app.preprocess_request()
        current_release().triples  # noqa: B018 - loads the store
        query_pool()
    thread = threading.Thread(target=_warm_pages_quietly, args=(app,), name="kfl-warm-pages", daemon=True)
    thread.start()
    return thread


def _warm_pages_quietly(app) -> None:
    try:
        warm_pages(app)
    except Exception:  # noqa: BLE001 - a page asked for later reads the index itself and reports any error
        app.logger.exception("warming the pages failed; the first page will try again")
