"""Serving throughput side by side (issue 13): kfl-lod, the native Oxigraph server, rdflib-endpoint and the floor.

Usage: .venv/bin/python bench/bench_serving.py [--seconds 2] [--repeat 3] [--connections 1,10]
           [--only NAME,...] [--published DIR] [--big DIR | --big-spaces 10000] [--json FILE] [--md FILE]

Servers, each started alone on a free 127.0.0.1 port and stopped before the next, on one
publication (the bundled source, built here, or --published):

- ``serve``: `kfl-lod serve` as a newcomer starts it (defaults: one process);
- ``production``: the Granian command of README.md / docs/server.md, as written (2 processes);
- ``oxigraph``: `oxigraph serve-read-only` (PyPI ``oxigraph``) on a database of the same N-Triples;
- ``rdflib-endpoint``: PyPI ``rdflib-endpoint`` on the same N-Triples, under uvicorn
  (``pip install rdflib-endpoint uvicorn``, the ``bench`` extra; skipped if missing);
- ``floor-1`` / ``floor-2``: the same HTTP stack as ours (Granian + the kfl-lod front, an app
  in its threads) answering a constant, with 1 and 2 processes (bench/stacks_app.py);
- ``engine`` (issue 14, only with --only): `kfl-lod serve --store` in front of `oxigraph serve`
  filled by `kfl-lod load` (rows in the full list, not in the side-by-side table).

Requests: every example in sparql/ and a point lookup (GET, with PREFIX and BASE spelled
out so every server reads them), /healthz, the home page, a search page, a space page in
HTML and in Turtle, the Turtle dump. Each is measured twice: ``repeated`` (the same request
again and again: our answer cache answers) and ``distinct`` (a counter in a trailing comment
or an unused parameter makes every request new: the cache off). ``wrk -t1 -cN`` for
--seconds per cell; wrk's connections come as N clients (X-Forwarded-For from a trusted
proxy, round robin), so that the per-client limits see N people, not one.

The whole plan runs --repeat times (each server started anew each time); the table gives
the median requests/s with min–max over the runs, p50/p99 of the median run, non-2xx
answers, and each of ours as a ratio to the floor with as many processes and to the native
server. The load average is recorded around every server's runs: the machine is shared.
--big (or --big-spaces N: generated and built here) adds a section on a large publication:
kfl-lod (both commands) against the native server on filtering, grouping, text search
and a point lookup, repeated and distinct.

Importable: ``serving_rows(...)`` (bench/run.py's serving section), ``run_all``, ``table``,
``start_kfl``, ``start_oxigraph``. Loopback only; every server is stopped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "src"))

from slowclients import free_port, wait_listening  # noqa: E402

BIN = Path(sys.executable).parent
BASE = "https://kfl.krakow.pl/"
POINT = "SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}"
SPACE = "space/ckp-ruczaj-sala-widowiskowa"
PLAN = ("floor-1", "floor-2", "oxigraph", "rdflib-endpoint", "serve", "production")
OURS = ("serve", "production")
REVALIDATED = ("point lookup", "space page (HTML)", "dump kfl.ttl")  # also asked with If-None-Match
DUMP_FLOOR = "constant, as large as kfl.ttl"
_dump_size = 0  # bytes of the served kfl.ttl (set by measure_servers)
FLOOR_OF = {"serve": "floor-1", "production": "floor-2"}
# At size: what the issue names (filtering, grouping, text search), each a real query on the generated data.
BIG_QUERIES = {
    "filter + ORDER BY capacity, LIMIT 50": (
        "SELECT ?s ?c WHERE { ?s schema:maximumAttendeeCapacity ?c FILTER(?c >= 40) } ORDER BY DESC(?c) LIMIT 50"
    ),
    "GROUP BY space type": "SELECT ?t (COUNT(?s) AS ?n) WHERE { ?s kfl:spaceType ?t } GROUP BY ?t",
    "text filter on names": (
        'SELECT ?s ?n WHERE { ?s a kfl:Space ; schema:name ?n FILTER(CONTAINS(LCASE(STR(?n)), "sala"))} LIMIT 50'
    ),
}


@dataclass
class Row:
    """One cell: a server answering one request kind, repeated or distinct, at N connections."""

    server: str
    request: str
    connections: int
    rps: float  # median over the runs
    p50_ms: float
    p99_ms: float
    bad: int  # non-2xx/3xx answers in the median run
    errors: int  # socket errors and timeouts in the median run
    mode: str = "repeated"  # or "distinct": no two requests alike (the cache off)
    runs: list[float] = field(default_factory=list)  # requests/s of every run
    status: int = 0  # the status of one probe request before measuring
    section: str = "bundled"
    statuses: dict[str, int] = field(default_factory=dict)  # when non-2xx came: a 1 s run counting them by status
    # CPU µs per answered request in the median run, of the server's own processes and of its
    # query processes (kfl-lod only): steadier than requests/s on a shared machine.
    cpu_us: float = 0.0
    query_cpu_us: float = 0.0

    @property
    def spread(self) -> tuple[float, float]:
        return (min(self.runs), max(self.runs)) if self.runs else (self.rps, self.rps)


def full_text(query: str) -> str:
    """The query with every prefix it may use declared, and the base, so any SPARQL server reads it."""
    from kfl_lod.query.engine import default_prefixes

    head = [f"BASE <{BASE}>"] + [f"PREFIX {p}: <{iri}>" for p, iri in sorted(default_prefixes(BASE).items())]
    return "\n".join(head) + "\n" + query


def _sparql(queries: dict[str, str]) -> dict[str, str]:
    return {name: "/sparql?query=" + quote(full_text(text), safe="") for name, text in queries.items()}


def sparql_requests(point: str = BASE + SPACE) -> dict[str, str]:
    """Request name -> GET path for the SPARQL requests (the point lookup and every example)."""
    from kfl_lod.query.examples import load_examples

    out = {"point lookup": POINT.format(iri=point)}
    for example in load_examples(ROOT / "sparql"):
        out[example.name] = example.text
    return _sparql(out)


def page_requests() -> dict[str, str]:
    return {
        "/healthz": "/healthz",
        "home page": "/",
        "search page": "/?q=sala&people=30",
        "space page (HTML)": f"/{SPACE}.html",
        "space (Turtle)": f"/{SPACE}.ttl",
        "dump kfl.ttl": "/dumps/kfl.ttl",
    }


def build_publication(folder: Path, source: Path = ROOT / "source") -> Path:
    """Build ``source`` into folder/published (the bundled source by default)."""
    from kfl_lod.build import build
    from kfl_lod.settings import load_settings

    shutil.copytree(source, folder / "source")
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


def generated_publication(folder: Path, spaces: int) -> Path:
    """`kfl-lod generate --spaces N --seed 1`, built into folder/published."""
    subprocess.run(
        [str(BIN / "kfl-lod"), "generate", "--spaces", str(spaces), "--seed", "1", "--out", str(folder / "gen")],
        check=True,
        capture_output=True,
    )
    return build_publication(folder, folder / "gen")


# --- servers ------------------------------------------------------------------------------------


def _env(published: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KFL_")}
    env.update(KFL_PUBLISHED=str(published), KFL_SPARQL_EXAMPLES=str(ROOT / "sparql"), KFL_SHAPES=str(ROOT / "shapes"))
    return env


def _healthy(url: str, proc: subprocess.Popen, path: str = "/healthz", timeout: float = 180) -> None:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            if requests.get(url + path, timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} not healthy within {timeout} s")


def production_command() -> list[str]:
    """The production command as README.md gives it (docs/server.md says the same)."""
    for doc in (ROOT / "README.md", ROOT / "docs" / "server.md"):
        for line in doc.read_text(encoding="utf-8").splitlines():
            text = line.strip().strip("`").removeprefix("Production: `")
            if text.startswith("granian ") and "asgi:app" in text:
                return shlex.split(text.strip("`"))
    raise RuntimeError("no granian command in README.md or docs/server.md")


def start_kfl(published: Path, production: bool, env_extra: dict[str, str] | None = None) -> tuple:
    """Start `kfl-lod serve` (or the documented production command); (process, root URL)."""
    port = free_port()
    env = {**_env(published), **(env_extra or {})}
    if production:
        args = production_command()
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


def dumps(published: Path) -> list[Path]:
    return [p for p in (published / "latest" / n for n in ("kfl.nt", "catalog.nt", "void.nt")) if p.exists()]


def start_oxigraph(published: Path, store: Path) -> tuple:
    """Load the release's N-Triples into an Oxigraph database (once) and serve it read-only."""
    port = free_port()
    if not store.exists():
        for path in dumps(published):
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


