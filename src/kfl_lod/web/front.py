"""The HTTP front: Granian (Rust, hyper) speaks HTTP; this ASGI app hands whole requests to the WSGI app.

Why (measured in bench/bench_stacks.py, docs/server.md): gunicorn's threads read a
request's headers and body themselves, so a few dozen clients sending a byte every two
seconds hold every thread and the site stops answering. Granian reads headers and keeps
idle connections in its Rust event loop (closing them after ``header_timeout``), and this
front reads the body there too, asynchronously, before any thread is taken: a slow body
costs a few bytes of memory, not a thread, and is answered 408 after ``body_timeout``.
Only complete requests reach the thread pool that runs the Flask app.

``fast`` (optional) is asked first, on the event loop, with the request's key facts; what
it returns (an answer from the answer cache) is sent without taking a thread at all.
``direct`` (optional) is awaited next, on the event loop, before the WSGI app: the common
SPARQL request is answered there without Flask and without a thread (``quick_sparql``).
``finish`` (optional) may change an answer of ``direct`` or the app after ``keep`` kept it
(a revalidation the app answered whole: the 304 is made from the kept 200).
"""

from __future__ import annotations

import asyncio
import io
import sys
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import unquote_to_bytes

Answer = tuple[int, list[tuple[str, str]], bytes]
_REASONS = {
    408: "Request Timeout: the request body did not arrive in time (setting body_timeout).\n",
    413: "Request body too large; the limit is {limit} bytes (setting max_body_bytes).\n",
    400: "Bad request: the Content-Length header is not a number.\n",
    414: "URI too long: the request target may have at most {uri} bytes; POST long SPARQL queries.\n",
    431: "Request header fields too large: at most {headers} bytes of headers are accepted.\n",
}
MAX_TARGET = 8190  # bytes of request target (path and query string), as gunicorn allowed
MAX_HEADERS = 32768  # bytes of all header names and values
MIN_RATE = 20_000  # bytes per second a request body must arrive at, beyond body_timeout
# Headers every answer of the front itself carries (the app's answers get theirs from the app).
_PLAIN = [
    ("content-type", "text/plain; charset=utf-8"),
    ("x-content-type-options", "nosniff"),
    ("content-security-policy", "default-src 'none'; frame-ancestors 'none'"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "strict-origin-when-cross-origin"),
]


