"""The pipeline: read -> map -> validate -> publish, nothing else."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from .dumps import context_bytes, to_csv, to_geojson, to_jsonld, to_ntriples, to_turtle
from .mapping import origins, to_graph
from .publish import Published, publish
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
    """Read, map and validate; raise SourceError on bad input."""
    progress("reading source tables")
    records = read_source(settings.source)
    progress("building the graph")
    graph = to_graph(records, settings.base)
    progress("validating with SHACL")
    report = validate(graph, load_shapes(settings.shapes, settings.base), origins(records, settings.base))
    return records, graph, report


def validate_only(settings: Settings, progress: Progress = lambda step: None) -> BuildResult:
    """Check the source without writing anything."""
    started = time.perf_counter()
    records, graph, report = check(settings, progress)
    return BuildResult(records, report, len(graph), time.perf_counter() - started)


def render(records: Records, graph, report: Report, settings: Settings) -> dict[str, bytes]:
    """Every published file's bytes."""
    base = settings.base
    return {
        "kfl.ttl": to_turtle(graph),
        "kfl.nt": to_ntriples(graph),
        "kfl.jsonld": to_jsonld(graph, base),
        "context.jsonld": context_bytes(base),
        "kfl.csv": to_csv(records, base),
        "kfl.geojson": to_geojson(records, base),
        "shacl-report.ttl": to_turtle(report.to_graph(base)),
    }


def build(settings: Settings, today: date | None = None, progress: Progress = lambda step: None) -> BuildResult:
    """Read, map, validate and, if there is no violation, publish."""
    started = time.perf_counter()
    records, graph, report = check(settings, progress)
    result = BuildResult(records, report, len(graph))
    if report.conforms:
        progress("writing the files")
        files = render(records, graph, report, settings)
        progress("publishing the release")
        result.published = publish(settings.published, files, today or date.today(), settings.keep_releases)
    result.seconds = time.perf_counter() - started
    return result