def have_rdflib_endpoint() -> bool:
    try:
        import rdflib_endpoint  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        return False
    return True


def start_rdflib_endpoint(published: Path) -> tuple:
    """rdflib-endpoint on the same N-Triples, one uvicorn process (bench/rdflib_endpoint_app.py)."""
    port = free_port()
    env = {**os.environ, "KFL_BENCH_DUMPS": os.pathsep.join(str(p) for p in dumps(published))}
    proc = subprocess.Popen(
        [str(BIN / "python"), "-m", "uvicorn", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
         "--no-access-log", "rdflib_endpoint_app:app"],
        cwd=HERE, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    _healthy(url, proc, "/?query=" + quote("ASK {}", safe=""))
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


# --- measuring ----------------------------------------------------------------------------------

_LUA = """
counter = 0
request = function()
  counter = counter + 1
  wrk.headers["X-Forwarded-For"] = "10." .. (math.floor(counter / 65536) % 256) .. "." .. (math.floor(counter / 256) % 256) .. "." .. (counter % 256)
  return wrk.format("GET", {path}{suffix})
end
done = function(summary, latency, requests)
  io.write(string.format("KFL %f %f\\n", latency:percentile(50), latency:percentile(99)))
end
"""


def wrk(
    url: str,
    path: str,
    connections: int,
    seconds: float,
    distinct: str = "",
    statuses: bool = False,
    headers: dict[str, str] | None = None,
) -> tuple[float, float, float, int, int] | dict[str, int]:
    """requests/s, p50 ms, p99 ms, non-2xx/3xx, socket errors: ``wrk -t1 -cN`` for ``seconds``.

    ``distinct``: "comment" appends a SPARQL comment holding a counter, "param" an unused
    parameter: no two requests alike. ``statuses``: count the answers by status instead
    (slower: every answer goes through Lua).
    """
    suffix = ""
    if distinct == "comment":
        suffix = ' .. "%0A%23" .. counter .. "-" .. math.random(1e9)'
    elif distinct == "param":
        suffix = f' .. "{"&" if "?" in path else "?"}bench=" .. counter .. "-" .. math.random(1e9)'
    script = _LUA.format(path=json.dumps(path), suffix=suffix)
    for name, value in (headers or {}).items():
        script = f"wrk.headers[{json.dumps(name)}] = {json.dumps(value)}\n" + script
    if statuses:
        script += _STATUSES
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    try:
        done = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{connections}",
                f"-d{max(1, round(seconds))}s",
                "--timeout=10s",
                "-s",
                f.name,
                url + "/",
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
        )
    finally:
        os.unlink(f.name)
    if done.returncode != 0 or ".lua:" in done.stderr:
        raise RuntimeError(f"wrk failed: {done.stderr.strip()}")
    if statuses:
        return {
            line.split()[1]: int(line.split()[2]) for line in done.stdout.splitlines() if line.startswith("STATUS ")
        }
    rps, p50, p99, bad, errors = 0.0, 0.0, 0.0, 0, 0
    measured = False
    for line in done.stdout.splitlines():
        if line.startswith("Requests/sec:"):
            rps = float(line.split()[1])
        elif line.startswith("KFL "):
            p50, p99 = (float(x) / 1000 for x in line.split()[1:3])
            measured = True
        elif "Non-2xx or 3xx responses" in line:
            bad = int(line.split()[-1])
        elif line.strip().startswith("Socket errors"):
            errors = sum(int(x.strip(",")) for x in line.split() if x.strip(",").isdigit())
    if not measured:
        raise RuntimeError(f"wrk gave no latencies: {done.stdout}{done.stderr}")
    return rps, p50, p99, bad, errors


