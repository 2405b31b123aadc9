"""``hullguard harden IMAGE``: least-privilege run settings proposed from the image, never by running it."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TextIO

import typer
import yaml
from rich.console import Console
from rich.table import Table

from hullguard.cli._common import layer_cache, limits_from_env, output_stream, run_command
from hullguard.cli._target import ImageArg, ImageOpt, InsecureOpt, PlatformOpt, QuietOpt, open_for_cli
from hullguard.errors import ConfigError
from hullguard.harden import (
    HardenSettings,
    Proposal,
    collect_facts,
    compose_document,
    docker_command,
    facts_from_config,
    kubernetes_pod,
    proposal_document,
    propose,
)
from hullguard.image import RootfsTarget

__all__ = ["harden"]

_SIZE = re.compile(r"^(\d+)([bkmg]?)$", re.IGNORECASE)
_UNITS = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def parse_size(text: str, *, option: str) -> int:
    """``512m``, ``1g``, ``268435456``: Docker's size notation, in bytes."""
    match = _SIZE.match(text.strip())
    if match is None or int(match.group(1)) == 0:
        raise ConfigError(f"{option} {text!r} is not a size", hint="use a number with b, k, m or g (512m)")
    return int(match.group(1)) * _UNITS[match.group(2).lower()]


def _table(proposal: Proposal, out: TextIO) -> None:
    console = Console(file=out, width=None if out.isatty() else 160, highlight=False)
    table = Table(title=f"Least-privilege settings for {proposal.image}", title_justify="left")
    for column in ("SETTING", "VALUE", "WHY"):
        table.add_column(column, overflow="fold")
    for reason in proposal.reasons:
        why = f"[yellow]assumption:[/] {reason.why}" if reason.assumption else reason.why
        table.add_row(reason.setting, reason.value, why)
    console.print(table)
    for note in proposal.notes:
        console.print(f"note: {note}", markup=False)
    console.print("\n" + docker_command(proposal), markup=False, soft_wrap=True)


def _docker(proposal: Proposal, out: TextIO) -> None:
    out.write(docker_command(proposal) + "\n")


def _compose(proposal: Proposal, out: TextIO) -> None:
    yaml.safe_dump(compose_document(proposal), out, sort_keys=False)


def _kubernetes(proposal: Proposal, out: TextIO) -> None:
    yaml.safe_dump(kubernetes_pod(proposal), out, sort_keys=False)


def _json(proposal: Proposal, out: TextIO) -> None:
    json.dump(proposal_document(proposal), out, indent=2)
    out.write("\n")


_WRITERS: dict[str, Callable[[Proposal, TextIO], None]] = {
    "table": _table,
    "docker": _docker,
    "compose": _compose,
    "kubernetes": _kubernetes,
    "json": _json,
}


def harden(
    reference: ImageArg,
    format: Annotated[
        str, typer.Option("--format", "-f", help="table, docker, compose, kubernetes or json")
    ] = "table",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="write to FILE instead of stdout")
    ] = None,
    memory: Annotated[str, typer.Option("--memory", help="memory limit (swap off)")] = "512m",
    cpus: Annotated[float, typer.Option("--cpus", help="CPU cap in cores", min=0.01)] = 1.0,
    pids_limit: Annotated[int, typer.Option("--pids-limit", help="process/thread limit", min=1)] = 256,
    bind: Annotated[str, typer.Option("--bind", help="host address for published ports")] = "127.0.0.1",
    uid: Annotated[int, typer.Option("--uid", help="uid proposed when the image has no USER", min=1)] = 65532,
    name: Annotated[str, typer.Option("--name", help="container/service name in the output")] = "app",
    config_only: Annotated[
        bool, typer.Option("--config-only", help="read only the image config (no layer pass)")
    ] = False,
    platform: PlatformOpt = None,
    image: ImageOpt = None,
    insecure: InsecureOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Propose least-privilege run settings for IMAGE, each with its reason.

    Reads the image config (user, ports, volumes, healthcheck, entrypoint) and, in one layer
    pass, its packages and accounts. The image is never run.

    [bold]Examples[/]

      hullguard harden docker:nginx:1.25
      hullguard harden myapp:1 -f docker --memory 1g --bind 10.0.0.5
      hullguard harden oci-layout:./app -f kubernetes -o pod.yaml
    """

    def work() -> None:
        writer = _WRITERS.get(format)
        if writer is None:
            raise ConfigError(f"unknown format {format!r}", hint="use " + ", ".join(_WRITERS))
        settings = HardenSettings(
            memory_bytes=parse_size(memory, option="--memory"),
            cpus=cpus,
            pids_limit=pids_limit,
            bind_address=bind,
            fallback_uid=uid,
            name=name,
        )
        target = open_for_cli(reference, platform=platform, image=image, insecure=insecure, quiet=quiet)
        if isinstance(target, RootfsTarget):
            raise ConfigError(
                f"{reference}: a directory has no image config to harden", hint="give an image reference"
            )
        with target:
            facts = (
                facts_from_config(target)
                if config_only
                else collect_facts(target, limits=limits_from_env(), cache=layer_cache(enabled=True))
            )
        proposal = propose(facts, settings)
        with output_stream(output) as out:
            writer(proposal, out)

    run_command(work)
