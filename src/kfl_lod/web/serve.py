"""Run the web app under gunicorn, building the publication first if it is missing or stale."""

from __future__ import annotations

from pathlib import Path

from ..names import LATEST, NTRIPLES
from ..settings import Settings

REQUEST_LINE_LIMIT = 8190  # gunicorn's maximum; longer queries must be POSTed
SPARE_THREADS = 4  # threads per worker no SPARQL request can take: pages and /healthz always answer


def threads_needed(settings: Settings) -> int:
    """The fewest threads per worker that leave SPARE_THREADS free however many queries wait.

    >>> from kfl_lod.settings import Settings
    >>> threads_needed(Settings())
    14
    """
    return settings.query_workers + settings.query_queue + SPARE_THREADS


def needs_build(settings: Settings) -> bool:
    """Whether ``published/`` is missing or older than the newest file in ``source/``."""
    latest = Path(settings.published) / LATEST / NTRIPLES
    if not latest.exists():
        return True
    source = Path(settings.source)
    files = [source] if source.is_file() else [p for p in source.rglob("*") if p.is_file()]
    newest = max((p.stat().st_mtime for p in files), default=0.0)
    return newest > latest.stat().st_mtime


def gunicorn_options(
    settings: Settings, host: str, port: int, workers: int, threads: int, access_log: bool = False
) -> dict:
    """The gunicorn settings `kfl-lod serve` uses (and the docs recommend for production).

    Threads are raised to ``threads_needed``: SPARQL requests take at most query_workers +
    query_queue threads of a worker, and the rest must stay free for pages and /healthz.
    """
    return {
        "bind": f"{host}:{port}",
        "workers": max(1, workers),
        "threads": max(1, threads, threads_needed(settings)),
        "worker_class": "gthread",
        # A worker is only killed by gunicorn if it stops answering altogether; slow
        # queries are stopped by the query pool's own timeout long before this.
        "timeout": int(max(30, settings.query_timeout * 3)),
        "graceful_timeout": 5,
        "limit_request_line": REQUEST_LINE_LIMIT,
        "accesslog": "-" if access_log else None,
        "errorlog": "-",
        "loglevel": "info",
        # No control socket (gunicorn 23+): several servers on one machine would share its path.
        "control_socket_disable": True,
    }


def serve(
    settings: Settings, host: str, port: int, workers: int = 1, threads: int = 8, access_log: bool = False
) -> None:
    """Serve the publication until interrupted (gunicorn, ``workers`` processes x ``threads``)."""
    from gunicorn.app.base import BaseApplication

    from . import create_app

    app = create_app(settings)
    options = gunicorn_options(settings, host, port, workers, threads, access_log)

    class Application(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                if value is not None and key in self.cfg.settings:  # older gunicorns lack some
                    self.cfg.set(key, value)
            self.cfg.set("post_worker_init", lambda worker: warm_up(app))

        def load(self):
            return app

    Application().run()


def warm_up(app) -> None:
    """Load the store and start the query processes before the first request arrives."""
    from . import store
    from .sparql import query_pool

    with app.app_context():
        store()
        query_pool()
