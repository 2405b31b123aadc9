"""``hullguard image inspect``: layers, history, config and sizes of an image, without a pass over it."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from hullguard.cli._common import run_command
from hullguard.cli._target import ImageArg, ImageOpt, InsecureOpt, PlatformOpt, QuietOpt, open_for_cli
from hullguard.errors import ConfigError
from hullguard.image import Image, RootfsTarget

__all__ = ["app", "describe_image"]

app = typer.Typer(help="Look at images without scanning them.", no_args_is_help=True)


def _size(n: int) -> str:
    if n < 0:
        return "?"
    value = float(n)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{n} B"


def describe_image(image: Image) -> dict[str, Any]:
    """The JSON form of ``image inspect``: identity, run config, layers and full history."""
    cfg = image.config
    return {
        "name": image.name,
        "source": image.source,
        "digest": image.digest,
        "manifestDigest": image.manifest_digest,
        "manifestMediaType": image.manifest_media_type or None,
        "configDigest": image.config_digest,
        "repoTags": list(image.repo_tags),
        "repoDigests": list(image.repo_digests),
        "os": cfg.os,
        "architecture": cfg.architecture,
        "variant": cfg.variant,
        "created": cfg.created,
        "config": cfg.config.model_dump(exclude_none=True),
        "size": sum(layer.size for layer in image.layers if layer.size > 0),
        "layers": [
            {
                "index": layer.index,
                "digest": layer.digest,
                "diffID": layer.diff_id,
                "mediaType": layer.media_type,
                "size": layer.size,
                "createdBy": layer.created_by,
            }
            for layer in image.layers
        ],
        "history": [h.model_dump(exclude_none=True) for h in cfg.history],
    }


def _render(image: Image, console: Console) -> None:
    info = describe_image(image)
    summary = Table.grid(padding=(0, 2))
    for key in ("name", "digest", "configDigest", "os", "architecture", "created"):
        if info.get(key):
            summary.add_row(f"[bold]{key}[/]", str(info[key]))
    run = image.config.config
    for key, value in (
        ("user", run.User or "(root)"),
        ("entrypoint", " ".join(run.Entrypoint or [])),
        ("cmd", " ".join(run.Cmd or [])),
        ("workdir", run.WorkingDir),
        ("ports", ", ".join(run.ExposedPorts or {})),
        ("env", "\n".join(run.Env or [])),
        ("labels", "\n".join(f"{k}={v}" for k, v in (run.Labels or {}).items())),
        ("tags", ", ".join(image.repo_tags)),
        ("size", _size(info["size"])),
    ):
        if value:
            summary.add_row(f"[bold]{key}[/]", value)
    console.print(summary)
    layers = Table(title="Layers", title_justify="left")
    for column in ("#", "DIFF ID", "SIZE", "CREATED BY"):
        layers.add_column(column, overflow="fold")
    for layer in image.layers:
        layers.add_row(str(layer.index), layer.diff_id[7:19], _size(layer.size), layer.created_by or "-")
    console.print(layers)
    history = Table(title="History", title_justify="left")
    for column in ("CREATED", "STEP", "LAYER"):
        history.add_column(column, overflow="fold")
    for entry in image.config.history:
        history.add_row(entry.created or "-", entry.created_by or "-", "no" if entry.empty_layer else "yes")
    if image.config.history:
        console.print(history)


@app.command("inspect")
def inspect(
    reference: ImageArg,
    format: Annotated[str, typer.Option("--format", "-f", help="table or json")] = "table",
    platform: PlatformOpt = None,
    image: ImageOpt = None,
    insecure: InsecureOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Show an image's identity, run configuration, layers (sizes, steps) and history.

    [bold]Examples[/]

      hullguard image inspect docker-archive:app.tar
      hullguard image inspect localhost:5000/team/app:1 -f json
    """

    def work() -> None:
        if format not in ("table", "json"):
            raise ConfigError(f"unknown format {format!r}", hint="use table or json")
        target = open_for_cli(reference, platform=platform, image=image, insecure=insecure, quiet=quiet)
        if isinstance(target, RootfsTarget):
            raise ConfigError(f"{target.name} is a directory, not an image", hint="use hullguard sbom on it")
        with target:
            if format == "json":
                typer.echo(json.dumps(describe_image(target), indent=2))
            else:
                _render(target, Console())

    run_command(work)
