"""One benchmark command: build per stage at several sizes, validators, server start, serving.

Usage (from the repository root):

    .venv/bin/python bench/run.py                       # bundled, 10k and 35k spaces; writes docs/benchmarks.{md,json}
    .venv/bin/python bench/run.py --sizes 10000 --big 100000 --serve-seconds 5
    .venv/bin/python bench/run.py --quick               # bundled and 2k spaces, short serving runs (a smoke run)

Sections of the table (Markdown and JSON, medians with the spread min–max, the machine and
its load described):

1. **Build per stage** — ``kfl-lod build`` of the bundled source and of sources written by
   ``kfl-lod generate --spaces N --seed 1``, each run in a fresh process: wall and CPU seconds
   of read, map, validate, each file written, describe (change record, catalog), publish,
   prepare store (the part left after publishing: the data was loaded in a thread meanwhile) and prepare
   index (the pages' index); the other processes' own stages; the whole command's wall and CPU time with interpreter
   start; peak memory (RSS, from wait4, and the largest sum over the build's processes, sampled); the
   exponent of growth between sizes (t ∝ triples^k).
2. **Validators** — the same graph checked by pySHACL and by the compiled engine (PyPI
   ``shacl``), seconds and whether the reports are equal.
3. **Server start and memory** — ``kfl-lod serve`` on each publication: seconds until
   /healthz, then the home page, a search, a space's page and a SPARQL answer; memory of the server and its query processes (PSS,
   so pages shared between processes count once), and per million triples.
4. **Serving** — the serving benchmark of ``bench/`` if one offers ``serving_rows`` (see
   serving_section); otherwise a minimal one here: ``wrk`` against ``kfl-lod serve`` and the
   native ``oxigraph serve-read-only`` on the same dump, at 1 and 10 connections.

The machine is shared: the load average before and after each section is recorded, and CPU
seconds are given beside wall seconds (CPU time moves less with the load). Only loopback
traffic; every run is bounded in time.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
KFL = BIN / "kfl-lod"
SECTIONS = ("build", "validators", "server", "serving")
BUILD_STAGES = ("read", "map", "validate", "describe", "publish", "prepare store")


# --- the machine ---------------------------------------------------------------------------------


def load() -> tuple[float, float, float]:
    return os.getloadavg()


def machine() -> dict:
    """CPU, cores, memory, OS, Python and the versions of the packages that do the work."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = int(line.split()[1]) // 1024
    except OSError:
        pass
    from importlib.metadata import PackageNotFoundError, version

    packages = {}
    for name in ("rdflib", "pyshacl", "shacl", "pyoxigraph", "oxigraph", "flask", "gunicorn", "granian"):
        try:
            packages[name] = version(name)
        except PackageNotFoundError:
            pass
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    wrk = shutil.which("wrk")
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_mib": mem,
        "os": platform.platform(),
        "python": platform.python_version(),
        "packages": packages,
        "wrk": subprocess.run([wrk, "--version"], capture_output=True, text=True).stdout.split("\n")[0] if wrk else "",
        "commit": commit.stdout.strip(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load_at_start": load(),
        "note": "shared by up to 8 sessions working at the same time; see the load average of each section",
    }


# --- build ------------------------------------------------------------------------------------------


def child_build(source: Path, out: Path) -> None:
    """In a fresh process: build ``source`` into ``out``; print the timings as JSON."""
    sys.path.insert(0, str(ROOT / "src"))
    from kfl_lod.build import build
    from kfl_lod.settings import load_settings

    started = time.perf_counter()
    settings = load_settings(environ={}, cwd=out.parent, source=source, published=out, shapes=ROOT / "shapes")
    result = build(settings)
    print(
        json.dumps(
            {
                "wall": result.timings,
                "cpu": result.cpu,
                "peak_after": result.peak_mib,
                "total": time.perf_counter() - started,
                "triples": result.triples,
                "spaces": len(result.records.spaces),
                "venues": len(result.records.venues),
                "institutions": len(result.records.institutions),
                "conforms": result.report.conforms,
                "results": len(result.report.results),
                "files": result.published.files if result.published else {},
            }
        )
    )


