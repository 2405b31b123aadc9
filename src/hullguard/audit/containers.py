"""CIS Docker Benchmark v1.6.0 container runtime checks (section 5, plus 4.1), from inspect data only.

Each check is a :class:`ContainerCheck` whose judge reads :class:`ContainerFacts` and nothing
else: no exec into the container, no host file access. That keeps the audit safe to run against
production hosts and lets tests feed captured inspect documents. The inspect fields each check
reads follow docker-bench-security's ``tests/5_container_runtime.sh``; ``DOCKER_BENCH_IDS`` maps
our ids to its function names so the two reports can be compared line by line.

Status policy: ``FAIL`` when the benchmark's automated audit finds a forbidden setting, ``WARN``
when the benchmark asks a human to confirm ("if applicable", "confirm"), ``INFO`` for manual
recommendations, ``SKIP`` when the facts cannot answer.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Mapping
from types import MappingProxyType

from hullguard.audit._facts import ContainerFacts, MountPoint
from hullguard.audit._model import ContainerCheck, Status, Verdict

__all__ = ["DOCKER_BENCH_IDS", "PLUGINS"]

# fmt: off
DEFAULT_CAPABILITIES = frozenset({
    "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE",
    "NET_RAW", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
})
"""Docker's default bounding set; adding one of these back after ``--cap-drop ALL`` is fine."""

DANGEROUS_CAPABILITIES = frozenset({
    "ALL", "SYS_ADMIN", "SYS_MODULE", "SYS_PTRACE", "SYS_RAWIO", "SYS_BOOT", "SYS_TIME", "NET_ADMIN",
    "DAC_READ_SEARCH", "BPF", "PERFMON", "MAC_ADMIN", "MAC_OVERRIDE", "LINUX_IMMUTABLE", "SYSLOG",
})
"""Capabilities with known container escapes or host-wide effect (CVE-2022-0492 needs SYS_ADMIN)."""
# fmt: on

SENSITIVE_HOST_DIRS = ("/", "/boot", "/dev", "/etc", "/lib", "/proc", "/sys", "/usr")
"""CIS 5.5: host directories whose bind mount exposes or lets a container change the host."""

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
    """5.1: WARN, not FAIL, because AppArmor may simply not exist on this host ("if applicable")."""
    profile = c.apparmor_profile
    if profile in {"", "unconfined"}:
        return Verdict(Status.WARN, f"no AppArmor profile applied (AppArmorProfile={profile!r})")
    return _ok(f"AppArmorProfile={profile!r}")


def judge_capabilities(c: ContainerFacts) -> Verdict:
    """5.3: privileged or a dangerous added capability fails; other non-default additions warn."""
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
    """5.4."""
    if c.host_config.privileged:
        return Verdict(Status.FAIL, "HostConfig.Privileged=true")
    return _ok("HostConfig.Privileged=false")


def _sensitive(source: str) -> bool:
    path = posixpath.normpath(source)
    return path == "/" or any(path == d or path.startswith(d + "/") for d in SENSITIVE_HOST_DIRS[1:])


def judge_sensitive_mounts(c: ContainerFacts) -> Verdict:
    """5.5: read-write binds of host system directories fail; read-only ones still leak, so warn."""
    hits = [m for m in _bind_mounts(c) if _sensitive(m.source)]
    if not hits:
        return _ok("no host system directory is bind-mounted")
    evidence = ", ".join(f"{m.source}:{m.destination}:{'rw' if m.rw else 'ro'}" for m in hits)
    return Verdict(Status.FAIL if any(m.rw for m in hits) else Status.WARN, evidence)


def judge_sshd(c: ContainerFacts) -> Verdict:
    """5.6: the benchmark lists processes with ``docker exec``; we never exec into containers."""
    return Verdict(Status.SKIP, "needs a process list from inside the container; hullguard never execs")


def _host_port(value: str) -> int | None:
    first = value.split("-", maxsplit=1)[0]
    return int(first) if first.isdigit() else None


