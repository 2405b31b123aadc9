"""Judges of the container checks: pure functions of one container's inspect data.

Kept apart from the check table in :mod:`hullguard.audit.containers` so each module stays small.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from hullguard.audit._facts import ContainerFacts, MountPoint
from hullguard.audit._model import Status, Verdict

__all__ = [
    "_host_namespace",
    "judge_apparmor",
    "judge_bind_address",
    "judge_capabilities",
    "judge_cgroup_parent",
    "judge_cpu",
    "judge_default_bridge",
    "judge_devices",
    "judge_docker_socket",
    "judge_health",
    "judge_latest",
    "judge_memory",
    "judge_no_new_privileges",
    "judge_open_ports",
    "judge_pids_limit",
    "judge_privileged",
    "judge_privileged_ports",
    "judge_propagation",
    "judge_read_only",
    "judge_restart",
    "judge_seccomp",
    "judge_selinux",
    "judge_sensitive_mounts",
    "judge_sshd",
    "judge_ulimits",
    "judge_user",
]

DEFAULT_CAPABILITIES = frozenset(
    {
        "AUDIT_WRITE",
        "CHOWN",
        "DAC_OVERRIDE",
        "FOWNER",
        "FSETID",
        "KILL",
        "MKNOD",
        "NET_BIND_SERVICE",
        "NET_RAW",
        "SETFCAP",
        "SETGID",
        "SETPCAP",
        "SETUID",
        "SYS_CHROOT",
    }
)
"""Docker's default bounding set; adding one of these back after ``--cap-drop ALL`` is fine."""

DANGEROUS_CAPABILITIES = frozenset(
    {
        "ALL",
        "SYS_ADMIN",
        "SYS_MODULE",
        "SYS_PTRACE",
        "SYS_RAWIO",
        "SYS_BOOT",
        "SYS_TIME",
        "NET_ADMIN",
        "DAC_READ_SEARCH",
        "BPF",
        "PERFMON",
        "MAC_ADMIN",
        "MAC_OVERRIDE",
        "LINUX_IMMUTABLE",
        "SYSLOG",
    }
)
"""Capabilities with known container escapes or host-wide effect (CVE-2022-0492 needs SYS_ADMIN)."""

SENSITIVE_HOST_DIRS = ("/", "/boot", "/dev", "/etc", "/lib", "/proc", "/sys", "/usr")
"""CIS 5.6: host directories whose bind mount exposes or lets a container change the host."""

_WILDCARD_IPS = frozenset({"", "0.0.0.0", "::"})  # noqa: S104 - matched, never bound to
_SHARED_PROPAGATION = frozenset({"shared", "rshared"})


def _ok(evidence: str) -> Verdict:
    return Verdict(Status.PASS, evidence)


def _security_opts(c: ContainerFacts) -> dict[str, str]:
    """``--security-opt`` values as key -> value; both ``k=v`` and the legacy ``k:v`` are accepted."""
    opts: dict[str, str] = {}
    for opt in c.host_config.security_opt or []:
        cut = min((i for i in (opt.find("="), opt.find(":")) if i >= 0), default=-1)
        key, value = (opt, "") if cut < 0 else (opt[:cut], opt[cut + 1 :])
        opts[key] = value
    return opts


def _capability(name: str) -> str:
    """The Engine reports ``CAP_SYS_ADMIN`` or ``SYS_ADMIN`` depending on the API version."""
    upper = name.upper()
    return upper.removeprefix("CAP_")


def _bind_mounts(c: ContainerFacts) -> list[MountPoint]:
    return [m for m in c.all_mounts if m.type == "bind"]


def _published(c: ContainerFacts) -> list[tuple[str, str, str]]:
    """``(container port, host ip, host port)`` for every published port binding."""
    found: list[tuple[str, str, str]] = []
    for port, bindings in sorted((c.host_config.port_bindings or {}).items()):
        found.extend((port, b.host_ip, b.host_port) for b in bindings or [])
    return found


def judge_user(c: ContainerFacts) -> Verdict:
    """4.1: an empty user means the image default, which for the Engine is uid 0."""
    user = c.config.user
    if user.split(":")[0] in {"", "root", "0"}:
        return Verdict(Status.FAIL, f"runs as root (Config.User={user!r})")
    return _ok(f"Config.User={user!r}")


def judge_apparmor(c: ContainerFacts) -> Verdict:
    """5.2: WARN, not FAIL, because AppArmor may simply not exist on this host ("if applicable")."""
    profile = c.apparmor_profile
    if profile in {"", "unconfined"}:
        return Verdict(Status.WARN, f"no AppArmor profile applied (AppArmorProfile={profile!r})")
    return _ok(f"AppArmorProfile={profile!r}")


def judge_selinux(c: ContainerFacts) -> Verdict:
    """5.3: ``label=`` security options carry the SELinux settings ("if applicable": WARN)."""
    labels = sorted(f"label={v}" for k, v in _security_opts(c).items() if k == "label")
    if labels:
        status = Status.FAIL if "label=disable" in labels else Status.PASS
        return Verdict(status, f"SecurityOpt {', '.join(labels)}")
    return Verdict(Status.WARN, "no SELinux label option (SecurityOpt has no label=...)")


