"""From image facts to a least-privilege :class:`Proposal`: a pure function with a reason per setting.

Each step below decides one setting and records why, so every output format (table, docker,
compose, Kubernetes, JSON) carries the same decisions. CIS Docker Benchmark v1.6 ids are cited
where a setting answers one of its recommendations.
"""

from __future__ import annotations

import re

from hullguard.harden._facts import ImageFacts
from hullguard.harden._model import HardenSettings, Mount, MountKind, PortBinding, Proposal, Reason
from hullguard.harden._ports import exposed_ports, healthcheck_of
from hullguard.harden._servers import ServerProfile, match_server

__all__ = ["propose"]

_ROOT_NAMES = frozenset({"", "root", "0"})
_LOW_PORT = 1024
_TEMP_DIRS = frozenset({"/tmp", "/var/tmp"})  # noqa: S108 - paths inside the container
_SLUG = re.compile(r"[^a-z0-9]+")


def _user(
    facts: ImageFacts, settings: HardenSettings, server: ServerProfile | None
) -> tuple[str | None, int | None, int | None, list[Reason], list[str]]:
    """Step 1: who the process runs as (CIS 4.1)."""
    configured = facts.config.config.User
    who, _, group = configured.partition(":")
    if who not in _ROOT_NAMES:
        account = facts.account(configured)
        uid = int(who) if who.isdigit() else account.uid if account else None
        gid = int(group) if group.isdigit() else account.gid if account else uid
        notes = []
        if uid is None:
            notes.append(
                f"USER {who!r} is not in the image's /etc/passwd (or layers were not read): set "
                "runAsUser to its uid, or Kubernetes cannot verify runAsNonRoot"
            )
        why = f"the image's USER {configured!r} is not root: keep it"
        return configured, uid, gid, [Reason("user", configured, why)], notes
    said = "sets USER root explicitly" if who else "has no USER, so it runs as root"
    if server is not None:
        why = (
            f"keep root: the image {said}, and its {server.id} entrypoint starts as root and drops to "
            "its own user; starting it as non-root fails. All capabilities but the few below are dropped"
        )
        return None, 0, 0, [Reason("user", "root (kept)", why)], []
    volumes = sorted((facts.config.config.Volumes or {}).keys())
    if volumes:
        why = (
            f"keep root: the image {said} and declares VOLUME {', '.join(volumes)}; a new volume is "
            "created with the image's (root) ownership, so a non-root uid could not write it. To go "
            "non-root, chown those directories in the image and set USER"
        )
        return None, 0, 0, [Reason("user", "root (kept)", why, assumption=True)], []
    uid = settings.fallback_uid
    why = (
        f"the image {said}; uid {uid} (no account needed) is assumed to work because every write "
        "goes to the tmpfs mounts below. Check that the program needs no root-only file (mode 0600 "
        "owned by root) and no privileged operation; if it does, add USER to the image instead"
    )
    return f"{uid}:{uid}", uid, uid, [Reason("user", f"{uid}:{uid}", why, assumption=True)], []


def _capabilities(
    server: ServerProfile | None, ports: tuple[PortBinding, ...], *, root: bool
) -> tuple[tuple[str, ...], list[Reason]]:
    """Step 2: drop every capability (CIS 5.3) and add back only what the program needs."""
    reasons = [
        Reason(
            "cap-drop",
            "ALL",
            "start from no capability at all; Docker's default set of 14 includes NET_RAW "
            "(packet spoofing), MKNOD and DAC_OVERRIDE, which most programs never use",
        )
    ]
    added: dict[str, str] = dict(server.capabilities) if server else {}
    low = sorted({p.container_port for p in ports if p.container_port < _LOW_PORT})
    if low:
        who = "root" if root else "a non-root user"
        added["NET_BIND_SERVICE"] = (
            f"the image exposes port {', '.join(map(str, low))} (< 1024) and runs as {who}. Docker "
            ">= 20.10 already lets any user bind low ports (net.ipv4.ip_unprivileged_port_start=0); "
            "this keeps older engines and host networking working"
            + ("" if root else " (for non-root it takes effect only through file capabilities)")
        )
    for cap in sorted(added):
        reasons.append(Reason(f"cap-add {cap}", cap, added[cap]))
    return tuple(sorted(added)), reasons


def _tmpfs_options(path: str, uid: int | None, gid: int | None, *, root: bool) -> tuple[str, ...]:
    """nosuid+nodev everywhere; noexec except on temp dirs (JVMs and FFI load code from there).

    A tmpfs starts owned by root: temp dirs get the sticky 1777, other paths belong to the run user.
    """
    options = ["rw", "nosuid", "nodev"]
    if path not in _TEMP_DIRS:
        options.append("noexec")
    if path in _TEMP_DIRS:
        options.append("mode=1777")
    elif not root and uid is not None:
        options.extend((f"uid={uid}", f"gid={gid if gid is not None else uid}", "mode=0755"))
    elif not root:
        options.append("mode=1777")
    return tuple(options)


