"""``hullguard scan``: known vulnerabilities of an image, an SBOM file or a project directory."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer

from hullguard import __version__
from hullguard.cli._common import cache_dir, output_stream, run_command, stderr
from hullguard.cli._inventory import inventory_for_cli, read_sbom_file
from hullguard.cli._target import ImageOpt, InsecureOpt, PlatformOpt, QuietOpt
from hullguard.errors import ConfigError
from hullguard.inventory import Inventory
from hullguard.match import IgnoreRules, ScanOptions, parse_ignore_file, parse_vex
from hullguard.match._scan import scan_inventory
from hullguard.misconfig import LintOptions
from hullguard.report import (
    MisconfigFinding,
    ScanReport,
    SecretFinding,
    Severity,
    build_report_writers,
    find_report_writer,
)
from hullguard.scanners import Scanner, add_findings, empty_report, image_misconfigurations, parse_scanners
from hullguard.vulndb import VulnStore, db_path_in

__all__ = ["scan"]

_DEFAULT_IGNOREFILE = Path(".hullguardignore")


def _severities(text: str) -> frozenset[Severity]:
    chosen = set()
    for word in filter(None, (w.strip() for w in text.split(","))):
        severity = Severity.parse(word)
        if severity is Severity.UNKNOWN and word.upper() != "UNKNOWN":
            raise ConfigError(
                f"--severity: unknown rating {word!r}", hint="use UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL"
            )
        chosen.add(severity)
    return frozenset(chosen) or frozenset(Severity)


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{what} {path}: cannot read: {exc.strerror}") from exc


def _ignore_rules(path: Path | None) -> IgnoreRules:
    if path is None:
        if not _DEFAULT_IGNOREFILE.is_file():
            return IgnoreRules((), ())
        path = _DEFAULT_IGNOREFILE
    return parse_ignore_file(_read(path, "--ignorefile"), where=str(path), today=date.today())


def _inventory(mode: str, target: str, **flags: object) -> Inventory:
    if mode == "sbom":
        return read_sbom_file(Path(target))
    reference = f"rootfs:{target}" if mode == "fs" else target
    return inventory_for_cli(reference, **flags)  # type: ignore[arg-type]


def _chosen_scanners(text: str | None, mode: str) -> tuple[Scanner, ...]:
    """An SBOM holds packages only: by default it gets the vulnerability scan alone."""
    if text is None:
        return (Scanner.VULN,) if mode == "sbom" else tuple(Scanner)
    chosen = parse_scanners(text)
    if mode == "sbom" and chosen != (Scanner.VULN,):
        raise ConfigError("an SBOM holds no files or settings: only --scanners vuln applies to it")
    return chosen


def _misconfigurations(mode: str, target: str, inventory: Inventory) -> list[MisconfigFinding]:
    """Image settings for images; Dockerfiles, compose files and manifests for directories."""
    if mode == "fs":
        from hullguard.misconfig._lint import lint_paths  # noqa: PLC0415

        return list(lint_paths([Path(target)], LintOptions()).findings)
    return image_misconfigurations(inventory, target, LintOptions())


def _split(args: list[str]) -> tuple[str, str]:
    if len(args) == 2 and args[0] in ("sbom", "fs", "image"):
        return args[0], args[1]
    if len(args) == 1:
        return "image", args[0]
    raise ConfigError(
        f"expected [sbom|fs] TARGET, got {' '.join(args)!r}",
        hint="hullguard scan IMAGE | hullguard scan sbom FILE | hullguard scan fs DIR",
    )


def scan(
    args: Annotated[
        list[str], typer.Argument(metavar="[sbom|fs] TARGET", help="an image, or sbom FILE, or fs DIR")
    ],
    format: Annotated[
        str, typer.Option("--format", "-f", help="table, json, sarif, cyclonedx, html, junit")
    ] = "table",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="write to FILE instead of stdout")
    ] = None,
    severity: Annotated[
        str, typer.Option("--severity", "-s", help="ratings to report, e.g. HIGH,CRITICAL")
    ] = "UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL",
    ignore_unfixed: Annotated[
        bool, typer.Option("--ignore-unfixed", help="only findings with a fix")
    ] = False,
    exit_code: Annotated[
        int, typer.Option("--exit-code", help="exit with this code when any finding remains (CI gate)")
    ] = 0,
    scanners: Annotated[
        str | None,
        typer.Option(
            "--scanners",
            help="what to look for: vuln,secret,misconfig (default: all; vuln only for an SBOM)",
        ),
    ] = None,
    secret_config: Annotated[
        Path | None,
        typer.Option("--secret-config", help="YAML with custom secret rules, disabled rules and allowlists"),
    ] = None,
    decryption_key: Annotated[
        list[Path] | None,
        typer.Option(
            "--decryption-key", help="private key for an encrypted image (repeatable); nothing is written"
        ),
    ] = None,
    ignorefile: Annotated[
        Path | None, typer.Option("--ignorefile", help="accepted risks (YAML); default ./.hullguardignore")
    ] = None,
    vex: Annotated[
        list[Path] | None, typer.Option("--vex", help="OpenVEX or CycloneDX VEX file (repeatable)")
    ] = None,
    platform: PlatformOpt = None,
    image: ImageOpt = None,
    insecure: InsecureOpt = False,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="ignore and do not fill the layer cache")
    ] = False,
    quiet: QuietOpt = False,
) -> None:
    """Find vulnerabilities, secrets and misconfigurations in an image, a directory or an SBOM, offline.

    [bold]vuln[/]: known vulnerabilities (OSV advisories) of OS and language packages; needs the
    database: [bold]hullguard db update[/] (online) or [bold]hullguard db import BUNDLE[/] (air-gapped).
    [bold]secret[/]: credentials in every layer, also in files a later layer deleted, and in the
    image config (ENV, labels, build arguments). [bold]misconfig[/]: the image's settings (root
    user, healthcheck, setuid files, caches, ...) or, for a directory, its Dockerfiles, compose
    files and Kubernetes manifests. One pass over the layers serves all three.

    [bold]Examples[/]

      hullguard scan docker-archive:app.tar
      hullguard scan localhost:5000/team/app:1 --severity HIGH,CRITICAL --exit-code 1
      hullguard scan sbom app.cdx.json -f sarif -o app.sarif
      hullguard scan fs . --ignore-unfixed --vex app.openvex.json -f html -o report.html
      hullguard scan docker:app:1 --scanners secret,misconfig -f sarif -o findings.sarif
    """

    def work() -> None:
        mode, target = _split(args)
        chosen = _chosen_scanners(scanners, mode)
        writer = find_report_writer(build_report_writers(), format)
        chosen_severities = _severities(severity)
        options = ScanOptions(
            severities=chosen_severities,
            ignore_unfixed=ignore_unfixed,
            ignore=_ignore_rules(ignorefile),
            vex=tuple(s for path in vex or () for s in parse_vex(_read(path, "--vex"), where=str(path))),
        )
        rules = None
        if Scanner.SECRET in chosen:
            from hullguard.secrets import load_rules  # noqa: PLC0415

            rules = load_rules(secret_config)
        extra = []
        if rules is not None:
            from hullguard.analyze.secrets import SecretAnalyzer  # noqa: PLC0415

            extra.append(SecretAnalyzer(rules))
        flags = {
            "platform": platform,
            "image": image,
            "insecure": insecure,
            "quiet": quiet,
            "use_cache": not no_cache,
            "extra_analyzers": extra,
            "decryption_keys": tuple(decryption_key or ()),
        }
        if Scanner.VULN in chosen:
            with VulnStore.open_readonly(db_path_in(cache_dir())) as store:
                inventory = _inventory(mode, target, **flags)
                report = scan_inventory(
                    inventory, store, options=options, target=target, now=datetime.now(UTC)
                )
        else:
            inventory = _inventory(mode, target, **flags)
            report = empty_report(inventory, target)
        secrets: tuple[SecretFinding, ...] = ()
        if rules is not None:
            from hullguard.secrets import secret_findings  # noqa: PLC0415

            secrets = secret_findings(inventory, rules)
        misconfigurations = _misconfigurations(mode, target, inventory) if Scanner.MISCONFIG in chosen else []
        report = add_findings(
            report,
            scanners=chosen,
            secrets=secrets,
            misconfigurations=misconfigurations,
            severities=chosen_severities,
        )
        with output_stream(output) as out:
            writer.write(report, out, tool_version=__version__)
        _finish(report, quiet=quiet, exit_code=exit_code)

    run_command(work)


def _finish(report: ScanReport, *, quiet: bool, exit_code: int) -> None:
    if not quiet:
        for warning in report.warnings:
            stderr.print(f"[yellow]warning:[/] {warning}", markup=True, soft_wrap=True)
    if exit_code and (report.vulnerabilities or report.secrets or report.misconfigurations):
        raise typer.Exit(exit_code)