def judge_privileged_ports(c: ContainerFacts) -> Verdict:
    """5.7: host ports below 1024 are privileged; an empty host port is an ephemeral one."""
    low = [
        f"{host or '*'}:{hport}->{port}"
        for port, host, hport in _published(c)
        if (number := _host_port(hport)) is not None and 0 < number < 1024
    ]
    if low:
        return Verdict(Status.FAIL, f"privileged host ports: {', '.join(low)}")
    return _ok("no host port below 1024 is published")


def _host_namespace(read: Callable[[ContainerFacts], str], field: str) -> Callable[[ContainerFacts], Verdict]:
    """One judge per namespace (net, pid, ipc, uts, user): ``host`` means shared with the host."""

    def judge(c: ContainerFacts) -> Verdict:
        mode = read(c)
        status = Status.FAIL if mode == "host" else Status.PASS
        return Verdict(status, f"HostConfig.{field}={mode!r}")

    return judge


def judge_memory(c: ContainerFacts) -> Verdict:
    """5.10: ``Memory=0`` lets one container exhaust the host's memory."""
    if c.host_config.memory > 0:
        return _ok(f"HostConfig.Memory={c.host_config.memory}")
    return Verdict(Status.FAIL, "HostConfig.Memory=0 (unlimited)")


def judge_cpu(c: ContainerFacts) -> Verdict:
    """5.11: 0 and 1024 both mean the default weight; a ``--cpus`` cap alone is a limit, not a priority."""
    shares, nano = c.host_config.cpu_shares, c.host_config.nano_cpus
    evidence = f"HostConfig.CpuShares={shares} NanoCpus={nano}"
    if shares not in {0, 1024}:
        return _ok(evidence)
    return Verdict(Status.WARN if nano > 0 else Status.FAIL, evidence)


def judge_read_only(c: ContainerFacts) -> Verdict:
    """5.12."""
    if c.host_config.readonly_rootfs:
        return _ok("HostConfig.ReadonlyRootfs=true")
    return Verdict(Status.FAIL, "HostConfig.ReadonlyRootfs=false")


def judge_bind_address(c: ContainerFacts) -> Verdict:
    """5.13: an empty HostIp publishes on every interface, like 0.0.0.0 and ::."""
    wide = [f"{host or '*'}:{hport}->{port}" for port, host, hport in _published(c) if host in _WILDCARD_IPS]
    if wide:
        return Verdict(Status.FAIL, f"bound to all interfaces: {', '.join(wide)}")
    return _ok("no port is published on a wildcard address")


def judge_restart(c: ContainerFacts) -> Verdict:
    """5.14: endless restarts hide crashes and can be a denial of service; ``no`` never restarts."""
    policy = c.host_config.restart_policy
    evidence = f"RestartPolicy={policy.name or 'no'}:{policy.maximum_retry_count}"
    if policy.name in {"", "no"}:
        return _ok(evidence)
    if policy.name == "on-failure" and 0 < policy.maximum_retry_count <= 5:
        return _ok(evidence)
    return Verdict(Status.FAIL, evidence)


def judge_devices(c: ContainerFacts) -> Verdict:
    """5.17 is a manual recommendation, so exposed devices are reported as INFO for review."""
    if c.host_config.privileged:
        return Verdict(Status.INFO, "privileged: every host device is visible")
    devices = [f"{d.path_on_host}:{d.path_in_container}:{d.permissions}" for d in c.host_config.devices or []]
    if devices:
        return Verdict(Status.INFO, f"host devices: {', '.join(devices)}")
    return _ok("no host device is passed in")


def judge_propagation(c: ContainerFacts) -> Verdict:
    """5.19: a shared mount lets the container's mounts appear on the host and back."""
    shared = [
        f"{m.destination}:{m.propagation}" for m in c.all_mounts if m.propagation in _SHARED_PROPAGATION
    ]
    if shared:
        return Verdict(Status.FAIL, f"shared propagation: {', '.join(shared)}")
    return _ok("no mount uses shared propagation")


def judge_seccomp(c: ContainerFacts) -> Verdict:
    """5.21: the Engine applies no seccomp filter to privileged containers either."""
    if c.host_config.privileged:
        return Verdict(Status.FAIL, "privileged: the Engine applies no seccomp profile")
    profile = _security_opts(c).get("seccomp")
    if profile == "unconfined":
        return Verdict(Status.FAIL, "SecurityOpt seccomp=unconfined")
    return _ok("default seccomp profile" if profile is None else "custom seccomp profile")