def rss_kib(pid: int) -> int:
    """Resident set size of one process in KiB (0 if it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class Child:
    """What run_child measured: wall seconds, peak RSS of the process (MiB), stdout, and of the whole tree."""

    def __init__(self, wall: float, peak: int, text: str, tree_peak: int, cpu: float) -> None:
        self.wall, self.peak, self.text = wall, peak, text
        self.tree_peak = tree_peak  # MiB: the largest sum of RSS over the process and its children, sampled
        self.cpu = cpu  # user + system seconds of the process and the children it waited for

    def __iter__(self):  # (wall, peak, text), as callers unpack it
        return iter((self.wall, self.peak, self.text))


def run_child(argv: list[str], cwd: Path, timeout: float = 900) -> Child:
    """Run a command; return its wall seconds, peak RSS in MiB and stdout (and the tree's peak, CPU)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KFL_")}
    started = time.perf_counter()
    tree_peak = 0
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.PIPE)
        deadline = started + timeout
        sampled = 0.0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                raise SystemExit(f"{argv} ran longer than {timeout} s")
            if time.perf_counter() - sampled > 0.2:  # the build's other processes count towards its memory
                sampled = time.perf_counter()
                tree_peak = max(tree_peak, sum(rss_kib(p) for p in tree(proc.pid)))
            time.sleep(0.05)
        wall = time.perf_counter() - started
        code = os.waitstatus_to_exitcode(status)
        proc.returncode = code
        out.seek(0)
        text = out.read().decode()
    if code != 0:
        raise SystemExit(f"{argv} exited {code}: {proc.stderr.read().decode()[-2000:]}")
    peak = usage.ru_maxrss // 1024
    return Child(wall, peak, text, max(peak, tree_peak // 1024), usage.ru_utime + usage.ru_stime)


def measure_build(label: str, source: Path, runs: int, tmp: Path) -> dict:
    """Build ``source`` ``runs`` times in fresh processes; keep the last publication for serving."""
    found: list[dict] = []
    out = tmp / f"published-{label}"
    before = load()
    for i in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        child = run_child([sys.executable, __file__, "--child-build", str(source), str(out)], tmp, timeout=3600)
        data = json.loads(child.text.strip().splitlines()[-1])
        data["command_wall"], data["peak_mib"] = child.wall, child.peak
        data["tree_peak_mib"], data["command_cpu"] = child.tree_peak, child.cpu
        found.append(data)
        print(
            f"  {label} run {i + 1}/{runs}: {child.wall:.1f} s, {child.cpu:.1f} CPU s, {child.peak} MiB "
            f"(with its other processes {child.tree_peak} MiB), {data['triples']} triples",
            file=sys.stderr,
        )
    row = {
        "label": label,
        "runs": runs,
        "spaces": found[0]["spaces"],
        "venues": found[0]["venues"],
        "institutions": found[0]["institutions"],
        "triples": found[0]["triples"],
        "conforms": found[0]["conforms"],
        "results": found[0]["results"],
        "published": str(out),
        "load": [before, load()],
        "stages": {},
    }
    for stage in found[0]["wall"]:  # in the order the build ran them
        walls = [d["wall"].get(stage, 0.0) for d in found]
        cpus = [d["cpu"].get(stage, 0.0) for d in found]
        row["stages"][stage] = {
            "wall": summary(walls),
            "cpu": summary(cpus),
            "peak_mib_after": max(d.get("peak_after", {}).get(stage, 0) for d in found),
        }
    row["in_process"] = summary([d["total"] for d in found])
    row["command"] = summary([d["command_wall"] for d in found])
    row["peak_mib"] = summary([d["peak_mib"] for d in found])
    row["tree_peak_mib"] = summary([d["tree_peak_mib"] for d in found])
    row["command_cpu"] = summary([d["command_cpu"] for d in found])
    row["files_bytes"] = found[0]["files"]
    return row


def summary(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def exponents(rows: list[dict]) -> list[dict]:
    """t ∝ triples^k between consecutive sizes, per stage, on CPU seconds (less moved by the load)."""
    out = []
    for a, b in zip(rows, rows[1:], strict=False):
        ratio = math.log(b["triples"] / a["triples"])
        if ratio <= 0:
            continue
        per_stage = {}
        for stage in b["stages"]:
            ta, tb = a["stages"].get(stage, {}).get("cpu", {}).get("median"), b["stages"][stage]["cpu"]["median"]
            if ta and tb and ta > 0.02:  # below that the clock's grain decides
                per_stage[stage] = math.log(tb / ta) / ratio
        total_a, total_b = a["in_process"]["median"], b["in_process"]["median"]
        out.append(
            {"from": a["label"], "to": b["label"], "total": math.log(total_b / total_a) / ratio, "stages": per_stage}
        )
    return out


# --- validators ------------------------------------------------------------------------------------


def child_validators(source: Path) -> None:
    """In a fresh process: validate ``source``'s graph with both engines; print seconds as JSON."""
    sys.path.insert(0, str(ROOT / "src"))
    from kfl_lod.build import Timer
    from kfl_lod.dumps import to_ntriples
    from kfl_lod.mapping import map_records
    from kfl_lod.source import read_source
    from kfl_lod.validation import load_shapes, validate

    base = "https://kfl.krakow.pl/"
    records = read_source(source)
    mapped = map_records(records, base)
    triples, where = mapped.triples, mapped.provenance
    graph = mapped.graph  # pySHACL's input, parsed from the lines before its clock starts
    shapes = load_shapes(ROOT / "shapes", base)
    timer = Timer()
    nt = timer("write kfl.nt", lambda: to_ntriples(triples))
    compiled = timer("shacl", lambda: validate(triples, shapes, where, engine="shacl", ntriples=nt))
    reference = timer("pyshacl", lambda: validate(graph, shapes, where, engine="pyshacl"))
    print(
        json.dumps(
            {
                "triples": len(triples),
                "wall": timer.seconds,
                "cpu": timer.cpu,
                "equal": compiled == reference,
                "results": len(reference.results),
            }
        )
    )


def measure_validators(label: str, source: Path, tmp: Path) -> dict:
    _, peak, text = run_child([sys.executable, __file__, "--child-validators", str(source)], tmp, timeout=900)
    data = json.loads(text.strip().splitlines()[-1])
    data["label"] = label
    print(f"  validators {label}: {data['wall']}", file=sys.stderr)
    return data


# --- server start and memory -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tree(pid: int) -> list[int]:
    """The process and all its descendants."""
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                todo += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                pass
    return found


def pss_mib(pid: int) -> tuple[float, int]:
    """Proportional set size of a process tree in MiB (shared pages counted once), and its size."""
    total = 0
    pids = tree(pid)
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024, len(pids)


def pss_mib_own(pid: int) -> float:
    """Proportional set size of one process (the web server without its query processes), MiB."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process tree (moves less with the machine's load than wall time)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            pass
    return total / ticks


def get(url: str, data: bytes | None = None, headers: dict | None = None, timeout: float = 30) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except OSError:
        return 0, b""


def start_server(argv: list[str], url: str, cwd: Path, timeout: float = 120) -> tuple[subprocess.Popen, float]:
    """Start a server; return it and the seconds until ``url`` answers 200."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KFL_")}
    started = time.perf_counter()
    proc = subprocess.Popen(
        argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    while time.perf_counter() - started < timeout:
        if proc.poll() is not None:
            raise SystemExit(f"{argv[:3]} exited {proc.returncode} before answering")
        if get(url, timeout=5)[0] == 200:
            return proc, time.perf_counter() - started
        time.sleep(0.05)
    stop(proc)
    raise SystemExit(f"{argv[:3]} did not answer {url} within {timeout} s")


def stop(proc: subprocess.Popen) -> None:
    """Stop a server started by start_server (its own process group: the server and its children)."""
    try:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, 9)
        except ProcessLookupError:
            pass
        proc.wait()


POINT = "SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}"


def measure_server(row: dict, tmp: Path, prepared: bool = True, runs: int = 1) -> dict:
    """Start the server ``runs`` times (each anew): the median run's figures, and every run's total."""
    found = [measure_server_once(row, tmp, prepared) for _ in range(max(1, runs))]
    found.sort(key=lambda r: r["start_to_all_s"])
    result = found[len(found) // 2]
    if len(found) > 1:
        result["runs"] = [
            {"start_to_all_s": r["start_to_all_s"], "healthz_s": r["healthz_s"], **r["seconds"]} for r in found
        ]
    return result


def measure_server_once(row: dict, tmp: Path, prepared: bool = True) -> dict:
    """Seconds until /healthz and a first SPARQL answer; PSS of the server and its query processes."""
    published = Path(row["published"])
    store = published / "latest" / ".store"
    aside = published / "store-aside"
    if not prepared and store.exists():
        store.rename(aside)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    try:
        proc, healthy = start_server(
            [str(KFL), "serve", "--published", str(published), "--port", str(port)], base + "/healthz", tmp
        )
        try:
            # What a visitor meets first, in order, each timed from the one before: the home page
            # (the pages' index is read here), a search, a space's page, a SPARQL answer.
            times = {}
            statuses = {}
            import bench_serving  # beside this file

            space = bench_serving._some_space(published)  # one that exists (the bundled data has no sala-1)
            query = urllib.parse.urlencode({"query": POINT.format(iri=space)})
            for name, url, headers in (
                ("home", f"{base}/", {}),
                ("search", f"{base}/?q=sala+warsztatowa+dla+dzieci&osoby=20", {}),
                ("space", f"{base}/{space.removeprefix(bench_serving.BASE)}.html", {}),
                ("sparql", f"{base}/sparql?{query}", {"Accept": "application/sparql-results+json"}),
            ):
                started = time.perf_counter()
                statuses[name], body = get(url, headers=headers, timeout=300)
                times[name] = time.perf_counter() - started
                if name == "home":
                    home_bytes = len(body)
            status, page, home = statuses["sparql"], statuses["space"], statuses["home"]
            first = healthy + times["home"] + times["search"] + times["space"] + times["sparql"]
            pages = healthy + times["home"] + times["search"] + times["space"]
            time.sleep(0.5)
            pss, processes = pss_mib(proc.pid)
            server_pss = pss_mib_own(proc.pid)
            cpu = cpu_seconds(proc.pid)
        finally:
            stop(proc)
    finally:
        if aside.exists():
            aside.rename(store)
    result = {
        "label": row["label"],
        "triples": row["triples"],
        "prepared_store": prepared and store.exists(),
        "healthz_s": healthy,
        "first_sparql_s": first,
        "sparql_status": status,
        "first_pages_s": pages,
        "pages_status": [page, home],
        "seconds": times,
        "statuses": statuses,
        "start_to_all_s": first,
        "pss_mib": pss,
        "server_pss_mib": server_pss,
        "processes": processes,
        "cpu_s": cpu,
        "home_bytes": home_bytes,
        "load": load(),
    }
    print(f"  server {row['label']} prepared={result['prepared_store']}: {result}", file=sys.stderr)
    return result


# --- serving -------------------------------------------------------------------------------------------


def wrk(url: str, seconds: int, connections: int, method: str = "GET", body: str = "", headers: dict | None = None):
    """requests/s, p50 and p99 in ms, non-2xx/3xx answers: wrk -t1 -cN -dS against ``url``."""
    script = "done = function(s, latency, r)\n  io.write(string.format('KFL %f %f\\n', latency:percentile(50), latency:percentile(99)))\nend\n"
    if method != "GET":
        script += f"wrk.method = '{method}'\nwrk.body = {json.dumps(body)}\n"
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    args = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout=10s", "-s", f.name]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    done = subprocess.run(args + [url], capture_output=True, text=True, timeout=seconds + 30)
    os.unlink(f.name)
    rps, p50, p99, bad = 0.0, 0.0, 0.0, 0
    for line in done.stdout.splitlines():
        if line.startswith("Requests/sec:"):
            rps = float(line.split()[1])
        elif line.startswith("KFL "):
            p50, p99 = (float(x) / 1000 for x in line.split()[1:3])
        elif "Non-2xx or 3xx responses" in line:
            bad = int(line.split()[-1])
    return {"rps": rps, "p50_ms": p50, "p99_ms": p99, "non_2xx": bad}


QUERIES = {
    "point lookup": POINT.format(iri="https://kfl.krakow.pl/space/sala-1"),
    "filter + ORDER BY capacity, LIMIT 50": (
        "PREFIX schema: <https://schema.org/> SELECT ?s ?c WHERE { ?s schema:maximumAttendeeCapacity ?c "
        "FILTER(?c >= 40) } ORDER BY DESC(?c) LIMIT 50"
    ),
    "GROUP BY space type": (
        "PREFIX kfl: <https://kfl.krakow.pl/def/> SELECT ?t (COUNT(?s) AS ?n) WHERE { ?s kfl:spaceType ?t } GROUP BY ?t"
    ),
    "text filter on names": (
        "PREFIX schema: <https://schema.org/> SELECT ?s ?n WHERE { ?s a <https://kfl.krakow.pl/def/Space> ; "
        'schema:name ?n FILTER(CONTAINS(LCASE(?n), "żółta")) } LIMIT 50'
    ),
}


def serving_section(rows: list[dict], seconds: int, tmp: Path, repeat: int = 3) -> dict:
    """The serving benchmark: bench/bench_serving.py's ``serving_rows`` — on the bundled publication the
    five servers of issue 13 side by side, on the larger ones kfl-lod against the native server."""
    sys.path.insert(0, str(ROOT / "bench"))
    found: dict = {"rows": []}
    bundled = [r for r in rows if r["label"] == "bundled"]
    others = [r for r in rows if r["label"] != "bundled"]
    try:
        import bench_serving
    except ImportError:
        bench_serving = None
    if bundled and bench_serving is not None and hasattr(bench_serving, "serving_rows"):
        before = load()
        big = [(r["label"], Path(r["published"])) for r in others]
        found["full"] = {
            "source": "bench/bench_serving.py (serving_rows)",
            "publication": "bundled" + "".join(f", {label}" for label, _ in big),
            **bench_serving.serving_rows(Path(bundled[0]["published"]), seconds, (1, 10), repeat, big),
            "load": [before, load()],
        }
        return found
    if bundled:
        others = bundled + others
    if others:
        found["rows"] = minimal_serving(others, seconds, tmp)
    return found


def oxigraph_server(published: Path, tmp: Path, port: int) -> tuple[subprocess.Popen, float] | None:
    """The native Oxigraph server, read-only on a database of the same dump (PyPI package oxigraph)."""
    exe = BIN / "oxigraph"
    if not exe.exists():
        return None
    location = tmp / f"oxigraph-{published.name}"
    if not location.exists():
        subprocess.run(
            [str(exe), "load", "--location", str(location), "--file", str(published / "latest" / "kfl.nt")],
            check=True,
            capture_output=True,
            timeout=900,
        )
    return start_server(
        [str(exe), "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        f"http://127.0.0.1:{port}/query?query=ASK%7B%7D",
        tmp,
    )


def minimal_serving(rows: list[dict], seconds: int, tmp: Path) -> list[dict]:
    """wrk against kfl-lod serve and oxigraph serve-read-only, the same queries, 1 and 10 connections."""
    if not shutil.which("wrk"):
        return [{"error": "wrk is not installed (apt-get install wrk)"}]
    found = []
    for row in rows:
        published = Path(row["published"])
        servers = []
        port = free_port()
        servers.append(
            (
                "kfl-lod serve",
                f"http://127.0.0.1:{port}/sparql",
                lambda port=port, published=published: start_server(
                    [str(KFL), "serve", "--published", str(published), "--port", str(port)],
                    f"http://127.0.0.1:{port}/healthz",
                    tmp,
                ),
            )
        )
        port2 = free_port()
        servers.append(
            (
                "oxigraph serve-read-only",
                f"http://127.0.0.1:{port2}/query",
                lambda port2=port2, published=published: oxigraph_server(published, tmp, port2),
            )
        )
        for name, endpoint, starter in servers:
            started = starter()
            if started is None:
                found.append({"size": row["label"], "server": name, "error": "not installed"})
                continue
            proc, _ = started
            try:
                before = load()
                for query_name, query in QUERIES.items():
                    body = urllib.parse.urlencode({"query": query})
                    headers = {
                        "Content-Type": "application/x-www-form-urlencoded",
                        "Accept": "application/sparql-results+json",
                    }
                    status, _ = get(endpoint, body.encode(), headers)
                    for connections in (1, 10):
                        result = wrk(endpoint, seconds, connections, "POST", body, headers)
                        found.append(
                            {
                                "size": row["label"],
                                "triples": row["triples"],
                                "server": name,
                                "request": query_name,
                                "connections": connections,
                                "status": status,
                                **result,
                                "load": [before, load()],
                            }
                        )
                        print(f"  serving {row['label']} {name} {query_name} c{connections}: {result}", file=sys.stderr)
            finally:
                stop(proc)
    return found


# --- the table -------------------------------------------------------------------------------------------


def fmt(s: dict, digits: int = 2) -> str:
    if s["n"] == 1 or s["max"] - s["min"] < 10**-digits:
        return f"{s['median']:.{digits}f}"
    return f"{s['median']:.{digits}f} ({s['min']:.{digits}f}–{s['max']:.{digits}f})"


def markdown(report: dict) -> str:
    m = report["machine"]
    lines = [
        "# Benchmarks",
        "",
        "Written by `bench/run.py` (one command: `.venv/bin/python bench/run.py`); the same figures as data in",
        "`docs/benchmarks.json`. Medians, with the spread (min–max) where there were several runs.",
        "",
        "## Machine",
        "",
        f"- {m['cpu']}, {m['cores']} cores, {m['memory_mib']} MiB; {m['os']}; Python {m['python']}",
        "- " + ", ".join(f"{k} {v}" for k, v in m["packages"].items()) + (f"; {m['wrk']}" if m["wrk"] else ""),
        f"- commit {m['commit']}, {m['date']}; load average at start {', '.join(f'{x:.1f}' for x in m['load_at_start'])}",
        f"- {m['note']}: CPU seconds are given beside wall seconds, as they move less with the load.",
        *[
            f"- sections {', '.join(p['sections'])} run again at {p['date']}, commit {p['commit']}, load average "
            f"{', '.join(f'{x:.1f}' for x in p['load_at_start'])}"
            for p in report.get("partial_runs", [])
        ],
        "",
        "## Build per stage",
        "",
        "`kfl-lod build` in a fresh process per run; sources: the bundled one and `kfl-lod generate --spaces N --seed 1`.",
        "Each cell: wall seconds / CPU seconds / the process's peak memory (MiB) once the stage is done;",
        "`command` is the whole command with interpreter start. The server's database is loaded in a thread",
        "while the files are written (store.Preparing): its CPU seconds count in the stages it overlaps (from",
        "`write kfl.ttl` on), which is why their CPU can exceed their wall time. From 2,000 spaces on, kfl.csv,",
        "kfl.xlsx and kfl.geojson are written by another process meanwhile (kfl_lod.sidework): its own times are",
        "the rows marked `(other process)`, and `wait for …` is what the build waited for it. The peak memory",
        "with its other processes is the largest sum of their RSS, sampled every 0.2 s.",
        "",
    ]
    rows = report.get("build", [])
    head = ["stage"] + [f"{r['label']}: {r['triples']:,} triples ({r['runs']} runs)" for r in rows]
    lines += ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    stages = list(dict.fromkeys(s for r in rows for s in r["stages"]))
    for stage in stages:
        cells = [stage]
        for r in rows:
            s = r["stages"].get(stage)
            cells.append(f"{fmt(s['wall'])} / {s['cpu']['median']:.2f} / {s['peak_mib_after']}" if s else "")
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("| **in process (all stages)** | " + " | ".join(f"**{fmt(r['in_process'])}**" for r in rows) + " |")
    lines.append("| command (with start) | " + " | ".join(fmt(r["command"]) for r in rows) + " |")
    lines.append(
        "| command CPU seconds (with its other processes) | "
        + " | ".join(fmt(r["command_cpu"]) if "command_cpu" in r else "" for r in rows)
        + " |"
    )
    lines.append("| peak memory (MiB) | " + " | ".join(fmt(r["peak_mib"], 0) for r in rows) + " |")
    lines.append(
        "| peak memory with its other processes (MiB, summed RSS) | "
        + " | ".join(fmt(r["tree_peak_mib"], 0) if "tree_peak_mib" in r else "" for r in rows)
        + " |"
    )
    lines.append(
        "| spaces / venues / institutions | "
        + " | ".join(f"{r['spaces']:,} / {r['venues']:,} / {r['institutions']:,}" for r in rows)
        + " |"
    )
    lines.append("| SHACL results (warnings) | " + " | ".join(f"{r['results']:,}" for r in rows) + " |")
    lines.append(
        "| load average before → after | "
        + " | ".join(f"{r['load'][0][0]:.1f} → {r['load'][1][0]:.1f}" for r in rows)
        + " |"
    )
    if report.get("exponents"):
        lines += [
            "",
            "Exponent of growth k (time ∝ triples^k, CPU seconds; 1 = linear) between consecutive sizes:",
            "",
        ]
        stages_k = list(dict.fromkeys(s for e in report["exponents"] for s in e["stages"]))
        head = ["between", "all stages"] + stages_k
        lines += ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
        for e in report["exponents"]:
            cells = [f"{e['from']} → {e['to']}", f"{e['total']:.2f}"] + [
                f"{e['stages'][s]:.2f}" if s in e["stages"] else "" for s in stages_k
            ]
            lines.append("| " + " | ".join(cells) + " |")
    if report.get("validators"):
        lines += [
            "",
            "## Validators",
            "",
            "The same graph checked by pySHACL (the reference) and by the compiled engine the build uses",
            "(PyPI `shacl`); `equal`: the two reports are the same (tests/test_validators.py checks this on",
            "every broken case too).",
            "",
            "| graph | triples | results | pySHACL s (CPU) | compiled s (CPU) | speed-up | N-Triples written for it, s | equal |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for v in report["validators"]:
            py, rs = v["wall"]["pyshacl"], v["wall"]["shacl"]
            lines.append(
                f"| {v['label']} | {v['triples']:,} | {v['results']:,} | {py:.2f} ({v['cpu']['pyshacl']:.2f}) | "
                f"{rs:.2f} ({v['cpu']['shacl']:.2f}) | {py / rs:.0f}× | {v['wall']['write kfl.nt']:.2f} | {v['equal']} |"
            )
    if report.get("server"):
        lines += [
            "",
            "## Server start and memory",
            "",
            "`kfl-lod serve --published DIR` (defaults): seconds from the command to /healthz answering, then",
            "(each timed after the one before) the home page (it waits for the pages' index the build prepared,",
            "`.index/`, read in a thread at start), a search, a space's page and a SPARQL answer; `all` = from the command to",
            "the last of them. Memory as PSS (a page shared by processes counts once) of `kfl-lod serve` and all",
            "its processes (the web server, its query processes). `prepared store`: the release's on-disk Oxigraph database (made by the",
            "build for releases over 8 MB of N-Triples), opened read-only by every process; otherwise each",
            "process loads the N-Triples into memory.",
            "",
            "`CPU s`: CPU seconds of the server and its processes from the command to the SPARQL answer",
            "(moves less with the shared machine's load than wall time); `home KB`: the home page's size. With",
            "`--server-runs N`, the run with the median `all` is shown and `all` gives the min–max over the runs.",
            "",
            "| publication | triples | prepared store | /healthz s | home s | search s | space page s | SPARQL s | all s | CPU s | home KB | PSS MiB (processes) | load |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for s in report["server"]:
            t = s.get("seconds", {})
            status = s.get("statuses", {})  # an answer other than 200 is named: its time is not the page's
            cells = " | ".join(
                (f"{t[k]:.2f}" + (f" ({status[k]})" if status.get(k, 200) != 200 else "")) if k in t else ""
                for k in ("home", "search", "space", "sparql")
            )
            total = f"{s.get('start_to_all_s', s['first_sparql_s']):.2f}"
            if s.get("runs"):
                spread = [r["start_to_all_s"] for r in s["runs"]]
                total += f" ({min(spread):.2f}–{max(spread):.2f})"
            cpu = f"{s['cpu_s']:.2f}" if "cpu_s" in s else ""
            home = f"{s['home_bytes'] / 1000:,.0f}" if "home_bytes" in s else ""
            lines.append(
                f"| {s['label']} | {s['triples']:,} | {'yes' if s['prepared_store'] else 'no'} | {s['healthz_s']:.2f} | "
                f"{cells} | {total} | {cpu} | {home} | "
                f"{s['pss_mib']:.0f} ({s['processes']}) | "
                f"{s.get('load', [0])[0]:.1f} |"
            )
        per = report.get("memory_per_million")
        if per:
            lines += ["", per]
    serving = report.get("serving")
    if serving and serving.get("full"):
        full = serving["full"]
        lines += [
            "",
            "## Serving",
            "",
            f"From {full['source']}: `wrk -t1`, {full.get('seconds', report['serve_seconds'])} s per cell, "
            f"{full.get('repeat', 1)} runs per cell (each server started anew per run; median requests/s, min–max "
            "over the runs). (a) serve = `kfl-lod serve` as a newcomer starts it (one process), (b) production = the "
            "Granian command of README.md (two processes), (c) oxigraph = `oxigraph serve-read-only` on the same "
            "N-Triples, (d) rdflib-endpoint on the same N-Triples (uvicorn, one process, one run), floor-N = the same "
            "HTTP stack as ours (Granian + the kfl-lod front + an app in its threads) answering a constant with N "
            "processes; (a) is compared with floor-1, (b) with floor-2. *repeated*: the same request again and again "
            "(our answer cache answers); *distinct*: a counter in a trailing comment (SPARQL) or an unused parameter "
            "(pages) makes every request new (the cache off; the native server has no cache, so its two columns "
            "differ only by noise). wrk's connections come as distinct clients (X-Forwarded-For from a trusted "
            "proxy). Load average per server run: "
            + ", ".join(f"{x['server']} {x['load'][0]:.1f}" for x in full.get("loads", []) if x.get("run") == 1)
            + ".",
            "",
            *(f"- {note}" for note in full.get("notes", [])),
            "",
            full["table"],
        ]
    if serving and serving.get("rows"):
        lines += [
            "",
            "## Serving at size",
            "",
            f"`kfl-lod serve` and `oxigraph serve-read-only` on the same dump; `wrk -t1`, {report['serve_seconds']} s per cell.",
            "",
        ]
        rows_s = [r for r in serving["rows"] if "rps" in r]
        if rows_s:
            lines += [
                "| size | request | connections | server | requests/s | p50 ms | p99 ms | non-2xx | ratio to oxigraph |",
                "|---|---|---|---|---|---|---|---|---|",
            ]
            native = {
                (r["size"], r["request"], r["connections"]): r["rps"]
                for r in rows_s
                if r["server"] == "oxigraph serve-read-only"
            }
            for r in rows_s:
                base = native.get((r["size"], r["request"], r["connections"]))
                ratio = f"{r['rps'] / base:.0%}" if base and r["server"] != "oxigraph serve-read-only" else ""
                lines.append(
                    f"| {r['size']} | {r['request']} | {r['connections']} | {r['server']} | {r['rps']:,.0f} | "
                    f"{r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['non_2xx']} | {ratio} |"
                )
        for r in serving["rows"]:
            if "error" in r:
                lines.append(f"- {r.get('server', '')} {r.get('size', '')}: {r['error']}")
    lines += ["", f"Load average at the end: {', '.join(f'{x:.1f}' for x in report['load_at_end'])}.", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,35000", help="generated sizes in spaces, comma-separated")
    parser.add_argument("--big", type=int, default=0, help="also one run at this many spaces (e.g. 100000)")
    parser.add_argument("--runs", type=int, default=3, help="runs per generated size under 20,000 spaces (else 1)")
    parser.add_argument("--bundled-runs", type=int, default=5)
    parser.add_argument("--validators", default="bundled,2000", help="graphs to check with both SHACL engines")
    parser.add_argument("--serve-seconds", type=int, default=5, help="seconds per wrk cell (0: no serving section)")
    parser.add_argument("--serve-sizes", default="bundled,10000", help="publications served in the serving section")
    parser.add_argument("--serve-repeat", type=int, default=3, help="runs of every serving cell (median, spread)")
    parser.add_argument(
        "--sections",
        default=",".join(SECTIONS),
        help="which sections to run; a partial run keeps the other sections of an existing OUT.json",
    )
    parser.add_argument(
        "--published",
        action="append",
        default=[],
        metavar="LABEL=DIR",
        help="server section only: measure this existing publication instead of building (repeatable; no build)",
    )
    parser.add_argument("--server-runs", type=int, default=1, help="server starts per publication (median, spread)")
    parser.add_argument("--quick", action="store_true", help="bundled and 2,000 spaces, 2 s per wrk cell")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks", help="writes OUT.md and OUT.json")
    parser.add_argument("--child-build", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-validators", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_build:
        return child_build(*args.child_build)
    if args.child_validators:
        return child_validators(args.child_validators)
    if args.quick:
        args.sizes, args.runs, args.bundled_runs, args.serve_seconds, args.serve_repeat = "2000", 1, 2, 1, 1
        args.serve_sizes, args.validators, args.big = "bundled", "bundled", 0
    sizes = [int(s) for s in args.sizes.split(",") if s] + ([args.big] if args.big else [])
    sections = set(args.sections.split(","))
    report: dict = {"machine": machine(), "serve_seconds": args.serve_seconds}
    old = args.out.with_suffix(".json")
    if sections != set(SECTIONS) and old.exists():
        # A partial run updates its sections of the committed table and keeps the others.
        report = json.loads(old.read_text(encoding="utf-8")) | {"serve_seconds": args.serve_seconds}
        report.setdefault("partial_runs", []).append({"sections": sorted(sections), **machine()})
    with tempfile.TemporaryDirectory(prefix="kfl-bench-") as name:
        tmp = Path(name)
        if args.published:
            # Publications built before (e.g. a 100k one, minutes to build): the server section only.
            report["server"] = [
                measure_server(published_row(item), tmp, runs=args.server_runs) for item in args.published
            ]
            report.pop("memory_per_million", None)
            small, big = (
                min(report["server"], key=lambda r: r["triples"]),
                max(report["server"], key=lambda r: r["triples"]),
            )
            if big["triples"] > small["triples"]:
                report["memory_per_million"] = (
                    f"Memory per million triples (PSS above the {small['label']} publication's, the web server and its "
                    f"query processes together, prepared store): "
                    f"{(big['pss_mib'] - small['pss_mib']) / ((big['triples'] - small['triples']) / 1e6):.0f} MiB."
                )
            report["load_at_end"] = load()
            write(args.out, report)
            return
        sources = {"bundled": ROOT / "source"}
        for n in sizes:
            label = size_label(n)
            sources[label] = tmp / f"source-{n}"
            subprocess.run(
                [str(KFL), "generate", "--spaces", str(n), "--seed", "1", "--out", str(sources[label])],
                check=True,
                capture_output=True,
            )
        print("build", file=sys.stderr)
        served = {s if s == "bundled" else size_label(int(s)) for s in args.serve_sizes.split(",")}
        rows = []
        for label, source in sources.items():
            n = int(label.split("k")[0]) * 1000 if "k spaces" in label else 0
            runs = args.bundled_runs if label == "bundled" else (args.runs if n < 20000 else 1)
            if "build" not in sections:  # only the publications the other sections need, once each
                if label not in served and "server" not in sections:
                    continue
                runs = 1
            rows.append(measure_build(label, source, runs, tmp))
        if "build" in sections:
            report["build"] = rows
            report["exponents"] = exponents(rows)
        if "validators" in sections:
            print("validators", file=sys.stderr)
            report["validators"] = []
            for item in args.validators.split(","):
                if not item:
                    continue
                if item == "bundled":
                    report["validators"].append(measure_validators("bundled", ROOT / "source", tmp))
                else:
                    source = tmp / f"validators-{item}"
                    subprocess.run([str(KFL), "generate", "--spaces", item, "--out", str(source)], check=True)
                    report["validators"].append(measure_validators(f"{int(item):,} spaces", source, tmp))
        if "server" in sections:
            print("server", file=sys.stderr)
            report["server"] = [measure_server(r, tmp) for r in rows]
            # Without the prepared store, each query process loads the N-Triples: not at --big (GBs each).
            sized = [r for r in rows if r["spaces"] <= max(int(n) for n in args.sizes.split(",") if n)] or rows
            big = sized[-1]
            if len(rows) > 1:
                report["server"].append(measure_server(big, tmp, prepared=False))
                small = report["server"][0]
                prepared = report["server"][rows.index(big)]
                loaded = report["server"][-1]
                million = (big["triples"] - small["triples"]) / 1e6
                report["memory_per_million"] = (
                    f"Memory per million triples (PSS above the bundled publication's, the web server and its "
                    f"query processes together): {(prepared['pss_mib'] - small['pss_mib']) / million:.0f} MiB with the prepared "
                    f"store; {(loaded['pss_mib'] - small['pss_mib']) / million:.0f} MiB loading the N-Triples into "
                    "each process."
                )
        if "serving" in sections and args.serve_seconds:
            print("serving", file=sys.stderr)
            report["serving"] = serving_section(
                [r for r in rows if r["label"] in served], args.serve_seconds, tmp, args.serve_repeat
            )
        report["load_at_end"] = load()
    write(args.out, report)


def write(out: Path, report: dict) -> None:
    """Write the report as OUT.json and OUT.md."""
    for r in report.get("build", []):
        r.pop("published", None)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    out.with_suffix(".md").write_text(markdown(report), encoding="utf-8")
    print(f"wrote {out.with_suffix('.md')} and {out.with_suffix('.json')}", file=sys.stderr)


def published_row(item: str) -> dict:
    """The row measure_server needs for ``LABEL=DIR``, an existing publication (triples counted from its files)."""
    sys.path.insert(0, str(ROOT / "src"))
    from kfl_lod.pages_index import triple_count

    label, _, folder = item.rpartition("=")
    published = Path(folder).resolve()
    triples = triple_count(published / "latest") or 0
    return {"label": label or published.name, "triples": triples, "published": str(published), "spaces": 0}


def size_label(n: int) -> str:
    return f"{n // 1000}k spaces" if n % 1000 == 0 else f"{n} spaces"


if __name__ == "__main__":
    main()
