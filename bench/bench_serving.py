"""Serving throughput side by side: kfl-lod, the native Oxigraph server and the floor, measured by wrk.

Usage: .venv/bin/python bench/bench_serving.py [--seconds 4] [--connections 1,10] [--only NAME,...]
                                               [--published DIR] [--json FILE]

Builds the bundled source (or serves --published), then starts one at a time, on free
127.0.0.1 ports:

- ``serve``: `kfl-lod serve` as a newcomer starts it (1 process);
- ``production``: the Granian command of docs/server.md (2 processes);
- ``oxigraph``: `oxigraph serve-read-only` (PyPI package ``oxigraph``) on the same N-Triples;
- ``engine``: `kfl-lod serve --store` in front of `oxigraph serve` filled by `kfl-lod load`;
- ``floor-1`` / ``floor-2``: the same HTTP stack (Granian + the kfl-lod front) answering a
  constant, with 1 and 2 processes (bench/stacks_app.py).

and measures each request kind with ``wrk -t1 -cN`` for --seconds: every example query in
sparql/ (GET, with PREFIX and BASE spelled out so the native server reads them too), a
point lookup, the same examples with a counter appended as a comment so that no two
requests are alike ("cache off"), and for kfl-lod the home page, a search, a space page, a
space's Turtle, a dump and /healthz. Prints requests/s, p50/p99 and non-2xx counts, each of
ours as a ratio to the native server and to the floor with as many processes, as Markdown
(and JSON with --json). Functions are importable: ``run_all``, ``start_kfl``, ``start_oxigraph``.
Loopback only; every server is stopped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "src"))

from slowclients import free_port, wait_listening, wrk  # noqa: E402

BIN = Path(sys.executable).parent
BASE = "https://kfl.krakow.pl/"
POINT = "SELECT ?p ?o WHERE { <https://kfl.krakow.pl/space/ckp-ruczaj-sala-widowiskowa> ?p ?o }"
SPACE = "space/ckp-ruczaj-sala-widowiskowa"


@dataclass
class Row:
    server: str
    request: str
    connections: int
    rps: float
    p50_ms: float
    p99_ms: float
    bad: int
    errors: int


def full_text(query: str) -> str:
    """The query with every prefix it may use declared, and the base, so any SPARQL server reads it."""
    from kfl_lod.query.engine import default_prefixes

    head = [f"BASE <{BASE}>"] + [f"PREFIX {p}: <{iri}>" for p, iri in sorted(default_prefixes(BASE).items())]
    return "\n".join(head) + "\n" + query


def sparql_requests() -> dict[str, str]:
    """Request name -> GET path for the SPARQL requests (every example and the point lookup)."""
    from kfl_lod.query.examples import load_examples

    out = {"point lookup": POINT}
    for example in load_examples(ROOT / "sparql"):
        out[example.name] = example.text
    return {name: "/sparql?query=" + quote(full_text(text), safe="") for name, text in out.items()}


def page_requests() -> dict[str, str]:
    return {
        "/healthz": "/healthz",
        "home page": "/",
        "search page": "/?q=sala&people=30",
        "space page (HTML)": f"/{SPACE}.html",
        "space (Turtle)": f"/{SPACE}.ttl",
        "dump kfl.ttl": "/dumps/kfl.ttl",
    }


def build_publication(folder: Path) -> Path:
    from kfl_lod.build import build
    from kfl_lod.settings import load_settings

    shutil.copytree(ROOT / "source", folder / "source")
    settings = load_settings(
        environ={},
        cwd=folder,
        source=folder / "source",
        published=folder / "published",
        shapes=ROOT / "shapes",
        sparql_examples=ROOT / "sparql",
    )
    build(settings, today=date.today())
    return folder / "published"


def _env(published: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KFL_")}
    env.update(KFL_PUBLISHED=str(published), KFL_SPARQL_EXAMPLES=str(ROOT / "sparql"), KFL_SHAPES=str(ROOT / "shapes"))
    return env


def _healthy(url: str, proc: subprocess.Popen, path: str = "/healthz", timeout: float = 60) -> None:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            if requests.get(url + path, timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} not healthy within {timeout} s")


def start_kfl(published: Path, production: bool, env_extra: dict[str, str] | None = None) -> tuple:
    """Start `kfl-lod serve` (or the documented production command); (process, root URL)."""
    port = free_port()
    env = {**_env(published), **(env_extra or {})}
    if production:
        doc = (ROOT / "docs" / "server.md").read_text(encoding="utf-8")
        line = next(x.strip() for x in doc.splitlines() if x.strip().startswith("granian ") and "asgi:app" in x)
        args = shlex.split(line)
        args[args.index("--host") + 1] = "127.0.0.1"
        args[args.index("--port") + 1] = str(port)
        command = [str(BIN / "granian"), *args[1:]]
    else:
        command = [str(BIN / "kfl-lod"), "serve", "--port", str(port)]
    cwd = Path(tempfile.mkdtemp(prefix="kfl-bench-"))
    proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    _healthy(url, proc)
    return proc, url


def start_oxigraph(published: Path, store: Path) -> tuple:
    """Load the release's N-Triples into an Oxigraph store and serve it read-only."""
    port = free_port()
    if not store.exists():
        for name in ("kfl.nt", "catalog.nt", "void.nt"):
            path = published / "latest" / name
            if path.exists():
                subprocess.run(
                    [str(BIN / "oxigraph"), "load", "--location", str(store), "--file", str(path)],
                    check=True,
                    capture_output=True,
                )
    proc = subprocess.Popen(
        [str(BIN / "oxigraph"), "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    wait_listening(port)
    return proc, url


def start_engine(published: Path, store: Path) -> tuple:
    """`kfl-lod serve --store` in front of `oxigraph serve` filled by `kfl-lod load`; (server, engine, root URL)."""
    port = free_port()
    engine = subprocess.Popen(
        [str(BIN / "oxigraph"), "serve", "--location", str(store), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_listening(port)
    store_url = f"http://127.0.0.1:{port}"
    subprocess.run(
        [str(BIN / "kfl-lod"), "load", "--store", store_url], env=_env(published), check=True, capture_output=True
    )
    proc, url = start_kfl(published, False, {"KFL_TRUSTED_PROXY": "127.0.0.1", "KFL_STORE": store_url})
    return proc, engine, url


def start_floor(workers: int) -> tuple:
    """The same HTTP stack answering a constant: Granian + the kfl-lod front, ``workers`` processes."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(HERE) + os.pathsep + str(ROOT / "src")}
    proc = subprocess.Popen(
        [str(BIN / "granian"), "--interface", "asgi", "--workers", str(workers), "--http", "1", "--no-ws",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "stacks_app:front"],
        cwd=HERE, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    _healthy(url, proc, "/")
    return proc, url


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


# wrk's connections stand for as many clients (behind a trusted proxy, as the server is told
# at start): the per-client limits then treat them as the server's defaults would ten people.
CLIENTS = 'local function client()\n  return "10.0.0." .. math.random(1, 10)\nend\n'


def measure(server: str, url: str, requests_: dict[str, str], connections: list[int], seconds: float) -> list[Row]:
    import requests

    rows = []
    for name, path in requests_.items():
        requests.get(url + path, timeout=30)  # warm: the first answer fills the cache
        for c in connections:
            script = (
                CLIENTS + f'request = function()\n  wrk.headers["X-Forwarded-For"] = client()\n'
                f'  return wrk.format("GET", "{path}")\nend\n'
            )
            r = wrk(url + "/", seconds=seconds, connections=c, script=script)
            rows.append(Row(server, name, c, r.requests_per_s, r.p50_ms, r.p99_ms, r.bad, r.errors))
    return rows


def measure_distinct(server: str, url: str, requests_: dict[str, str], connections: list[int], seconds: float):
    """Like measure, but every request differs (a counter in a trailing comment): nothing is cached."""
    rows = []
    for name, path in requests_.items():
        for c in connections:
            script = (
                "counter = 0\nrequest = function()\n  counter = counter + 1\n"
                f'  return wrk.format("GET", "{path}" .. "%0A%23" .. counter .. "-" .. math.random(1e9))\nend\n'
            )
            r = wrk(url + "/", seconds=seconds, connections=c, script=script)
            rows.append(Row(server, name + " (cache off)", c, r.requests_per_s, r.p50_ms, r.p99_ms, r.bad, r.errors))
    return rows


def run_all(published: Path, seconds: float, connections: list[int], only: set[str] | None = None) -> list[Row]:
    """Measure every server on every request kind; the rows of the table."""
    sparql = sparql_requests()
    pages = page_requests()
    rows: list[Row] = []
    work = Path(tempfile.mkdtemp(prefix="kfl-bench-oxigraph-"))
    plan = ["floor-1", "floor-2", "oxigraph", "serve", "production", "engine"]
    for server in plan:
        if only and server not in only:
            continue
        engine = None  # "engine": kfl-lod serve --store in front of oxigraph serve (issue 14)
        if server == "engine":
            proc, engine, url = start_engine(published, work / "engine")
            todo = {**sparql, **pages}
        elif server.startswith("floor"):
            proc, url = start_floor(int(server[-1]))
            todo = {"constant": "/"}
        elif server == "oxigraph":
            proc, url = start_oxigraph(published, work / "store")
            todo = {name: path.replace("/sparql?", "/query?") for name, path in sparql.items()}
        else:
            # Default settings; wrk's requests come as from ten clients through a trusted proxy.
            proc, url = start_kfl(published, server == "production", {"KFL_TRUSTED_PROXY": "127.0.0.1"})
            todo = {**sparql, **pages}
        try:
            rows += measure(server, url, todo, connections, seconds)
            if server in ("serve", "production", "oxigraph", "engine"):
                distinct = {k: v for k, v in todo.items() if k in sparql or k.startswith(("point", "count"))}
                if server == "oxigraph":
                    distinct = {k: v for k, v in todo.items()}
                rows += measure_distinct(server, url, dict(list(distinct.items())[:6]), connections, seconds)
        finally:
            stop(proc)
            if engine is not None:
                stop(engine)
    shutil.rmtree(work, ignore_errors=True)
    return rows


def table(rows: list[Row]) -> str:
    """A Markdown table: per request and connections, each server's req/s, with our ratios."""
    floors = {(r.server, r.connections): r.rps for r in rows if r.server.startswith("floor")}
    native = {(r.request, r.connections): r.rps for r in rows if r.server == "oxigraph"}
    lines = [
        "| server | request | conns | req/s | p50 ms | p99 ms | non-2xx | vs native | vs floor |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        floor = floors.get(("floor-2" if r.server == "production" else "floor-1", r.connections))
        nat = native.get((r.request, r.connections))
        vs_native = f"{r.rps / nat:.0%}" if nat and r.server in ("serve", "production") else ""
        vs_floor = f"{r.rps / floor:.0%}" if floor and r.server in ("serve", "production") else ""
        lines.append(
            f"| {r.server} | {r.request} | {r.connections} | {r.rps:,.0f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} | "
            f"{r.bad + r.errors} | {vs_native} | {vs_floor} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4)
    parser.add_argument("--connections", default="1,10")
    parser.add_argument("--only", default="", help="comma-separated: floor-1,floor-2,oxigraph,serve,production")
    parser.add_argument("--published", type=Path, help="serve this publication instead of building the bundled one")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON here")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    tmp = Path(tempfile.mkdtemp(prefix="kfl-bench-"))
    try:
        published = args.published or build_publication(tmp)
        connections = [int(c) for c in args.connections.split(",")]
        only = set(args.only.split(",")) if args.only else None
        rows = run_all(published, args.seconds, connections, only)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(
        f"wrk -t1, {args.seconds:g} s per cell, {os.cpu_count()} CPUs; floor = Granian + kfl-lod front answering a constant\n"
    )
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in rows], indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
