"""Collect host facts for sections 1-3: mounts, audit rules, groups, the dockerd process, files.

All reads go through :class:`HostRoot`, so ``--host-root`` audits a mounted host the same way.
Each part fails on its own: an unreadable ``/etc/group`` becomes an :class:`Unavailable` for the
one check that needs it. ``auditctl -l`` is only run on the local host, read-only, with a timeout.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from collections.abc import Callable
from typing import TypeVar

from hullguard.audit._daemon_config import (
    DaemonSettings,
    InvalidDaemonConfigError,
    parse_daemon_args,
    parse_daemon_json,
)
from hullguard.audit._gathered import DaemonProcess, HostFacts, Mount, Unavailable
from hullguard.audit._hostfs import FileStat, HostPathError, HostRoot

__all__ = ["AUDITED_PATHS", "collect_host", "find_daemon"]

T = TypeVar("T")

DEFAULT_SOCKET = "/var/run/docker.sock"
DEFAULT_CONFIG = "/etc/docker/daemon.json"
_UNIT_DIRS = ("/etc/systemd/system", "/lib/systemd/system", "/usr/lib/systemd/system")
"""Where systemd looks for unit files, highest precedence first (docker-bench's order)."""

_BINARY_DIRS = ("/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin")
"""Where distributions install dockerd, containerd and runc (Debian: /usr/sbin/dockerd)."""

AUDITED_PATHS = (
    "/usr/bin/dockerd", "/run/containerd", "/var/lib/docker", "/etc/docker", "docker.service",
    "containerd.sock", "docker.socket", "/etc/default/docker", "daemon.json",
    "/etc/containerd/config.toml", "/etc/sysconfig/docker", "/usr/bin/containerd",
    "/usr/bin/containerd-shim", "/usr/bin/containerd-shim-runc-v1", "/usr/bin/containerd-shim-runc-v2",
    "/usr/bin/runc",
)  # fmt: skip
"""CIS 1.1.3-1.1.18 in order; names without a slash are roles resolved on the host."""


def _guard(read: Callable[[], T], what: str) -> T | Unavailable:
    try:
        return read()
    except HostPathError as exc:
        return Unavailable(f"{what}: {exc}")


def _decode(field: str) -> str:
    """mountinfo escapes space, tab, newline and backslash as ``\\ooo``."""
    return field.encode().decode("unicode_escape")


def _mounts(root: HostRoot) -> tuple[Mount, ...]:
    """Mounts from mountinfo: device (field 3), root (4) and mount point (5)."""
    source = "/proc/self/mountinfo" if root.is_local else "/proc/1/mountinfo"
    text = root.read_text(source)
    if text is None:
        raise HostPathError(f"{source} not found under {root.root}")
    mounts = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) > 4:
            mounts.append(Mount(_decode(fields[4]), fields[2], _decode(fields[3])))
    return tuple(mounts)


