"""The ``hullguard`` command line: one module per command group, each a thin client of the library."""

from __future__ import annotations

import typer

from hullguard import __version__
from hullguard.cli import image as image_commands
from hullguard.cli import sbom as sbom_commands

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
app.add_typer(image_commands.app, name="image")


@app.command("version")
def version() -> None:
    """Print the hullguard version."""
    typer.echo(f"hullguard {__version__}")


def main() -> None:
    """Console-script entry point."""
    app()
