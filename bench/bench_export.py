"""The static export, measured: kfl-lod export-site on the bundled publication and a generated one.

Usage (from the repository root): ``.venv/bin/python bench/bench_export.py [--spaces 1000]``

Prints one Markdown table: for each publication, its spaces, the export's wall and CPU
seconds and peak memory (a fresh ``kfl-lod export-site`` process, from wait4), the number of
files and bytes written, the search index (bytes, gzipped bytes, bytes per space) and the
word forms it lists. Bounded: seconds for the bundled data, about a minute for 1,000 spaces
on a loaded 2-core machine.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from kfl_lod.build import build  # noqa: E402
from kfl_lod.generate import generate  # noqa: E402
from support import make_settings  # noqa: E402


def measure(settings, out: Path) -> dict[str, object]:
    """Run the export in a fresh process; what it took and what it wrote."""
    command = [sys.executable, "-m", "kfl_lod", "export-site", str(out), "--published", str(settings.published)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("KFL_")}
    env["KFL_BASE"] = settings.base
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=out.parent, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(proc.stderr.read().decode()[-2000:] if proc.stderr else "export failed")
    files = [p for p in (out / "site").rglob("*") if p.is_file()]
    index = (out / "site" / "search-index.json").read_bytes()
    data = json.loads(index)
    spaces = len(data["spaces"])
    return {
        "spaces": spaces,
        "wall s": f"{wall:.1f}",
        "CPU s": f"{usage.ru_utime + usage.ru_stime:.1f}",
        "peak MiB": f"{usage.ru_maxrss / 1024:.0f}",
        "files": len(files),
        "MiB written": f"{sum(p.stat().st_size for p in files) / 1024 / 1024:.1f}",
        "index KiB": f"{len(index) / 1024:.0f}",
        "index gzip KiB": f"{len(gzip.compress(index)) / 1024:.0f}",
        "index B/space": f"{len(index) / max(spaces, 1):.0f}",
        "word forms": len(data["forms"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spaces", type=int, default=1000, help="spaces in the generated publication (0: skip it)")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="kfl-bench-export-") as tmp:
        bundled = make_settings(Path(tmp) / "bundled")
        build(bundled, today=date(2026, 3, 2))
        rows.append(("bundled", measure(bundled, Path(tmp) / "bundled-export")))
        if args.spaces:
            generated = Path(tmp) / "generated"
            (generated / "source").mkdir(parents=True)
            for name, data in generate(args.spaces, seed=1).items():
                (generated / "source" / name).write_bytes(data)
            settings = make_settings(generated, source=generated / "source")
            build(settings, today=date(2026, 3, 2))
            rows.append((f"generated {args.spaces}", measure(settings, Path(tmp) / "generated-export")))
    keys = list(rows[0][1])
    print("| publication | " + " | ".join(keys) + " |")
    print("|---" * (len(keys) + 1) + "|")
    for name, row in rows:
        print(f"| {name} | " + " | ".join(str(row[k]) for k in keys) + " |")


if __name__ == "__main__":
    main()
