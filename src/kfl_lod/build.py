"""The pipeline: read -> map -> validate -> publish, nothing else."""

from __future__ import annotations

import functools
import gc
import resource
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypeVar

from rdflib import Graph

from . import catalog, changes, csvw, graphwork, pages_index, release_record, sidework, void, xlsx
from .dumps import report_turtle, to_csv, to_geojson, to_ntriples, to_turtle
from .graphwork import GraphFiles
from .jsonld import context_bytes, to_jsonld
from .mapping import Provenance, map_records
from .names import CHANGES, CONTEXT, CSV, GEOJSON, JSONLD, LATEST, NTRIPLES, SHACL_REPORT, TURTLE, XLSX
from .publish import Published, check_out, digests_remembered, latest_release, plan, publish_or_fail
from .records import Records
from .settings import Settings
from .sidework import RecordFiles
from .source import read_source
from .store import Preparing, dataset_graph
from .triples import Triples
from .validation import Report, load_shapes, validate

Progress = Callable[[str], None]
T = TypeVar("T")


@dataclass
class BuildResult:
    """What a build or a validation found and did; the CLI prints it, --json dumps it."""

    records: Records
    report: Report
    triples: int
    seconds: float = 0.0
    published: Published | None = None
    timings: dict[str, float] = field(default_factory=dict)  # wall seconds per stage, see Timer
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds per stage
    peak_mib: dict[str, int] = field(default_factory=dict)  # peak memory of the process after each stage

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


