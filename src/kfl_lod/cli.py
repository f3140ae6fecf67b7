"""Command line: each command parses options, calls one core function, prints the result.

Exit codes: 0 published / conforms, 1 SHACL violations, 2 bad input or usage.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .errors import KflError, PublishError, SourceError
from .namespaces import compact, own_terms, prefixes
from .settings import Settings, load_settings

EXIT_OK, EXIT_VIOLATIONS, EXIT_BAD_INPUT = 0, 1, 2


class Context:
    def __init__(self, settings: Settings, as_json: bool) -> None:
        self.settings = settings
        self.as_json = as_json


def _progress(enabled: bool):
    if not enabled:
        return lambda step: None

    def show(step: str) -> None:
        click.echo(f"… {step}", err=True)

    return show


def _fail(error: KflError, as_json: bool) -> None:
    if as_json:
        problems = [p.as_dict() for p in getattr(error, "problems", ())]
        click.echo(
            json.dumps({"error": error.code, "message": str(error), "problems": problems}, ensure_ascii=False, indent=1)
        )
    else:
        click.echo(f"Error: {error}", err=True)
        if isinstance(error, SourceError):
            click.echo(
                "Nothing was published; fix the cells above in the spreadsheet and run the command again.\n"
                "Nic nie opublikowano; popraw wskazane komórki w arkuszu i uruchom polecenie ponownie.",
                err=True,
            )
        elif isinstance(error, PublishError):
            click.echo(
                "Nothing was published; choose another folder with --out (setting: published).\n"
                "Nic nie opublikowano; wskaż inny folder publikacji opcją --out (ustawienie: published).",
                err=True,
            )
    sys.exit(EXIT_BAD_INPUT)


EXAMPLES = 3  # records named under each group of warnings


def _short(iri: str, base: str) -> str:
    """An IRI as a reader scans it: relative to the base, or with a common prefix."""
    if iri.startswith(own_terms(base)):
        return compact(iri, prefixes(base, ()))
    if iri.startswith(base):
        return iri[len(base) :]
    return compact(iri)


def _row_order(result) -> tuple[str, int, str]:
    """Sort key: source file, then row number ("source/x.csv, row 12"), then the record."""
    file, _, row = result.source.rpartition(", row ")
    return (file, int(row), result.focus) if row.isdigit() else (result.source, 0, result.focus)


def _describe(results, base: str) -> list[str]:
    """Human lines for a report: every violation in full, warnings grouped by message."""
    lines: list[str] = []
    violations = [r for r in results if r.severity == "Violation"]
    warnings = [r for r in results if r.severity != "Violation"]
    if violations:
        lines.append(f"Violations ({len(violations)}) — naruszenia:")
        for r in violations:
            where = f" — {r.where}" if r.source else ""
            lines.append(f"  ✗ {_short(r.focus, base)}{where}")
            if r.path:
                lines.append(
                    f"    {_short(r.path, base)}" + (f" = {r.value!r}" if r.value and r.value != r.focus else "")
                )
            for message in dict.fromkeys(m for m in (r.message_pl, r.message_en) if m):
                lines.append(f"    {message}")
    if warnings:
        groups: dict[tuple[str, str, str], list] = {}
        for r in warnings:
            groups.setdefault((r.message_en, r.message_pl, r.path), []).append(r)
        lines.append(f"Warnings ({len(warnings)}) — ostrzeżenia, grouped by message:")
        width = len(str(max(len(g) for g in groups.values())))
        for (en, pl, _), items in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            columns = {r.column for r in items}
            column = f" (column {columns.pop()})" if len(columns) == 1 and "" not in columns else ""
            lines.append(f"  {len(items):>{width}} × {en or pl}" + (f" / {pl}" if en and pl else "") + column)
            items = sorted(items, key=_row_order)  # as the clerk meets them in the spreadsheet
            shown = [f"{_short(r.focus, base)}" + (f" ({r.source})" if r.source else "") for r in items[:EXAMPLES]]
            more = f" and {len(items) - EXAMPLES} more" if len(items) > EXAMPLES else ""
            lines.append(f"  {' ' * width}   e.g. {', '.join(shown)}{more}")
    return lines


def _print_result(result, as_json: bool, action: str, settings: Settings) -> None:
    summary = result.summary()
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False, indent=1))
    else:
        for line in _describe(result.report.results, settings.base):
            click.echo(line)
        if result.published is not None and summary["warnings"]:
            click.echo(f"Every result, with its record: {settings.published / 'shacl-report.ttl'} (or --json).")
        elif result.report.results and result.published is None:
            click.echo(
                "Every result as data: add --json."
                + ("" if result.report.conforms else " Nothing was published; the previous publication is unchanged.")
            )
        release = ""
        if summary["release"]:
            release = f", release {summary['release']}" + ("" if summary["new_release"] else " (unchanged)")
        click.echo(
            f"{action}: {summary['institutions']} institutions, {summary['venues']} venues, "
            f"{summary['spaces']} spaces ({summary['illustrative_spaces']} illustrative), {summary['triples']} triples, "
            f"{summary['violations']} violations, {summary['warnings']} warnings, {summary['seconds']:.2f} s{release}"
        )
    sys.exit(EXIT_OK if result.report.conforms else EXIT_VIOLATIONS)


@click.group()
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--base", help="Base IRI of the published things (setting: base).")
@click.pass_context
def main(ctx: click.Context, as_json: bool, base: str | None) -> None:
    """kfl-lod: publish Kraków's summary of spaces for NGOs as linked open data."""
    try:
        ctx.obj = Context(load_settings(base=base), as_json)
    except KflError as exc:
        _fail(exc, as_json)


