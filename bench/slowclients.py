"""Slow and idle HTTP clients, and wrk runs: the pieces the server benchmarks and tests share.

- ``SlowClients(host, port, headers=N, bodies=N, idle=N)``: open connections that send a
  request one byte every ``interval`` seconds (slow headers), send whole headers and then
  a body one byte at a time (slow body), or send one request and then sit idle on the
  kept-alive connection. ``closed()`` says how many the server has closed so far.
- ``wrk(url, ...)``: run Debian's ``wrk`` and return requests/s, latency percentiles and
  the count of non-2xx/3xx answers.

Loopback only: nothing here is meant to be pointed at another machine.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field


@dataclass
class _Conn:
    sock: socket.socket
    kind: str
    payload: bytes
    sent: int = 0
    closed_at: float | None = None


@dataclass
class SlowClients:
    """Connections that hold a server's attention as long as it lets them (see module doc)."""

    host: str
    port: int
    headers: int = 0
    bodies: int = 0
    idle: int = 0
    interval: float = 2.0
    path: str = "/healthz"
    conns: list[_Conn] = field(default_factory=list)
    started: float = 0.0

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> SlowClients:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        """Open every connection and start trickling bytes."""
        self.started = time.monotonic()
        host = f"{self.host}:{self.port}"
        for _ in range(self.headers):
            request = f"GET {self.path} HTTP/1.1\r\nHost: {host}\r\nX-Slow: " + "a" * 4000 + "\r\n\r\n"
            self._open("header", request.encode(), first=1)
        for _ in range(self.bodies):
            body = b"query=" + b"A" * 2000
            head = (
                "POST /sparql HTTP/1.1\r\n"
                f"Host: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            ).encode()
            self._open("body", head + body, first=len(head) + 1)
        for _ in range(self.idle):
            request = f"GET {self.path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
            self._open("idle", request, first=len(request))
        self._thread = threading.Thread(target=self._trickle, name="slow-clients", daemon=True)
        self._thread.start()

    def _open(self, kind: str, payload: bytes, first: int) -> None:
        sock = socket.create_connection((self.host, self.port), timeout=5)
        sock.setblocking(False)
        conn = _Conn(sock, kind, payload)
        self._send(conn, first)
        self.conns.append(conn)

    def _send(self, conn: _Conn, n: int) -> None:
        if conn.closed_at is not None or conn.sent >= len(conn.payload):
            return
        try:
            conn.sent += conn.sock.send(conn.payload[conn.sent : conn.sent + n])
        except OSError:
            conn.closed_at = time.monotonic()

    def _trickle(self) -> None:
        while not self._stop.wait(0.2):
            now = time.monotonic()
            for conn in self.conns:
                self._check(conn, now)
            if int((now - self.started) / self.interval) != int((now - 0.2 - self.started) / self.interval):
                for conn in self.conns:
                    if conn.kind != "idle":
                        self._send(conn, 1)

    def _check(self, conn: _Conn, now: float) -> None:
        """Notice a connection the server closed (EOF or reset); drain answers it sent."""
        if conn.closed_at is not None:
            return
        try:
            while True:
                data = conn.sock.recv(65536)
                if not data:
                    conn.closed_at = now
                    return
        except BlockingIOError:
            return
        except OSError:
            conn.closed_at = now

    def closed(self) -> dict[str, int]:
        """How many connections of each kind the server has closed."""
        now = time.monotonic()
        for conn in self.conns:
            self._check(conn, now)
        counts = {"header": 0, "body": 0, "idle": 0}
        for conn in self.conns:
            counts[conn.kind] += conn.closed_at is not None
        return counts

    def closed_after(self) -> dict[str, float | None]:
        """Per kind, the longest time until the server closed such a connection (None: some still open)."""
        out: dict[str, float | None] = {}
        for kind in ("header", "body", "idle"):
            times = [c.closed_at for c in self.conns if c.kind == kind]
            if times:
                out[kind] = None if None in times else max(times) - self.started  # type: ignore[operator]
        return out

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(2)
        for conn in self.conns:
            try:
                conn.sock.close()
            except OSError:
                pass


@dataclass
class WrkResult:
    """What one wrk run measured."""

    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    bad: int  # non-2xx/3xx answers
    errors: int  # socket errors: connect, read, write, timeout


_LUA = ""


def have_wrk() -> bool:
    return shutil.which("wrk") is not None


def wrk(
    url: str,
    seconds: float = 3,
    connections: int = 10,
    threads: int = 1,
    headers: dict[str, str] | None = None,
    method: str = "GET",
    body: str | None = None,
    timeout: float = 10,
    script: str = "",
) -> WrkResult:
    """Run wrk against ``url`` and parse its summary (requests/s, p50, p99, non-2xx/3xx).

    ``script`` is extra Lua (e.g. a ``request`` function making every request different).
    """
    script = _LUA + script
    if method != "GET" or body is not None:
        script += f"wrk.method = {method!r}\n"
        if body is not None:
            script += f"wrk.body = {_lua_string(body)}\n"
    script += """
done = function(summary, latency, requests)
  io.write("KFL-P50 ", latency:percentile(50), "\\n")
  io.write("KFL-P99 ", latency:percentile(99), "\\n")
end
"""
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
        lua = f.name
    args = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        f"--timeout={max(1, round(timeout))}s",
        "-s",
        lua,
    ]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    run = subprocess.run(args + [url], capture_output=True, text=True, timeout=seconds + 30)
    out = run.stdout
    if "Requests/sec" not in out:
        raise RuntimeError(f"wrk failed: {run.stdout}{run.stderr}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    bad_match = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    err_match = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    p50 = float(re.search(r"KFL-P50 ([\d.e+]+)", out).group(1)) / 1000  # type: ignore[union-attr]
    p99 = float(re.search(r"KFL-P99 ([\d.e+]+)", out).group(1)) / 1000  # type: ignore[union-attr]
    return WrkResult(
        requests_per_s=rps,
        p50_ms=p50,
        p99_ms=p99,
        requests=total,
        bad=int(bad_match.group(1)) if bad_match else 0,
        errors=sum(int(x) for x in err_match.groups()) if err_match else 0,
    )


def _lua_string(text: str) -> str:
    safe = b" _-.,:;(){}?*<>/=#"
    return (
        '"'
        + "".join(chr(b) if chr(b).isalnum() and b < 128 or b in safe else f"\\{b:03d}" for b in text.encode())
        + '"'
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port: int, timeout: float = 30) -> None:
    """Wait until something accepts connections on 127.0.0.1:port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")
