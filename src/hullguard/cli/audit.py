"""``hullguard audit docker``: the CIS Docker Benchmark on a live engine's running containers."""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.console import Console
from rich.table import Table

from hullguard.audit import (
    PLUGINS,
    CheckResult,
    ContainerCheck,
    EngineUnavailableError,
    Status,
    audit_containers,
    collect_containers,
)
from hullguard.cli._common import output_stream, run_command, stderr
from hullguard.errors import ConfigError
from hullguard.image._resolve import engine_client

__all__ = ["app"]

app = typer.Typer(help="Audit live hosts against the CIS Docker Benchmark (read-only).", no_args_is_help=True)

_STYLE = {Status.FAIL: "bold red", Status.WARN: "yellow", Status.PASS: "green", Status.INFO: "cyan"}


def _chosen(checks: list[str] | None, exclude: list[str] | None) -> list[ContainerCheck]:
    def matches(check: ContainerCheck, names: list[str]) -> bool:
        return any(n in (check.id, check.cis_id) for n in names)

    chosen = [c for c in PLUGINS if not checks or matches(c, checks)]
    chosen = [c for c in chosen if not exclude or not matches(c, exclude)]
    if not chosen:
        raise ConfigError(
            "no check left to run",
            hint="--checks and --exclude take ids (container.privileged) or CIS ids (5.4)",
        )
    return chosen


def _table(results: list[CheckResult], notes: list[str], out: TextIO) -> None:
    console = Console(file=out, width=None if out.isatty() else 160, highlight=False)
    table = Table(title="CIS Docker Benchmark v1.6 - 5 Container Runtime", title_justify="left")
    for column in ("CIS", "CHECK", "CONTAINER", "STATUS", "EVIDENCE"):
        table.add_column(column, overflow="fold")
    for result in results:
        style = _STYLE.get(result.status, "")
        table.add_row(
            result.cis_id,
            result.title,
            result.target,
            f"[{style}]{result.status}[/]" if style else result.status,
            result.evidence,
        )
    console.print(table)
    counts = Counter(r.status.value for r in results)
    console.print("Total: " + ", ".join(f"{s}: {counts.get(s.value, 0)}" for s in Status))
    for note in notes:
        console.print(f"note: {note}", markup=False)


def _json(results: list[CheckResult], notes: list[str], out: TextIO) -> None:
    document = {
        "schemaVersion": "1.0",
        "benchmark": "CIS Docker Benchmark v1.6.0",
        "results": [{**asdict(r), "status": r.status.value} for r in results],
        "summary": dict(Counter(r.status.value for r in results)),
        "notes": notes,
    }
    json.dump(document, out, indent=2)
    out.write("\n")


@app.command("docker")
def docker(
    format: Annotated[str, typer.Option("--format", "-f", help="table or json")] = "table",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="write to FILE instead of stdout")
    ] = None,
    checks: Annotated[
        list[str] | None, typer.Option("--checks", help="only these checks (id or CIS id)")
    ] = None,
    exclude: Annotated[
        list[str] | None, typer.Option("--exclude", help="skip these checks (id or CIS id)")
    ] = None,
    exit_code: Annotated[int, typer.Option("--exit-code", help="exit with this code when a check FAILs")] = 0,
) -> None:
    """Check every running container of the Docker engine (DOCKER_HOST) against CIS section 5.

    Read-only: nothing is changed on the host; each failure says what to change.

    [bold]Examples[/]

      hullguard audit docker
      hullguard audit docker --exclude 5.29 -f json -o audit.json --exit-code 1
    """

    def work() -> None:
        if format not in ("table", "json"):
            raise ConfigError(f"unknown format {format!r}", hint="use table or json")
        chosen = _chosen(checks, exclude)
        host = os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock"
        try:
            client = engine_client(host, 30.0)
        except Exception as exc:  # docker.errors.DockerException wraps many causes
            raise EngineUnavailableError(
                f"cannot reach the Docker engine at {host}: {exc}", hint="start dockerd or set DOCKER_HOST"
            ) from exc
        facts, notes = collect_containers(client)
        results = audit_containers(facts, chosen)
        with output_stream(output) as out:
            (_json if format == "json" else _table)(results, notes, out)
        if not facts:
            stderr.print("no running containers to audit")
        if exit_code and any(r.status is Status.FAIL for r in results):
            raise typer.Exit(exit_code)

    run_command(work)
