"""The common SPARQL request answered without Flask: the same answer, a few hundred microseconds sooner.

Measured (bench/bench_serving.py, docs/benchmarks.md): for a query not in the answer cache,
Flask's request and response objects, routing and hooks cost more than running the query in
its query process. This module answers the common case itself — GET, or POST of a form or of
``application/sparql-query``, with one ``query``, no protocol dataset, a result format the
client accepts and not the HTML page — on the front's event loop, taking no thread: the query
still runs in a killable query process (``query/pool.py``), as the Flask view runs it, and
waiting for a process and for the answer happens on the loop (``QueryPool.run_async``).

Everything else returns None before the query runs, and the Flask view answers it: errors
in the request (their messages are the view's), ranges, HEAD, the service
description, the query page, an external engine (setting ``store``). The answers are the
view's, header for header (tests/test_quick_sparql.py compares them).
"""

from __future__ import annotations

import codecs
import functools
import os
import re
import traceback
from typing import Any
from urllib.parse import unquote

from flask import Flask
from werkzeug.http import remove_entity_headers

from ..query import formats
from ..query.engine import Job, Reply, default_prefixes
from ..query.pool import PoolError, QueryPool
from ..query.text import MAX_NESTING, inspect, plain_form
from . import SECURITY_HEADERS, client_address
from .answers import _matches, keep
from .headers import EXPOSED, etag_of
from .query_page import download_name

Answer = tuple[int, list[tuple[str, str]], bytes]
_EXPOSE = ", ".join(EXPOSED)
_CSP = "default-src 'none'; frame-ancestors 'none'"
_PARAMS = {"query", "update", "default-graph-uri", "named-graph-uri", "format", "output"}


class QuickSparql:
    """``await quick.answer(environ)``: the answer to a common SPARQL request, or None to let the Flask view answer."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        settings = app.config["KFL_SETTINGS"]
        self.settings = settings
        prefix = settings.base_path.rstrip("/")
        self.paths = {prefix + "/sparql", prefix + "/sparql/"}
        # An external engine or a custom query store is reached through the view only.
        self.releases = app.extensions["kfl_releases"]
        self.enabled = not app.extensions.get("kfl_query_store") and getattr(self.releases, "engine", None) is None
        self.prefixes = default_prefixes(settings.base)
        self._pool = None

    async def answer(self, environ: dict[str, Any]) -> Answer | None:
        """The answer, on the event loop (the query runs in a query process); None: the view answers."""
        planned = self.plan(environ) if self.wanted(environ) else None
        if planned is None:
            return None
        job, release = planned
        settings = self.settings
        try:
            reply = await self.pool().run_async(job, settings.query_timeout, client_address(environ, settings))
        except PoolError as exc:
            return self._pool_error(release, exc)
        except Exception as exc:  # noqa: BLE001 - a bug here must still give an answer with our headers
            traceback.print_exc()
            return self._error(release, 500, f"The query could not be run ({type(exc).__name__}: {exc}).")
        return self._reply(environ, release, reply)

    def wanted(self, environ: dict[str, Any]) -> bool:
        """Whether the request is for the endpoint this path may answer."""
        return self.enabled and environ.get("PATH_INFO") in self.paths

    def pool(self) -> QueryPool:
        """This process's query pool (the view's), started on first use."""
        entry = self.app.extensions.get("kfl_query_pool")
        if entry is not None and entry[0] == os.getpid():
            return entry[1]
        from .sparql import query_pool

        with self.app.app_context():
            return query_pool()

    def _pool_error(self, release, exc: PoolError) -> Answer:
        return self._error(release, exc.status, str(exc), exc.retry_after if exc.status in (429, 503) else None)

    def _reply(self, environ: dict[str, Any], release, reply: Reply) -> Answer:
        if reply.status != 200:
            return self._error(release, reply.status, reply.message)
        environ["kfl.cacheable"] = True
        answer = self._ok(release, reply)
        wanted = environ.get("HTTP_IF_NONE_MATCH")
        if wanted and environ.get("REQUEST_METHOD") == "GET":
            # Revalidation (a cache in front) of an answer not kept yet: keep the 200, so the
            # next one is answered from the cache; answer 304 as the view does (If-None-Match
            # only: the view gives SPARQL answers no date to compare If-Modified-Since with).
            keep(environ, answer)
            if _matches(wanted, answer[1]):
                headers = list(answer[1])
                remove_entity_headers(headers)  # as Werkzeug sends a 304 of the view
                return 304, headers, b""
        return answer

    def plan(self, environ: dict[str, Any]) -> tuple[Job, Any] | None:
        """The job for a common request, with its release; None for anything the view must answer."""
        method = environ.get("REQUEST_METHOD")
        if method not in ("GET", "POST"):
            return None
        if environ.get("HTTP_RANGE") or (method == "POST" and environ.get("HTTP_IF_NONE_MATCH")):
            return None
        raw = environ.get("RAW_URI") or ""
        if raw.partition("?")[0] != environ["PATH_INFO"]:
            return None  # percent-encoded or absolute-form targets: the view's checks decide
        try:
            if int(environ.get("CONTENT_LENGTH") or 0) > self.settings.max_body_bytes:
                return None
        except ValueError:
            return None
        pairs = _pairs(environ.get("QUERY_STRING", ""))
        if pairs is None:
            return None
        if method == "POST":
            body = _body(environ, self.settings.max_body_bytes)
            if body is None:
                return None
            mimetype, _, options = environ.get("CONTENT_TYPE", "").partition(";")
            mimetype = mimetype.strip().lower()
            if mimetype == "application/x-www-form-urlencoded" and not options.strip():
                form = _pairs(body.decode("latin-1"))
                if form is None:
                    return None
                pairs += form
            elif mimetype == "application/sparql-query" and options.strip().lower().replace(" ", "") in (
                "",
                "charset=utf-8",
                "charset=utf8",
            ):
                try:
                    pairs.append(("query", body.decode("utf-8")))
                except UnicodeDecodeError:
                    return None
            else:
                return None
        queries: list[str] = []
        format_params: list[str] = []
        for name, value in pairs:
            if name == "query":
                queries.append(value)
            elif name in ("format", "output"):
                if value.strip():
                    format_params.append(value)
            elif name in _PARAMS:
                return None  # updates and the protocol dataset: the view
        if len(queries) != 1:
            return None
        query = queries[0]
        accept = environ.get("HTTP_ACCEPT")
        if format_params:
            for value in format_params:
                if value.strip().lower() in ("html", "text/html") or not formats.is_known_format_value(value):
                    return None
        elif formats.wants_html(accept):
            return None
        if not query.strip() or len(query.encode("utf-8")) > self.settings.max_query_bytes:
            return None
        query_form = plain_form(query)  # the common query, decided in a few µs; else the full reading
        if query_form is None:
            text = inspect(query)
            if text.depth > MAX_NESTING or text.update or text.uses_service:
                return None
            query_form = text.form
        chosen = _choose(accept, tuple(format_params))
        if chosen is None:
            return None
        if query_form and all(v is None for v in chosen.values()):
            return None
        release = environ.get("kfl.release") or self.releases.current()
        environ["kfl.release"] = release
        settings = self.settings
        job = Job(
            query=query,
            formats=dict(chosen),
            max_rows=settings.max_rows,
            base_iri=settings.base,
            version=release.key,
            folder=str(release.folder),
            prefixes=self.prefixes,
            max_bytes=settings.max_result_bytes,
        )
        return job, release

    def _common(self, release, headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """What the app's hooks add to every /sparql answer (sparql._after, cors, web._finish)."""
        headers += [
            ("Vary", "Accept"),
            ("Access-Control-Allow-Origin", "*"),
            ("Access-Control-Expose-Headers", _EXPOSE),
            ("X-Content-Type-Options", "nosniff"),
        ]
        if release.name:
            headers.append(("X-KFL-Release", release.name))
        headers += [(k, v) for k, v in SECURITY_HEADERS.items() if k != "X-Content-Type-Options"]
        headers.append(("Content-Security-Policy", _CSP))
        return headers

    def _ok(self, release, reply: Reply) -> Answer:
        body = reply.body
        headers = [("Content-Type", reply.content_type), ("Content-Length", str(len(body)))]
        fmt = formats.get(reply.family, reply.format) if reply.family and reply.format else None
        if fmt is not None:
            headers.append(("Content-Disposition", f'inline; filename="{download_name(fmt)}"'))
        if reply.family != formats.BOOLEAN:
            settings = self.settings
            headers += [
                ("X-KFL-Results-Truncated", "true" if reply.truncated else "false"),
                ("X-KFL-Results-Limit", str(settings.max_rows)),
                ("X-KFL-Results-Byte-Limit", str(settings.max_result_bytes)),
                ("X-KFL-Result-Rows", str(reply.rows)),
            ]
        self._common(release, headers)
        headers += [("ETag", release.etag(etag_of(body))), ("Last-Modified", release.last_modified)]
        return 200, headers, body

    def _error(self, release, status: int, message: str, retry_after: int | None = None) -> Answer:
        body = (message.rstrip() + "\n").encode("utf-8")
        headers = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
        if status == 405:
            headers.append(("Allow", "GET, HEAD, POST, OPTIONS"))
        if retry_after is not None:
            headers.append(("Retry-After", str(retry_after)))
        return status, self._common(release, headers), body


