"""Put a published release into an external SPARQL engine so that readers never see half of it.

``kfl-lod load --store URL`` (docs/server.md, "External SPARQL engine"):

1. reads what the engine serves now (its control graph, ``remote.control_graph``);
2. uploads the release's N-Triples into a new named graph (``{base}dataset/graph/{release}``)
   with one Graph Store Protocol PUT, and counts what the engine then holds there;
3. switches: one PUT of the small control graph names the new graph as served — servers
   (``kfl-lod serve --store URL``) follow within ``store_poll`` seconds;
4. drops graphs older than the ``keep`` previous ones (the previous one stays by default:
   requests that started before the switch finish on it, and a rollback is one switch).

Until step 3, no server reads the new graph; after it, the whole graph is there.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .errors import KflError
from .remote import (
    Engine,
    EngineError,
    Link,
    Loaded,
    Served,
    control_graph,
    count_triples,
    delete_graph,
    put_graph,
    read_served,
    release_graph,
    served_triples,
)
from .store import STORE_FILES, publication_folder

CHUNK = 1 << 20


class LoadError(KflError):
    """The release cannot be loaded (nothing published, a graph name that cannot be used, a short count)."""

    code = "load"


@dataclass
class LoadReport:
    """What ``load`` did (or, with dry_run, would do)."""

    engine: str
    graphs_endpoint: str
    release: str
    graph: str
    files: list[str]
    triples: int
    digest: str
    previous: str | None = None
    dropped: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    uploaded: bool = False
    switched: bool = False
    dry_run: bool = False
    seconds: float = 0.0
    note: str = ""

    def as_dict(self) -> dict:
        return asdict(self)

    def lines(self) -> list[str]:
        """The report in Polish and English, a line each."""
        release = self.release or "(bez nazwy / unnamed)"
        out = []
        if self.dry_run:
            out.append("Próba (--dry-run): w silniku nic nie zmieniono. — Dry run: nothing was changed in the engine.")
        verb = ("Wczytałbym", "Would load") if self.dry_run else ("Wczytano", "Loaded")
        if self.uploaded or (self.dry_run and not self.note):
            out.append(
                f"{verb[0]} wydanie {release}: {self.triples} trójek z {len(self.files)} plików "
                f"({', '.join(self.files)}) do grafu <{self.graph}> przez {self.graphs_endpoint}. — "
                f"{verb[1]} release {release}: {self.triples} triples from {len(self.files)} files into graph "
                f"<{self.graph}> through {self.graphs_endpoint}."
            )
        if self.note:
            out.append(self.note)
        was = f"<{self.previous}>" if self.previous else "brak / none"
        if self.switched or self.dry_run:
            verb = ("Przełączyłbym", "Would switch") if self.dry_run else ("Przełączono", "Switched")
            out.append(
                f"{verb[0]}: serwowany graf to teraz <{self.graph}> (wcześniej {was}). — "
                f"{verb[1]}: the served graph is now <{self.graph}> (before: {was.replace('brak / ', '')})."
            )
        for graph in self.kept:
            out.append(
                f"Zachowano poprzedni graf <{graph}> (zapytania w toku, szybkie cofnięcie). — "
                f"Kept the previous graph <{graph}> (queries under way, quick rollback)."
            )
        for graph in self.dropped:
            verb = ("Usunąłbym", "Would drop") if self.dry_run else ("Usunięto", "Dropped")
            out.append(f"{verb[0]} stary graf <{graph}>. — {verb[1]} the old graph <{graph}>.")
        if not self.dry_run:
            out.append(f"Czas: {self.seconds:.2f} s. — Time: {self.seconds:.2f} s.")
        return out


def release_files(published: Path) -> tuple[str, Path, list[Path]]:
    """The name, folder and N-Triples files of the release ``published`` serves."""
    folder = publication_folder(Path(published))
    try:
        folder = folder.resolve(strict=True)
    except OSError as exc:
        raise LoadError(
            f"Brak publikacji w {published} (uruchom kfl-lod build). — Nothing is published in {published} "
            "(run kfl-lod build)."
        ) from exc
    files = [folder / name for name in STORE_FILES if (folder / name).is_file()]
    if not files:
        raise LoadError(
            f"W {folder} nie ma plików N-Triples ({', '.join(STORE_FILES)}); uruchom kfl-lod build. — "
            f"{folder} holds none of the N-Triples files ({', '.join(STORE_FILES)}); run kfl-lod build."
        )
    name = folder.name if folder.parent.name == "releases" else ""
    return name, folder, files


def _measure(files: list[Path]) -> tuple[int, str, int]:
    """Distinct triples (N-Triples: one a line), a digest of the bytes, and the upload's length."""
    digest = hashlib.sha256()
    seen: set[int] = set()
    length = 0
    for path in files:
        with path.open("rb") as stream:
            last = b"\n"
            for line in stream:
                digest.update(line)
                length += len(line)
                last = line
                text = line.strip()
                if text and not text.startswith(b"#"):
                    seen.add(hash(text))
            if not last.endswith(b"\n"):
                length += 1  # _body adds the newline the file lacks
    return len(seen), digest.hexdigest(), length


