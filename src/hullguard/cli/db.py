"""``hullguard db``: import, update, inspect and export the vulnerability database."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from hullguard.cli._common import Amounts, BarProgress, cache_dir, run_command, show_progress, stderr
from hullguard.errors import ConfigError
from hullguard.vulndb import (
    DEFAULT_BASE_URL,
    DEFAULT_ECOSYSTEMS,
    DbStatus,
    ImportResult,
    VulnStore,
    db_path_in,
    export_bundle,
    import_into,
    update,
)

if TYPE_CHECKING:
    import httpx

__all__ = ["app"]

app = typer.Typer(help="The vulnerability database (OSV records in SQLite).", no_args_is_help=True)

QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="no progress bars on stderr")]


def _client() -> httpx.Client:
    """An HTTP client for downloads; httpx is imported here, as only ``db`` commands need it."""
    import httpx  # noqa: PLC0415 - keeps ~45 ms of start-up off every other command

    return httpx.Client(timeout=httpx.Timeout(30.0, read=120.0), follow_redirects=True)


def _report_import(result: ImportResult) -> None:
    stderr.print(
        f"{result.name}: {result.stored} records stored, {result.superseded} superseded by newer copies,"
        f" {result.skipped_count} skipped",
        markup=False,
    )
    for skipped in result.skipped:
        stderr.print(f"  skipped {skipped.where}: {skipped.reason}", markup=False)


@app.command("import")
def import_(
    sources: Annotated[list[str], typer.Argument(help="zip, directory, .json record, URL or bundle")],
    quiet: QuietOpt = False,
) -> None:
    """Import OSV records (osv.dev all.zip, a directory tree, one record, a URL) or an export bundle.

    [bold]Examples[/]

      hullguard db import PyPI/all.zip npm/all.zip
      hullguard db import ./advisory-database/advisories
      hullguard db import hullguard-db.tar
    """

    def work() -> None:
        with BarProgress(enabled=show_progress(quiet), amounts=Amounts.ITEMS) as bars, _client() as http:
            results = import_into(
                db_path_in(cache_dir()), sources, http=http, progress=bars.items, now=datetime.now(UTC)
            )
        for result in results:
            _report_import(result)

    run_command(work)


@app.command("update")
def update_(
    base_url: Annotated[
        str,
        typer.Option("--base-url", envvar="HULLGUARD_DB_URL", help="OSV mirror: <base>/<Ecosystem>/all.zip"),
    ] = DEFAULT_BASE_URL,
    ecosystem: Annotated[
        list[str] | None, typer.Option("--ecosystem", "-e", help="repeatable; default: every supported one")
    ] = None,
    quiet: QuietOpt = False,
) -> None:
    """Download changed ecosystems from an OSV mirror and swap in the new database atomically.

    [bold]Examples[/]

      hullguard db update
      hullguard db update --base-url https://mirror.example/osv -e PyPI -e Debian
    """

    def work() -> None:
        with BarProgress(enabled=show_progress(quiet), amounts=Amounts.ITEMS) as bars, _client() as http:
            result = update(
                db_path_in(cache_dir()),
                base_url=base_url,
                ecosystems=ecosystem or DEFAULT_ECOSYSTEMS,
                http=http,
                progress=bars,
                now=datetime.now(UTC),
            )
        for item in result.ecosystems:
            if item.result is None:
                stderr.print(f"{item.ecosystem}: unchanged", markup=False)
            else:
                _report_import(item.result)
        stderr.print("database replaced" if result.replaced else "database unchanged", markup=False)

    run_command(work)


def status_json(status: DbStatus, now: datetime) -> dict[str, Any]:
    """The JSON form of ``db status``."""
    age = status.age(now)
    return {
        "path": str(status.path),
        "schemaVersion": status.schema_version,
        "records": status.records,
        "withdrawn": status.withdrawn,
        "newestModified": status.newest_modified.isoformat() if status.newest_modified else None,
        "ageDays": None if age is None else round(age / timedelta(days=1), 1),
        "sources": [
            {
                "name": s.name,
                "url": s.url,
                "etag": s.etag,
                "lastModified": s.last_modified,
                "importedAt": s.imported_at,
                "imported": s.imported,
                "live": s.live,
            }
            for s in status.sources
        ],
        "ecosystems": {e.ecosystem: {"records": e.records, "entries": e.entries} for e in status.ecosystems},
    }


def _render_status(status: DbStatus, console: Console) -> None:
    console.print(
        f"[bold]database[/] {status.path}  ({status.records:,} records, {status.withdrawn} withdrawn)"
    )
    sources = Table(title="Sources", title_justify="left")
    for column in ("NAME", "RECORDS", "IMPORTED", "URL"):
        sources.add_column(column, overflow="fold")
    for s in status.sources:
        sources.add_row(s.name, f"{s.live:,}", s.imported_at, s.url)
    console.print(sources)
    ecosystems = Table(title="Ecosystems", title_justify="left")
    for column in ("ECOSYSTEM", "RECORDS", "ENTRIES"):
        ecosystems.add_column(column)
    for e in status.ecosystems:
        ecosystems.add_row(e.ecosystem, f"{e.records:,}", f"{e.entries:,}")
    console.print(ecosystems)


@app.command("status")
def status(
    format: Annotated[str, typer.Option("--format", "-f", help="table or json")] = "table",
    max_age: Annotated[
        int, typer.Option("--max-age", help="warn when the newest record is older (days)")
    ] = 7,
) -> None:
    """Show sources, record counts per ecosystem and how current the database is."""

    def work() -> None:
        if format not in ("table", "json"):
            raise ConfigError(f"unknown format {format!r}", hint="use table or json")
        now = datetime.now(UTC)
        with VulnStore.open_readonly(db_path_in(cache_dir())) as store:
            current = store.status()
        if format == "json":
            typer.echo(json.dumps(status_json(current, now), indent=2))
        else:
            _render_status(current, Console())
        if current.is_stale(now, timedelta(days=max_age)):
            newest = current.newest_modified.date() if current.newest_modified else "none"
            stderr.print(
                f"[yellow]warning:[/] newest record is from {newest}, older than {max_age} days;"
                " run `hullguard db update`",
                markup=True,
            )

    run_command(work)


@app.command("export")
def export(
    output: Annotated[Path, typer.Option("--output", "-o", help="bundle file to write (a tar)")],
) -> None:
    """Write the database as one checksummed bundle, for `hullguard db import` on an air-gapped host."""

    def work() -> None:
        manifest = export_bundle(db_path_in(cache_dir()), output, now=datetime.now(UTC))
        stderr.print(f"wrote {output}: {manifest.records:,} records, sha256 {manifest.sha256}", markup=False)

    run_command(work)