def _writable_paths(facts: ImageFacts, server: ServerProfile | None) -> dict[str, str]:
    """Paths that need a tmpfs, each with its reason."""
    tmp, var_tmp = sorted(_TEMP_DIRS)  # paths inside the container, never on this host
    found = {
        tmp: "programs expect a writable /tmp; a size-capped tmpfs keeps it off the image",
        "/run": "pid files, locks and sockets live in /run (and /var/run, its symlink on Debian/Alpine)",
    }
    if var_tmp in facts.paths:
        found[var_tmp] = "the image has /var/tmp, the other standard temporary directory"
    for path in server.writable if server else ():
        if path in found:
            continue
        if not facts.inspected or path in facts.paths or path.startswith("/run/"):
            found[path] = f"{server.id if server else ''} writes its runtime state here"
    return found


def _mounts(
    facts: ImageFacts,
    settings: HardenSettings,
    server: ServerProfile | None,
    uid: int | None,
    gid: int | None,
) -> tuple[tuple[Mount, ...], list[Reason]]:
    """Step 3: a read-only root filesystem (CIS 5.12) with writable tmpfs and volumes where needed."""
    root = uid == 0
    reasons = [
        Reason(
            "read-only",
            "true",
            "an attacker cannot change binaries or drop tools into the image filesystem; "
            "writes go only to the mounts below",
        )
    ]
    volumes = sorted((facts.config.config.Volumes or {}).keys())
    mounts = [
        Mount(
            path, MountKind.VOLUME, volume_name=f"{settings.name}-{_SLUG.sub('-', path.lower()).strip('-')}"
        )
        for path in volumes
    ]
    for mount in mounts:
        reasons.append(
            Reason(
                f"volume {mount.path}",
                mount.volume_name,
                "the image declares VOLUME here: its data must persist",
            )
        )
    for path, why in sorted(_writable_paths(facts, server).items()):
        if path in volumes:
            continue
        options = _tmpfs_options(path, uid, gid, root=root)
        mounts.append(Mount(path, MountKind.TMPFS, options=options))
        reasons.append(Reason(f"tmpfs {path}", ",".join(options), why))
    return tuple(sorted(mounts, key=lambda m: m.path)), reasons


def _fixed_reasons(settings: HardenSettings) -> list[Reason]:
    """Step 4: settings every container gets (CIS 5.10, 5.11, 5.14, 5.21, 5.25, 5.28)."""
    mib = settings.memory_bytes // (1024 * 1024)
    return [
        Reason(
            "no-new-privileges",
            "true",
            "setuid/setgid binaries and file capabilities cannot raise privileges (CIS 5.25)",
        ),
        Reason(
            "seccomp",
            "RuntimeDefault",
            "Docker applies its default seccomp profile unless told seccomp=unconfined: keep it "
            "(no flag needed); Kubernetes needs it asked for explicitly (CIS 5.21)",
        ),
        Reason(
            "memory",
            f"{mib}m",
            "a hard limit (swap off) so one container cannot exhaust the host (CIS 5.10); tune with --memory",
        ),
        Reason("cpus", f"{settings.cpus:g}", "caps CPU time (tune with --cpus)"),
        Reason(
            "cpu-shares",
            str(settings.cpu_shares),
            "a lower weight than the default 1024 under contention (CIS 5.11)",
        ),
        Reason("pids-limit", str(settings.pids_limit), "stops fork bombs (CIS 5.28); tune with --pids-limit"),
        Reason("restart", "on-failure:5", "restart after crashes, but not forever (CIS 5.14)"),
    ]


def _port_reasons(ports: tuple[PortBinding, ...], settings: HardenSettings) -> list[Reason]:
    """Step 5: publish exposed ports on one address only (CIS 5.13)."""
    if settings.bind_address in {"0.0.0.0", "::", ""}:  # noqa: S104 - compared, never bound
        scope = "every interface: you asked for it with --bind; CIS 5.13 recommends one address"
    else:
        scope = f"{settings.bind_address} only, not 0.0.0.0; use --bind to choose another address"
    return [
        Reason(f"port {p.container_port}/{p.protocol}", f"{p.host_ip}:{p.host_port}", f"published on {scope}")
        for p in ports
    ]


def propose(facts: ImageFacts, settings: HardenSettings) -> Proposal:
    """Least-privilege run settings for the image described by ``facts``."""
    server = match_server(facts.argv, facts.packages)
    user, uid, gid, reasons, notes = _user(facts, settings, server)
    ports, port_notes = exposed_ports(facts.config, settings.bind_address)
    notes.extend(port_notes)
    caps, cap_reasons = _capabilities(server, ports, root=user is None)
    mounts, mount_reasons = _mounts(facts, settings, server, uid, gid)
    health, health_reason = healthcheck_of(facts.config, ports)
    reasons += cap_reasons + mount_reasons + _fixed_reasons(settings) + _port_reasons(ports, settings)
    reasons.append(health_reason)
    if server is not None and server.id == "nginx":
        notes.append(
            "nginx logs to /var/log/nginx unless the files link to /dev/stdout (the official image "
            "does); if yours writes files there, add a tmpfs or volume for /var/log/nginx"
        )
    if not facts.inspected:
        notes.append("only the image config was read: writable paths and accounts were not checked")
    return Proposal(
        image=facts.name,
        settings=settings,
        user=user,
        run_as_uid=uid,
        run_as_gid=gid,
        cap_add=caps,
        mounts=mounts,
        ports=ports,
        healthcheck=health,
        reasons=tuple(reasons),
        low_ports=any(p.container_port < _LOW_PORT for p in ports),
        notes=tuple(notes),
    )
