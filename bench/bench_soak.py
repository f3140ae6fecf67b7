"""Soak: 20 clients mixing pages, documents, dumps and SPARQL, with a rebuild and a killed query process.

Usage: .venv/bin/python bench/bench_soak.py [--seconds 120] [--clients 20] [--workers 2]

Builds a copy of the bundled source, starts `kfl-lod serve` on a free 127.0.0.1 port
(query_timeout 3 s, the clients told apart by X-Forwarded-For from a trusted proxy, as
behind a proxy), and runs --clients threads for --seconds, each with its own keep-alive
session, picking at random: the home page, a search, a space page, a space's Turtle and
N-Triples, a dump (with and without gzip), /healthz, every example query, a point
lookup, queries no client sent before (cache off), and now and then a slow query that
the timeout stops (503, documented). A third of the way in, a query process is killed
(SIGKILL); halfway, the source changes (a space is renamed) and a new release is built and
switched in while the clients run.

Prints requests, answers by status, errors by kind (anything but 200/304 and the
documented 429/503), latency p50/p95/p99, the memory of the server and its query
processes before and after, and how many answers mix releases: an answer about the
renamed space whose X-KFL-Release names one release but whose body holds the other's name.
``run_soak`` is importable and returns the same figures as a dict.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import date
from pathlib import Path
from urllib.parse import quote

import requests

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "src"))

from slowclients import free_port  # noqa: E402

SPACE = "ckp-ruczaj-sala-widowiskowa"
OLD_NAME, NEW_NAME = "Sala widowiskowa", "Duża sala widowiskowa"
NAME_QUERY = f"SELECT ?n WHERE {{ <space/{SPACE}> schema:name ?n }}"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
DOCUMENTED = {200, 304, 429, 503}


def _tree(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def memory_mb(pid: int) -> tuple[float, float]:
    """Resident memory (MB) of the server processes and of the query processes under ``pid``."""
    server = queries = 0.0
    for p in _tree(pid):
        try:
            status = Path(f"/proc/{p}/status").read_text()
            cmdline = Path(f"/proc/{p}/cmdline").read_bytes()
        except OSError:
            continue
        rss = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0) / 1024
        if b"kfl_lod.query.pool" in cmdline:
            queries += rss
        else:
            server += rss
    return server, queries


def query_pids(pid: int) -> list[int]:
    out = []
    for p in _tree(pid):
        try:
            if b"kfl_lod.query.pool" in Path(f"/proc/{p}/cmdline").read_bytes():
                out.append(p)
        except OSError:
            pass
    return out


def rename_space(source: Path, name: str) -> None:
    path = source / "przestrzenie.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        if row["id"] == SPACE:
            row["nazwa"] = name
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def requests_mix() -> list[tuple[str, str, dict, bool]]:
    """(kind, path, headers, about the renamed space) to pick from; weights by repetition."""
    from kfl_lod.query.examples import load_examples

    mix: list[tuple[str, str, dict, bool]] = []
    pages = [("page", "/", {}), ("page", "/?q=sala&people=30", {}), ("page", "/o-danych", {})]
    mix += [(k, p, h, False) for k, p, h in pages]
    mix += [("page", f"/space/{SPACE}.html", {}, True)] * 2
    mix += [("document", f"/space/{SPACE}.ttl", {}, True), ("document", f"/space/{SPACE}.nt", {}, True)]
    mix += [("document", f"/space/{SPACE}", {"Accept": "application/ld+json"}, False)]
    mix += [("dump", "/dumps/kfl.ttl", {"Accept-Encoding": "gzip"}, False), ("dump", "/dumps/kfl.csv", {}, False)]
    mix += [("health", "/healthz", {}, False)]
    mix += [("sparql", "/sparql?query=" + quote(NAME_QUERY), {}, True)] * 2
    for example in load_examples(ROOT / "sparql"):
        mix.append(("sparql", "/sparql?query=" + quote(example.text), {}, False))
    mix += [("sparql-distinct", "", {}, False)] * 3
    return mix


def run_soak(seconds: float = 120, clients: int = 20, workers: int = 2) -> dict:
    """Run the soak (see module doc); the figures as a dict."""
    from kfl_lod.build import build
    from kfl_lod.settings import load_settings

    tmp = Path(tempfile.mkdtemp(prefix="kfl-soak-"))
    shutil.copytree(ROOT / "source", tmp / "source")
    settings = load_settings(
        environ={}, cwd=tmp, source=tmp / "source", published=tmp / "published",
        shapes=ROOT / "shapes", sparql_examples=ROOT / "sparql",
    )  # fmt: skip
    old_release = build(settings, today=date(2026, 3, 2)).published.version
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KFL_")}
    env.update(
        KFL_SOURCE=str(tmp / "source"), KFL_PUBLISHED=str(tmp / "published"), KFL_SHAPES=str(ROOT / "shapes"),
        KFL_SPARQL_EXAMPLES=str(ROOT / "sparql"), KFL_QUERY_TIMEOUT="3", KFL_TRUSTED_PROXY="127.0.0.1",
    )  # fmt: skip
    proc = subprocess.Popen(
        [str(Path(sys.executable).with_name("kfl-lod")), "serve", "--port", str(port), "--workers", str(workers)],
        cwd=tmp, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(url + "/healthz", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("the server did not start")
            time.sleep(0.2)
        time.sleep(1)
        memory_before = memory_mb(proc.pid)
        mix = requests_mix()
        latencies: list[float] = []
        statuses: Counter = Counter()
        errors: Counter = Counter()
        answers: list[tuple[str, str]] = []  # (release named, body) for answers about the renamed space
        lock = threading.Lock()
        stop = threading.Event()
        counter = iter(range(10**9))

        def client(i: int) -> None:
            rng = random.Random(i)
            session = requests.Session()
            forwarded = {"X-Forwarded-For": f"10.0.{i // 250}.{i % 250 + 1}"}
            while not stop.is_set():
                kind, path, headers, about = rng.choice(mix)
                if kind == "sparql-distinct":
                    if rng.random() < 0.05:
                        query = SLOW + f" # {next(counter)}"
                    else:
                        query = f"SELECT ?s WHERE {{ ?s a kfl:Space }} LIMIT {rng.randint(1, 50)} # {next(counter)}"
                    path = "/sparql?query=" + quote(query)
                started = time.monotonic()
                try:
                    r = session.get(url + path, headers={**headers, **forwarded}, timeout=30, allow_redirects=False)
                    status, release = r.status_code, r.headers.get("X-KFL-Release", "")
                    body = r.text if about or status not in DOCUMENTED else ""
                except requests.RequestException as exc:
                    status, body, release = 0, "", ""
                    with lock:
                        errors[f"{kind}: {type(exc).__name__}"] += 1
                    session = requests.Session()
                elapsed = time.monotonic() - started
                with lock:
                    latencies.append(elapsed)
                    statuses[status] += 1
                    if status and status not in DOCUMENTED and status != 303:
                        errors[f"{kind}: {status} ({' '.join(body.split())[:120]})"] += 1
                    if about and status == 200:
                        answers.append((release, body))

        threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
        started = time.monotonic()
        for t in threads:
            t.start()
        events = []
        time.sleep(seconds / 3)
        pids = query_pids(proc.pid)
        if pids:
            os.kill(pids[0], signal.SIGKILL)
            events.append(f"{time.monotonic() - started:.0f} s: killed query process {pids[0]}")
        time.sleep(max(0.0, seconds / 2 - (time.monotonic() - started)))
        rename_space(tmp / "source", NEW_NAME)
        built = time.monotonic()
        new_release = build(settings, today=date(2026, 3, 3)).published.version
        events.append(
            f"{built - started:.0f} s: rebuilt and switched to {new_release} in {time.monotonic() - built:.1f} s"
        )
        time.sleep(max(0.0, seconds - (time.monotonic() - started)))
        stop.set()
        for t in threads:
            t.join(40)
        duration = time.monotonic() - started
        time.sleep(1)
        memory_after = memory_mb(proc.pid)
        mixed = 0
        per_release: Counter = Counter()
        for release, body in answers:
            per_release[release] += 1
            expected_new = release == new_release
            if release not in (old_release, new_release) or (NEW_NAME in body) != expected_new:
                mixed += 1
        ordered = sorted(latencies)

        def pct(q: float) -> float:
            return ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1)))] * 1000 if ordered else 0.0

        return {
            "seconds": duration,
            "clients": clients,
            "workers": workers,
            "requests": len(latencies),
            "requests_per_s": len(latencies) / duration,
            "statuses": dict(sorted(statuses.items())),
            "errors": dict(errors),
            "p50_ms": pct(0.50),
            "p95_ms": pct(0.95),
            "p99_ms": pct(0.99),
            "memory_before_mb": memory_before,
            "memory_after_mb": memory_after,
            "checked_answers": len(answers),
            "answers_per_release": dict(per_release),
            "mixed_answers": mixed,
            "events": events,
        }
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    r = run_soak(args.seconds, args.clients, args.workers)
    print(f"Soak: {r['clients']} clients, {r['seconds']:.0f} s, `kfl-lod serve --workers {r['workers']}`\n")
    for event in r["events"]:
        print(f"- {event}")
    print("\n| measure | value |\n|---|---|")
    print(f"| requests | {r['requests']} ({r['requests_per_s']:.0f}/s) |")
    print(f"| answers by status | {', '.join(f'{k}: {v}' for k, v in r['statuses'].items())} |")
    errors = ", ".join(f"{k}: {v}" for k, v in r["errors"].items()) or "none"
    print(f"| errors (other than 200/304/429/503) | {errors} |")
    print(f"| latency p50 / p95 / p99 | {r['p50_ms']:.1f} / {r['p95_ms']:.1f} / {r['p99_ms']:.1f} ms |")
    b, a = r["memory_before_mb"], r["memory_after_mb"]
    print(f"| memory before: server / query processes | {b[0]:.0f} / {b[1]:.0f} MB |")
    print(f"| memory after: server / query processes | {a[0]:.0f} / {a[1]:.0f} MB |")
    per = ", ".join(f"{k}: {v}" for k, v in r["answers_per_release"].items())
    print(f"| answers about the renamed space checked | {r['checked_answers']} ({per}) |")
    print(f"| answers mixing releases | {r['mixed_answers']} |")


if __name__ == "__main__":
    main()
