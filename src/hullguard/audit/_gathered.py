"""Everything an audit collected, as one immutable value the checks read.

Any part that could not be collected is an :class:`Unavailable` carrying the reason, so a check
that needs it reports SKIP with that reason while every other check still runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from hullguard.audit._daemon_config import DaemonSettings
from hullguard.audit._engine import DaemonInfo, ImageFacts, SwarmFacts
from hullguard.audit._facts import ContainerFacts
from hullguard.audit._hostfs import FileStat

__all__ = ["AuditFacts", "DaemonProcess", "EngineKind", "HostFacts", "Mount", "Unavailable"]


class EngineKind(StrEnum):
    """Which engine answers: daemon and file checks are written for Docker's."""

    DOCKER = "docker"
    PODMAN = "podman"


@dataclass(frozen=True, slots=True)
class Unavailable:
    """A part of the facts that could not be collected, and why."""

    reason: str


@dataclass(frozen=True, slots=True)
class Mount:
    """One line of mountinfo: where, which device, and which directory of that device."""

    point: str
    device: str
    """``major:minor``; a bind mount has the device of the filesystem it comes from."""
    fs_root: str


@dataclass(frozen=True, slots=True)
class DaemonProcess:
    """The dockerd serving the audited engine: its pid, command line and settings."""

    pid: int
    argv: tuple[str, ...]
    settings: DaemonSettings
    config_error: str | None = None
    """Why ``daemon.json`` could not be read (not JSON, unreadable); its keys are then missing."""


@dataclass(frozen=True, slots=True)
class HostFacts:
    """What was read from the host's files and processes (read-only)."""

    root: str
    """``/`` or the ``--host-root`` directory."""
    mounts: tuple[Mount, ...] | Unavailable
    audit_rules: tuple[str, ...] | Unavailable
    """Rule lines from ``/etc/audit`` and, on the local host, ``auditctl -l``."""
    docker_group: tuple[str, ...] | Unavailable
    """Members of the ``docker`` group in ``/etc/group``."""
    group_ids: Mapping[str, int]
    """Group name -> gid from the host's ``/etc/group`` (the socket must belong to ``docker``)."""
    daemon: DaemonProcess | Unavailable
    paths: Mapping[str, tuple[str, ...]]
    """File role (``docker.service``, ``tlscacert``...) -> the host paths found for it."""
    stats: Mapping[str, FileStat]
    """Host path -> ownership and mode, for every path in ``paths``."""
    listeners: tuple[tuple[str, int], ...] | Unavailable = ()
    """TCP sockets listening on the host: (address, port)."""


@dataclass(frozen=True, slots=True)
class AuditFacts:
    """The input of every check: engine answers, host facts, and the auditing environment."""

    engine: EngineKind
    endpoint: str
    info: DaemonInfo | Unavailable
    host: HostFacts | Unavailable
    containers: tuple[ContainerFacts, ...] = ()
    images: tuple[ImageFacts, ...] | Unavailable = ()
    swarm: SwarmFacts | Unavailable | None = None
    """``None`` when swarm mode is inactive."""
    versions: Mapping[str, str] = field(default_factory=dict)
    """Component -> version (Engine, containerd, runc) from ``GET /version``."""
    content_trust: str | None = None
    """``DOCKER_CONTENT_TRUST`` in the auditing environment (4.5 is about the client side)."""
    notes: tuple[str, ...] = ()
