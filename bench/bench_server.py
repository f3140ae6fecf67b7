"""Measure the SPARQL server over HTTP on loopback: example queries, throughput, isolation.

Usage: .venv/bin/python bench/bench_server.py [--runs 20] [--clients 10] [--seconds 5]
                                              [--workers 1] [--threads 8] [--query-workers 2]

Builds the bundled source into a temporary folder, starts the real server
(`kfl-lod serve`, gunicorn) on a free 127.0.0.1 port and prints three tables:

1. latency of each example query in sparql/ (POST application/sparql-query, one
   keep-alive client), median and 95th percentile over --runs, after one warm-up;
2. throughput with --clients concurrent clients (threads, each with its own
   requests.Session) for --seconds each: a fast ASK, a typical example query, and the
   mix of all examples; requests per second and latency percentiles;
3. isolation: the latency of a fast query alone, then while one slow query (a cross
   join that the timeout stops) keeps one query process busy;
4. a flood of --flood slow queries at once: the latency of /healthz and of a resource
   document meanwhile, and how the slow queries were answered (503 at once beyond
   query_queue, 503 after the timeout for those that ran or waited).

Only loopback traffic; the server is stopped at the end.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from kfl_lod.build import build  # noqa: E402
from kfl_lod.query.examples import load_examples  # noqa: E402
from kfl_lod.settings import load_settings  # noqa: E402
from kfl_lod.web.serve import threads_needed  # noqa: E402

FAST = "ASK { ?s a <https://kfl.krakow.pl/def/Space> }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f}"


def start_server(tmp: Path, args) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("KFL_")}
    env.update(
        KFL_SOURCE=str(tmp / "source"),
        KFL_PUBLISHED=str(tmp / "published"),
        KFL_SPARQL_EXAMPLES=str(ROOT / "sparql"),
        KFL_SHAPES=str(ROOT / "shapes"),
        KFL_QUERY_WORKERS=str(args.query_workers),
        KFL_QUERY_TIMEOUT=str(args.slow_timeout),
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kfl_lod.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
        ],
        cwd=tmp,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(url + "/healthz", timeout=1).status_code == 200:
                return proc, url
        except requests.ConnectionError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("server did not start")


def post(session: requests.Session, url: str, query: str) -> float:
    started = time.perf_counter()
    r = session.post(
        url + "/sparql", data=query.encode("utf-8"), timeout=60, headers={"Content-Type": "application/sparql-query"}
    )
    elapsed = time.perf_counter() - started
    if r.status_code != 200:
        raise SystemExit(f"query failed ({r.status_code}): {r.text[:200]}")
    return elapsed


def example_latencies(url: str, runs: int) -> None:
    print(f"\n1. Example queries over HTTP (ms, {runs} runs each, one client)")
    print(f"{'example':34} {'median':>8} {'p95':>8} {'bytes':>8}")
    with requests.Session() as session:
        for example in load_examples(ROOT / "sparql"):
            post(session, url, example.text)
            times = [post(session, url, example.text) for _ in range(runs)]
            size = len(
                session.post(
                    url + "/sparql",
                    data=example.text.encode(),
                    timeout=60,
                    headers={"Content-Type": "application/sparql-query"},
                ).content
            )
            print(f"{example.name:34} {ms(statistics.median(times))} {ms(percentile(times, 0.95))} {size:8d}")


def throughput(url: str, queries: list[str], clients: int, seconds: float) -> tuple[float, list[float], int]:
    stop = time.monotonic() + seconds
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def client(offset: int) -> None:
        mine = []
        with requests.Session() as session:
            i = offset
            while time.monotonic() < stop:
                try:
                    mine.append(post(session, url, queries[i % len(queries)]))
                except (SystemExit, requests.RequestException):
                    errors[0] += 1
                i += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - started
    return len(latencies) / wall, latencies, errors[0]


def isolation(url: str, samples: int) -> None:
    print("\n3. A fast query alone and while a slow query runs (ms)")
    with requests.Session() as session:
        alone = [post(session, url, FAST) for _ in range(samples)]
        result: dict = {}

        def slow() -> None:
            started = time.perf_counter()
            r = requests.post(
                url + "/sparql", data=SLOW.encode(), timeout=120, headers={"Content-Type": "application/sparql-query"}
            )
            result["status"], result["seconds"] = r.status_code, time.perf_counter() - started

        thread = threading.Thread(target=slow)
        thread.start()
        time.sleep(0.3)
        during = []
        while thread.is_alive() and len(during) < 10 * samples:
            during.append(post(session, url, FAST))
            time.sleep(0.02)
        thread.join()
    print(f"{'':34} {'median':>8} {'p95':>8} {'max':>8} {'n':>5}")
    print(
        f"{'fast query alone':34} {ms(statistics.median(alone))} {ms(percentile(alone, 0.95))} {ms(max(alone))} {len(alone):5d}"
    )
    print(
        f"{'fast query during a slow one':34} {ms(statistics.median(during))} {ms(percentile(during, 0.95))} "
        f"{ms(max(during))} {len(during):5d}"
    )
    print(f"slow query: HTTP {result['status']} after {result['seconds']:.2f} s (stopped by the query timeout)")


def flood(url: str, count: int, samples: int) -> None:
    print(f"\n4. /healthz and a document while {count} slow queries arrive at once (ms)")
    answers: list[tuple[int, float, str]] = []
    lock = threading.Lock()

    def slow() -> None:
        started = time.perf_counter()
        r = requests.post(
            url + "/sparql", data=SLOW.encode(), timeout=120, headers={"Content-Type": "application/sparql-query"}
        )
        with lock:
            answers.append((r.status_code, time.perf_counter() - started, r.text))

    threads = [threading.Thread(target=slow) for _ in range(count)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    timings: dict[str, list[float]] = {"/healthz": [], "/space/ckp-ruczaj-sala-widowiskowa.ttl": []}
    with requests.Session() as session:
        while any(t.is_alive() for t in threads) and len(timings["/healthz"]) < samples:
            for path, values in timings.items():
                started = time.perf_counter()
                if session.get(url + path, timeout=30).status_code != 200:
                    raise SystemExit(f"{path} failed during the flood")
                values.append(time.perf_counter() - started)
            time.sleep(0.05)
    for t in threads:
        t.join()
    print(f"{'':40} {'median':>8} {'p95':>8} {'max':>8} {'n':>5}")
    for path, values in timings.items():
        print(
            f"{path:40} {ms(statistics.median(values))} {ms(percentile(values, 0.95))} {ms(max(values))} {len(values):5d}"
        )
    refused = [seconds for status, seconds, text in answers if status == 503 and "query_queue" in text]
    stopped = [seconds for status, seconds, text in answers if status == 503 and "query_queue" not in text]
    print(
        f"slow queries: {len(refused)} refused at once (max {max(refused, default=0):.2f} s), "
        f"{len(stopped)} stopped by the timeout or after waiting (max {max(stopped, default=0):.2f} s), "
        f"{len(answers) - len(refused) - len(stopped)} other"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=1, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker")
    parser.add_argument("--query-workers", type=int, default=2, help="query processes per gunicorn worker")
    parser.add_argument("--slow-timeout", type=float, default=3.0, help="query_timeout for the server (s)")
    parser.add_argument("--flood", type=int, default=30, help="slow queries sent at once in part 4")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="kfl-bench-server-"))
    proc = None
    try:
        shutil.copytree(ROOT / "source", tmp / "source")
        settings = load_settings(
            environ={},
            cwd=tmp,
            source=tmp / "source",
            published=tmp / "published",
            shapes=ROOT / "shapes",
            sparql_examples=ROOT / "sparql",
        )
        build(settings, today=date.today())
        proc, url = start_server(tmp, args)
        threads = max(args.threads, threads_needed(settings.replace(query_workers=args.query_workers)))
        print(
            f"kfl-lod serve: {args.workers} gunicorn worker(s) x {threads} threads, "
            f"{args.query_workers} query processes each (queue {settings.query_queue}), "
            f"query_timeout {args.slow_timeout:g} s; {os.cpu_count()} CPUs"
        )
        example_latencies(url, args.runs)

        examples = load_examples(ROOT / "sparql")
        typical = next(e.text for e in examples if e.name == "free-use-contacts")
        print(f"\n2. Throughput, {args.clients} concurrent clients, {args.seconds:g} s each")
        print(f"{'workload':34} {'req/s':>8} {'median':>8} {'p95':>8} {'errors':>7}")
        for label, queries in (
            ("fast ASK", [FAST]),
            ("free-use-contacts.rq", [typical]),
            ("mix of all examples", [e.text for e in examples]),
        ):
            rate, latencies, errors = throughput(url, queries, args.clients, args.seconds)
            print(
                f"{label:34} {rate:8.1f} {ms(statistics.median(latencies))} {ms(percentile(latencies, 0.95))} {errors:7d}"
            )
        isolation(url, args.runs)
        flood(url, args.flood, args.runs)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(15)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
