"""Choose the HTTP server layer by measurement: throughput of a constant answer, and slow clients.

Usage: .venv/bin/python bench/bench_stacks.py [--seconds 3] [--slow 50] [--stacks gthread,granian,...]

For each candidate stack it serves ``bench.stacks_app:app`` (a WSGI app answering a
constant, reading any request body first) on a free 127.0.0.1 port and measures:

1. requests/s with ``wrk -t1 -c10`` for --seconds (the floor any app on it can reach);
2. with --slow connections open (a third slow headers, a third slow bodies, a third idle
   keep-alives, one byte every 2 s), the latency of plain GETs from another client, and
   how many of the slow connections the server has closed after --hold seconds.

Prints a Markdown table. Only loopback traffic. Granian comes with kfl-lod; the others are
measured when installed (``pip install gunicorn gevent waitress``) and skipped otherwise.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from slowclients import SlowClients, free_port, wait_listening, wrk  # noqa: E402

VENV_BIN = Path(sys.executable).parent


def command(stack: str, port: int) -> list[str]:
    """The command line starting ``stack`` with 2 processes on ``port``."""
    target = "stacks_app:app"
    if stack == "gthread":
        return [str(VENV_BIN / "gunicorn"), "-w", "2", "--threads", "16", "-b", f"127.0.0.1:{port}", target]
    if stack == "gevent":
        return [str(VENV_BIN / "gunicorn"), "-w", "2", "-k", "gevent", "-b", f"127.0.0.1:{port}", target]
    if stack == "granian":
        return [
            str(VENV_BIN / "granian"),
            "--interface",
            "wsgi",
            "--workers",
            "2",
            "--blocking-threads",
            "16",
            "--http",
            "1",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--http1-header-read-timeout",
            "10000",
            "--no-ws",
            "--log-level",
            "warning",
            target,
        ]
    if stack == "front":
        return [
            str(VENV_BIN / "granian"),
            "--interface",
            "asgi",
            "--workers",
            "2",
            "--http",
            "1",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--http1-header-read-timeout",
            "10000",
            "--no-ws",
            "--log-level",
            "warning",
            "stacks_app:front",
        ]
    if stack == "waitress":
        return [
            str(VENV_BIN / "waitress-serve"),
            "--listen",
            f"127.0.0.1:{port}",
            "--threads",
            "16",
            "--channel-timeout",
            "10",
            target,
        ]
    raise ValueError(stack)


def measure(stack: str, seconds: float, slow: int, hold: float) -> dict:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(HERE)}
    proc = subprocess.Popen(
        command(stack, port), cwd=HERE, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_listening(port)
        url = f"http://127.0.0.1:{port}/healthz"
        requests.get(url, timeout=5)
        floor = wrk(url, seconds=seconds)
        third = slow // 3
        latencies = []
        failures = 0
        with SlowClients("127.0.0.1", port, headers=third, bodies=third, idle=slow - 2 * third) as clients:
            time.sleep(1)
            session = requests.Session()
            end = time.monotonic() + hold
            while time.monotonic() < end:
                t = time.monotonic()
                try:
                    ok = session.get(url, timeout=5).status_code == 200
                except requests.RequestException:
                    ok = False
                    session = requests.Session()
                latencies.append(time.monotonic() - t)
                failures += not ok
                time.sleep(0.05)
            closed = clients.closed()
            under_load = wrk(url, seconds=seconds)
        return {
            "stack": stack,
            "rps": floor.requests_per_s,
            "p99": floor.p99_ms,
            "rps_slow": under_load.requests_per_s,
            "lat_med": statistics.median(latencies) * 1000,
            "lat_max": max(latencies) * 1000,
            "failed": failures,
            "tries": len(latencies),
            "closed": closed,
        }
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--slow", type=int, default=50)
    parser.add_argument("--hold", type=float, default=14, help="seconds the slow clients stay before counting")
    parser.add_argument("--stacks", default="gthread,gevent,granian,waitress,front")
    args = parser.parse_args()
    rows = []
    for stack in args.stacks.split(","):
        if not Path(command(stack, 0)[0]).exists() or (stack == "gevent" and not _has("gevent")):
            print(f"(skipped {stack}: not installed)")
            continue
        rows.append(measure(stack, args.seconds, args.slow, args.hold))
    print(f"constant answer, wrk -t1 -c10 {args.seconds:g} s; {args.slow} slow connections held {args.hold:g} s\n")
    print(
        "| stack | req/s | p99 ms | req/s with slow clients | GET latency med / max ms | GETs failed | "
        "slow closed (header/body/idle) |"
    )
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        c = r["closed"]
        print(
            f"| {r['stack']} | {r['rps']:.0f} | {r['p99']:.1f} | {r['rps_slow']:.0f} | "
            f"{r['lat_med']:.1f} / {r['lat_max']:.0f} | {r['failed']}/{r['tries']} | "
            f"{c['header']}/{c['body']}/{c['idle']} |"
        )


if __name__ == "__main__":
    main()
