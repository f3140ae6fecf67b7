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


METRICS = {
    "first-contentful-paint": "FCP",
    "largest-contentful-paint": "LCP",
    "total-blocking-time": "TBT",
    "cumulative-layout-shift": "CLS",
    "server-response-time": "TTFB",
}


def metrics(report_path: Path) -> dict[str, str]:
    """The lab metrics behind the performance score (simulated slow 4G on mobile), as Lighthouse words them."""
    audits = json.loads(report_path.read_text())["audits"]
    out = {short: audits.get(audit, {}).get("displayValue", "") for audit, short in METRICS.items()}
    out["TTFB"] = out["TTFB"].removeprefix("Root document took ")
    blocking = audits.get("render-blocking-resources", {}).get("details", {}).get("items", [])
    out["render-blocking"] = str(len(blocking))
    return out


def losing(report_path: Path) -> list[str]:
    """The audits of a report that cost points (weighted, scored below 1), e.g. 'performance: lcp 0.62'."""
    report = json.loads(report_path.read_text())
    out = []
    for name in CATEGORIES:
        for ref in report["categories"][name]["auditRefs"]:
            audit = report["audits"].get(ref["id"], {})
            score = audit.get("score")
            if ref.get("weight") and score is not None and score < 1:
                out.append(f"{name}: {ref['id']} {score:.2f} {audit.get('displayValue', '')}".rstrip())
    return out


def measure(url: str, folder: Path) -> list[tuple[str, str, dict[str, int | str]]]:
    rows: list[tuple[str, str, dict[str, int | str]]] = []
    for name, path in PAGES.items():
        for form_factor in ("mobile", "desktop"):
            report = folder / f"{name}-{form_factor}.json"
            scores = lighthouse(url + path, form_factor, report)
            rows.append((name, form_factor, {**scores, **metrics(report)}))
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
    columns = [*CATEGORIES, *METRICS.values(), "render-blocking"]
    print("| page | form factor | " + " | ".join(columns) + " |")
    print("|---|---|" + "---|" * len(columns))
    for name, form_factor, scores in rows:
        print(f"| {name} | {form_factor} | " + " | ".join(str(scores[c]) for c in columns) + " |")
    if args.json:
        args.json.write_text(json.dumps([{"page": n, "form_factor": f, **s} for n, f, s in rows], indent=1))


if __name__ == "__main__":
    main()
