"""The ``hullguard`` command line: one module per command group, each a thin client of the library."""

from __future__ import annotations

import sys

import typer

from hullguard import __version__
from hullguard.cli import audit as audit_commands
from hullguard.cli import db as db_commands
from hullguard.cli import image as image_commands
from hullguard.cli import sbom as sbom_commands
from hullguard.cli import scan as scan_commands

__all__ = ["app", "main"]

app = typer.Typer(
    name="hullguard",
    help=(
        "Secure containers across their whole life: inventory (SBOM) of any image, and more.\n\n"
        "IMAGE may be docker-archive:FILE, oci-layout:DIR[:tag|@digest], docker:NAME, podman:NAME, "
        "rootfs:DIR, or a registry reference (host/repo:tag, repo@sha256:...). Without a prefix, an "
        "existing path is read from disk, then the local Docker engine is asked, then the registry."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
app.command("sbom")(sbom_commands.sbom)
app.command("scan")(scan_commands.scan)
app.add_typer(image_commands.app, name="image")
app.add_typer(db_commands.app, name="db")
app.add_typer(audit_commands.app, name="audit")


@app.command("version")
def version() -> None:
    """Print the hullguard version."""
    typer.echo(f"hullguard {__version__}")


_SWITCH_INTERVAL = 0.0002
"""Seconds a thread may hold the GIL before another gets it: 25x shorter than CPython's default.

The layer pass runs decoding and hashing threads (which release the GIL for their C work) beside
the tar parser (which holds it); with the default 5 ms they wait for the parser at every hand-off.
Measured on the benchmark image: 1.22 s -> 0.93 s for the docker-archive layer pass.
"""


def main() -> None:
    """Console-script entry point."""
    sys.setswitchinterval(_SWITCH_INTERVAL)
    app()
