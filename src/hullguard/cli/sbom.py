"""``hullguard sbom``: the software bill of materials of an image, directory or SBOM file."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from hullguard import __version__
from hullguard.analyze import analyze_target, build_analyzers
from hullguard.cli._common import (
    BarProgress,
    layer_cache,
    limits_from_env,
    output_stream,
    run_command,
    show_progress,
    stderr,
)
from hullguard.cli._target import ImageArg, ImageOpt, InsecureOpt, PlatformOpt, QuietOpt, open_for_cli
from hullguard.errors import SbomError
from hullguard.inventory import Inventory
from hullguard.sbom import build_sbom_writers, find_writer, read_sbom

__all__ = ["sbom"]


def _formats() -> str:
    return ", ".join(build_sbom_writers().ids())


def _inventory(
    reference: str, *, platform: str | None, image: str | None, insecure: bool, quiet: bool, use_cache: bool
) -> Inventory:
    if reference.startswith("sbom:"):
        path = Path(reference.removeprefix("sbom:"))
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise SbomError(f"{reference}: cannot read: {exc.strerror}") from exc
        return read_sbom(data, where=str(path))
    target = open_for_cli(reference, platform=platform, image=image, insecure=insecure, quiet=quiet)
    limits = limits_from_env()
    started = time.monotonic()
    try:
        with BarProgress(enabled=show_progress(quiet)) as progress:
            inventory = analyze_target(
                target,
                build_analyzers(),
                limits=limits,
                cache=layer_cache(enabled=use_cache),
                progress=progress,
            )
    finally:
        close = getattr(target, "close", None)
        if callable(close):
            close()
    if not quiet:
        stderr.print(
            f"[dim]{len(inventory.packages)} packages in {reference} ({time.monotonic() - started:.2f}s)[/]",
            markup=True,
        )
    return inventory


def sbom(
    reference: ImageArg,
    format: Annotated[
        str, typer.Option("--format", "-f", help="table, json, cyclonedx-json (cyclonedx), spdx-json (spdx)")
    ] = "table",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="write to FILE instead of stdout")
    ] = None,
    platform: PlatformOpt = None,
    image: ImageOpt = None,
    insecure: InsecureOpt = False,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="ignore and do not fill the layer cache")
    ] = False,
    quiet: QuietOpt = False,
) -> None:
    """List every package in an image: OS (dpkg, apk, rpm) and language (Python, npm, Go, Java, ...).

    [bold]Examples[/]

      hullguard sbom docker-archive:app.tar
      hullguard sbom oci-layout:./app-oci:latest -f cyclonedx -o app.cdx.json
      hullguard sbom docker:nginx:1.25 -f spdx-json -o nginx.spdx.json
      hullguard sbom registry.example.com/team/app@sha256:... --platform linux/arm64
      hullguard sbom sbom:app.cdx.json -f table     (read an existing CycloneDX/SPDX file)
    """

    def work() -> None:
        writer = find_writer(build_sbom_writers(), format)
        inventory = _inventory(
            reference, platform=platform, image=image, insecure=insecure, quiet=quiet, use_cache=not no_cache
        )
        with output_stream(output) as out:
            writer.write(inventory, out, tool_version=__version__)

    run_command(work)
