"""The pipeline: read -> map -> validate -> publish, nothing else."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from . import catalog, changes, csvw, void
from .dumps import context_bytes, to_csv, to_geojson, to_jsonld, to_ntriples, to_turtle
from .mapping import map_records
from .names import CHANGES, CONTEXT, CSV, GEOJSON, JSONLD, NTRIPLES, SHACL_REPORT, TURTLE
from .publish import Published, plan, publish
from .records import Records
from .settings import Settings
from .source import read_source
from .validation import Report, load_shapes, validate

Progress = Callable[[str], None]


@dataclass
class BuildResult:
    """What a build or a validation found and did; the CLI prints it, --json dumps it."""

    records: Records
    report: Report
    triples: int
    seconds: float = 0.0
    published: Published | None = None
    steps: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        return {
            "conforms": self.report.conforms,
            "institutions": len(self.records.institutions),
            "venues": len(self.records.venues),
            "spaces": len(self.records.spaces),
            "illustrative_spaces": sum(s.illustrative for s in self.records.spaces),
            "practices": len(self.records.practices),
            "triples": self.triples,
            "violations": len(self.report.violations),
            "warnings": len(self.report.warnings),
            "seconds": round(self.seconds, 3),
            "release": self.published.version if self.published else None,
            "new_release": self.published.new_release if self.published else None,
            "files": self.published.files if self.published else {},
            "results": [r.as_dict() for r in self.report.results],
        }


def check(settings: Settings, progress: Progress = lambda step: None) -> tuple[Records, object, Report]:
    """Read, map and validate; raise SourceError on bad input, SettingsError on bad metadata settings."""
    catalog.check_settings(settings)
    progress("reading source tables")
    records = read_source(settings.source)
    progress("building the graph")
    mapped = map_records(records, settings.base)
    graph = mapped.graph
    progress("validating with SHACL")
    report = validate(graph, load_shapes(settings.shapes, settings.base), mapped.provenance)
    return records, graph, report


def validate_only(settings: Settings, progress: Progress = lambda step: None) -> BuildResult:
    """Check the source without writing anything."""
    started = time.perf_counter()
    records, graph, report = check(settings, progress)
    return BuildResult(records, report, len(graph), time.perf_counter() - started)


def render(records: Records, graph, report: Report, settings: Settings) -> dict[str, bytes]:
    """Every content file's bytes: the data, its descriptions (VoID, CSVW) and the SHACL report."""
    base = settings.base
    return {
        TURTLE: to_turtle(graph),
        NTRIPLES: to_ntriples(graph),
        JSONLD: to_jsonld(graph, base),
        CONTEXT: context_bytes(base),
        CSV: to_csv(records, base),
        GEOJSON: to_geojson(records, base),
        SHACL_REPORT: to_turtle(report.to_graph(base)),
        **void.render(graph, base),
        **csvw.render(base, settings.licence),
    }


def describe_release(files: dict[str, bytes], settings: Settings, today: date) -> dict[str, bytes]:
    """The files that describe the release ``files`` will make: change record and DCAT-AP catalog.

    Dates come from the release history, not the clock: unchanged content keeps its release,
    its change record and its dates, so the catalog's bytes stay the same.
    """
    release = plan(settings.published, files, today)
    record = None if release.new_release else changes.latest(settings.published)
    if record is None or record["version"] != release.version:
        record = changes.compare(release.previous, files, release.version, release.day, settings.base)
    return {CHANGES: changes.to_bytes(record), **catalog.render(settings, files, record)}


def build(settings: Settings, today: date | None = None, progress: Progress = lambda step: None) -> BuildResult:
    """Read, map, validate and, if there is no violation, publish."""
    started = time.perf_counter()
    records, graph, report = check(settings, progress)
    result = BuildResult(records, report, len(graph))
    if report.conforms:
        day = today or date.today()
        progress("writing the files")
        files = render(records, graph, report, settings)
        progress("describing the release")
        files.update(describe_release(files, settings, day))
        progress("publishing the release")
        result.published = publish(settings.published, files, day, settings.keep_releases)
    result.seconds = time.perf_counter() - started
    return result
