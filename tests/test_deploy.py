"""The deployment files in deploy/ agree with the code and the docs, and replicas make the same bytes (fast).

tests/test_replicas.py runs the files themselves.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

from kfl_lod.names import _MEDIA_TYPES, content_type
from kfl_lod.settings import Settings
from kfl_lod.web.serve import REQUEST_LINE_LIMIT

ROOT = Path(__file__).resolve().parent.parent
SITE = (ROOT / "deploy" / "nginx" / "kfl-lod.conf").read_text(encoding="utf-8")
UNIT = (ROOT / "deploy" / "systemd" / "kfl-lod@.service").read_text(encoding="utf-8")
ENV = (ROOT / "deploy" / "systemd" / "kfl-lod.env").read_text(encoding="utf-8")
DOC = (ROOT / "docs" / "scaling-out.md").read_text(encoding="utf-8")
SERVER_DOC = (ROOT / "docs" / "server.md").read_text(encoding="utf-8")


def _dump_types() -> dict[str, str]:
    """Suffix -> media type from the ``types`` block of the release files' location."""
    block = SITE.split('location ~ "^/_kfl_release/', 1)[1].split("types {", 1)[1].split("}", 1)[0]
    found = {}
    for line in block.strip().splitlines():
        media, *suffixes = line.strip().rstrip(";").split()
        for suffix in suffixes:
            found["." + suffix] = media
    return found


def test_nginx_gives_the_dumps_the_media_types_the_replicas_give():
    assert _dump_types() == _MEDIA_TYPES
    assert "default_type application/csvm+json;" in SITE and content_type("kfl.csv-metadata.json") == (
        "application/csvm+json"
    )
    assert "default_type text/plain;  # SHA256SUMS" in SITE and content_type("SHA256SUMS").startswith("text/plain")
    charset = re.search(r"charset_types ([^;]+);", SITE.split("_kfl_release", 2)[2])
    assert charset is not None
    # Every text type gets "; charset=utf-8", as content_type() says.
    assert set(charset.group(1).split()) == {m for m in _MEDIA_TYPES.values() if m.startswith("text/")} - {
        "text/html"  # nginx adds the charset to text/html by default
    }


def test_file_names_nginx_serves_are_the_names_the_replicas_serve():
    from kfl_lod.web.resources import _SAFE_NAME

    names = re.findall(r"\(\?<kfl_(?:file|n)>([^)]+)\)", SITE)
    assert names and all(n == "[A-Za-z0-9][A-Za-z0-9._-]{0,200}" for n in names)
    assert _SAFE_NAME.pattern == "^" + names[0] + "$"


def test_the_unit_runs_the_production_command_of_docs_server():
    """The unit's ExecStart is docs/server.md's Granian command with one worker on loopback."""
    unit = shlex.split(next(x for x in UNIT.splitlines() if x.startswith("ExecStart=")).removeprefix("ExecStart="))
    doc = shlex.split(next(x.strip() for x in SERVER_DOC.splitlines() if x.strip().startswith("granian ")))
    assert Path(unit[0]).name == doc[0] == "granian"

    def options(args: list[str]) -> dict[str, str]:
        return {
            a: (args[i + 1] if i + 1 < len(args) and not args[i + 1].startswith("--") else "")
            for i, a in enumerate(args)
            if a.startswith("--")
        }

    mine, theirs = options(unit[1:]), options(doc[1:])
    assert unit[-1] == doc[-1] == "kfl_lod.web.asgi:app"
    assert mine["--host"] == "127.0.0.1" and mine["--port"] == "%i" and mine["--workers"] == "1"
    for name in set(theirs) - {"--host", "--port", "--workers"}:
        assert mine.get(name) == theirs[name], name


def test_the_environment_file_names_only_real_settings_and_trusts_nginx():
    names = {f"KFL_{name.upper()}" for name in Settings.__dataclass_fields__}
    values = dict(line.split("=", 1) for line in ENV.splitlines() if line and not line.startswith("#"))
    assert set(values) <= names, set(values) - names
    assert values["KFL_TRUSTED_PROXY"] == "127.0.0.1"
    # nginx passes the client's address, so per-client limits see clients, not the proxy.
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in (ROOT / "deploy/nginx/kfl-lod-proxy.conf").read_text()


def test_nginx_limits_match_the_replicas():
    assert f"large_client_header_buffers 4 {(REQUEST_LINE_LIMIT + 2) // 1024}k;" in SITE
    limit = re.search(r"limit_conn kfl_sparql (\d+);", SITE)
    assert limit is not None and int(limit.group(1)) == Settings().query_client_limit
    body = re.search(r"client_max_body_size (\d+)m;", SITE)
    assert body is not None and int(body.group(1)) * 1_000_000 > Settings().upload_max_bytes


def test_the_docs_name_files_that_exist():
    for path in set(re.findall(r"`((?:deploy|bench|tests)/[\w./@-]+)`", DOC)):
        assert (ROOT / path).exists(), path
    assert "2 CPU cores" in DOC


def test_every_server_process_makes_the_same_workbook_template():
    """Replicas make /szablon.xlsx and .ods themselves: no time, no hash seed may change the bytes."""
    code = "import hashlib,sys;from kfl_lod.template import as_bytes;print(*(hashlib.sha256(as_bytes(f)).hexdigest() for f in ('xlsx','ods')))"
    # What else the process has imported must not matter either: pandas' ODS reader imports odfpy's
    # drawing, chart and presentation modules, and odfpy then declared their namespaces too.
    read_first = "import pandas,io;from kfl_lod.template import as_bytes;pandas.read_excel(io.BytesIO(as_bytes('ods')),engine='odf');"
    seen = set()
    for seed, prelude in (("1", ""), ("2", ""), ("3", read_first)):
        out = subprocess.run(
            [sys.executable, "-c", prelude + code],
            env={"PYTHONHASHSEED": seed, "PATH": ""},
            capture_output=True,
            text=True,
        )
        assert out.returncode == 0, out.stderr
        seen.add(out.stdout)
    assert len(seen) == 1