def _body(files: list[Path]) -> Iterator[bytes]:
    for path in files:
        last = b"\n"
        with path.open("rb") as stream:
            while chunk := stream.read(CHUNK):
                last = chunk
                yield chunk
        if not last.endswith(b"\n"):
            yield b"\n"


def load(
    published: Path,
    base: str,
    store: str,
    graphs_endpoint: str = "",
    graph: str | None = None,
    keep: int = 1,
    dry_run: bool = False,
    timeout: float = 600.0,
    grace: float = 0.0,
) -> LoadReport:
    """Load the release ``published`` serves into the engine at ``store`` and switch to it (see module doc).

    ``grace``: seconds to wait after the switch before dropping the graph served until then
    (only when ``keep`` is 0: servers may still be asking it until they look again).
    """
    started = time.monotonic()
    engine = Engine.at(store, graphs_endpoint)
    name, _folder, files = release_files(published)
    triples, digest, length = _measure(files)
    target = graph or release_graph(base, name or digest[:16])
    if target == control_graph(base):
        raise LoadError(
            f"Graf <{target}> to graf sterujący; wybierz inny. — <{target}> is the control graph; choose another."
        )
    link = Link(engine)
    try:
        served = read_served(link, base, min(timeout, 30.0))
        current = served.current
        report = LoadReport(
            engine.query_url,
            engine.graphs_url,
            name,
            target,
            [f.name for f in files],
            triples,
            digest,
            previous=current.graph if current else None,
            dry_run=dry_run,
        )
        if current is not None and current.graph == target:
            if current.digest == digest:
                report.note = (
                    f"Wydanie {name} jest już serwowane z grafu <{target}>; nic do zrobienia. — "
                    f"Release {name} is already served from <{target}>; nothing to do."
                )
                report.previous = None
                report.seconds = time.monotonic() - started
                return report
            if graph:
                raise LoadError(
                    f"Graf <{target}> jest teraz serwowany; wczytanie do niego pokazałoby czytelnikom pół wydania. "
                    f"Wybierz inny --graph. — <{target}> is served now: loading into it would show readers half a "
                    "release. Choose another --graph."
                )
            # The same release rebuilt (e.g. settings only): a graph of its own, named by its bytes.
            target = report.graph = f"{target}/{digest[:8]}"
        again = served.graphs.get(target)
        if again is not None and again.digest == digest:
            report.note = (
                f"Graf <{target}> z tym wydaniem już jest w silniku (kompletny); tylko przełączam. — "
                f"<{target}> with this release is already complete in the engine; only switching."
            )
        elif not dry_run:
            put_graph(link, target, _body(files), length, timeout)
            report.uploaded = True
            held = count_triples(link, target, timeout)
            if held != triples:
                delete_graph(link, target, timeout)
                raise LoadError(
                    f"Silnik ma w grafie <{target}> {held} trójek zamiast {triples}; graf usunięto, niczego nie "
                    f"przełączono. — The engine holds {held} triples in <{target}> instead of {triples}; the graph "
                    "was dropped and nothing was switched."
                )
        loaded = Loaded(target, name, datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), triples, digest)
        older = sorted((g for g in served.graphs.values() if g.graph != target), key=lambda g: g.loaded, reverse=True)
        # The graph served until now goes first among those kept: servers may be asking it still.
        if current is not None and current.graph != target:
            older = [current, *[g for g in older if g.graph != current.graph]]
        kept, dropped = older[:keep], older[keep:]
        report.kept = [g.graph for g in kept]
        report.dropped = [g.graph for g in dropped]
        if dry_run:
            report.seconds = time.monotonic() - started
            return report
        new = Served(loaded, {loaded.graph: loaded, **{g.graph: g for g in kept}})
        body = served_triples(new, base)
        put_graph(link, control_graph(base), [body], len(body), min(timeout, 60.0))
        report.switched = True
        if dropped and current is not None and current in dropped and grace > 0:
            time.sleep(grace)
        for old in dropped:
            delete_graph(link, old.graph, timeout)
        report.seconds = time.monotonic() - started
        return report
    finally:
        link.close()


__all__ = ["EngineError", "LoadError", "LoadReport", "load", "release_files"]
