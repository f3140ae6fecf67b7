"""What a build would change against the current release, without publishing anything.

``preview(settings)`` runs the build's own steps (read, map, validate, render, describe the
release) on ``settings.source`` and compares the result with the latest release in
``settings.published``, in the words of the change records (:mod:`kfl_lod.changes`): things
added and withdrawn, spaces changed field by field, and the problems the build would stop on.
Nothing is written. ``kfl-lod diff`` prints it; the check page (/sprawdz) shows it.
"""

from __future__ import annotations

import json
import time
from datetime import date
from typing import Any

import pyoxigraph as ox

from .build import checked, describe_release, render
from .errors import SourceError
from .mapping import map_records
from .names import NTRIPLES
from .namespaces import SCHEMA, compact, parse_iri
from .publish import CHANGES, latest_release
from .settings import Settings

FORMAT = "kfl-lod preview 1"


def preview(settings: Settings, today: date | None = None) -> dict[str, Any]:
    """The report of what ``kfl-lod build`` would do now: changes, problems, the release it would make.

    Raises SettingsError for unusable settings; problems in the source are part of the report.
    """
    started = time.perf_counter()
    current = latest_release(settings.published)
    report: dict[str, Any] = {
        "format": FORMAT,
        "source": str(settings.source),
        "current": current.name if current else None,
        "would_publish": False,
        "release": None,
        "new_release": False,
        "problems": [],
        "violations": [],
        "warnings": [],
        "counts": None,
        "added": [],
        "withdrawn": [],
        "changed": [],
        "changed_other": [],
        "records": {},
    }
    try:
        found = checked(settings)
    except SourceError as exc:
        report["problems"] = [p.as_dict() for p in exc.problems]
        report["seconds"] = round(time.perf_counter() - started, 3)
        return report
    records, validation = found.records, found.report
    report["records"] = {
        "institutions": len(records.institutions),
        "venues": len(records.venues),
        "spaces": len(records.spaces),
        "illustrative_spaces": sum(s.illustrative for s in records.spaces),
        "practices": len(records.practices),
    }
    report["violations"] = [r.as_dict() for r in validation.violations]
    report["warnings"] = [r.as_dict() for r in validation.warnings]
    files = render(records, found.triples, validation, settings, found.ntriples)
    record = json.loads(describe_release(files, settings, today or date.today())[CHANGES])
    same = current is not None and record["version"] == current.name
    report.update(
        would_publish=validation.conforms,
        release=record["version"],
        new_release=not same,
        counts=record["counts"],
        # An unchanged source makes no release: its record is the current one, not a change.
        added=[] if same else record["added"],
        withdrawn=[] if same else record["withdrawn"],
        changed=[] if same else record["changed"],
    )
    if current is not None and not same:
        columns = found.provenance or map_records(records, settings.base).provenance
        report["changed_other"] = changed_things(
            (current / NTRIPLES).read_bytes() if (current / NTRIPLES).exists() else b"",
            files[NTRIPLES],
            settings.base,
            columns.column,
        )
    report["seconds"] = round(time.perf_counter() - started, 3)
    return report


OTHER_KINDS = ("institution", "venue", "practice")  # spaces' changes are in the change record, by CSV column


def _statements(nt: bytes, base: str) -> dict[str, dict[tuple[str, str], list[str]]]:
    """Institutions, venues and practices of a release: IRI -> (subject, predicate) -> values."""
    things: dict[str, dict[tuple[str, str], list[str]]] = {}
    for quad in ox.parse(nt, format=ox.RdfFormat.N_TRIPLES):
        subject = quad.subject
        if not isinstance(subject, ox.NamedNode):
            continue
        thing = subject.value.split("#", 1)[0]
        if parse_iri(thing, base).kind not in OTHER_KINDS:
            continue
        value = quad.object
        if isinstance(value, ox.Literal):
            text = value.value + (f"@{value.language}" if value.language and value.language != "pl" else "")
        else:
            text = value.value.removeprefix(base)
        things.setdefault(thing, {}).setdefault((subject.value, quad.predicate.value), []).append(text)
    return things