def _with(ctx: Context, **changes) -> Settings:
    try:
        return ctx.settings.replace(**changes)
    except KflError as exc:
        _fail(exc, ctx.as_json)
        raise


@main.command()
@click.option("--source", type=click.Path(path_type=Path), help="Source folder or workbook (default: source/).")
@click.option("--out", type=click.Path(path_type=Path), help="Publication folder (default: published/).")
@click.option("--base", help="Base IRI of the published things.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def build(ctx: Context, source: Path | None, out: Path | None, base: str | None, as_json: bool) -> None:
    """Read the source, validate it and publish the files."""
    from .build import build as run_build

    ctx.as_json = ctx.as_json or as_json
    settings = _with(ctx, source=source, published=out, base=base)
    try:
        result = run_build(settings, progress=_progress(sys.stderr.isatty() and not ctx.as_json))
    except KflError as exc:
        _fail(exc, ctx.as_json)
        return
    _print_result(result, ctx.as_json, "Published" if result.report.conforms else "Not published", settings)


@main.command()
@click.option("--source", type=click.Path(path_type=Path), help="Source folder or workbook (default: source/).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def validate(ctx: Context, source: Path | None, as_json: bool) -> None:
    """Check the source and the graph; write nothing."""
    from .build import validate_only

    ctx.as_json = ctx.as_json or as_json
    settings = _with(ctx, source=source)
    try:
        result = validate_only(settings, progress=_progress(sys.stderr.isatty() and not ctx.as_json))
    except KflError as exc:
        _fail(exc, ctx.as_json)
        return
    _print_result(result, ctx.as_json, "Valid" if result.report.conforms else "Invalid", settings)


@main.command()
@click.option("--spaces", type=click.IntRange(min=1), required=True, help="How many spaces to write.")
@click.option("--seed", type=int, default=1, show_default=True, help="The same seed writes the same bytes.")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), required=True, help="Folder to write into.")
def generate(spaces: int, seed: int, out: Path) -> None:
    """Write an illustrative source of any size (fictional records, for tests and benchmarks)."""
    from .generate import write

    if out.exists() and any(out.iterdir()) and not (out / "przestrzenie.csv").exists():
        raise click.UsageError(f"{out} is not empty and holds no source tables; choose an empty folder")
    rows = write(out, spaces, seed)
    click.echo(", ".join(f"{name}: {n} rows" for name, n in rows.items()) + f" (seed {seed}) in {out}")


