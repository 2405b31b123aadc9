"""CIS Docker Benchmark v1.6.0 section 2 (daemon configuration), plus 5.1 (swarm mode).

Settings come from where dockerd takes them: its flags and ``daemon.json`` (read through the
process found on the host), and ``docker info`` where the daemon reports the effective value
(live-restore, storage and logging drivers, insecure registries, seccomp, userns, plugins).
The facts each check reads follow docker-bench-security's ``tests/2_docker_daemon_configuration.sh``.
"""

from __future__ import annotations

from hullguard.audit._build import fact_check, manual, on_info, on_settings
from hullguard.audit._daemon_config import DaemonSettings
from hullguard.audit._engine import DaemonInfo
from hullguard.audit._model import FactCheck, Status, TargetKind, Verdict

__all__ = ["PLUGINS"]

_D = TargetKind.DAEMON
_DEFAULT_INSECURE_CIDR = "127.0.0.0/8"
"""Always in ``InsecureRegistryCIDRs``: dockerd adds loopback by itself."""
_LOCAL_LOG_DRIVERS = frozenset({"json-file", "local", "journald", "none", ""})


def _is_false(value: str | None) -> bool:
    return value is not None and value.lower() == "false"


def _is_true(value: str | None) -> bool:
    return value is not None and value.lower() in {"true", "1", ""}


def judge_icc(s: DaemonSettings, _: DaemonInfo | None) -> Verdict:
    """2.2: icc defaults to true, so only an explicit false passes."""
    return Verdict(Status.PASS if _is_false(s.last("icc")) else Status.FAIL, s.describe("icc"))


def judge_log_level(s: DaemonSettings, _: DaemonInfo | None) -> Verdict:
    """2.3: info (the default) is right; debug leaks, warn/error/fatal lose the audit trail."""
    level = s.last("log-level")
    debug = _is_true(s.last("debug"))
    ok = level in {None, "", "info"} and not debug
    evidence = s.describe("log-level") + (" and --debug" if debug else "")
    return Verdict(Status.PASS if ok else Status.FAIL, evidence)


def judge_iptables(s: DaemonSettings, _: DaemonInfo | None) -> Verdict:
    """2.4."""
    return Verdict(Status.FAIL if _is_false(s.last("iptables")) else Status.PASS, s.describe("iptables"))


def judge_insecure_registries(info: DaemonInfo) -> Verdict:
    """2.5: the daemon's own view: ``Secure: false`` indexes and CIDRs beyond loopback."""
    config = info.registry_config
    names = sorted(n for n, c in (config.index_configs or {}).items() if not c.secure)
    cidrs = sorted(c for c in config.insecure_cidrs or [] if c != _DEFAULT_INSECURE_CIDR)
    if names or cidrs:
        return Verdict(Status.FAIL, f"insecure registries: {', '.join([*names, *cidrs])}")
    return Verdict(Status.PASS, "no insecure registry besides the loopback default")


def judge_aufs(info: DaemonInfo) -> Verdict:
    """2.6."""
    status = Status.FAIL if info.driver == "aufs" else Status.PASS
    return Verdict(status, f"storage driver {info.driver!r}")


def judge_tls(s: DaemonSettings, _: DaemonInfo | None) -> Verdict:
    """2.7: only a TCP listener needs TLS, and only ``tlsverify`` authenticates clients."""
    tcp = [h for h in s.values("hosts") if h.startswith("tcp://")]
    if not tcp:
        return Verdict(
            Status.PASS, "not listening on TCP (hosts: " + (", ".join(s.values("hosts")) or "default") + ")"
        )
    if _is_true(s.last("tlsverify")):
        return Verdict(Status.PASS, f"TCP {', '.join(tcp)} with tlsverify")
    if _is_true(s.last("tls")):
        return Verdict(Status.WARN, f"TCP {', '.join(tcp)} with TLS but without client verification")
    return Verdict(Status.FAIL, f"TCP {', '.join(tcp)} without TLS")


def judge_ulimits(s: DaemonSettings, _: DaemonInfo | None) -> Verdict:
    """2.8 is manual: the limits must suit the workload, so unset is INFO."""
    values = s.values("default-ulimits")
    if values:
        return Verdict(Status.PASS, s.describe("default-ulimits"))
    return Verdict(Status.INFO, "default-ulimits not set; containers inherit the daemon's limits")


def judge_userns(info: DaemonInfo) -> Verdict:
    """2.9: dockerd reports ``name=userns`` in SecurityOptions when remapping is on."""
    option = info.security_option("userns")
    if option:
        return Verdict(Status.PASS, option)
    return Verdict(Status.FAIL, "user namespace remapping is off (no name=userns in SecurityOptions)")


def judge_cgroup_parent(s: DaemonSettings, _: DaemonInfo | None) -> Verdict:
    """2.10: a custom default cgroup parent must be confirmed by a human."""
    status = Status.WARN if s.last("cgroup-parent") else Status.PASS
    return Verdict(status, s.describe("cgroup-parent"))