_HZ = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def process_cpu(pid: int) -> dict[int, tuple[bool, float]]:
    """CPU seconds so far of a process and all its descendants: pid -> (is a query process, seconds)."""
    out: dict[int, tuple[bool, float]] = {}

    def walk(p: int) -> None:
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{p}/cmdline", "rb") as f:
                query = b"kfl_lod.query.pool" in f.read()
            out[p] = (query, (int(fields[11]) + int(fields[12])) / _HZ)
            children = []
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    children += f.read().split()
        except OSError:
            return
        for child in children:
            walk(int(child))

    walk(pid)
    return out


def cpu_per_request(before: dict, after: dict, requests: float) -> tuple[float, float]:
    """(server processes, query processes) CPU µs per request between two ``process_cpu`` readings."""
    spent = [0.0, 0.0]
    for pid, (query, seconds) in after.items():
        spent[query] += seconds - before.get(pid, (query, 0.0))[1]
    return tuple(round(x / requests * 1e6, 1) if requests else 0.0 for x in spent)  # type: ignore[return-value]


_STATUSES = """
statuses = {}
local threads = {}
function setup(thread) table.insert(threads, thread) end
response = function(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end
done = function(summary, latency, requests)
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("statuses")) do io.write("STATUS ", k, " ", v, "\\n") end
  end
end
"""