def changed_things(old_nt: bytes, new_nt: bytes, base: str, column_of) -> list[dict[str, Any]]:
    """Institutions, venues and good practices in both releases whose statements differ, field by field.

    A field is named by the clerk's column it comes from (``column_of(subject, predicate)``),
    else by its property (``schema:telephone``); values of several statements are joined by ", ".
    """
    old, new = _statements(old_nt, base), _statements(new_nt, base)
    found = []
    for thing in sorted(set(old) & set(new)):
        fields: dict[str, dict[str, str]] = {}
        for key in sorted(set(old[thing]) | set(new[thing])):
            before, after = sorted(old[thing].get(key, [])), sorted(new[thing].get(key, []))
            if before == after:
                continue
            subject, predicate = key
            name = column_of(subject, predicate) or compact(predicate)
            fields.setdefault(name, {"field": name, "old": ", ".join(before), "new": ", ".join(after)})
        if fields:
            kind, slug, _ = parse_iri(thing, base)
            names = new[thing].get((thing, SCHEMA + "name"), [""])
            found.append({"iri": thing, "kind": kind, "id": slug, "name": names[0], "fields": list(fields.values())})
    return found


def text_lines(report: dict[str, Any]) -> list[str]:
    """The report as a clerk reads it in a terminal, Polish beside English."""
    lines: list[str] = []
    for p in report["problems"]:
        where = p["file"] + (f", row {p['row']}" if p["row"] is not None else "")
        where += f", column {p['column']}" if p["column"] else ""
        lines.append(f"✗ {where}: {p['message']}")
        if p.get("message_pl"):
            lines.append(f"    PL: {p['message_pl']}")
    for r in report["violations"]:
        where = r["source"] + (f", column {r['column']}" if r["column"] else "")
        lines.append(f"✗ {where or r['focus']}: {r['message_en'] or r['message_pl']}")
        if r["message_pl"] and r["message_en"]:
            lines.append(f"    PL: {r['message_pl']}")
    if report["problems"] or report["violations"]:
        count = len(report["problems"]) + len(report["violations"])
        lines.append(
            f"A build would stop on {count} problem(s); nothing would be published. — "
            f"Budowanie zatrzyma się na problemach ({count}); nic nie zostanie opublikowane."
        )
        if report["problems"]:
            return lines
    current = report["current"] or "—"
    if not report["new_release"]:
        lines.append(
            f"No change: the source gives the current release {current}. — Bez zmian względem wydania {current}."
        )
        return lines
    for item in report["added"]:
        lines.append(f"+ added / dodane: {item['kind']} {item['id']} ({item['name']})")
    for item in report["withdrawn"]:
        lines.append(f"- withdrawn / wycofane: {item['kind']} {item['id']} ({item['name']})")
    for item in report["changed"]:
        lines.append(f"~ changed / zmienione: space {item['id']} ({item['name']})")
        for f in item["fields"]:
            lines.append(f"    {f['field']}: {f['old']!r} → {f['new']!r}")
    for item in report.get("changed_other", []):
        lines.append(f"~ changed / zmienione: {item['kind']} {item['id']} ({item['name']})")
        for f in item["fields"]:
            lines.append(f"    {f['field']}: {f['old']!r} → {f['new']!r}")
    if not (report["added"] or report["withdrawn"] or report["changed"] or report.get("changed_other")):
        lines.append(
            "No record added, withdrawn or changed; other data changed. — Bez zmian w rekordach; zmieniły się inne dane."
        )
    verb = "would make" if report["would_publish"] else "would have made"
    lines.append(
        f"{len(report['added'])} added, {len(report['withdrawn'])} withdrawn, "
        f"{len(report['changed']) + len(report.get('changed_other', []))} changed; "
        f"a build {verb} release {report['release']} after {current}."
    )
    return lines