def _audit_rules(root: HostRoot) -> tuple[str, ...]:
    lines: list[str] = []
    files = [*root.list_dir("/etc/audit/rules.d"), "/etc/audit/audit.rules"]
    for path in files:
        if path.endswith(".rules"):
            lines.extend((root.read_text(path) or "").splitlines())
    auditctl = shutil.which("auditctl")
    if root.is_local and auditctl:
        try:
            done = subprocess.run([auditctl, "-l"], capture_output=True, text=True, timeout=10, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise HostPathError(f"auditctl -l failed: {exc}") from exc
        if done.returncode == 0:
            lines.extend(done.stdout.splitlines())
    return tuple(line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#"))


def _groups(root: HostRoot) -> dict[str, tuple[int, tuple[str, ...]]]:
    text = root.read_text("/etc/group")
    if text is None:
        raise HostPathError("/etc/group not found")
    groups: dict[str, tuple[int, tuple[str, ...]]] = {}
    for line in text.splitlines():
        fields = line.split(":")
        if len(fields) >= 4 and fields[2].isdigit():
            members = tuple(m for m in fields[3].split(",") if m)
            groups[fields[0]] = (int(fields[2]), members)
    return groups


def _listeners(root: HostRoot, daemon: DaemonProcess | Unavailable) -> tuple[tuple[str, int], ...]:
    """Listening TCP sockets (state 0A) in dockerd's network namespace, ``*`` for wildcards.

    ``/proc/<pid>/net/tcp`` shows the sockets of that process's namespace, which is the one swarm
    listens in, even when dockerd runs in a namespace of its own.
    """
    base = f"/proc/{daemon.pid}/net" if isinstance(daemon, DaemonProcess) else "/proc/net"
    found: list[tuple[str, int]] = []
    for name in (f"{base}/tcp", f"{base}/tcp6"):
        text = root.read_text(name) if root.is_local else None
        for line in (text or "").splitlines()[1:]:
            fields = line.split()
            if len(fields) > 3 and fields[3] == "0A":
                address, _, port = fields[1].partition(":")
                wildcard = set(address) == {"0"}
                found.append(("*" if wildcard else address, int(port, 16)))
    return tuple(sorted(set(found)))


def _socket_of(url: str) -> str | None:
    return url.removeprefix("unix://") if url.startswith("unix://") else None


def find_daemon(root: HostRoot, endpoint: str) -> DaemonProcess | Unavailable:
    """The dockerd process serving ``endpoint``, its command line and its daemon.json.

    Several dockerd may run (rootless, tests); the one whose ``-H`` names the endpoint's socket
    wins, else on the default socket one without ``-H`` or with ``-H fd://`` (socket activation).
    """
    candidates: list[tuple[int, tuple[str, ...]]] = []
    for entry in root.list_dir("/proc"):
        number = entry.rsplit("/", 1)[-1]
        if not number.isdigit():
            continue
        try:
            comm = (root.read_text(f"{entry}/comm") or "").strip()
            if comm != "dockerd":
                continue
            raw = root.read_text(f"{entry}/cmdline") or ""
        except HostPathError:
            continue
        candidates.append((int(number), tuple(part for part in raw.split("\0") if part)))
    if not candidates:
        return Unavailable(f"no dockerd process found under {root.root}proc")
    wanted = _socket_of(endpoint) or endpoint
    chosen = _choose(candidates, wanted)
    if chosen is None:
        return Unavailable(f"none of the {len(candidates)} dockerd processes serves {endpoint}")
    pid, argv = chosen
    return _process(root, pid, argv)


def _choose(candidates: list[tuple[int, tuple[str, ...]]], wanted: str) -> tuple[int, tuple[str, ...]] | None:
    """The dockerd listening on ``wanted``; on the default socket also one without ``-H`` or with
    ``-H fd://`` (systemd's docker.socket hands it /run/docker.sock). Never a guess otherwise: the
    settings of another daemon would be reported as this one's."""
    for pid, argv in candidates:
        hosts = parse_daemon_args(argv).get("hosts", ())
        if any((_socket_of(h) or h) == wanted for h in hosts):
            return pid, argv
    if wanted in {DEFAULT_SOCKET, "/run/docker.sock"}:
        for pid, argv in candidates:
            hosts = parse_daemon_args(argv).get("hosts", ())
            if not hosts or any(h.startswith("fd://") for h in hosts):
                return pid, argv
    return None


def _process(root: HostRoot, pid: int, argv: tuple[str, ...]) -> DaemonProcess:
    flags = parse_daemon_args(argv)
    config_path = (flags.get("config-file") or (DEFAULT_CONFIG,))[-1]
    file: dict[str, tuple[str, ...]] = {}
    error = None
    try:
        text = root.read_text(config_path)
        if text is not None:
            file = parse_daemon_json(text, path=config_path)
    except (InvalidDaemonConfigError, HostPathError) as exc:
        error = exc.message
    return DaemonProcess(pid, argv, DaemonSettings(flags, file, config_path), config_error=error)


def _unit(root: HostRoot, name: str) -> tuple[str, ...]:
    for directory in _UNIT_DIRS:
        found = root.resolve(f"{directory}/{name}")
        if found is not None:
            return (f"{directory}/{name}",)
    return ()


def _certificates(root: HostRoot) -> tuple[str, ...]:
    return tuple(
        path
        for registry in root.list_dir("/etc/docker/certs.d")
        for path in root.list_dir(registry)
        if path.endswith(".crt")
    )


def _roles(root: HostRoot, endpoint: str, daemon: DaemonProcess | Unavailable) -> dict[str, tuple[str, ...]]:
    settings = daemon.settings if isinstance(daemon, DaemonProcess) else DaemonSettings()
    socket = _socket_of(endpoint) or DEFAULT_SOCKET
    exec_root = settings.last("exec-root") or "/var/run/docker"
    containerd = settings.last("containerd") or "/run/containerd/containerd.sock"
    if root.resolve(containerd) is None:
        containerd = f"{exec_root}/containerd/containerd.sock"
    roles = {
        "docker.service": _unit(root, "docker.service"),
        "docker.socket": _unit(root, "docker.socket"),
        "/etc/docker": ("/etc/docker",),
        "registry-certs": _certificates(root),
        "docker.sock": (socket,),
        "daemon.json": (settings.file_path,),
        "/etc/default/docker": ("/etc/default/docker",),
        "/etc/sysconfig/docker": ("/etc/sysconfig/docker",),
        "containerd.sock": (containerd,),
        **{key: tuple(v for v in [settings.last(key)] if v) for key in ("tlscacert", "tlscert", "tlskey")},
    }
    for path in AUDITED_PATHS:
        roles.setdefault(path, _binary(root, path) if path.startswith("/usr/bin/") else (path,))
    return roles


def _binary(root: HostRoot, path: str) -> tuple[str, ...]:
    """The benchmark names /usr/bin/X; the first directory that has X is the real one."""
    name = path.rsplit("/", 1)[-1]
    for directory in _BINARY_DIRS:
        if root.resolve(f"{directory}/{name}") is not None:
            return (f"{directory}/{name}",)
    return (path,)


def collect_host(root: HostRoot, endpoint: str) -> tuple[HostFacts, list[str]]:
    """Read the host's facts; returns them and notes about what could not be read."""
    notes: list[str] = []
    daemon = _guard(lambda: find_daemon(root, endpoint), "dockerd process")
    if isinstance(daemon, DaemonProcess) and daemon.config_error:
        notes.append(daemon.config_error)
    roles = _guard(lambda: _roles(root, endpoint, daemon), "host files")
    stats: dict[str, FileStat] = {}
    paths = roles if isinstance(roles, dict) else {}
    for role_paths in paths.values():
        for path in role_paths:
            found = _guard(functools.partial(root.stat, path), "stat")
            if isinstance(found, FileStat):
                stats[path] = found
            elif isinstance(found, Unavailable):
                notes.append(found.reason)
    groups = _guard(lambda: _groups(root), "/etc/group")
    docker_group = groups if isinstance(groups, Unavailable) else groups.get("docker", (0, ()))[1]
    facts = HostFacts(
        root=str(root.root),
        mounts=_guard(lambda: _mounts(root), "mounts"),
        audit_rules=_guard(lambda: _audit_rules(root), "audit rules"),
        docker_group=docker_group,
        group_ids={} if isinstance(groups, Unavailable) else {name: gid for name, (gid, _) in groups.items()},
        daemon=daemon,
        paths=paths,
        stats=stats,
        listeners=_guard(lambda: _listeners(root, daemon), "listening sockets"),
    )
    for part in (facts.mounts, facts.audit_rules, facts.docker_group, daemon):
        if isinstance(part, Unavailable):
            notes.append(part.reason)
    return facts, notes