def _etag(url: str) -> str:
    import requests

    # As wrk asks (no Accept-Encoding): the ETag of the identity answer, not of the gzip one
    # requests would get, which would never match and make every "304" cell a 200.
    headers = {"X-Forwarded-For": "10.0.0.1", "Accept-Encoding": "identity"}
    return requests.get(url, headers=headers, timeout=20).headers.get("ETag", "")


def _probe(url: str) -> int:
    import requests

    try:
        return requests.get(url, headers={"X-Forwarded-For": "10.0.0.1"}, timeout=20).status_code
    except requests.RequestException:
        return 0


def load() -> float:
    return os.getloadavg()[0]


def _cells(server: str, sparql: dict[str, str], pages: dict[str, str]) -> list[tuple[str, str, str]]:
    """(request name, path, distinct) for one server."""
    if server.startswith("floor"):
        # Also a constant as large as the Turtle dump: the floor for the dump's row (its bytes cost
        # the same on any stack; the small constant is the floor for everything else).
        sized = [(DUMP_FLOOR, f"/bytes/{_dump_size}", "")] if _dump_size else []
        return [("constant", "/", ""), *sized]
    if server == "oxigraph":
        paths = {k: v.replace("/sparql?", "/query?") for k, v in sparql.items()}
        return [(k, p, "") for k, p in paths.items()] + [(k, p, "comment") for k, p in paths.items()]
    if server == "rdflib-endpoint":
        return [(k, v.replace("/sparql?", "/?"), "") for k, v in sparql.items()]
    out = [(k, p, "") for k, p in {**sparql, **pages}.items()]
    out += [(k, p, "comment") for k, p in sparql.items()]
    out += [(k, p, "param") for k, p in pages.items() if k != "/healthz"]
    out += [(k, p, "etag") for k, p in {**sparql, **pages}.items() if k in REVALIDATED]
    return out