class Timer:
    """Wall and CPU seconds per stage ("read", "map", "validate", "write kfl.ttl", …), for bench/."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.peak_mib: dict[str, int] = {}  # the process's peak memory (RSS) once the stage is done

    def __call__(self, stage: str, work: Callable[[], T]) -> T:
        started, cpu = time.perf_counter(), time.process_time()
        try:
            return work()
        finally:
            self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - started
            self.cpu[stage] = self.cpu.get(stage, 0.0) + time.process_time() - cpu
            self.peak_mib[stage] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # KiB on Linux


@dataclass
class Checked:
    """The outcome of read, map and validate: what render and publish need."""

    records: Records
    triples: Triples  # the statements as N-Triples lines: the build writes every data file from them
    report: Report
    ntriples: bytes | None = None  # the graph as the published N-Triples, if validation needed it
    provenance: Provenance | None = None  # where each statement came from (kfl-lod diff names columns by it)

    @property
    def graph(self) -> Graph:
        """The statements as an rdflib Graph, parsed on demand (nothing in the build needs one)."""
        return self.triples.graph()


def checked(
    settings: Settings,
    progress: Progress = lambda step: None,
    timer: Timer | None = None,
    on_records: Callable[[Records], None] | None = None,
    on_ntriples: Callable[[bytes], bool] | None = None,
) -> Checked:
    """Read, map and validate; raise SourceError on bad input, SettingsError on bad metadata settings.

    ``on_records`` is told the records as soon as they are read, ``on_ntriples`` kfl.nt's bytes
    as soon as they are written, before validation (the build starts work on them); if it answers
    True, nothing in this process needs the statements' lines again (they are read back from the
    bytes if asked: Triples.forget).
    """
    timer = timer or Timer()
    catalog.check_settings(settings)
    progress("reading source tables")
    records = timer("read", lambda: read_source(settings.source))
    if settings.illustrative == "omit":
        records = records.without_illustrative()
    if on_records is not None:
        on_records(records)
    progress("building the graph")
    mapped = timer("map", lambda: map_records(records, settings.base))
    triples = mapped.triples
    progress("validating with SHACL")
    # The compiled validator reads N-Triples: write them once, for it and for the publication.
    ntriples = timer(f"write {NTRIPLES}", triples.ntriples) if settings.validator == "shacl" else None
    if on_ntriples is not None and ntriples is not None and on_ntriples(ntriples):
        triples.forget(ntriples)
    shapes = load_shapes(settings.shapes, settings.base)
    report = timer(
        "validate",
        lambda: validate(triples, shapes, mapped.provenance, engine=settings.validator, ntriples=ntriples),
    )
    return Checked(records, triples, report, ntriples, mapped.provenance)


def check(settings: Settings, progress: Progress = lambda step: None) -> tuple[Records, Triples, Report]:
    """Read, map and validate: (records, statements, report); ``statements.graph()`` is an rdflib Graph of them."""
    found = checked(settings, progress)
    return found.records, found.triples, found.report


def without_cycle_collector(work: Callable[..., T]) -> Callable[..., T]:
    """Run ``work`` with Python's cycle collector paused, and collect once after it.

    A build makes millions of small objects that live until it ends (the graph, the files'
    parts); the collector scanned them all again and again, a third of a build's time
    (10k spaces: 36 -> 24 CPU s, peak memory +2 %). They hold almost no cycles.
    """

    @functools.wraps(work)
    def paused(*args, **kwargs) -> T:
        if not gc.isenabled():
            return work(*args, **kwargs)
        gc.disable()
        try:
            return work(*args, **kwargs)
        finally:
            gc.enable()
            gc.collect()

    return paused


@without_cycle_collector
def validate_only(settings: Settings, progress: Progress = lambda step: None) -> BuildResult:
    """Check the source without writing anything."""
    started = time.perf_counter()
    timer = Timer()
    found = checked(settings, progress, timer)
    return BuildResult(
        found.records,
        found.report,
        len(found.triples),
        time.perf_counter() - started,
        timings=timer.seconds,
        cpu=timer.cpu,
        peak_mib=timer.peak_mib,
    )


def render(
    records: Records,
    graph: Graph | Triples,
    report: Report,
    settings: Settings,
    ntriples: bytes | None = None,
    timer: Timer | None = None,
    record_files: RecordFiles | None = None,
    graph_files: GraphFiles | None = None,
) -> dict[str, bytes]:
    """Every content file's bytes: the data, its descriptions (VoID, CSVW) and the SHACL report.

    ``graph`` is the mapping's Triples in the build (an rdflib Graph gives the same bytes).
    ``record_files`` is the other process writing kfl.csv, kfl.xlsx and kfl.geojson (see sidework),
    ``graph_files`` the one writing kfl.jsonld and VoID (see graphwork).
    """
    base = settings.base
    timer = timer or Timer()
    files: dict[str, bytes] = {}
    writers: dict[str, Callable[[], bytes]] = {
        NTRIPLES: lambda: ntriples if ntriples is not None else to_ntriples(graph),
        TURTLE: lambda: to_turtle(graph, files[NTRIPLES]),
        JSONLD: lambda: to_jsonld(graph, base),
        CONTEXT: lambda: context_bytes(base),
        CSV: lambda: to_csv(records, base),
        XLSX: lambda: xlsx.from_csv(files[CSV]),  # the same rows, for Excel users
        GEOJSON: lambda: to_geojson(records, base),
        SHACL_REPORT: lambda: report_turtle(report, base),
    }
    for name, write in writers.items():
        if record_files is not None and name in sidework.NAMES or graph_files is not None and name in graphwork.NAMES:
            continue  # written by the other process meanwhile; taken last, when it has had the most time
        files[name] = timer(f"write {name}", write) if name != NTRIPLES or ntriples is None else ntriples
    if graph_files is None:
        files.update(timer("write void", lambda: void.render(graph, base)))
    files.update(timer("write csvw", lambda: csvw.render(base, settings.licence)))
    if graph_files is not None:
        files.update(graph_files.files(graph if isinstance(graph, Triples) else Triples.from_graph(graph), timer))
    if record_files is not None:
        files.update(record_files.files(timer))
    return files


def describe_release(
    files: dict[str, bytes], settings: Settings, today: date, known: changes.Before | None = None
) -> dict[str, bytes]:
    """The files that describe the release ``files`` will make: change record and DCAT-AP catalog.

    Dates come from the release history, not the clock: unchanged content keeps its release,
    its change record and its dates, so the catalog's bytes stay the same. ``known``: the change
    record's parts already read from the previous release (see sidework).
    """
    release = plan(settings.published, files, today)
    record = None if release.new_release else release_record.latest(settings.published)
    if record is None or record["version"] != release.version:
        record = changes.compare(release.previous, files, release.version, release.day, settings.base, known)
    return {CHANGES: changes.to_bytes(record), **catalog.render(settings, files, record)}


@without_cycle_collector
def build(settings: Settings, today: date | None = None, progress: Progress = lambda step: None) -> BuildResult:
    """Read, map, validate and, if there is no violation, publish."""
    started = time.perf_counter()
    check_out(settings.published)  # before the work: a bad --out is known at once
    timer = Timer()
    side: list[RecordFiles] = []  # kfl.csv, kfl.xlsx, kfl.geojson: another process, from the records on
    graphs: list[GraphFiles] = []  # kfl.jsonld and VoID: another process, from kfl.nt on
    stores: list[Preparing] = []  # the server's database: a thread, from kfl.nt on (see Preparing)
    indexings: list[pages_index.Preparing] = []  # the pages' index: another process, once the database has loaded
    stopped = threading.Event()  # the build publishes nothing: start no index

    def index_when_loaded(ntriples: bytes) -> Callable[[], None]:
        # Called by the database's thread when it has loaded: the bulk load and the index at once
        # held 3.2 GB at 35,000 spaces, one after the other 2.5 GB (see pages_index.Preparing).
        def begin() -> None:
            if not stopped.is_set():
                indexings.append(pages_index.Preparing(ntriples, settings.base))

        return begin

    def stop(*others: RecordFiles | GraphFiles | Preparing) -> None:
        stopped.set()
        _cancel(*others)  # the database's thread is waited for, so no index starts after this
        _cancel(*indexings)

    had_folder = Path(settings.published).exists()  # Preparing makes it to work in; a failed build leaves none
    try:
        previous = latest_release(settings.published)  # what a new release would follow, read meanwhile

        def start(records: Records) -> None:
            side.append(RecordFiles(records, settings.base, previous))

        def written(ntriples: bytes) -> bool:
            graphs.append(GraphFiles(ntriples, settings.base))
            # Before validation: the compiled validator keeps one core, the database loads on the other.
            stores.append(
                Preparing(settings.published, ntriples, dataset_graph(settings.base), then=index_when_loaded(ntriples))
            )
            return graphs[-1].started  # the other process writes from the bytes: the lines may go

        found = checked(settings, progress, timer, on_records=start, on_ntriples=written)
    except BaseException:
        stop(*side, *graphs, *stores)
        _leave_no_folder(settings.published, had_folder)
        raise
    record_files = side[0] if side else None
    graph_files = graphs[0] if graphs else None
    result = BuildResult(
        found.records, found.report, len(found.triples), timings=timer.seconds, cpu=timer.cpu, peak_mib=timer.peak_mib
    )
    if not found.report.conforms:
        stop(*side, *graphs, *stores)  # the database's thread is waited for: it cannot be stopped
        _leave_no_folder(settings.published, had_folder)
    if found.report.conforms:
        day = today or date.today()
        preparing = stores[0] if stores else None
        remembered = digests_remembered()  # every file is hashed several times: once is enough
        remembered.__enter__()
        try:
            progress("writing the files")
            files = render(
                found.records, found.triples, found.report, settings, found.ntriples, timer, record_files, graph_files
            )
            others: list[RecordFiles | GraphFiles] = [*side, *graphs]
            for other in others:
                for stage, (wall, cpu) in other.seconds.items():  # the other process's own times
                    timer.seconds[f"{stage} (other process)"], timer.cpu[f"{stage} (other process)"] = wall, cpu
            if preparing is None:
                nt = files[NTRIPLES]
                preparing = Preparing(settings.published, nt, dataset_graph(settings.base), then=index_when_loaded(nt))
            progress("describing the release")
            known = record_files.before if record_files is not None else None
            files.update(timer("describe", lambda: describe_release(files, settings, day, known)))
            progress("publishing the release")
            result.published = timer(
                "publish", lambda: publish_or_fail(settings.published, files, day, settings.keep_releases)
            )
        except BaseException:
            stop(*side, *graphs, *([preparing] if preparing is not None else []))
            raise
        finally:
            remembered.__exit__(None, None, None)
        # The files are on disk now: let their bytes and the statements go before the last two stages.
        del files, found
        # A large release also as a database the server opens in a moment (see store.prepare).
        progress("preparing the store for the server")
        folder = result.published.folder
        timer("prepare store", lambda: preparing.finish(folder))
        indexing = indexings[0] if indexings else None  # the thread has ended: it was started, or never will be
        # And what the pages and the search show, so no web process reads every triple itself.
        progress("preparing the pages' index")
        # (made by the other process when it ran: waiting for it is part of the stage)
        timer(
            "prepare index",
            lambda: pages_index.prepare(folder, settings.base, indexing.files() if indexing is not None else None),
        )
        if indexing is not None and indexing.seconds != (0.0, 0.0):
            timer.seconds["prepare index (other process)"], timer.cpu["prepare index (other process)"] = (
                indexing.seconds
            )
    result.seconds = time.perf_counter() - started
    return result


def _leave_no_folder(folder: Path, had_folder: bool) -> None:
    """Remove the publication folder a failed build made (only if empty: nothing else is ever removed)."""
    if not had_folder:
        try:
            Path(folder).rmdir()
        except OSError:
            pass


def _cancel(*others: RecordFiles | GraphFiles | Preparing | pages_index.Preparing) -> None:
    """Stop the other processes' work (the build failed, or found violations)."""
    for other in others:
        other.cancel()


def needs_build(settings: Settings) -> bool:
    """Whether ``published/`` is missing or older than the newest file in ``source/``."""
    latest = Path(settings.published) / LATEST / NTRIPLES
    if not latest.exists():
        return True
    source = Path(settings.source)
    files = [source] if source.is_file() else [p for p in source.rglob("*") if p.is_file()]
    newest = max((p.stat().st_mtime for p in files), default=0.0)
    return newest > latest.stat().st_mtime