def judge_cgroup_parent(c: ContainerFacts) -> Verdict:
    """5.24: a custom cgroup parent may carry other limits, so a human must confirm it."""
    parent = c.host_config.cgroup_parent
    if parent:
        return Verdict(Status.WARN, f"HostConfig.CgroupParent={parent!r}")
    return _ok("default cgroup parent")


def judge_no_new_privileges(c: ContainerFacts) -> Verdict:
    """5.25: without ``no-new-privileges`` setuid binaries can still raise privileges."""
    value = _security_opts(c).get("no-new-privileges")
    if value in {"", "true"}:
        return _ok("SecurityOpt no-new-privileges")
    return Verdict(Status.FAIL, "no-new-privileges is not set")


def judge_health(c: ContainerFacts) -> Verdict:
    """5.26: the Engine only keeps ``State.Health`` when a health check actually runs."""
    if c.state.health is not None:
        return _ok(f"State.Health.Status={c.state.health.status!r}")
    return Verdict(Status.FAIL, "no health check runs")


def judge_pids_limit(c: ContainerFacts) -> Verdict:
    """5.28: unset, 0 and -1 all mean unlimited, which allows a fork bomb."""
    limit = c.host_config.pids_limit
    if limit is not None and limit > 0:
        return _ok(f"HostConfig.PidsLimit={limit}")
    return Verdict(Status.FAIL, f"HostConfig.PidsLimit={limit} (unlimited)")


def judge_default_bridge(c: ContainerFacts) -> Verdict:
    """5.29 is manual; like docker-bench we report containers on docker0 as INFO."""
    if "bridge" in c.network_names:
        return Verdict(Status.INFO, "attached to the default bridge network (docker0)")
    return _ok(f"networks: {', '.join(c.network_names) or 'none'}")


def judge_docker_socket(c: ContainerFacts) -> Verdict:
    """5.31: the Engine socket inside a container is root on the host."""
    sockets = [
        f"{m.source}:{m.destination}"
        for m in c.all_mounts
        if "docker.sock" in {posixpath.basename(m.source), posixpath.basename(m.destination)}
    ]
    if sockets:
        return Verdict(Status.FAIL, f"Docker socket mounted: {', '.join(sockets)}")
    return _ok("Docker socket not mounted")


def _check(
    check_id: str,
    cis_id: str,
    title: str,
    judge: Callable[[ContainerFacts], Verdict],
    remediation: str,
    *,
    level: int = 1,
    automated: bool = True,
) -> ContainerCheck:
    return ContainerCheck(check_id, cis_id, title, level, automated, remediation, judge)


_host_net = _host_namespace(lambda c: c.host_config.network_mode, "NetworkMode")
_host_pid = _host_namespace(lambda c: c.host_config.pid_mode, "PidMode")
_host_ipc = _host_namespace(lambda c: c.host_config.ipc_mode, "IpcMode")
_host_uts = _host_namespace(lambda c: c.host_config.uts_mode, "UTSMode")
_host_userns = _host_namespace(lambda c: c.host_config.userns_mode, "UsernsMode")

