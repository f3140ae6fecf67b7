"""The clerk's tools, measured: template, diff and the check page, on the bundled source and a larger one.

Usage (from the repository root): ``.venv/bin/python bench/bench_clerk.py [--spaces 2000] [--runs 3]``

Prints one Markdown table: for each source, the wall seconds (median of runs, each in a fresh
process, so with interpreter start) and peak memory (RSS of the process, from wait4) of
``kfl-lod template --with-data`` (.xlsx and .ods) and its size, ``kfl-lod diff`` against a
publication of the same source with one cell changed, the bounded child a check runs
(``python -m kfl_lod.limited … diff``), and a check over HTTP: POST /sprawdz with the workbook
to a live ``kfl-lod serve`` on 127.0.0.1 (the whole answer: upload, child, page). Bounded: a
few seconds per row on the bundled source.
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
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KFL = [sys.executable, "-m", "kfl_lod.cli"]


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """Run a command; its wall seconds and peak RSS in MB."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed: {proc.stderr.read().decode()[-2000:]}")
    return wall, usage.ru_maxrss / 1024


def median(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_check(folder: Path, env: dict[str, str], workbook: Path, runs: int) -> list[tuple[float, float]]:
    import requests

    port = free_port()
    server = subprocess.Popen(
        [*KFL, "serve", "--port", str(port)], cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if requests.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        results = []
        for _ in range(runs):
            started = time.perf_counter()
            with open(workbook, "rb") as fh:
                answer = requests.post(
                    url + "/sprawdz",
                    files=[("files", (workbook.name, fh.read(), "application/octet-stream"))],
                    headers={"Accept": "application/json"},
                    timeout=300,
                )
            assert answer.status_code == 200, answer.text[:500]
            results.append((time.perf_counter() - started, 0.0))
        return results
    finally:
        server.terminate()
        server.wait(timeout=20)


def bench_source(name: str, folder: Path, runs: int) -> list[tuple[str, str, float, float, str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KFL_")}
    env.update({"KFL_SHAPES": str(ROOT / "shapes"), "KFL_SPARQL_EXAMPLES": str(ROOT / "sparql")})
    subprocess.run([*KFL, "build"], cwd=folder, env=env, check=True, capture_output=True)
    rows = []
    for fmt in ("xlsx", "ods"):
        out = folder / f"zestawienie.{fmt}"
        measured = median(
            [timed([*KFL, "template", "--with-data", "--out", out.name], folder, env) for _ in range(runs)]
        )
        rows.append((name, f"template --with-data ({fmt})", *measured, f"{out.stat().st_size / 1024:.0f} KiB"))
    # One cell changed, so the diff has something to say.
    spaces = folder / "source" / "przestrzenie.csv"
    text = spaces.read_text(encoding="utf-8")
    header, first, rest = text.split("\n", 2)
    cells = first.split(",")
    cells[2] = cells[2] + " (zmiana)" if not cells[2].startswith('"') else cells[2]
    spaces.write_text("\n".join([header, ",".join(cells), rest]), encoding="utf-8")
    subprocess.run(
        [*KFL, "template", "--with-data", "--out", "zmienione.xlsx"],
        cwd=folder,
        env=env,
        check=True,
        capture_output=True,
    )
    rows.append((name, "diff (CSV source)", *median([timed([*KFL, "diff"], folder, env) for _ in range(runs)]), ""))
    child = [sys.executable, "-m", "kfl_lod.limited", "2048", "120", "--json", "diff", "--source", "zmienione.xlsx"]
    rows.append((name, "check child (workbook, capped)", *median([timed(child, folder, env) for _ in range(runs)]), ""))
    wall, _ = median(http_check(folder, env, folder / "zmienione.xlsx", runs))
    rows.append((name, "POST /sprawdz (workbook, HTTP)", wall, float("nan"), "whole answer"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spaces", type=int, default=2000, help="a generated source of this many spaces too (0: none)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="kfl-bench-clerk-") as tmp:
        bundled = Path(tmp) / "bundled"
        bundled.mkdir()
        shutil.copytree(ROOT / "source", bundled / "source")
        rows += bench_source("bundled (64 spaces)", bundled, args.runs)
        if args.spaces:
            generated = Path(tmp) / "generated"
            generated.mkdir()
            subprocess.run(
                [*KFL, "generate", "--spaces", str(args.spaces), "--out", str(generated / "source")],
                check=True,
                capture_output=True,
            )
            rows += bench_source(f"generated ({args.spaces} spaces)", generated, max(1, args.runs - 1))
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; wall = median of runs, fresh processes\n")
    print("| source | step | wall s | peak RSS MB | note |")
    print("|---|---|---:|---:|---|")
    for source, step, wall, rss, note in rows:
        memory = "" if rss != rss else f"{rss:.0f}"
        print(f"| {source} | {step} | {wall:.2f} | {memory} | {note} |")


if __name__ == "__main__":
    main()
