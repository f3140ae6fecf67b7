"""The production entry point: ``granian --interface asgi ... kfl_lod.web.asgi:app`` (docs/server.md).

Granian speaks HTTP; ``front.Front`` reads whole requests on its event loop and answers
repeated ones from the release's answer cache there, and runs the Flask app in a thread
pool for the rest. Settings come from ``kfl-lod.toml`` (or ``KFL_SETTINGS``) and ``KFL_*``
environment variables, as for every other command.
"""

from __future__ import annotations

import json
from typing import Any

from ..settings import Settings, load_settings
from . import create_app
from .answers import answer_conditions, defer_conditions, keep, lookup
from .front import Answer, Front
from .quick_sparql import QuickSparql
from .serve import threads_needed


def make_front(settings: Settings) -> Front:
    """The ASGI application serving ``settings``' publication."""
    app = create_app(settings)
    releases = app.extensions["kfl_releases"]
    health_path = settings.base_path + "healthz"
    routes = app.url_map.bind("kfl.invalid")

    def deferred(path: str) -> bool:
        """Whether a revalidation of ``path`` is answered whole by the view, its 304 made from the 200 kept."""
        try:
            endpoint, _ = routes.match(path, method="GET")
        except Exception:  # noqa: BLE001 - a 404, 405 or redirect: the view answers as it is
            return False
        return endpoint in _KEPT_WHOLE

    def fast(environ: dict[str, Any]) -> Answer | None:
        if environ["PATH_INFO"] == health_path and environ["REQUEST_METHOD"] in ("GET", "HEAD"):
            return _health(app, releases, environ)
        answer = lookup(releases, environ)
        if (
            answer is None
            and environ["REQUEST_METHOD"] == "GET"
            and environ.get("kfl.cache_key") is not None
            and ("HTTP_IF_NONE_MATCH" in environ or "HTTP_IF_MODIFIED_SINCE" in environ)
            and deferred(environ["PATH_INFO"])
        ):
            # A page, document or dump revalidated before its 200 was kept (first request, or
            # evicted): the view answers the 200 (kept), the 304 is made from it as from the
            # cache, and later revalidations stay on the event loop instead of rendering again.
            defer_conditions(environ)
        return answer

    def warm_up() -> None:
        from .serve import warm_up as start

        start(app)

    return Front(
        app,
        threads=settings.http_threads or threads_needed(settings),
        body_timeout=settings.body_timeout,
        # Above the largest body any route takes (the check page's uploads), so that each route
        # refuses what exceeds its own limit in its own words; far larger bodies stop here.
        max_body=max(settings.max_body_bytes, settings.upload_max_bytes) + 1_000_000,
        fast=fast,
        keep=keep,
        on_start=warm_up,
        direct=QuickSparql(app).answer,
        finish=answer_conditions,
    )


# Views whose 200 is kept in the answer cache and whose 304 is that 200 without its body: the
# pages, a thing's documents (and its IRI's 303, sent as it is) and the dumps.
_KEPT_WHOLE = frozenset(
    {
        "pages.search",
        "pages.practices",
        "pages.about",
        "pages.accessibility",
        "resources.resource",
        "resources.dump",
        "resources.dumps_index",
    }
)

_HEALTH_HEADERS = [
    ("content-type", "application/json"),
    ("cache-control", "no-store"),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "strict-origin-when-cross-origin"),
    ("content-security-policy", "default-src 'none'; frame-ancestors 'none'"),
    ("access-control-allow-origin", "*"),
]


def _health(app, releases, environ: dict[str, Any]) -> Answer | None:
    """/healthz on the event loop, once the data is loaded (the Flask view answers before that)."""
    release = releases.current()
    if not release.loaded:
        return None  # not loaded yet: let the app load it (in a thread) and answer
    from .resources import health_status

    status, body = health_status(app, release)
    headers = [*_HEALTH_HEADERS]
    if release.name:
        headers.append(("x-kfl-release", release.name))
    data = json.dumps(body, ensure_ascii=False).encode() + b"\n"
    headers.append(("content-length", str(len(data))))
    return status, headers, b"" if environ["REQUEST_METHOD"] == "HEAD" else data


def __getattr__(name: str) -> Any:
    # Built on first access, so importing this module (tests, docs) loads nothing.
    if name == "app":
        front = make_front(load_settings())
        globals()["app"] = front
        return front
    raise AttributeError(name)