# fmt: off
PLUGINS: tuple[ContainerCheck, ...] = (
    _check("container.user", "4.1", "Ensure that a user for the container has been created", judge_user,
           "Create a user in the image (USER) or run with --user <uid>."),
    _check("container.apparmor", "5.1", "Ensure that, if applicable, an AppArmor profile is enabled",
           judge_apparmor, "Run with --security-opt apparmor=<profile> (docker-default is fine)."),
    _check("container.capabilities", "5.3", "Ensure that Linux kernel capabilities are restricted",
           judge_capabilities, "Run with --cap-drop ALL and add back only the capabilities needed."),
    _check("container.privileged", "5.4", "Ensure that privileged containers are not used",
           judge_privileged, "Do not use --privileged; grant specific capabilities or devices instead."),
    _check("container.sensitive-mounts", "5.5", "Ensure sensitive host system directories are not mounted",
           judge_sensitive_mounts, "Do not bind-mount /, /boot, /dev, /etc, /lib, /proc, /sys or /usr."),
    _check("container.sshd", "5.6", "Ensure sshd is not run within containers", judge_sshd,
           "Remove the SSH daemon from the image; use docker exec to get a shell."),
    _check("container.privileged-ports", "5.7", "Ensure privileged ports are not mapped within containers",
           judge_privileged_ports, "Publish on host ports 1024 and above."),
    _check("container.host-network", "5.9", "Ensure that the host's network namespace is not shared",
           _host_net, "Do not run with --network host."),
    _check("container.memory", "5.10", "Ensure that the memory usage for containers is limited",
           judge_memory, "Run with --memory <limit>."),
    _check("container.cpu-shares", "5.11", "Ensure that CPU priority is set appropriately", judge_cpu,
           "Run with --cpu-shares <weight> (the default weight is 1024)."),
    _check("container.read-only-rootfs", "5.12", "Ensure that the root filesystem is mounted read-only",
           judge_read_only, "Run with --read-only and mount volumes or tmpfs where writes are needed."),
    _check("container.bind-address", "5.13", "Ensure incoming traffic is bound to a specific host interface",
           judge_bind_address, "Publish with an address: -p <host-ip>:<host-port>:<port>."),
    _check("container.restart-policy", "5.14", "Ensure the 'on-failure' restart policy is set to 5",
           judge_restart, "Run with --restart on-failure:5 (or no restart policy)."),
    _check("container.host-pid", "5.15", "Ensure that the host's process namespace is not shared",
           _host_pid, "Do not run with --pid host."),
    _check("container.host-ipc", "5.16", "Ensure that the host's IPC namespace is not shared",
           _host_ipc, "Do not run with --ipc host."),
    _check("container.host-devices", "5.17", "Ensure that host devices are not directly exposed",
           judge_devices, "Avoid --device; if needed, grant only r/w/m permissions the workload uses.",
           automated=False),
    _check("container.mount-propagation", "5.19", "Ensure mount propagation mode is not set to shared",
           judge_propagation, "Do not mount volumes with shared or rshared propagation."),
    _check("container.host-uts", "5.20", "Ensure that the host's UTS namespace is not shared",
           _host_uts, "Do not run with --uts host."),
    _check("container.seccomp", "5.21", "Ensure the default seccomp profile is not disabled",
           judge_seccomp, "Do not use --security-opt seccomp=unconfined or --privileged."),
    _check("container.cgroup-parent", "5.24", "Ensure that cgroup usage is confirmed", judge_cgroup_parent,
           "Use --cgroup-parent only when required, and confirm the parent's limits."),
    _check("container.no-new-privileges", "5.25", "Ensure the container cannot acquire additional privileges",
           judge_no_new_privileges, "Run with --security-opt no-new-privileges."),
    _check("container.health-check", "5.26", "Ensure that container health is checked at runtime",
           judge_health, "Add HEALTHCHECK to the image or run with --health-cmd."),
    _check("container.pids-limit", "5.28", "Ensure that the PIDs cgroup limit is used", judge_pids_limit,
           "Run with --pids-limit <n>."),
    _check("container.default-bridge", "5.29", "Ensure that Docker's default bridge docker0 is not used",
           judge_default_bridge, "Attach containers to a user-defined network (docker network create).",
           level=2, automated=False),
    _check("container.host-userns", "5.30", "Ensure that the host's user namespaces are not shared",
           _host_userns, "Do not run with --userns host."),
    _check("container.docker-socket", "5.31",
           "Ensure that the Docker socket is not mounted inside any containers", judge_docker_socket,
           "Never mount docker.sock; put an authorization proxy in front of the API if it is needed."),
)
# fmt: on
"""The checks in CIS order; the audit registry is built from this list."""

DOCKER_BENCH_IDS: Mapping[str, str] = MappingProxyType(
    {check.id: "check_" + check.cis_id.replace(".", "_") for check in PLUGINS}
)
"""Our check id -> docker-bench-security's function name (its numbering follows CIS v1.6.0)."""