# --- serve and query (the server, docs/server.md) -------------------------------------------


def _ensure_published(ctx: Context, settings: Settings) -> None:
    """Build first if the publication is missing or older than the source."""
    from .build import build as run_build
    from .build import needs_build

    if not needs_build(settings):
        return
    click.echo(f"… {settings.published} is missing or older than {settings.source}: building first", err=True)
    try:
        result = run_build(settings, progress=_progress(sys.stderr.isatty()))
    except KflError as exc:
        _fail(exc, ctx.as_json)
        return
    if not result.report.conforms:
        for r in result.report.violations:
            click.echo(str(r), err=True)
        click.echo("Error: the source has violations; nothing to serve. Fix them and run kfl-lod build.", err=True)
        sys.exit(EXIT_VIOLATIONS)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every interface).")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--published", type=click.Path(path_type=Path), help="Publication folder (default: published/).")
@click.option("--workers", default=1, show_default=True, type=int, help="Server processes (Granian workers).")
@click.option(
    "--threads",
    default=8,
    show_default=True,
    type=int,
    help="Threads per server process (raised to query_workers + query_queue + 4 if lower).",
)
@click.option("--access-log", is_flag=True, help="Log every request to standard output.")
@click.option(
    "--store",
    help="An external SPARQL 1.1 engine to query instead of the embedded store: an Oxigraph server's root or "
    "a query endpoint, filled with kfl-lod load (setting: store).",
)
@click.pass_obj
def serve(
    ctx: Context,
    host: str,
    port: int,
    published: Path | None,
    workers: int,
    threads: int,
    access_log: bool,
    store: str | None,
) -> None:
    """Serve the SPARQL endpoint, the linked data and the pages (builds first if needed)."""
    from .web.serve import serve as run_server

    settings = _with(ctx, published=published, store=store)
    _ensure_published(ctx, settings)
    engine = ""
    if settings.store:
        from .remote import Engine

        engine = f"; SPARQL engine: {Engine.at(settings.store, settings.store_graphs).query_url}"
    click.echo(
        f"Serving {settings.published} on http://{host}:{port}/ (SPARQL: http://{host}:{port}{settings.base_path}sparql"
        f"{engine})",
        err=True,
    )
    run_server(settings, host, port, workers=workers, threads=threads, access_log=access_log)


@main.command("export-site")
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--published", type=click.Path(path_type=Path), help="Publication folder (default: published/).")
@click.option("--sparql", help="A live SPARQL endpoint the export links to (default: the setting export_sparql).")
@click.pass_obj
def export_site(ctx: Context, out: Path, published: Path | None, sparql: str | None) -> None:
    """Write the whole read-only site as files into OUT, with nginx, Apache and _redirects rules."""
    from .export import export_site as run_export

    settings = _with(ctx, published=published)
    if sparql is None:
        sparql = settings.export_sparql
    if sparql and not sparql.startswith(("https://", "http://")):
        raise click.UsageError(f"--sparql must be an http(s) URL, not {sparql!r}")
    _ensure_published(ctx, settings)
    try:
        result = run_export(settings, out, sparql=sparql)
    except KflError as exc:
        _fail(exc, ctx.as_json)
        sys.exit(EXIT_BAD_INPUT)
    except OSError as exc:
        click.echo(
            f"Error: the export could not be written ({exc}); {out} is as it was.\n"
            f"Błąd: nie udało się zapisać eksportu ({exc}); {out} pozostał bez zmian.",
            err=True,
        )
        sys.exit(EXIT_BAD_INPUT)
    summary = {
        "out": str(result.out),
        "release": result.release,
        "urls": len(result.answers),
        "files": result.files,
        "things": len(result.things),
        "withdrawn": len(result.gone),
        "bytes": result.bytes,
        "seconds": result.seconds,
    }
    if ctx.as_json:
        click.echo(json.dumps(summary, indent=1))
        return
    click.echo(
        f"Exported release {result.release}: {summary['urls']} URLs in {result.files} files "
        f"({result.bytes / 1024 / 1024:.1f} MiB; {len(result.things)} things, {len(result.gone)} withdrawn) "
        f"to {result.out} in {result.seconds} s.\n"
        f"Document root: {result.out}/site; nginx: {result.out}/nginx/; Apache: {result.out}/site/.htaccess; "
        f"Netlify/Cloudflare Pages: {result.out}/site/_redirects (docs/static-export.md)."
    )