@functools.lru_cache(maxsize=256)
def _choose(accept: str | None, format_params: tuple[str, ...]) -> dict[str, str | None] | None:
    """formats.choose, remembered: clients send the same few Accept headers again and again."""
    try:
        return formats.choose(accept, list(format_params))
    except formats.ConflictingFormats:
        return None


def _pairs(encoded: str) -> list[tuple[str, str]] | None:
    """Name-value pairs of a URL-encoded string as the view reads them, or None if not plain UTF-8.

    The same pairs as ``parse_qsl(encoded, keep_blank_values=True, errors="strict")`` (a
    test compares them), with the percent-decoding done in C (``_unquote_plus``): for a
    2.5 kB query string, ~10 µs instead of ~40.
    """
    if not encoded:
        return []
    if not encoded.isascii():
        return None
    pairs = []
    try:
        for field in encoded.split("&"):
            if not field:
                continue
            name, _, value = field.partition("=")  # no "=": a blank value, as keep_blank_values gives
            pairs.append((_unquote_plus(name), _unquote_plus(value)))
    except UnicodeDecodeError:
        return None
    return pairs


_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def _unquote_plus(text: str) -> str:
    """``unquote_plus(text, errors="strict")`` for ASCII text: each %XX made a \\xXX escape, decoded by the codec."""
    text = text.replace("+", " ")
    if "%" not in text:
        return text
    if _BAD_ESCAPE.search(text):
        return unquote(text, errors="strict")  # a % not followed by two hex digits stays as it is
    escaped = text.replace("\\", "\\\\").replace("%", "\\x").encode("ascii")
    return codecs.escape_decode(escaped)[0].decode("utf-8")


def _body(environ: dict[str, Any], limit: int) -> bytes | None:
    """The whole body the front read, if it is there and within the limit."""
    getvalue = getattr(environ.get("wsgi.input"), "getvalue", None)
    if getvalue is None:
        return None
    body = getvalue()
    return body if 0 < len(body) <= limit else None