def judge_capabilities(c: ContainerFacts) -> Verdict:
    """5.4: privileged or a dangerous added capability fails; other non-default additions warn."""
    if c.host_config.privileged:
        return Verdict(Status.FAIL, "privileged: every capability is granted")
    added = sorted({_capability(cap) for cap in c.host_config.cap_add or []})
    dropped = sorted({_capability(cap) for cap in c.host_config.cap_drop or []})
    evidence = f"CapAdd={added} CapDrop={dropped}"
    if any(cap in DANGEROUS_CAPABILITIES for cap in added):
        return Verdict(Status.FAIL, evidence)
    if any(cap not in DEFAULT_CAPABILITIES for cap in added):
        return Verdict(Status.WARN, evidence)
    return _ok(evidence)


def judge_privileged(c: ContainerFacts) -> Verdict:
    """5.5."""
    if c.host_config.privileged:
        return Verdict(Status.FAIL, "HostConfig.Privileged=true")
    return _ok("HostConfig.Privileged=false")


def _sensitive(source: str) -> bool:
    path = posixpath.normpath(source)
    return path == "/" or any(path == d or path.startswith(d + "/") for d in SENSITIVE_HOST_DIRS[1:])


def judge_sensitive_mounts(c: ContainerFacts) -> Verdict:
    """5.6: read-write binds of host system directories fail; read-only ones still leak, so warn."""
    hits = [m for m in _bind_mounts(c) if _sensitive(m.source)]
    if not hits:
        return _ok("no host system directory is bind-mounted")
    evidence = ", ".join(f"{m.source}:{m.destination}:{'rw' if m.rw else 'ro'}" for m in hits)
    return Verdict(Status.FAIL if any(m.rw for m in hits) else Status.WARN, evidence)


def judge_sshd(c: ContainerFacts) -> Verdict:
    """5.7: the benchmark lists processes with ``docker exec``; we never exec into containers."""
    return Verdict(Status.SKIP, "needs a process list from inside the container; hullguard never execs")


def _host_port(value: str) -> int | None:
    first = value.split("-", maxsplit=1)[0]
    return int(first) if first.isdigit() else None


def judge_privileged_ports(c: ContainerFacts) -> Verdict:
    """5.8: host ports below 1024 are privileged; an empty host port is an ephemeral one."""
    low = [
        f"{host or '*'}:{hport}->{port}"
        for port, host, hport in _published(c)
        if (number := _host_port(hport)) is not None and 0 < number < 1024
    ]
    if low:
        return Verdict(Status.FAIL, f"privileged host ports: {', '.join(low)}")
    return _ok("no host port below 1024 is published")


def judge_open_ports(c: ContainerFacts) -> Verdict:
    """5.9 is manual: list what is published so a human can confirm each port is needed."""
    ports = [f"{host or '*'}:{hport}->{port}" for port, host, hport in _published(c)]
    if ports:
        return Verdict(Status.INFO, f"published: {', '.join(ports)}")
    return _ok("no port is published")


def _host_namespace(read: Callable[[ContainerFacts], str], field: str) -> Callable[[ContainerFacts], Verdict]:
    """One judge per namespace (net, pid, ipc, uts, user): ``host`` means shared with the host."""

    def judge(c: ContainerFacts) -> Verdict:
        mode = read(c)
        status = Status.FAIL if mode == "host" else Status.PASS
        return Verdict(status, f"HostConfig.{field}={mode!r}")

    return judge


def judge_memory(c: ContainerFacts) -> Verdict:
    """5.11: ``Memory=0`` lets one container exhaust the host's memory."""
    if c.host_config.memory > 0:
        return _ok(f"HostConfig.Memory={c.host_config.memory}")
    return Verdict(Status.FAIL, "HostConfig.Memory=0 (unlimited)")


def judge_cpu(c: ContainerFacts) -> Verdict:
    """5.12: 0 and 1024 both mean the default weight; a ``--cpus`` cap alone is a limit, not a priority."""
    shares, nano = c.host_config.cpu_shares, c.host_config.nano_cpus
    evidence = f"HostConfig.CpuShares={shares} NanoCpus={nano}"
    if shares not in {0, 1024}:
        return _ok(evidence)
    return Verdict(Status.WARN if nano > 0 else Status.FAIL, evidence)


def judge_read_only(c: ContainerFacts) -> Verdict:
    """5.13."""
    if c.host_config.readonly_rootfs:
        return _ok("HostConfig.ReadonlyRootfs=true")
    return Verdict(Status.FAIL, "HostConfig.ReadonlyRootfs=false")


def judge_bind_address(c: ContainerFacts) -> Verdict:
    """5.14: an empty HostIp publishes on every interface, like 0.0.0.0 and ::."""
    wide = [f"{host or '*'}:{hport}->{port}" for port, host, hport in _published(c) if host in _WILDCARD_IPS]
    if wide:
        return Verdict(Status.FAIL, f"bound to all interfaces: {', '.join(wide)}")
    return _ok("no port is published on a wildcard address")


