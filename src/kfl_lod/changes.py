"""Change records between consecutive releases: what was added, withdrawn and changed.

Each release carries ``changes.json``: the difference from the release before it, plus two
cumulative parts carried forward from release to release, so they survive the pruning of
old releases:

- ``releases``: every release ever made (version, date, counts, per-file checksums);
- ``withdrawn_total``: every thing (institution, venue, space, good practice) that was
  published once and is not any more, with the release that withdrew it. Its URI answers
  410 Gone, not 404. A thing that comes back leaves this list.

Things are read from the releases' N-Triples (``kfl.nt``); the changed fields of a space
are read from the CSV (``kfl.csv``), so they are named by its Polish column names.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from . import ntscan
from .dumps import CSV_HEADER
from .names import CSV, NTRIPLES
from .namespaces import RECORD_KINDS, SCHEMA, parse_iri
from .publish import is_content, sha256_hex
from .release_record import FORMAT, load

KINDS = RECORD_KINDS
_NAME = SCHEMA + "name"
# CSV columns that are not fields of the record: the id (the key) and the minted URIs.
_NOT_FIELDS = {CSV_HEADER[k] for k in ("space.id", "space.uri", "venue.uri", "institution.uri")}


def records_in(nt: bytes, base: str) -> dict[str, dict[str, str]]:
    """The things a release names, by IRI: kind, id and Polish name.

    >>> records_in(b'<https://x.org/space/a> <https://schema.org/name> "Sala"@pl .\\n', "https://x.org/")
    {'https://x.org/space/a': {'kind': 'space', 'id': 'a', 'name': 'Sala'}}
    """
    # Only the lines naming something are read; the subjects come from a byte search (#13: the
    # whole parse of two releases' N-Triples was most of describe's time).
    try:
        subjects = ntscan.subjects_under(nt, [f"{base}{kind}/" for kind in KINDS])
    except ValueError:  # an escaped IRI: read every statement
        subjects, names = _parsed(nt)
    else:
        names = list(_names(ntscan.lines_with(nt, f" <{_NAME}> ".encode())))
    return _things(subjects, names, base)


# A line naming something in the form the build writes: an IRI, schema:name, a literal without
# escapes, a lower-case language tag. pyoxigraph parses any other line.
_PLAIN_NAME = re.compile(
    rb'<([^<>"{}|^`\\\s]+)> <'
    + re.escape(_NAME.encode())
    + rb'> "([^"\\\r\n]*)"(?:@([a-z]{1,8}(?:-[a-z0-9]{1,8})*))? \.'
)


def _names(lines: bytes) -> Iterator[tuple[str, str, str]]:
    """(subject, language, text) of the schema:name statements in ``lines``, in their order."""
    for line in lines.splitlines():
        plain = _PLAIN_NAME.fullmatch(line)
        if plain:
            s, text, lang = plain.groups()
            yield s.decode(), (lang or b"").decode(), text.decode()
            continue
        for quad in ox.parse(line + b"\n", format=ox.RdfFormat.N_TRIPLES):
            s, o = quad.subject, quad.object
            if isinstance(s, ox.NamedNode) and quad.predicate.value == _NAME and isinstance(o, ox.Literal):
                yield s.value, o.language or "", o.value


def _parsed(nt: bytes) -> tuple[list[str], list[tuple[str, str, str]]]:
    """Every subject IRI of ``nt`` and its names, by a full parse."""
    subjects: dict[str, None] = {}
    names = []
    for quad in ox.parse(nt, format=ox.RdfFormat.N_TRIPLES):
        s, o = quad.subject, quad.object
        if not isinstance(s, ox.NamedNode):
            continue
        subjects[s.value] = None
        if quad.predicate.value == _NAME and isinstance(o, ox.Literal):
            names.append((s.value, o.language or "", o.value))
    return list(subjects), names


def _things(subjects: Iterable[str], names: Iterable[tuple[str, str, str]], base: str) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for iri in subjects:
        kind, slug, fragment = parse_iri(iri, base)
        if kind in KINDS and not fragment and "#" not in iri:
            found[iri] = {"kind": kind, "id": slug, "name": ""}
    by_iri: dict[str, dict[str, str]] = {}
    for iri, lang, text in names:
        if iri in found:
            by_iri.setdefault(iri, {})[lang] = text  # the last statement of a language wins, as it did
    for iri, by_lang in by_iri.items():
        found[iri]["name"] = by_lang.get("pl") or by_lang.get("") or next(iter(sorted(by_lang.values())))
    return dict(sorted(found.items()))


def space_rows(data: bytes) -> dict[str, dict[str, str]]:
    """The rows of a published CSV, by space id."""
    reader = csv.DictReader(io.StringIO(data.decode("utf-8")))
    key = CSV_HEADER["space.id"]
    return {row[key]: row for row in reader if row.get(key)}


def changed_fields(old: dict[str, str], new: dict[str, str]) -> list[dict[str, str]]:
    """Fields whose value differs between two rows, in the newer row's column order.

    >>> changed_fields({"nazwa": "A", "liczba_miejsc": "20"}, {"nazwa": "A", "liczba_miejsc": "25"})
    [{'field': 'liczba_miejsc', 'old': '20', 'new': '25'}]
    """
    columns = list(new) + [c for c in old if c not in new]
    return [
        {"field": c, "old": old.get(c, ""), "new": new.get(c, "")}
        for c in columns
        if c not in _NOT_FIELDS and old.get(c, "") != new.get(c, "")
    ]


@dataclass(frozen=True)
class Before:
    """The parts of a change record that need only the previous release and the new kfl.csv.

    Computed by :func:`before`, possibly in another process while the build writes RDF (see
    sidework); :func:`compare` uses them only if they were read from the same previous release.
    """

    previous: str | None  # the folder of the previous release they were read from (None: none)
    old_things: dict[str, dict[str, str]]
    changed: list[dict[str, Any]]


def before(previous: Path | None, csv: bytes, base: str) -> Before:
    """What the previous release ``previous`` named, and the spaces whose fields the new ``csv`` changes."""
    old: dict[str, bytes] = {}
    if previous is not None:
        for name in (NTRIPLES, CSV):
            path = previous / name
            if path.exists():
                old[name] = path.read_bytes()
    old_things = records_in(old.pop(NTRIPLES, b""), base)
    old_rows = space_rows(old.pop(CSV, b""))
    new_rows = space_rows(csv)
    changed = []
    for slug, row in new_rows.items():
        if slug in old_rows:
            fields = changed_fields(old_rows[slug], row)
            if fields:
                changed.append(
                    {"iri": row.get("przestrzen_uri", ""), "id": slug, "name": row.get("nazwa", ""), "fields": fields}
                )
    return Before(str(previous) if previous is not None else None, old_things, changed)


def compare(
    previous: Path | None,
    files: dict[str, bytes],
    version: str,
    day: date,
    base: str,
    known: Before | None = None,
) -> dict[str, Any]:
    """The change record of a new release ``version`` made on ``day`` from ``files``.

    ``previous`` is the folder of the release it follows (None for the first release);
    ``known`` what :func:`before` found for it already (used if it is of the same folder).
    """
    where = str(previous) if previous is not None else None
    if known is None or known.previous != where:
        known = before(previous, files.get(CSV, b""), base)
    prior = load(previous) if previous is not None else None
    old_things, changed = known.old_things, known.changed
    new_things = records_in(files.get(NTRIPLES, b""), base)
    added = [{"iri": iri, **info} for iri, info in new_things.items() if iri not in old_things]
    withdrawn = [{"iri": iri, **info} for iri, info in old_things.items() if iri not in new_things]
    previous_version = previous.name if previous is not None else None
    releases = list(prior["releases"]) if prior else []
    releases = [r for r in releases if r["version"] != version]
    counts = {
        "added": _count(added),
        "withdrawn": _count(withdrawn),
        "changed": len(changed),
        "now": {kind: sum(1 for t in new_things.values() if t["kind"] == kind) for kind in KINDS},
    }
    releases.append(
        {
            "version": version,
            "date": day.isoformat(),
            "previous": previous_version,
            "counts": counts,
            "files": {name: sha256_hex(data) for name, data in sorted(files.items()) if is_content(name)},
        }
    )
    gone = dict(prior["withdrawn_total"]) if prior else {}
    for iri in new_things:
        gone.pop(iri, None)
    for item in withdrawn:
        gone[item["iri"]] = {
            "kind": item["kind"],
            "id": item["id"],
            "name": item["name"],
            "version": version,
            "date": day.isoformat(),
            "last_version": previous_version,
        }
    return {
        "format": FORMAT,
        "version": version,
        "date": day.isoformat(),
        "previous": previous_version,
        "previous_date": _date_of(releases, previous_version),
        "counts": counts,
        "added": added,
        "withdrawn": withdrawn,
        "changed": changed,
        "releases": releases,
        "withdrawn_total": dict(sorted(gone.items())),
    }


def _count(items: list[dict[str, str]]) -> dict[str, int]:
    return {kind: sum(1 for i in items if i["kind"] == kind) for kind in KINDS}


def _date_of(releases: list[dict[str, Any]], version: str | None) -> str | None:
    return next((r["date"] for r in releases if r["version"] == version), None)


def to_bytes(record: dict[str, Any]) -> bytes:
    """The record as published: JSON, keys sorted, UTF-8."""
    return (json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")
