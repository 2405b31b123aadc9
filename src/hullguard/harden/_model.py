"""What ``hullguard harden`` proposes: plain values, rendered later as docker, compose or Kubernetes."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "HardenSettings",
    "Healthcheck",
    "Mount",
    "MountKind",
    "PortBinding",
    "Proposal",
    "Reason",
]


@dataclass(frozen=True, slots=True)
class HardenSettings:
    """What the user may tune; the defaults are a small web service's needs."""

    memory_bytes: int = 512 * 1024 * 1024
    """Hard memory limit; swap is disabled by setting the swap limit to the same value."""
    cpus: float = 1.0
    """CPU time cap in cores (CFS quota)."""
    cpu_shares: int = 512
    """Relative CPU weight under contention (CIS 5.11 asks for one that is not the default 1024)."""
    pids_limit: int = 256
    """Maximum number of processes and threads (CIS 5.28: stops fork bombs)."""
    bind_address: str = "127.0.0.1"
    """Host address published ports listen on."""
    fallback_uid: int = 65532
    """The uid proposed for images without a USER (65532 is distroless's ``nonroot``)."""
    tmpfs_size: str = "64m"
    """Size cap of each tmpfs mount, so /tmp cannot eat the memory limit silently."""
    name: str = "app"
    """Service and container name used in compose and Kubernetes output."""


@dataclass(frozen=True, slots=True)
class Reason:
    """One proposed setting and why; ``assumption`` marks what we guessed rather than read."""

    setting: str
    """A short name such as ``user``, ``cap-add NET_BIND_SERVICE`` or ``tmpfs /tmp``."""
    value: str
    why: str
    assumption: bool = False


class MountKind(StrEnum):
    """Where writes go when the root filesystem is read-only."""

    TMPFS = "tmpfs"
    """In-memory scratch space, emptied on restart."""
    VOLUME = "volume"
    """A named volume for data the image declares with VOLUME: it must outlive the container."""


@dataclass(frozen=True, slots=True)
class Mount:
    """A writable path of the container."""

    path: str
    kind: MountKind
    volume_name: str = ""
    """For volumes: the named volume proposed (derived from the service name and path)."""
    options: tuple[str, ...] = ()
    """For tmpfs: mount options (``nosuid``, ``nodev``, ``noexec``)."""


@dataclass(frozen=True, slots=True)
class PortBinding:
    """An exposed port, published on one host address only."""

    container_port: int
    protocol: str
    host_ip: str
    host_port: int


@dataclass(frozen=True, slots=True)
class Healthcheck:
    """The image's HEALTHCHECK, in the units compose and Kubernetes want."""

    command: tuple[str, ...]
    """The argv to run (a shell form becomes ``/bin/sh -c ...``)."""
    shell: bool
    """True when the image wrote ``CMD-SHELL``."""
    interval_s: int | None = None
    timeout_s: int | None = None
    start_period_s: int | None = None
    retries: int | None = None


@dataclass(frozen=True, slots=True)
class Proposal:
    """Least-privilege run settings for one image, each backed by a :class:`Reason`."""

    image: str
    settings: HardenSettings
    user: str | None
    """``uid:gid`` or name to run as; None keeps root (the reasons say why)."""
    run_as_uid: int | None
    """Numeric uid for Kubernetes ``runAsUser`` (None when only a name is known)."""
    run_as_gid: int | None
    cap_add: tuple[str, ...]
    mounts: tuple[Mount, ...]
    ports: tuple[PortBinding, ...]
    healthcheck: Healthcheck | None
    reasons: tuple[Reason, ...]
    low_ports: bool = False
    """An exposed port is below 1024 (Kubernetes then gets the unprivileged-port sysctl)."""
    notes: tuple[str, ...] = field(default=())
    """What we could not decide and the user should check."""

    @property
    def runs_as_root(self) -> bool:
        """True when the proposal keeps uid 0."""
        return self.user is None

    def tmpfs(self) -> tuple[Mount, ...]:
        """The tmpfs mounts, in path order."""
        return tuple(m for m in self.mounts if m.kind is MountKind.TMPFS)

    def volumes(self) -> tuple[Mount, ...]:
        """The named volumes, in path order."""
        return tuple(m for m in self.mounts if m.kind is MountKind.VOLUME)