def judge_restart(c: ContainerFacts) -> Verdict:
    """5.15: endless restarts hide crashes and can be a denial of service; ``no`` never restarts."""
    policy = c.host_config.restart_policy
    evidence = f"RestartPolicy={policy.name or 'no'}:{policy.maximum_retry_count}"
    if policy.name in {"", "no"}:
        return _ok(evidence)
    if policy.name == "on-failure" and 0 < policy.maximum_retry_count <= 5:
        return _ok(evidence)
    return Verdict(Status.FAIL, evidence)


def judge_devices(c: ContainerFacts) -> Verdict:
    """5.18 is a manual recommendation, so exposed devices are reported as INFO for review."""
    if c.host_config.privileged:
        return Verdict(Status.INFO, "privileged: every host device is visible")
    devices = [f"{d.path_on_host}:{d.path_in_container}:{d.permissions}" for d in c.host_config.devices or []]
    if devices:
        return Verdict(Status.INFO, f"host devices: {', '.join(devices)}")
    return _ok("no host device is passed in")


def judge_ulimits(c: ContainerFacts) -> Verdict:
    """5.19 is manual: overriding the daemon's default ulimits needs a reason, so show them."""
    limits = [f"{u.name}={u.soft}:{u.hard}" for u in c.host_config.ulimits or []]
    if limits:
        return Verdict(Status.INFO, f"ulimit overrides: {', '.join(limits)}")
    return _ok("daemon default ulimits")


def judge_propagation(c: ContainerFacts) -> Verdict:
    """5.20: a shared mount lets the container's mounts appear on the host and back."""
    shared = [
        f"{m.destination}:{m.propagation}" for m in c.all_mounts if m.propagation in _SHARED_PROPAGATION
    ]
    if shared:
        return Verdict(Status.FAIL, f"shared propagation: {', '.join(shared)}")
    return _ok("no mount uses shared propagation")


def judge_seccomp(c: ContainerFacts) -> Verdict:
    """5.22: the Engine applies no seccomp filter to privileged containers either."""
    if c.host_config.privileged:
        return Verdict(Status.FAIL, "privileged: the Engine applies no seccomp profile")
    profile = _security_opts(c).get("seccomp")
    if profile == "unconfined":
        return Verdict(Status.FAIL, "SecurityOpt seccomp=unconfined")
    return _ok("default seccomp profile" if profile is None else "custom seccomp profile")


def judge_cgroup_parent(c: ContainerFacts) -> Verdict:
    """5.25: a custom cgroup parent may carry other limits, so a human must confirm it."""
    parent = c.host_config.cgroup_parent
    if parent:
        return Verdict(Status.WARN, f"HostConfig.CgroupParent={parent!r}")
    return _ok("default cgroup parent")


def judge_no_new_privileges(c: ContainerFacts) -> Verdict:
    """5.26: without ``no-new-privileges`` setuid binaries can still raise privileges."""
    value = _security_opts(c).get("no-new-privileges")
    if value in {"", "true"}:
        return _ok("SecurityOpt no-new-privileges")
    return Verdict(Status.FAIL, "no-new-privileges is not set")


def judge_health(c: ContainerFacts) -> Verdict:
    """5.27: the Engine only keeps ``State.Health`` when a health check actually runs."""
    if c.state.health is not None:
        return _ok(f"State.Health.Status={c.state.health.status!r}")
    return Verdict(Status.FAIL, "no health check runs")


def judge_latest(c: ContainerFacts) -> Verdict:
    """5.28 is manual: a container of ``:latest`` (or of no tag) may run a stale cached image."""
    reference = c.config.image
    last = reference.rsplit("/", 1)[-1]
    if "@" in reference or (":" in last and not last.endswith(":latest")):
        return _ok(f"image {reference!r} is pinned")
    return Verdict(Status.INFO, f"image {reference!r} is not pinned to a version or digest")


def judge_pids_limit(c: ContainerFacts) -> Verdict:
    """5.29: unset, 0 and -1 all mean unlimited, which allows a fork bomb."""
    limit = c.host_config.pids_limit
    if limit is not None and limit > 0:
        return _ok(f"HostConfig.PidsLimit={limit}")
    return Verdict(Status.FAIL, f"HostConfig.PidsLimit={limit} (unlimited)")


def judge_default_bridge(c: ContainerFacts) -> Verdict:
    """5.30 is manual; like docker-bench we report containers on docker0 as INFO."""
    if "bridge" in c.network_names:
        return Verdict(Status.INFO, "attached to the default bridge network (docker0)")
    return _ok(f"networks: {', '.join(c.network_names) or 'none'}")


def judge_docker_socket(c: ContainerFacts) -> Verdict:
    """5.32: the Engine socket inside a container is root on the host."""
    sockets = [
        f"{m.source}:{m.destination}"
        for m in c.all_mounts
        if "docker.sock" in {posixpath.basename(m.source), posixpath.basename(m.destination)}
    ]
    if sockets:
        return Verdict(Status.FAIL, f"Docker socket mounted: {', '.join(sockets)}")
    return _ok("Docker socket not mounted")