@main.command()
@click.option(
    "--store", help="The SPARQL engine: an Oxigraph server's root or a query endpoint (setting: store; required)."
)
@click.option(
    "--graph-store",
    "graphs",
    help="Its Graph Store Protocol endpoint (setting: store_graphs; default: {store}store for an Oxigraph "
    "root, else the query endpoint).",
)
@click.option("--published", type=click.Path(path_type=Path), help="Publication folder (default: published/).")
@click.option("--graph", help="IRI of the named graph to load into (default: {base}dataset/graph/{release}).")
@click.option(
    "--keep",
    default=1,
    show_default=True,
    type=click.IntRange(min=0),
    help="Previous graphs kept in the engine (queries under way finish on them; rollback is one switch).",
)
@click.option("--dry-run", is_flag=True, help="Say what would be loaded, switched and dropped; change nothing.")
@click.option("--timeout", default=600.0, show_default=True, type=float, help="Seconds the upload may take.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def load(
    ctx: Context,
    store: str | None,
    graphs: str | None,
    published: Path | None,
    graph: str | None,
    keep: int,
    dry_run: bool,
    timeout: float,
    as_json: bool,
) -> None:
    """Load the published release into an external SPARQL engine (Graph Store Protocol), then switch to it."""
    from .load import load as run_load

    as_json = as_json or ctx.as_json
    try:
        settings = _with(ctx, published=published, store=store, store_graphs=graphs)
        if not settings.store:
            raise click.UsageError("give the engine with --store URL (or the setting store)")
        report = run_load(
            settings.published,
            settings.base,
            settings.store,
            settings.store_graphs,
            graph=graph,
            keep=keep,
            dry_run=dry_run,
            timeout=timeout,
            grace=2 * settings.store_poll + settings.query_timeout,
        )
    except KflError as exc:
        _fail(exc, as_json)
        return
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
    else:
        for line in report.lines():
            click.echo(line)