class Front:
    """An ASGI application running a WSGI application on whole requests (see module doc)."""

    def __init__(
        self,
        wsgi_app: Callable,
        threads: int = 16,
        body_timeout: float = 10.0,
        max_body: int = 100_000,
        fast: Callable[[dict[str, Any]], Answer | None] | None = None,
        keep: Callable[[dict[str, Any], Answer], None] | None = None,
        on_start: Callable[[], None] | None = None,
        direct: Callable[[dict[str, Any]], Awaitable[Answer | None]] | None = None,
        finish: Callable[[dict[str, Any], Answer], Answer] | None = None,
    ) -> None:
        self.wsgi_app = wsgi_app
        self.finish = finish
        self.direct = direct
        self.keep = keep
        self.on_start = on_start
        self.threads = threads
        self.body_timeout = body_timeout
        self.max_body = max_body
        self.fast = fast
        self.pool: ThreadPoolExecutor | None = None
        self.loop: asyncio.AbstractEventLoop | None = None

    async def __call__(self, scope: dict[str, Any], receive: Callable, send: Callable) -> None:
        """Answer one ASGI connection scope (http; lifespan is acknowledged)."""
        kind = scope["type"]
        if kind == "lifespan":
            return await _lifespan(receive, send, self._start)
        if kind != "http":
            return None
        headers = scope["headers"]
        if len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"") + 1 > MAX_TARGET:
            return await self._plain(send, 414)
        if sum(len(name) + len(value) + 4 for name, value in headers) > MAX_HEADERS:
            return await self._plain(send, 431)
        length = None
        chunked = False
        for name, value in headers:
            if name == b"content-length":
                try:
                    length = int(value)
                except ValueError:
                    return await self._plain(send, 400)
            elif name == b"transfer-encoding":
                chunked = True
        if length is not None and length > self.max_body:
            return await self._plain(send, 413)
        if length or chunked:
            # The whole body within body_timeout, plus a second per MIN_RATE bytes beyond the
            # first: a large upload on a slow line passes, a byte every few seconds does not.
            allowed = self.body_timeout + (length or self.max_body) / MIN_RATE
            try:
                body = await asyncio.wait_for(self._read_body(receive), allowed)
            except TimeoutError:
                return await self._plain(send, 408)
            except _TooLarge:
                return await self._plain(send, 413)
            except _Gone:
                return None
        else:
            body = b""
        environ = self._environ(scope, body)
        answer = self.fast(environ) if self.fast is not None else None
        if answer is None:
            if self.direct is not None:
                answer = await self.direct(environ)
            if answer is None:
                answer = await self._in_thread(self._call, environ)
            if self.keep is not None:
                self.keep(environ, answer)
            if self.finish is not None:
                answer = self.finish(environ, answer)
        status, out_headers, data = answer
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in out_headers],
            }
        )
        await send({"type": "http.response.body", "body": data})
        return None

    def _in_thread(self, function: Callable[[dict[str, Any]], Any], environ: dict[str, Any]) -> Any:
        """Run ``function(environ)`` in the app's threads; awaitable."""
        if self.pool is None:
            self.pool = ThreadPoolExecutor(self.threads, thread_name_prefix="kfl-lod-http")
        return asyncio.get_running_loop().run_in_executor(self.pool, function, environ)

    async def _start(self) -> None:
        """Load the data and start the query processes before the first request (in a thread)."""
        if self.pool is None:
            self.pool = ThreadPoolExecutor(self.threads, thread_name_prefix="kfl-lod-http")
        if self.on_start is not None:
            await asyncio.get_running_loop().run_in_executor(self.pool, self.on_start)

    async def _read_body(self, receive: Callable) -> bytes:
        chunks = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _Gone
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                raise _TooLarge
            chunks.append(chunk)
            if not message.get("more_body"):
                return b"".join(chunks)

    async def _plain(self, send: Callable, status: int) -> None:
        text = _REASONS[status].format(limit=self.max_body, uri=MAX_TARGET, headers=MAX_HEADERS).encode()
        headers = [(k.encode(), v.encode()) for k, v in _PLAIN] + [(b"connection", b"close")]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": text})

    def _environ(self, scope: dict[str, Any], body: bytes) -> dict[str, Any]:
        server = scope.get("server") or ("127.0.0.1", 0)
        client = scope.get("client") or ("", 0)
        raw_path = scope.get("raw_path") or scope["path"].encode("utf-8")
        query = scope.get("query_string", b"")
        raw = raw_path + (b"?" + query if query else b"")
        environ: dict[str, Any] = {
            "REQUEST_METHOD": scope["method"],
            "SCRIPT_NAME": "",
            # Routing reads the path as sent, decoded once here: %2F stays apart from /.
            "PATH_INFO": _wsgi_path(raw_path),
            "QUERY_STRING": query.decode("latin-1"),
            "RAW_URI": raw.decode("latin-1"),
            "REQUEST_URI": raw.decode("latin-1"),
            "SERVER_NAME": str(server[0]),
            "SERVER_PORT": str(server[1]),
            "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
            "REMOTE_ADDR": str(client[0]),
            "REMOTE_PORT": str(client[1]),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": scope.get("scheme", "http"),
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "wsgi.input_terminated": True,
        }
        if body:
            environ["CONTENT_LENGTH"] = str(len(body))
        for raw_name, raw_value in scope["headers"]:
            name = raw_name.decode("latin-1")
            value = raw_value.decode("latin-1")
            if name == "content-type":
                environ["CONTENT_TYPE"] = value
                continue
            if name in ("content-length", "transfer-encoding"):
                continue  # the body is whole: its length is what was read
            key = "HTTP_" + name.upper().replace("-", "_")
            if key in environ:
                environ[key] += ("; " if key == "HTTP_COOKIE" else ", ") + value
            else:
                environ[key] = value
        return environ

    def _call(self, environ: dict[str, Any]) -> Answer:
        """Run the WSGI app on one request (in a pool thread) and collect its whole answer."""
        started: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable:
            started[:] = [status, headers]
            return lambda data: chunks.append(data)

        chunks: list[bytes] = []
        result = self.wsgi_app(environ, start_response)
        try:
            for chunk in result:
                if chunk:
                    chunks.append(chunk)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        status, headers = started
        return int(status[:3]), [(k, v) for k, v in headers], b"".join(chunks)


class _TooLarge(Exception):
    pass


class _Gone(Exception):
    pass


async def _lifespan(receive: Callable, send: Callable, start: Callable) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            try:
                await start()
            except Exception as exc:  # noqa: BLE001 - say why, and let the server stop
                await send({"type": "lifespan.startup.failed", "message": f"{type(exc).__name__}: {exc}"})
                return
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def _wsgi_path(raw_path: bytes) -> str:
    """PATH_INFO as WSGI wants it: the percent-decoded bytes, as latin-1 text."""
    return unquote_to_bytes(raw_path).decode("latin-1") if b"%" in raw_path else raw_path.decode("latin-1")
