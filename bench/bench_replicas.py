"""Replicas behind nginx: the cost of reading ``latest``, how fast a switch reaches them, throughput, memory.

Usage: .venv/bin/python bench/bench_replicas.py [--seconds 3] [--connections 10] [--switches 5]
                                                [--only pointer,switch,throughput,memory] [--spaces N] [--engine]

Runs the deployment of deploy/ on loopback (bench/deployment.py: replicas from the systemd
unit's ExecStart and environment, nginx from deploy/nginx/kfl-lod.conf with paths and ports
replaced and ``worker_processes auto``) on two releases of the bundled data (the second
renames one space), and prints Markdown tables:

- pointer: what taking the release costs each request (``Releases.current()``: a readlink of
  ``latest`` and a stat of the three store files), in-process, against a cached answer's time;
- switch: ``latest`` switched between the two releases as ``kfl-lod build`` switches it (a new
  symlink renamed over it), --switches times; for each replica (a page, a SPARQL query,
  /healthz) and for nginx's dumps, the time until the first answer naming the new release;
- throughput: ``wrk -t1`` for --seconds at --connections through nginx with 1 and with 2
  replicas, and straight to one replica: a space page and a SPARQL point lookup (repeated:
  answer cache), the point lookup with every request new (cache off), a dump (nginx's own);
- memory: RSS and PSS of each replica's processes (the Granian process, its worker and the
  query processes), of nginx and of the engine, after the throughput runs.

With --engine both replicas query one ``oxigraph serve`` (deploy/systemd/kfl-lod-engine.service)
filled by ``kfl-lod load``; a switch is then ``latest`` moved and the other release loaded.

wrk's connections stand for ten clients: they send X-Forwarded-For 10.0.0.1-10, which this
benchmark's nginx believes (``set_real_ip_from 127.0.0.1``, as behind a CDN) so that the
per-client limits see ten clients, not one. Loopback only; everything is stopped at the end.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "src"))

import deployment  # noqa: E402
from slowclients import wrk  # noqa: E402

BASE = "https://kfl.krakow.pl/"
SPACE = "ckp-ruczaj-sala-widowiskowa"
POINT = f"SELECT ?p ?o WHERE {{ <{BASE}space/{SPACE}> ?p ?o }}"
CLIENTS = 'local function client()\n  return "10.0.0." .. math.random(1, 10)\nend\n'


def build_two_releases(folder: Path, spaces: int = 0) -> tuple[Path, str, str]:
    """The bundled source (or ``spaces`` generated ones) built twice, the second time with one space renamed.

    Returns the publication folder and the two release names.
    """
    from kfl_lod.build import build
    from kfl_lod.settings import load_settings

    if spaces:
        import subprocess

        subprocess.run(
            [
                str(Path(sys.executable).with_name("kfl-lod")),
                "generate",
                "--spaces",
                str(spaces),
                "--out",
                str(folder / "source"),
            ],
            check=True,
            capture_output=True,
        )
    else:
        shutil.copytree(ROOT / "source", folder / "source")
    settings = load_settings(
        environ={},
        cwd=folder,
        source=folder / "source",
        published=folder / "published",
        shapes=ROOT / "shapes",
        sparql_examples=ROOT / "sparql",
        base=BASE,
    )
    first = build(settings, today=date(2026, 3, 2)).published.version
    path = folder / "source" / "przestrzenie.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    global SPACE, POINT
    if not any(row["id"] == SPACE for row in rows):
        SPACE = rows[0]["id"]  # a generated source: its first space
        POINT = f"SELECT ?p ?o WHERE {{ <{BASE}space/{SPACE}> ?p ?o }}"
    for row in rows:
        if row["id"] == SPACE:
            row["nazwa"] = "Duża sala widowiskowa"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    second = build(settings, today=date(2026, 3, 3)).published.version
    return folder / "published", first, second


def switch(published: Path, version: str) -> None:
    """Point ``latest`` at ``version`` the way the build does (kfl_lod.publish._switch_latest)."""
    tmp = published / f".latest-bench-{os.getpid()}"
    if tmp.is_symlink():
        tmp.unlink()
    os.symlink(f"releases/{version}", tmp)
    os.replace(tmp, published / "latest")


# --- pointer --------------------------------------------------------------------------------------


def pointer_cost(published: Path) -> list[tuple[str, str]]:
    """Microseconds per Releases.current() and per readlink, in this process."""
    from kfl_lod.web.release import Releases

    releases = Releases(published, BASE)
    releases.current()
    n = 100_000
    started = time.perf_counter()
    for _ in range(n):
        releases.current()
    current = (time.perf_counter() - started) / n * 1e6
    started = time.perf_counter()
    for _ in range(n):
        os.readlink(published / "latest")
    link = (time.perf_counter() - started) / n * 1e6
    return [
        ("Releases.current() (readlink + 3 stats + compare)", f"{current:.1f} µs"),
        ("readlink alone", f"{link:.1f} µs"),
    ]


# --- switch ---------------------------------------------------------------------------------------


def switch_times(published: Path, versions: tuple[str, str], replicas: list[str], front: str, switches: int, load=None):
    """For each switch and each (where, what): seconds from the switch to the first answer naming the new release.

    With ``load`` (an engine), a switch is ``latest`` moved and then ``load()`` (kfl-lod load),
    and times count from when the load returned.
    """
    import requests

    probes = {}
    for i, url in enumerate(replicas):
        name = "AB"[i] if i < 2 else str(i)
        probes[f"replica {name}: space page"] = url + f"/space/{SPACE}.html"
        probes[f"replica {name}: SPARQL"] = url + "/sparql?query=" + quote(POINT)
        probes[f"replica {name}: /healthz"] = url + "/healthz"
    probes["nginx: dump kfl.nt"] = front + "/dumps/kfl.nt"
    results: dict[str, list[float]] = {k: [] for k in probes}
    current = os.readlink(published / "latest").rpartition("/")[2]
    for n in range(switches):
        target = versions[1] if current == versions[0] else versions[0]
        started: list[float] = []
        go = threading.Event()

        def probe(
            name: str, url: str, target: str = target, started: list[float] = started, go: threading.Event = go
        ) -> None:
            session = requests.Session()
            go.wait()
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                r = session.get(url, timeout=30)
                if r.headers.get("X-KFL-Release") == target and r.status_code == 200:
                    results[name].append(time.monotonic() - started[0])
                    return
            results[name].append(float("inf"))

        threads = [threading.Thread(target=probe, args=item) for item in probes.items()]
        for t in threads:
            t.start()
        time.sleep(0.3)
        if load is None:
            started.append(time.monotonic())
            switch(published, target)
        else:
            switch(published, target)
            load()
            started.append(time.monotonic())
        go.set()
        for t in threads:
            t.join(40)
        current = target
        time.sleep(0.5 if n < switches - 1 else 0)
    return results


# --- throughput and memory --------------------------------------------------------------------------


def measure(url: str, seconds: float, connections: int) -> dict[str, tuple[float, float, int]]:
    """requests/s, p99 ms and non-2xx for each request kind at ``url``."""
    import requests

    kinds = {
        "space page (repeated)": f"/space/{SPACE}.html",
        "SPARQL point lookup (repeated)": "/sparql?query=" + quote(POINT),
        "dump kfl.ttl": "/dumps/kfl.ttl",
    }
    out = {}
    for name, path in kinds.items():
        requests.get(url + path, timeout=30)  # the first answer fills the cache
        script = (
            CLIENTS + 'request = function()\n  wrk.headers["X-Forwarded-For"] = client()\n'
            f'  return wrk.format("GET", "{path}")\nend\n'
        )
        r = wrk(url + "/", seconds=seconds, connections=connections, script=script)
        out[name] = (r.requests_per_s, r.p99_ms, r.bad + r.errors)
    path = "/sparql?query=" + quote(POINT)
    script = (
        CLIENTS + "counter = 0\nrequest = function()\n  counter = counter + 1\n"
        '  wrk.headers["X-Forwarded-For"] = client()\n'
        f'  return wrk.format("GET", "{path}" .. "%0A%23" .. counter .. "-" .. math.random(1e9))\nend\n'
    )
    r = wrk(url + "/", seconds=seconds, connections=connections, script=script)
    out["SPARQL point lookup (cache off)"] = (r.requests_per_s, r.p99_ms, r.bad + r.errors)
    return out


def tree(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
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


def memory(pid: int) -> tuple[int, float, float]:
    """Processes, RSS MB and PSS MB of a process tree."""
    rss = pss = 0
    pids = tree(pid)
    for p in pids:
        try:
            text = Path(f"/proc/{p}/smaps_rollup").read_text()
        except OSError:
            continue
        rss += int(re.search(r"^Rss:\s+(\d+)", text, re.M).group(1))  # type: ignore[union-attr]
        pss += int(re.search(r"^Pss:\s+(\d+)", text, re.M).group(1))  # type: ignore[union-attr]
    return len(pids), rss / 1024, pss / 1024


def find_process(text: str) -> int:
    """The process whose command line holds ``text`` (0 if none)."""
    for path in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if text.encode() in path.read_bytes():
                return int(path.parent.name)
        except OSError:
            continue  # ended meanwhile
    return 0


def bench_config(conf: Path) -> None:
    """This benchmark's changes to the generated nginx.conf: both cores, clients named by wrk."""
    text = conf.read_text()
    text = text.replace("worker_processes 1;", "worker_processes auto;")
    text = text.replace("http {\n", "http {\n    set_real_ip_from 127.0.0.1;\n    real_ip_header X-Forwarded-For;\n", 1)
    conf.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--switches", type=int, default=5)
    parser.add_argument("--only", default="pointer,switch,throughput,memory")
    parser.add_argument("--spaces", type=int, default=0, help="generated spaces instead of the bundled data")
    parser.add_argument("--engine", action="store_true", help="both replicas on one oxigraph serve (kfl-lod-engine)")
    args = parser.parse_args()
    only = set(args.only.split(","))
    tmp = Path(tempfile.mkdtemp(prefix="kfl-bench-replicas-"))
    try:
        published, first, second = build_two_releases(tmp, args.spaces)
        data = f"{args.spaces} generated spaces" if args.spaces else "bundled data"
        data += ", replicas on one engine" if args.engine else ", embedded store"
        print(f"# Replicas behind nginx ({data}; {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f})\n")
        if "pointer" in only:
            print("| per request | cost |\n|---|---|")
            for name, value in pointer_cost(published):
                print(f"| {name} | {value} |")
            print()
        env = deployment.unit_environment(
            KFL_PUBLISHED=str(published),
            KFL_BASE=BASE,
            KFL_SHAPES=str(ROOT / "shapes"),
            KFL_SPARQL_EXAMPLES=str(ROOT / "sparql"),
            KFL_PUBLISH_LOG=str(tmp / "publications"),
        )
        ports = [deployment.free_port() for _ in range(2)]
        with ExitStack() as stack:
            load = None
            engine_pid = 0
            if args.engine:
                import subprocess

                store = stack.enter_context(deployment.engine(deployment.free_port(), tmp / "engine"))
                command = deployment.publish_commands(published, tmp / "source", store)[-1]

                def load() -> None:
                    subprocess.run(command, env=env, check=True, capture_output=True, timeout=600)

                load()
                env["KFL_STORE"] = store
                engine_pid = find_process(str(tmp / "engine"))
            procs = [stack.enter_context(deployment.replica(p, env, tmp / "run")) for p in ports]
            urls = [f"http://127.0.0.1:{p}" for p in ports]
            fronts = {}
            for n in (1, 2):
                port = deployment.free_port()
                conf = deployment.nginx_config(
                    tmp / f"nginx-{n}", published, deployment.static_folder(), ports[:n], port
                )
                bench_config(conf)
                fronts[n] = stack.enter_context(deployment.nginx(conf, port))
            if "switch" in only:
                results = switch_times(published, (first, second), urls, fronts[2], args.switches, load)
                after = "`kfl-lod load` returned" if args.engine else "`latest` moved"
                print(
                    f"| first answer from the new release after {after} ({args.switches} switches) "
                    "| median | max |\n|---|---|---|"
                )
                for name, times in results.items():
                    print(f"| {name} | {1000 * statistics.median(times):.0f} ms | {1000 * max(times):.0f} ms |")
                print()
            if "throughput" in only:
                table = {
                    "nginx, 1 replica": measure(fronts[1], args.seconds, args.connections),
                    "nginx, 2 replicas": measure(fronts[2], args.seconds, args.connections),
                    "replica A directly": measure(urls[0], args.seconds, args.connections),
                }
                setups = list(table)
                print(f"| request, {args.connections} connections, req/s (p99 ms) | " + " | ".join(setups) + " |")
                print("|---|" + "---|" * len(setups))
                for kind in table[setups[0]]:
                    cells = []
                    for s in setups:
                        rps, p99, bad = table[s][kind]
                        cells.append(f"{rps:,.0f} ({p99:.0f})" + (f", {bad} non-2xx" if bad else ""))
                    print(f"| {kind} | " + " | ".join(cells) + " |")
                print()
            if "memory" in only:
                print("| process tree | processes | RSS | PSS |\n|---|---|---|---|")
                for name, proc in zip("AB", procs, strict=True):
                    count, rss, pss = memory(proc.pid)
                    print(f"| {name} | {count} | {rss:.0f} MB | {pss:.0f} MB |")
                if engine_pid:
                    count, rss, pss = memory(engine_pid)
                    print(f"| engine (oxigraph serve) | {count} | {rss:.0f} MB | {pss:.0f} MB |")
                count, rss, pss = memory(int((tmp / "nginx-2" / "nginx.pid").read_text()))
                print(f"| nginx (2 workers) | {count} | {rss:.0f} MB | {pss:.0f} MB |")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