def judge_base_device(s: DaemonSettings, _: DaemonInfo | None) -> Verdict:
    """2.11: ``dm.basesize`` only matters for devicemapper, but changing it early is discouraged."""
    hits = [o for o in s.values("storage-opts") if o.startswith("dm.basesize")]
    return Verdict(Status.WARN if hits else Status.PASS, ", ".join(hits) or "dm.basesize not set")


def judge_authorization(info: DaemonInfo) -> Verdict:
    """2.12."""
    plugins = info.plugins.authorization or []
    if plugins:
        return Verdict(Status.PASS, f"authorization plugins: {', '.join(plugins)}")
    return Verdict(Status.FAIL, "no authorization plugin")


def judge_remote_logging(info: DaemonInfo) -> Verdict:
    """2.13: drivers that keep logs on the host are not centralized logging."""
    driver = info.logging_driver
    status = Status.FAIL if driver in _LOCAL_LOG_DRIVERS else Status.PASS
    return Verdict(status, f"logging driver {driver!r}")


def judge_no_new_privileges(s: DaemonSettings, _: DaemonInfo | None) -> Verdict:
    """2.14."""
    status = Status.PASS if _is_true(s.last("no-new-privileges")) else Status.FAIL
    return Verdict(status, s.describe("no-new-privileges"))


def judge_live_restore(info: DaemonInfo) -> Verdict:
    """2.15: live-restore is incompatible with swarm mode, which docker-bench counts as a pass."""
    if info.live_restore:
        return Verdict(Status.PASS, "LiveRestoreEnabled=true")
    if info.swarm.local_node_state == "active":
        return Verdict(Status.PASS, "swarm mode is active (live-restore is incompatible with it)")
    return Verdict(Status.FAIL, "LiveRestoreEnabled=false")


def judge_userland_proxy(s: DaemonSettings, _: DaemonInfo | None) -> Verdict:
    """2.16: the proxy is on by default."""
    status = Status.PASS if _is_false(s.last("userland-proxy")) else Status.FAIL
    return Verdict(status, s.describe("userland-proxy"))


def judge_seccomp(info: DaemonInfo) -> Verdict:
    """2.17 is manual: the default profile is fine, a custom one needs review, none is a risk."""
    option = info.security_option("seccomp")
    if option is None:
        return Verdict(Status.WARN, "seccomp is not available to the daemon")
    status = Status.PASS if "profile=default" in option or "profile=builtin" in option else Status.INFO
    return Verdict(status, option)


def judge_experimental(info: DaemonInfo) -> Verdict:
    """2.18."""
    status = Status.FAIL if info.experimental else Status.PASS
    return Verdict(status, f"ExperimentalBuild={str(info.experimental).lower()}")


def judge_rootless(info: DaemonInfo) -> Verdict:
    """2.1 is manual: rootless mode is shown in SecurityOptions."""
    if info.security_option("rootless"):
        return Verdict(Status.PASS, "the daemon runs rootless")
    return Verdict(Status.INFO, "the daemon runs as root; consider rootless mode where possible")


def judge_swarm_mode(info: DaemonInfo) -> Verdict:
    """5.1: a swarm opens management ports; keep it off unless it is needed."""
    state = info.swarm.local_node_state or "inactive"
    return Verdict(Status.PASS if state == "inactive" else Status.WARN, f"Swarm.LocalNodeState={state!r}")


def judge_sprawl_images(info: DaemonInfo) -> Verdict:
    """6.1 is manual: the count tells a human whether a clean-up is due."""
    return Verdict(Status.INFO, f"{info.images} images on the host; remove unused ones (docker image prune)")


def judge_sprawl_containers(info: DaemonInfo) -> Verdict:
    """6.2 is manual."""
    stopped = info.containers - info.containers_running
    return Verdict(
        Status.INFO, f"{info.containers} containers, {stopped} not running (docker container prune)"
    )


