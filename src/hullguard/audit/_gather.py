"""Collect every fact an audit needs, each part on its own, into one :class:`AuditFacts`.

An unreachable engine does not stop the audit: host and file checks still run and the engine's
checks report SKIP with the reason. The caller decides how loud that is (the CLI exits 3).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from hullguard.audit._collect import (
    EngineApi,
    EngineUnavailableError,
    collect_containers,
    collect_images,
    collect_info,
    collect_swarm,
    collect_versions,
)
from hullguard.audit._collect_host import collect_host
from hullguard.audit._engine import InvalidEngineDataError
from hullguard.audit._gathered import AuditFacts, EngineKind, HostFacts, Unavailable
from hullguard.audit._hostfs import HostRoot

__all__ = ["GatherOptions", "gather"]


@dataclass(frozen=True, slots=True)
class GatherOptions:
    """What to collect, decided by the caller (the CLI reads flags and environment)."""

    engine: EngineKind
    endpoint: str
    """The engine's URL, used to find the dockerd serving it and its socket file."""
    host_root: HostRoot | None
    """The host to read files from; ``None`` when they cannot be the engine's (a remote engine)."""
    every_local_image: bool = False
    content_trust: str | None = None


@dataclass(frozen=True, slots=True)
class _Client:
    api: EngineApi


def gather(connect: Callable[[], EngineApi], options: GatherOptions) -> AuditFacts:
    """Collect the facts; ``connect`` opens the engine API (its failure is recorded, not raised)."""
    notes: list[str] = []
    facts = AuditFacts(
        engine=options.engine,
        endpoint=options.endpoint,
        info=Unavailable("not collected"),
        host=_host(options, notes),
        content_trust=options.content_trust,
    )
    try:
        api = connect()
        info = collect_info(api)
        versions = collect_versions(api)
        containers, container_notes = collect_containers(_Client(api))
        images, image_notes = collect_images(api, containers, every_local_image=options.every_local_image)
        notes.extend([*container_notes, *image_notes])
        swarm = collect_swarm(api, info)
    except (EngineUnavailableError, InvalidEngineDataError) as exc:
        missing = Unavailable(exc.message)
        return replace(facts, info=missing, images=missing, notes=(exc.message, *notes))
    return replace(
        facts,
        info=info,
        versions=versions,
        containers=tuple(containers),
        images=tuple(images),
        swarm=swarm,
        notes=tuple(notes),
    )


def _host(options: GatherOptions, notes: list[str]) -> HostFacts | Unavailable:
    if options.engine is not EngineKind.DOCKER:
        return Unavailable(
            f"Docker-only: {options.engine.value} has no dockerd, daemon.json or docker.service"
        )
    if options.host_root is None:
        return Unavailable(f"the engine at {options.endpoint} is remote; use --host-root to audit its host")
    host, host_notes = collect_host(options.host_root, options.endpoint)
    notes.extend(host_notes)
    return host
