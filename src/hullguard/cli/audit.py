"""``hullguard audit docker|podman``: the CIS Docker Benchmark on a live engine and its host."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from hullguard import __version__
from hullguard.audit import (
    AuditReport,
    EngineKind,
    EngineUnavailableError,
    GatherOptions,
    HostRoot,
    Status,
    Unavailable,
    build_checks,
    connect,
    gather,
    resolve_endpoint,
    run_checks,
    select_checks,
)
from hullguard.audit.writers import build_audit_writers, find_audit_writer
from hullguard.cli._common import fail, output_stream, run_command, stderr
from hullguard.errors import ConfigError

__all__ = ["app"]

app = typer.Typer(help="Audit live hosts against the CIS Docker Benchmark (read-only).", no_args_is_help=True)

FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table, json, sarif, junit or html")]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="write to FILE instead of stdout")]
ChecksOpt = Annotated[
    list[str] | None, typer.Option("--checks", help="only these checks: id, CIS id (5.5) or section (2)")
]
ExcludeOpt = Annotated[list[str] | None, typer.Option("--exclude", help="skip these checks (same names)")]
ExitOpt = Annotated[int, typer.Option("--exit-code", help="exit with this code when a check FAILs")]
HostOpt = Annotated[str | None, typer.Option("--host", "-H", help="engine URL (unix://, tcp://)")]
HostRootOpt = Annotated[
    Path | None, typer.Option("--host-root", help="read host files under DIR (a mounted host), read-only")
]
AllImagesOpt = Annotated[
    bool, typer.Option("--all-images", help="audit every local image, not only those in use")
]
TimeoutOpt = Annotated[float, typer.Option("--timeout", help="seconds to wait for each engine call")]


def _host_root(url: str, host_root: Path | None) -> HostRoot | None:
    """Host files are the engine's only when it is local (a unix socket) or a root is given."""
    if host_root is not None:
        if not host_root.is_dir():
            raise ConfigError(f"--host-root {host_root} is not a directory")
        return HostRoot(host_root.resolve())
    return HostRoot(Path("/")) if url.startswith("unix://") else None


def _audit(
    engine: EngineKind,
    *,
    fmt: str,
    output: Path | None,
    checks: list[str] | None,
    exclude: list[str] | None,
    exit_code: int,
    host: str | None,
    context: str | None,
    host_root: Path | None,
    all_images: bool,
    timeout: float,
) -> None:
    writer = find_audit_writer(build_audit_writers(), fmt)
    chosen = select_checks(build_checks(), checks or [], exclude or [])
    env = dict(os.environ)
    endpoint = resolve_endpoint(engine, host=host, context=context, env=env, home=Path.home())
    options = GatherOptions(
        engine,
        endpoint.url,
        _host_root(endpoint.url, host_root),
        every_local_image=all_images,
        content_trust=env.get("DOCKER_CONTENT_TRUST"),
    )
    facts = gather(lambda: connect(endpoint, engine=engine, timeout=timeout), options)
    results = run_checks(facts, chosen)
    report = AuditReport(engine.value, endpoint.url, tuple(results), facts.notes)
    with output_stream(output) as out:
        writer.write(report, out, tool_version=__version__)
    if isinstance(facts.info, Unavailable):
        fail(EngineUnavailableError(f"{facts.info.reason}; engine checks were skipped, host checks ran"))
    if not facts.containers:
        stderr.print("no running containers to audit")
    if exit_code and any(r.status is Status.FAIL for r in results):
        raise typer.Exit(exit_code)


@app.command("docker")
def docker(
    format: FormatOpt = "table",
    output: OutputOpt = None,
    checks: ChecksOpt = None,
    exclude: ExcludeOpt = None,
    exit_code: ExitOpt = 0,
    host: HostOpt = None,
    context: Annotated[str | None, typer.Option("--context", help="docker context to use")] = None,
    host_root: HostRootOpt = None,
    all_images: AllImagesOpt = False,
    timeout: TimeoutOpt = 30.0,
) -> None:
    """Check a Docker host, its daemon, files, images and running containers against CIS v1.6.0.

    Read-only: nothing is changed on the host; each failure says what to change. The engine is
    found like the docker CLI finds it (--host, DOCKER_HOST + DOCKER_TLS_VERIFY/DOCKER_CERT_PATH,
    --context / DOCKER_CONTEXT, the default socket).

    [bold]Examples[/]

      hullguard audit docker
      hullguard audit docker --checks 2 --checks 3 -f sarif -o audit.sarif
      hullguard audit docker --exclude 5.30 -f json -o audit.json --exit-code 1
      hullguard audit docker --host-root /mnt/host -H unix:///mnt/host/var/run/docker.sock
    """
    run_command(
        lambda: _audit(
            EngineKind.DOCKER,
            fmt=format,
            output=output,
            checks=checks,
            exclude=exclude,
            exit_code=exit_code,
            host=host,
            context=context,
            host_root=host_root,
            all_images=all_images,
            timeout=timeout,
        )
    )


@app.command("podman")
def podman(
    format: FormatOpt = "table",
    output: OutputOpt = None,
    checks: ChecksOpt = None,
    exclude: ExcludeOpt = None,
    exit_code: ExitOpt = 0,
    host: HostOpt = None,
    all_images: AllImagesOpt = False,
    timeout: TimeoutOpt = 30.0,
) -> None:
    """Check Podman's running containers and images through its Docker-compatible API.

    Daemon, file and swarm checks are Docker-only and report SKIP with the reason. The socket is
    --host, CONTAINER_HOST, $XDG_RUNTIME_DIR/podman/podman.sock, else /run/podman/podman.sock.

    [bold]Examples[/]

      hullguard audit podman
      hullguard audit podman --checks 5 -f json
    """
    run_command(
        lambda: _audit(
            EngineKind.PODMAN,
            fmt=format,
            output=output,
            checks=checks,
            exclude=exclude,
            exit_code=exit_code,
            host=host,
            context=None,
            host_root=None,
            all_images=all_images,
            timeout=timeout,
        )
    )