def _start(server: str, published: Path, work: Path) -> tuple:
    """(process, root URL, other processes to stop) for one server of the plan."""
    if server == "engine":
        proc, engine, url = start_engine(published, work / f"engine-{published.parent.name}")
        return proc, url, [engine]
    return (*_start_one(server, published, work), [])


def _start_one(server: str, published: Path, work: Path) -> tuple:
    if server.startswith("floor"):
        return start_floor(int(server[-1]))
    if server == "oxigraph":
        return start_oxigraph(published, work / f"oxigraph-{published.parent.name}")
    if server == "rdflib-endpoint":
        return start_rdflib_endpoint(published)
    # Default settings; wrk's connections come as that many clients through a trusted proxy.
    proc, url = start_kfl(published, server == "production", {"KFL_TRUSTED_PROXY": "127.0.0.1"})
    warm(url, proc.pid)
    return proc, url


def warm(url: str, pid: int, limit: float = 240) -> None:
    """Wait until the server is ready for measuring: query processes loaded, start-up work done.

    /healthz answers before the query processes have read the data and while the server
    still warms up (the search index, templates) in the background; measuring then would
    count that work (at 10 k spaces the production command's first seconds cost tens of ms
    of CPU per request). Distinct ASK queries from 10 connections until a second of them has
    no slow answer, then until the server's processes rest (under 10 % of a CPU for a second).
    """
    path = _sparql({"warm": "ASK { ?s ?p ?o }"})["warm"]
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        rps, _, p99, bad, errors = wrk(url, path, 10, 1, "comment")  # type: ignore[misc]
        if rps and p99 < 250 and not bad and not errors:
            break
    while time.monotonic() < deadline:
        before = sum(seconds for _, seconds in process_cpu(pid).values())
        time.sleep(1)
        if sum(seconds for _, seconds in process_cpu(pid).values()) - before < 0.1:
            return


