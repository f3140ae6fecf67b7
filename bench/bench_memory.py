"""Memory of the server and its query processes, per million triples.

Usage: .venv/bin/python bench/bench_memory.py [--published DIR ...] [--workers 1]

For each publication (default: the bundled source, built into a temporary folder; make
larger ones with `kfl-lod generate --spaces N` and `kfl-lod build`), starts `kfl-lod serve`
on a free 127.0.0.1 port, warms every part that holds data (/healthz loads the store, the
home page and a search build the pages' index, a space's Turtle the documents' index, a
SPARQL query the query processes), then prints the resident memory (RSS) of the server
processes and of the query processes, and each per million triples. Pages shared between
processes (a prepared on-disk store read through the page cache) count in each RSS, so
the sum overstates what the machine uses.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_serving import build_publication, start_kfl, stop  # noqa: E402
from bench_soak import memory_mb  # noqa: E402


def measure(published: Path) -> dict:
    """Start a server on ``published``, warm it, and measure its memory."""
    proc, url = start_kfl(published, production=False)
    try:
        health = requests.get(url + "/healthz", timeout=120).json()
        requests.get(url + "/", timeout=300)
        requests.get(url + "/?q=sala&people=30", timeout=300)
        nt = next((published / "latest").glob("kfl.nt"))
        with open(nt, encoding="utf-8") as fh:
            space = next(line.split()[0].strip("<>") for line in fh if "/space/" in line.split()[0])
        requests.get(url + "/" + space.split("/", 3)[3] + ".ttl", timeout=300)
        requests.get(url + "/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}, timeout=300)
        time.sleep(1)
        server, queries = memory_mb(proc.pid)
        triples = health["triples"]
        return {"published": str(published), "triples": triples, "server_mb": server, "query_mb": queries}
    finally:
        stop(proc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--published", type=Path, action="append", default=[])
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="kfl-memory-"))
    try:
        folders = args.published or [build_publication(tmp)]
        rows = [measure(folder) for folder in folders]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(
        "| publication | triples | server RSS MB | query processes RSS MB | server MB / M triples | query MB / M triples |"
    )
    print("|---|---|---|---|---|---|")
    for r in rows:
        millions = r["triples"] / 1e6
        print(
            f"| {Path(r['published']).name} | {r['triples']:,} | {r['server_mb']:.0f} | {r['query_mb']:.0f} | "
            f"{r['server_mb'] / millions:,.0f} | {r['query_mb'] / millions:,.0f} |"
        )


if __name__ == "__main__":
    main()
