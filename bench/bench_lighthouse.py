"""Lighthouse (npm, pinned in package.json) against Debian's chromium: the home, results and space
pages, mobile and desktop; print the four category scores as a table.

    .venv/bin/python bench/bench_lighthouse.py            # builds source/ into a tmp folder, serves it
    .venv/bin/python bench/bench_lighthouse.py --json out.json

The server is the real one (`kfl-lod serve`, gunicorn) on 127.0.0.1. The network is closed
here, so the map's tile server is set empty for the run (setting map_tiles): otherwise the
refused tiles are logged as console errors that a visitor online would not see.
Each Lighthouse run takes 10–30 s on the 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --no-first-run"
PAGES = {
    "home": "/",
    "results": "/?q=sala&osoby=20",
    "space": "/space/krzysztofory-spotka-sala-spotkan.html",
}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(folder: Path) -> tuple[subprocess.Popen, str]:
    """Build the bundled source into ``folder`` and serve it with the real server."""
    env = {**os.environ, "KFL_MAP_TILES": "", "KFL_PUBLISHED": str(folder / "published")}
    kfl = str(Path(sys.executable).with_name("kfl-lod"))
    subprocess.run(
        [kfl, "build", "--out", str(folder / "published")], cwd=ROOT, env=env, check=True, capture_output=True
    )
    port = free_port()
    server = subprocess.Popen(
        [kfl, "serve", "--host", "127.0.0.1", "--port", str(port), "--published", str(folder / "published")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(url + "/healthz", timeout=1)
            return server, url
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not start")


def lighthouse(url: str, form_factor: str, out: Path) -> dict[str, int]:
    """Run Lighthouse once; the category scores as 0–100."""
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        f"--chrome-flags={FLAGS}",
        "--only-categories=" + ",".join(CATEGORIES),
        "--max-wait-for-load=30000",
    ]
    if form_factor == "desktop":
        command.append("--preset=desktop")
    subprocess.run(command, env={**os.environ, "CHROME_PATH": CHROMIUM}, check=True, timeout=240)
    report = json.loads(out.read_text())
    return {c: round((report["categories"][c]["score"] or 0) * 100) for c in CATEGORIES}


def measure(url: str, folder: Path) -> list[tuple[str, str, dict[str, int]]]:
    rows = []
    for name, path in PAGES.items():
        for form_factor in ("mobile", "desktop"):
            rows.append((name, form_factor, lighthouse(url + path, form_factor, folder / f"{name}-{form_factor}.json")))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the scores to this file")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        raise SystemExit(f"{LIGHTHOUSE} is missing: run `npm ci`")
    with tempfile.TemporaryDirectory() as tmp:
        server, url = serve(Path(tmp))
        try:
            rows = measure(url, Path(tmp))
        finally:
            server.terminate()
            server.wait(10)
    print("| page | form factor | " + " | ".join(CATEGORIES) + " |")
    print("|---|---|" + "---|" * len(CATEGORIES))
    for name, form_factor, scores in rows:
        print(f"| {name} | {form_factor} | " + " | ".join(str(scores[c]) for c in CATEGORIES) + " |")
    if args.json:
        args.json.write_text(json.dumps([{"page": n, "form_factor": f, **s} for n, f, s in rows], indent=1))


if __name__ == "__main__":
    main()