def measure_servers(
    published: Path,
    servers: list[str],
    cells: dict[str, list[tuple[str, str, str]]],
    seconds: float,
    connections: list[int],
    repeat: int,
    section: str,
    loads: list[dict],
) -> list[Row]:
    """Every cell of every server, ``repeat`` times (servers started anew each time); median rows."""
    runs: dict[tuple, list[tuple]] = {}
    status: dict[tuple, int] = {}
    bad_statuses: dict[tuple, dict] = {}
    work = Path(tempfile.mkdtemp(prefix="kfl-bench-serving-"))
    try:
        for run in range(repeat):
            for server in servers:
                if server == "rdflib-endpoint" and run:
                    continue  # 10-100 times slower than the others: one run says enough, and saves minutes
                before = load()
                started = time.monotonic()
                proc, url, others = _start(server, published, work)
                try:
                    for name, path, distinct in cells[server]:
                        extra = None
                        if distinct == "etag":  # a conditional request with the current ETag: 304
                            extra = {"If-None-Match": _etag(url + path)}
                            distinct = ""
                            name = name + ", If-None-Match (304)"
                        if run == 0 and not distinct:
                            status[(server, name)] = _probe(url + path)  # also fills the answer cache
                        elif not distinct:
                            _probe(url + path)
                        for c in connections:
                            key = (server, name, "distinct" if distinct else "repeated", c)
                            # rdflib-endpoint answers some queries in seconds: long enough cells to see them.
                            cell = max(seconds, 5) if server == "rdflib-endpoint" else seconds
                            cpu_before = process_cpu(proc.pid)
                            result = wrk(url, path, c, cell, distinct, headers=extra)
                            cpu = cpu_per_request(cpu_before, process_cpu(proc.pid), result[0] * max(1, round(cell)))
                            runs.setdefault(key, []).append((*result, *cpu))
                            if result[3] and key not in bad_statuses:  # say which non-2xx they were
                                bad_statuses[key] = wrk(url, path, c, 1, distinct, statuses=True, headers=extra)
                finally:
                    stop(proc)
                    for other in others:
                        stop(other)
                loads.append(
                    {"section": section, "run": run + 1, "server": server, "load": [before, load()],
                     "seconds": round(time.monotonic() - started, 1)}
                )  # fmt: skip
                print(f"  {section} run {run + 1} {server}: load {before:.1f} -> {load():.1f}", file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    rows = []
    for (server, name, mode, c), results in runs.items():
        ordered = sorted(results, key=lambda r: r[0])
        median = ordered[len(ordered) // 2]
        rows.append(
            Row(server, name, c, statistics.median(r[0] for r in results), median[1], median[2], median[3],
                median[4], mode, [round(r[0], 1) for r in results], status.get((server, name), 0), section,
                bad_statuses.get((server, name, mode, c), {}), median[5], median[6])
        )  # fmt: skip
    return rows


def run_all(
    published: Path, seconds: float, connections: list[int], only: set[str] | None = None, repeat: int = 1
) -> list[Row]:
    """Every server of the plan on the bundled requests; the rows of the table."""
    servers = [s for s in (*PLAN, "engine") if (s in only if only else s in PLAN)]
    if "rdflib-endpoint" in servers and not have_rdflib_endpoint():
        servers.remove("rdflib-endpoint")
    sparql, pages = sparql_requests(), page_requests()
    _measure_dump(published)
    cells = {s: _cells(s, sparql, pages) for s in servers}
    return measure_servers(published, servers, cells, seconds, connections, repeat, "bundled", [])


def serving_rows(
    published: Path,
    seconds: float = 2,
    connections: tuple[int, ...] = (1, 10),
    repeat: int = 3,
    big: list[tuple[str, Path]] | None = None,
    only: set[str] | None = None,
    requests: set[str] | None = None,
    modes: set[str] | None = None,
) -> dict:
    """The serving section for bench/run.py: rows (as dicts), the Markdown table, loads, notes.

    ``requests`` / ``modes`` keep only those cells (short runs while working on one thing;
    the floors are always measured).
    """
    loads: list[dict] = []
    servers = [s for s in (*PLAN, "engine") if (s in only if only else s in PLAN)]
    notes = []
    if "rdflib-endpoint" in servers and not have_rdflib_endpoint():
        servers.remove("rdflib-endpoint")
        notes.append("rdflib-endpoint not installed (pip install rdflib-endpoint uvicorn): column (d) left out.")
    sparql, pages = sparql_requests(), page_requests()
    _measure_dump(published)
    cells = {s: _chosen(_cells(s, sparql, pages), requests, modes) for s in servers}
    rows = measure_servers(published, servers, cells, seconds, list(connections), repeat, "bundled", loads)
    for label, folder in big or []:
        point = _some_space(folder)
        queries = _sparql({**BIG_QUERIES, "point lookup": POINT.format(iri=point)})
        big_servers = [s for s in ("floor-1", "floor-2", "oxigraph", "serve", "production") if s in servers]
        big_cells = {
            s: _chosen([c for c in _cells(s, queries, {}) if c[0] in queries or c[0] == "constant"], requests, modes)
            for s in big_servers
        }
        rows += measure_servers(folder, big_servers, big_cells, seconds, list(connections), repeat, label, loads)
    return {
        "rows": [asdict(r) for r in rows],
        "table": table(rows),
        "loads": loads,
        "notes": notes,
        "seconds": seconds,
        "repeat": repeat,
        "cpus": os.cpu_count(),
    }


def _chosen(cells: list[tuple[str, str, str]], requests: set[str] | None, modes: set[str] | None) -> list:
    """The cells asked for: by request name and by mode (repeated, distinct, etag); the floor's always."""
    mode_of = {"": "repeated", "comment": "distinct", "param": "distinct", "etag": "etag"}
    return [
        (name, path, distinct)
        for name, path, distinct in cells
        if name.startswith("constant")
        or ((requests is None or name in requests) and (modes is None or mode_of[distinct] in modes))
    ]


def _measure_dump(published: Path) -> None:
    """Remember the size of the served kfl.ttl, for the floor cell as large as it."""
    global _dump_size
    dump = published / "latest" / "kfl.ttl"
    _dump_size = dump.stat().st_size if dump.exists() else 0


def _some_space(published: Path) -> str:
    """The IRI of one space of a publication (for the point lookup at size)."""
    with open(published / "latest" / "kfl.nt", encoding="utf-8") as f:
        for line in f:
            if line.startswith(f"<{BASE}space/") and "#" not in line.split(">", 1)[0]:
                return line[1 : line.index(">")]
    return BASE + SPACE


# --- the table ----------------------------------------------------------------------------------


def _cell(rows: dict, key: tuple) -> str:
    r = rows.get(key)
    if r is None:
        return ""
    lo, hi = r.spread
    spread = f" ({lo:,.0f}–{hi:,.0f})" if len(r.runs) > 1 else ""
    kinds = ", ".join(f"{n}×{s}" for s, n in sorted(r.statuses.items()) if not s.startswith("2"))
    bad = f" [{r.bad + r.errors} non-2xx{': ' + kinds if kinds else ''}]" if r.bad + r.errors else ""
    status = f" [status {r.status}]" if r.status and r.status >= 400 else ""
    return f"{r.rps:,.0f}{spread}{bad}{status}"


def _ratio(rows: dict, ours: tuple, base: tuple) -> str:
    a, b = rows.get(ours), rows.get(base)
    if a is None or b is None or not b.rps:
        return ""
    return f"{a.rps / b.rps:.0%}"


def table(rows: list[Row]) -> str:
    """Markdown: per section and connections, each request's requests/s per server, with our ratios."""
    by = {(r.section, r.server, r.request, r.mode, r.connections): r for r in rows}
    out = []
    for section in dict.fromkeys(r.section for r in rows):
        srows = [r for r in rows if r.section == section]
        servers = list(dict.fromkeys(r.server for r in srows))
        for c in sorted({r.connections for r in srows}):

            def k(server: str, request: str, mode: str = "repeated", section=section, c=c) -> tuple:
                return (section, server, request, mode, c)

            floors = {s: by.get(k(s, "constant")) for s in ("floor-1", "floor-2")}
            floor_text = ", ".join(f"{s} {f.rps:,.0f}" for s, f in floors.items() if f)
            out += [f"### {section}: {c} connection{'s' if c > 1 else ''} (floor: {floor_text})", ""]
            head = ["request"]
            if "oxigraph" in servers:
                head += ["(c) oxigraph", "(c) distinct"]
            if "rdflib-endpoint" in servers:
                head += ["(d) rdflib-endpoint"]
            for s in OURS:
                if s in servers:
                    tag = "(a) serve" if s == "serve" else "(b) production"
                    head += [f"{tag} repeated", f"{tag} distinct", "÷ floor rep.", "÷ floor dist.", "÷ (c) rep.",
                             "÷ (c) dist."]  # fmt: skip
                    if "rdflib-endpoint" in servers:
                        head += ["÷ (d)"]
            out += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
            requests = [r.request for r in srows if r.connections == c and not r.server.startswith("floor")]
            for request in dict.fromkeys(requests):
                cells = [request]
                if "oxigraph" in servers:
                    cells += [_cell(by, k("oxigraph", request)), _cell(by, k("oxigraph", request, "distinct"))]
                if "rdflib-endpoint" in servers:
                    cells += [_cell(by, k("rdflib-endpoint", request))]
                for s in OURS:
                    if s not in servers:
                        continue
                    floor = k(FLOOR_OF[s], "constant")
                    cells += [
                        _cell(by, k(s, request)),
                        _cell(by, k(s, request, "distinct")),
                        _ratio(by, k(s, request), floor),
                        _ratio(by, k(s, request, "distinct"), floor),
                        _ratio(by, k(s, request), k("oxigraph", request)),
                        _ratio(by, k(s, request, "distinct"), k("oxigraph", request, "distinct")),
                    ]
                    if "rdflib-endpoint" in servers:
                        cells += [_ratio(by, k(s, request, "distinct"), k("rdflib-endpoint", request))]
                out.append("| " + " | ".join(cells) + " |")
            out.append("")
            sized = [
                f"{s} {_ratio(by, k(s, 'dump kfl.ttl'), k(FLOOR_OF[s], DUMP_FLOOR))} of {FLOOR_OF[s]}'s"
                for s in OURS
                if by.get(k(s, "dump kfl.ttl")) and by.get(k(FLOOR_OF[s], DUMP_FLOOR))
            ]
            if sized:
                out += [f"Dump kfl.ttl (repeated) against a constant as large as it: {', '.join(sized)}.", ""]
    return "\n".join(out)


def latency_table(rows: list[Row]) -> str:
    """Markdown: every cell's median requests/s, spread, p50 and p99 (of the median run), non-2xx."""
    out = [
        "| section | server | request | mode | conns | req/s | min–max | p50 ms | p99 ms | CPU µs/req server | "
        "CPU µs/req query processes | non-2xx | probe status |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lo, hi = r.spread
        out.append(
            f"| {r.section} | {r.server} | {r.request} | {r.mode} | {r.connections} | {r.rps:,.0f} | "
            f"{lo:,.0f}–{hi:,.0f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} | {r.cpu_us:,.0f} | "
            f"{r.query_cpu_us:,.0f} | {r.bad + r.errors} "
            f"{json.dumps(r.statuses) if r.statuses else ''} | {r.status or ''} |"
        )
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--connections", default="1,10")
    parser.add_argument("--only", default="", help="comma-separated: " + ",".join(PLAN))
    parser.add_argument(
        "--requests", default="", help="comma-separated request names (e.g. 'point lookup,/healthz'); default: all"
    )
    parser.add_argument("--modes", default="", help="comma-separated: repeated,distinct,etag (default: all)")
    parser.add_argument("--published", type=Path, help="serve this publication instead of building the bundled one")
    parser.add_argument("--big", type=Path, help="also a section on this (large) publication")
    parser.add_argument("--big-spaces", type=int, default=0, help="or generate and build one with N spaces")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON here")
    parser.add_argument("--md", type=Path, help="also write the Markdown here")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    tmp = Path(tempfile.mkdtemp(prefix="kfl-bench-"))
    try:
        published = args.published or build_publication(tmp / "bundled")
        big = []
        if args.big:
            big.append((f"{args.big.parent.name}", args.big))
        elif args.big_spaces:
            (tmp / "big").mkdir()
            big.append((f"{args.big_spaces:,} spaces", generated_publication(tmp / "big", args.big_spaces)))
        only = set(args.only.split(",")) if args.only else None
        connections = tuple(int(c) for c in args.connections.split(","))
        requests = set(args.requests.split(",")) if args.requests else None
        modes = set(args.modes.split(",")) if args.modes else None
        result = serving_rows(published, args.seconds, connections, args.repeat, big, only, requests, modes)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    rows = [Row(**{k: v for k, v in r.items()}) for r in result["rows"]]
    text = (
        f"wrk -t1, {args.seconds:g} s per cell, {args.repeat} runs (median, min–max), {os.cpu_count()} CPUs\n\n"
        + result["table"]
        + "\n\n"
        + latency_table(rows)
        + "\n"
    )
    print(text)
    if args.md:
        args.md.write_text(text, encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
