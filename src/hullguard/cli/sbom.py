"""``hullguard sbom``: the software bill of materials of an image, directory or SBOM file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hullguard import __version__
from hullguard.cli._common import output_stream, run_command
from hullguard.cli._inventory import inventory_for_cli
from hullguard.cli._target import ImageArg, ImageOpt, InsecureOpt, PlatformOpt, QuietOpt
from hullguard.sbom import build_sbom_writers, find_writer

__all__ = ["sbom"]


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
        inventory = inventory_for_cli(
            reference, platform=platform, image=image, insecure=insecure, quiet=quiet, use_cache=not no_cache
        )
        with output_stream(output) as out:
            writer.write(inventory, out, tool_version=__version__)

    run_command(work)