PLUGINS: tuple[FactCheck, ...] = (
    fact_check(
        "daemon.rootless",
        "2.1",
        "Run the Docker daemon as a non-root user, if possible",
        _D,
        on_info(judge_rootless),
        "Run dockerd in rootless mode (dockerd-rootless-setuptool.sh install).",
        level=2,
        automated=False,
    ),
    fact_check(
        "daemon.icc",
        "2.2",
        "Ensure network traffic is restricted between containers on the default bridge",
        _D,
        on_settings(judge_icc),
        'Set "icc": false in daemon.json (or dockerd --icc=false).',
    ),
    fact_check(
        "daemon.log-level",
        "2.3",
        "Ensure the logging level is set to 'info'",
        _D,
        on_settings(judge_log_level),
        'Set "log-level": "info" in daemon.json and drop --debug.',
    ),
    fact_check(
        "daemon.iptables",
        "2.4",
        "Ensure Docker is allowed to make changes to iptables",
        _D,
        on_settings(judge_iptables),
        'Remove "iptables": false (and --iptables=false).',
    ),
    fact_check(
        "daemon.insecure-registries",
        "2.5",
        "Ensure insecure registries are not used",
        _D,
        on_info(judge_insecure_registries),
        'Remove "insecure-registries"; give registries TLS certificates.',
    ),
    fact_check(
        "daemon.aufs",
        "2.6",
        "Ensure aufs storage driver is not used",
        _D,
        on_info(judge_aufs),
        "Use the overlay2 storage driver.",
    ),
    fact_check(
        "daemon.tls",
        "2.7",
        "Ensure TLS authentication for Docker daemon is configured",
        _D,
        on_settings(judge_tls),
        "Listen on TCP only with --tlsverify, --tlscacert, --tlscert and --tlskey.",
    ),
    fact_check(
        "daemon.default-ulimits",
        "2.8",
        "Ensure the default ulimit is configured appropriately",
        _D,
        on_settings(judge_ulimits),
        'Set "default-ulimits" (e.g. nofile, nproc) in daemon.json.',
        automated=False,
    ),
    fact_check(
        "daemon.userns-remap",
        "2.9",
        "Enable user namespace support",
        _D,
        on_info(judge_userns),
        'Set "userns-remap": "default" in daemon.json (needs /etc/subuid and /etc/subgid).',
        level=2,
    ),
    fact_check(
        "daemon.cgroup-parent",
        "2.10",
        "Ensure the default cgroup usage has been confirmed",
        _D,
        on_settings(judge_cgroup_parent),
        'Leave "cgroup-parent" at its default unless it is required.',
        level=2,
    ),
    fact_check(
        "daemon.base-device-size",
        "2.11",
        "Ensure base device size is not changed until needed",
        _D,
        on_settings(judge_base_device),
        "Do not set --storage-opt dm.basesize until needed.",
        level=2,
    ),
    fact_check(
        "daemon.authorization",
        "2.12",
        "Ensure that authorization for Docker client commands is enabled",
        _D,
        on_info(judge_authorization),
        'Install an authorization plugin and set "authorization-plugins".',
        level=2,
    ),
    fact_check(
        "daemon.remote-logging",
        "2.13",
        "Ensure centralized and remote logging is configured",
        _D,
        on_info(judge_remote_logging),
        'Set "log-driver" to a remote driver (syslog, fluentd, gelf...).',
        level=2,
    ),
    fact_check(
        "daemon.no-new-privileges",
        "2.14",
        "Ensure containers are restricted from acquiring new privileges",
        _D,
        on_settings(judge_no_new_privileges),
        'Set "no-new-privileges": true in daemon.json.',
    ),
    fact_check(
        "daemon.live-restore",
        "2.15",
        "Ensure live restore is enabled",
        _D,
        on_info(judge_live_restore),
        'Set "live-restore": true in daemon.json.',
    ),
    fact_check(
        "daemon.userland-proxy",
        "2.16",
        "Ensure Userland Proxy is Disabled",
        _D,
        on_settings(judge_userland_proxy),
        'Set "userland-proxy": false in daemon.json.',
    ),
    fact_check(
        "daemon.seccomp",
        "2.17",
        "Ensure that a daemon-wide custom seccomp profile is applied if appropriate",
        _D,
        on_info(judge_seccomp),
        'Keep the default profile or set "seccomp-profile" to a reviewed one.',
        level=2,
        automated=False,
    ),
    fact_check(
        "daemon.experimental",
        "2.18",
        "Ensure that experimental features are not implemented in production",
        _D,
        on_info(judge_experimental),
        'Remove "experimental": true (and --experimental).',
    ),
    fact_check(
        "daemon.swarm-mode",
        "5.1",
        "Ensure swarm mode is not Enabled, if not needed",
        _D,
        on_info(judge_swarm_mode),
        "docker swarm leave, if swarm mode was enabled in error.",
    ),
    fact_check(
        "daemon.image-sprawl",
        "6.1",
        "Ensure that image sprawl is avoided",
        _D,
        on_info(judge_sprawl_images),
        "Remove images no container uses: docker image prune -a.",
        automated=False,
    ),
    fact_check(
        "daemon.container-sprawl",
        "6.2",
        "Ensure that container sprawl is avoided",
        _D,
        on_info(judge_sprawl_containers),
        "Remove stopped containers: docker container prune.",
        automated=False,
    ),
    manual(
        "daemon.exec-privileged",
        "5.23",
        "Ensure that docker exec commands are not used with the privileged option",
        _D,
        "look for 'exec_create' events with Privileged=true in the daemon's audit log",
    ),
    manual(
        "daemon.exec-root",
        "5.24",
        "Ensure that docker exec commands are not used with the user=root option",
        _D,
        "look for docker exec --user root (or 0) in the daemon's audit log",
        level=2,
    ),
)
"""Section 2 in CIS order, then the daemon-level checks of sections 5 and 6."""