@main.command()
@click.argument("text", required=False)
@click.option(
    "--file",
    "-f",
    "path",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Read the query from a file (e.g. sparql/counts-per-space-type.rq).",
)
@click.option(
    "--format",
    "fmt",
    default=None,
    help="Result format: tsv (default), csv, json or xml for SELECT; json or xml for ASK; "
    "turtle (default), ntriples, jsonld or rdfxml for CONSTRUCT/DESCRIBE.",
)
@click.option("--published", type=click.Path(path_type=Path), help="Publication folder (default: published/).")
@click.option("--store", help="Ask this external SPARQL engine, as `kfl-lod serve --store` does (setting: store).")
@click.pass_obj
def query(
    ctx: Context, text: str | None, path: Path | None, fmt: str | None, published: Path | None, store: str | None
) -> None:
    """Run a SPARQL query with the server's engine and limits; print the results ('-' reads stdin)."""
    from .query.shell import run_query

    settings = _with(ctx, published=published, store=store)
    if path is not None:
        text = path.read_text(encoding="utf-8")
    elif text == "-" or text is None:
        if text is None and sys.stdin.isatty():
            raise click.UsageError("give a query, --file FILE, or '-' to read it from standard input")
        text = sys.stdin.read()
    _ensure_published(ctx, settings)
    try:
        reply = run_query(settings, text, fmt)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    if reply.status != 200:
        click.echo(f"Error: {reply.message.strip()}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    sys.stdout.buffer.write(reply.body)
    sys.stdout.flush()
    if reply.truncated:
        click.echo(f"Warning: results cut at {settings.max_rows} rows (setting max_rows).", err=True)


# --- the clerk's commands: template, diff, rollback (docs/source-format.md) -----------------


@main.command()
@click.option("--source", type=click.Path(path_type=Path), help="Source folder or workbook (default: source/).")
@click.option("--published", type=click.Path(path_type=Path), help="Publication folder (default: published/).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def diff(ctx: Context, source: Path | None, published: Path | None, as_json: bool) -> None:
    """Show what a build would change against the current release; publish nothing.

    Exit 0 when a build would publish, 1 on SHACL violations, 2 on problems in the source.
    """
    from .preview import preview, text_lines

    ctx.as_json = ctx.as_json or as_json
    settings = _with(ctx, source=source, published=published)
    try:
        report = preview(settings)
    except KflError as exc:
        _fail(exc, ctx.as_json)
        return
    if ctx.as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        for line in text_lines(report):
            click.echo(line)
    sys.exit(EXIT_BAD_INPUT if report["problems"] else EXIT_VIOLATIONS if report["violations"] else EXIT_OK)


@main.command()
@click.option(
    "--format", "fmt", type=click.Choice(["xlsx", "ods"]), help="Workbook format (default: from --out, else xlsx)."
)
@click.option("--with-data", is_flag=True, help="Fill the sheets with the records of the source.")
@click.option(
    "--source", type=click.Path(path_type=Path), help="Source folder or workbook for --with-data (default: source/)."
)
@click.option("--out", required=True, type=click.Path(path_type=Path, dir_okay=False), help="The workbook to write.")
@click.pass_obj
def template(ctx: Context, fmt: str | None, with_data: bool, source: Path | None, out: Path) -> None:
    """Write the source workbook for the clerk: sheets, header notes, drop-downs, checks, a guide."""
    from .template import source_rows, write

    settings = _with(ctx, source=source)
    suffix = out.suffix.lower().lstrip(".")
    fmt = fmt or (suffix if suffix in ("xlsx", "ods") else "xlsx")
    if suffix != fmt:
        raise click.UsageError(f"--out {out} does not end with .{fmt}; expected a file name like zestawienie.{fmt}")
    rows = {}
    if with_data:
        if not Path(settings.source).exists():
            raise click.UsageError(f"--with-data: the source {settings.source} does not exist")
        rows = source_rows(settings.source)
    write(out, fmt, rows)
    counts = ", ".join(f"{name}: {len(found)}" for name, found in rows.items())
    click.echo(f"Wrote {out}" + (f" with the records of {settings.source} ({counts})" if rows else " (empty)"))


@main.command()
@click.argument("name")
def publisher(name: str) -> None:
    """Make an access token for NAME to publish from the browser; print the line for the publishers file."""
    from .publishers import new_entry

    try:
        line, token = new_entry(name)
    except KflError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(line)
    click.echo(
        f"Add the line above to the publishers file (setting publishers); give {name} this token, shown only now:\n"
        f"Dopisz powyższy wiersz do pliku publishers; przekaż {name} ten klucz (widoczny tylko teraz):\n{token}",
        err=True,
    )


@main.command()
@click.option("--to", "to", help="Version of the kept release to publish again (default: the one before the current).")
@click.option("--published", type=click.Path(path_type=Path), help="Publication folder (default: published/).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_obj
def rollback(ctx: Context, to: str | None, published: Path | None, as_json: bool) -> None:
    """Undo the last publication: publish the previous release's content again."""
    from .rollback import rollback as run_rollback

    ctx.as_json = ctx.as_json or as_json
    settings = _with(ctx, published=published)
    try:
        done = run_rollback(settings, to)
    except KflError as exc:
        _fail(exc, ctx.as_json)
        return
    result = {
        "undone": done.undone,
        "restored": done.restored,
        "release": done.published.version,
        "new_release": done.published.new_release,
    }
    if ctx.as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        click.echo(
            f"Rolled back: published release {done.published.version} with the content of {done.restored}, "
            f"undoing {done.undone}. — Cofnięto {done.undone}: opublikowano wydanie {done.published.version} "
            f"z treścią wydania {done.restored}."
        )


if __name__ == "__main__":  # pragma: no cover
    main()
