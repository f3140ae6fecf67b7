"""The answer cache: whole answers kept per release, by what the request asked.

A view that may be cached calls ``cacheable()``; the app then gives its 200 answer an
ETag naming the release and the bytes and a Last-Modified of the release, and the server
layer (``front``/``wsgi_with_cache``) keeps it in the release's AnswerCache under
``request_key``. The next identical request is answered from there — on the event loop,
without a thread — and a conditional one whose ETag still matches gets 304.

The key holds everything an answer may vary on (method, raw path, query string, the
body and its type for POSTed SPARQL, Accept, Accept-Language, Accept-Encoding, Cookie,
Host, X-Forwarded-Host and -Proto); answers that set a cookie are never kept. The cache
lives in the Release: after a switch the new release starts empty, and an answer of the
old one can never be served for it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any

from .release import Releases

Answer = tuple[int, list[tuple[str, str]], bytes]

_VARY = (
    "HTTP_ACCEPT",
    "HTTP_ACCEPT_LANGUAGE",
    "HTTP_ACCEPT_ENCODING",
    "HTTP_COOKIE",
    "HTTP_HOST",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PROTO",
)
# Headers a 304 drops from the 200 it stands for: those Werkzeug drops from the view's own 304
# (entity headers but Expires and Content-Location) and Accept-Ranges, which no view's 304
# sends; so a 304 made from a kept 200 is the view's, header for header (ETag, Vary,
# Cache-Control, Link, X-KFL-Release... stay: RFC 9110 15.4.5). Date would be the kept 200's.
_DROP_ON_304 = frozenset(
    {
        "allow",
        "content-encoding",
        "content-language",
        "content-length",
        "content-md5",
        "content-range",
        "accept-ranges",
        "content-type",
        "last-modified",
        "date",
    }
)


def request_key(environ: dict[str, Any]) -> tuple | None:
    """What identifies a request's answer, or None for requests never answered from the cache."""
    method = environ.get("REQUEST_METHOD", "GET")
    if environ.get("HTTP_RANGE"):
        return None  # a part of a file (206) is answered by the view, never with a kept whole answer
    if method in ("GET", "HEAD"):
        body = b""
    elif method == "POST":
        stream = environ.get("wsgi.input")
        getvalue = getattr(stream, "getvalue", None)
        if getvalue is None:
            return None  # only whole bodies held in memory (the front's) can be part of a key
        body = getvalue()
    else:
        return None
    path = environ.get("RAW_URI") or environ.get("PATH_INFO", "")
    return (
        "POST" if method == "POST" else "GET",
        path,
        environ.get("QUERY_STRING", ""),
        hashlib.sha256(body).digest() if body else b"",
        environ.get("CONTENT_TYPE", ""),
        *(environ.get(name, "") for name in _VARY),
    )


def lookup(releases: Releases, environ: dict[str, Any]) -> Answer | None:
    """The kept answer to this request in the current release, or None; binds the release to the request."""
    release = environ.get("kfl.release")
    if release is None:
        release = environ["kfl.release"] = releases.current()
    key = request_key(environ)
    if key is None:
        return None
    environ["kfl.cache_key"] = key
    hit = release.answers.get(key)
    if hit is None:
        return None
    return conditional(environ, hit)


def conditional(environ: dict[str, Any], answer: Answer) -> Answer:
    """What to send for a whole 200 answer: 304 if the request's conditions say the client has it; no body for HEAD."""
    status, headers, _ = answer
    if _matches(environ.get("HTTP_IF_NONE_MATCH"), headers) or _not_modified_since(environ, headers):
        return 304, [(k, v) for k, v in headers if k.lower() not in _DROP_ON_304], b""
    if environ.get("REQUEST_METHOD") == "HEAD":
        return status, headers, b""
    return answer


_CONDITIONS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")


def defer_conditions(environ: dict[str, Any]) -> None:
    """Hide a revalidation's conditions from the app, so it answers the whole 200 (kept; ``answer_conditions``).

    For a conditional GET whose answer is not kept yet: the app's own 304 would leave the
    cache empty, and every later revalidation would reach the app again.
    """
    conditions = {name: environ.pop(name) for name in _CONDITIONS if name in environ}
    if conditions:
        environ["kfl.conditions"] = conditions


def answer_conditions(environ: dict[str, Any], answer: Answer) -> Answer:
    """The answer to the request as sent, once the app answered it without its conditions (``defer_conditions``)."""
    conditions = environ.pop("kfl.conditions", None)
    if conditions is None:
        return answer
    environ.update(conditions)
    return conditional(environ, answer) if answer[0] == 200 else answer


def keep(environ: dict[str, Any], answer: Answer) -> None:
    """Keep a 200 answer the app marked cacheable, in the release that answered it."""
    if not environ.get("kfl.cacheable") or answer[0] != 200 or environ.get("REQUEST_METHOD") == "HEAD":
        return
    key = environ.get("kfl.cache_key") or request_key(environ)
    release = environ.get("kfl.release")
    if key is None or release is None:
        return
    if any(name.lower() == "set-cookie" for name, _ in answer[1]):
        return
    release.answers.put(key, answer)


def _matches(if_none_match: str | None, headers: Iterable[tuple[str, str]]) -> bool:
    if not if_none_match:
        return False
    etag = next((v for k, v in headers if k.lower() == "etag"), None)
    if etag is None:
        return False
    wanted = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in wanted or etag.removeprefix("W/") in wanted


def _not_modified_since(environ: dict[str, Any], headers: Iterable[tuple[str, str]]) -> bool:
    """If-Modified-Since at or after the answer's Last-Modified (only without If-None-Match, RFC 9110)."""
    since = environ.get("HTTP_IF_MODIFIED_SINCE")
    if not since or environ.get("HTTP_IF_NONE_MATCH"):
        return False
    modified = next((v for k, v in headers if k.lower() == "last-modified"), None)
    if modified is None:
        return False
    from email.utils import parsedate_to_datetime

    try:
        return parsedate_to_datetime(modified) <= parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False


def wsgi_with_cache(app: Callable, releases: Releases) -> Callable:
    """The app behind the answer cache, for WSGI servers (the front does the same on its event loop)."""
    import io

    def cached_app(environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") == "POST" and not hasattr(environ.get("wsgi.input"), "getvalue"):
            length = int(environ.get("CONTENT_LENGTH") or 0)
            if 0 < length <= 1_000_000:
                environ["wsgi.input"] = io.BytesIO(environ["wsgi.input"].read(length))
        answer = lookup(releases, environ)
        if answer is not None:
            status, headers, body = answer
            start_response(f"{status} {_REASON.get(status, 'OK')}", headers)
            return [body]
        chunks: list[bytes] = []
        started: list[Any] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable:
            started[:] = [status, headers]
            return start_response(status, headers, exc_info)

        result = app(environ, capture)
        try:
            for chunk in result:
                chunks.append(chunk)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        if started:
            keep(environ, (int(started[0][:3]), list(started[1]), b"".join(chunks)))
        return chunks

    return cached_app


_REASON = {200: "OK", 304: "Not Modified"}
