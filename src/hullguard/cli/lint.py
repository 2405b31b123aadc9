"""``hullguard lint``: Dockerfiles, compose files and Kubernetes manifests, findings at file:line."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated

import typer

from hullguard import __version__
from hullguard.cli._common import output_stream, run_command, stderr
from hullguard.errors import ConfigError
from hullguard.inventory import Inventory
from hullguard.misconfig._config import load_lint_options
from hullguard.misconfig._lint import FileKind, lint_paths
from hullguard.report import ScanReport, Severity, build_report_writers, find_report_writer

__all__ = ["lint"]


def _csv(values: list[str] | None) -> frozenset[str]:
    return frozenset(v.strip() for value in values or () for v in value.split(",") if v.strip())


def _threshold(word: str) -> Severity:
    severity = Severity.parse(word)
    if severity is Severity.UNKNOWN and word.upper() != "UNKNOWN":
        raise ConfigError(f"--severity: unknown rating {word!r}", hint="LOW, MEDIUM, HIGH or CRITICAL")
    return severity


def lint(
    paths: Annotated[list[Path], typer.Argument(help="files or directories (searched recursively)")],
    format: Annotated[str, typer.Option("--format", "-f", help="table, json, sarif, html, junit")] = "table",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="write to FILE instead of stdout")
    ] = None,
    severity: Annotated[
        str, typer.Option("--severity", "-s", help="lowest rating to report: LOW, MEDIUM, HIGH, CRITICAL")
    ] = "LOW",
    exit_code: Annotated[
        int, typer.Option("--exit-code", help="exit with this code when any finding remains (CI gate)")
    ] = 0,
    checks: Annotated[
        list[str] | None,
        typer.Option("--checks", help="only these check ids (ours or hadolint's), comma-separated"),
    ] = None,
    exclude: Annotated[list[str] | None, typer.Option("--exclude", help="skip these check ids")] = None,
    config: Annotated[
        Path | None,
        typer.Option("--config", help="YAML config; default ./.hullguard.yaml, else ./.hadolint.yaml"),
    ] = None,
    kind: Annotated[
        FileKind | None, typer.Option("--type", help="treat every file as this kind instead of guessing")
    ] = None,
    no_shellcheck: Annotated[
        bool, typer.Option("--no-shellcheck", help="do not run ShellCheck on RUN instructions")
    ] = False,
    policy: Annotated[
        list[Path] | None, typer.Option("--policy", help="directory of custom Rego checks (repeatable)")
    ] = None,
) -> None:
    """Check Dockerfiles, docker-compose files and Kubernetes manifests for insecure settings.

    Directories are searched for Dockerfile/Containerfile (any *.Dockerfile or Dockerfile.*) and
    YAML files; compose files are told by their [bold]services:[/] key, manifests by
    [bold]apiVersion[/]/[bold]kind[/]. Multi-document YAML and rendered Helm or kustomize output
    work as they are. A file named on the command line that cannot be read or parsed exits with
    code 2; one found in a directory is listed as a note and the rest are still checked.
    Inline [bold]# hadolint ignore=DL3008[/] and [bold]# hullguard:ignore=HG-DF-008[/] comments
    are honoured.

    [bold]Examples[/]

      hullguard lint Dockerfile
      hullguard lint . --severity MEDIUM --exit-code 1
      helm template chart/ | tee rendered.yaml && hullguard lint rendered.yaml -f sarif -o lint.sarif
      hullguard lint deploy/ --policy policies/ --exclude HG-K8S-012
    """

    def work() -> None:
        writer = find_report_writer(build_report_writers(), format)
        options, used = load_lint_options(config)
        options = dataclasses.replace(
            options,
            include=options.include | _csv(checks),
            exclude=options.exclude | _csv(exclude),
            shellcheck=options.shellcheck and not no_shellcheck,
            minimum_severity=_threshold(severity),
        )
        if used is not None:
            stderr.print(f"using lint configuration {used}", highlight=False)
        result = lint_paths(paths, options, forced_kind=kind, policies=tuple(policy or ()))
        report = ScanReport(
            inventory=Inventory(os=None, packages=()),
            vulnerabilities=(),
            notes=result.notes,
            target=" ".join(str(p) for p in paths),
            misconfigurations=result.findings,
            scanners=("misconfig",),
        )
        with output_stream(output) as out:
            writer.write(report, out, tool_version=__version__)
        named_files = {str(p) for p in paths if not p.is_dir()}
        if any(note.path in named_files for note in result.notes):
            raise typer.Exit(2)
        if exit_code and result.findings:
            raise typer.Exit(exit_code)

    run_command(work)
