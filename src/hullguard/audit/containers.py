"""CIS Docker Benchmark v1.6.0 container runtime checks (section 5, plus 4.1), from inspect data only.

Numbering follows v1.6.0, where 5.1 is swarm mode (a daemon check, in :mod:`.daemon`) and
the container checks start at 5.2; earlier benchmark versions are one lower.

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

from collections.abc import Callable

from hullguard.audit._container_judges import (
    _host_namespace,
    judge_apparmor,
    judge_bind_address,
    judge_capabilities,
    judge_cgroup_parent,
    judge_cpu,
    judge_default_bridge,
    judge_devices,
    judge_docker_socket,
    judge_health,
    judge_latest,
    judge_memory,
    judge_no_new_privileges,
    judge_open_ports,
    judge_pids_limit,
    judge_privileged,
    judge_privileged_ports,
    judge_propagation,
    judge_read_only,
    judge_restart,
    judge_seccomp,
    judge_selinux,
    judge_sensitive_mounts,
    judge_sshd,
    judge_ulimits,
    judge_user,
)
from hullguard.audit._facts import ContainerFacts
from hullguard.audit._model import ContainerCheck, Verdict

__all__ = ["PLUGINS"]


def _check(
    check_id: str,
    cis_id: str,
    title: str,
    judge: Callable[[ContainerFacts], Verdict],
    remediation: str,
    *,
    level: int = 1,
    automated: bool = True,
    security_module: str | None = None,
) -> ContainerCheck:
    return ContainerCheck(check_id, cis_id, title, level, automated, remediation, judge, security_module)


_host_net = _host_namespace(lambda c: c.host_config.network_mode, "NetworkMode")
_host_pid = _host_namespace(lambda c: c.host_config.pid_mode, "PidMode")
_host_ipc = _host_namespace(lambda c: c.host_config.ipc_mode, "IpcMode")
_host_uts = _host_namespace(lambda c: c.host_config.uts_mode, "UTSMode")
_host_userns = _host_namespace(lambda c: c.host_config.userns_mode, "UsernsMode")

PLUGINS: tuple[ContainerCheck, ...] = (
    _check(
        "container.user",
        "4.1",
        "Ensure that a user for the container has been created",
        judge_user,
        "Create a user in the image (USER) or run with --user <uid>.",
    ),
    _check(
        "container.apparmor",
        "5.2",
        "Ensure that, if applicable, an AppArmor profile is enabled",
        judge_apparmor,
        "Run with --security-opt apparmor=<profile> (docker-default is fine).",
        security_module="apparmor",
    ),
    _check(
        "container.selinux",
        "5.3",
        "Ensure that, if applicable, SELinux security options are set",
        judge_selinux,
        "Run with --security-opt label=type:<type> on SELinux hosts (dockerd --selinux-enabled).",
        level=2,
        security_module="selinux",
    ),
    _check(
        "container.capabilities",
        "5.4",
        "Ensure that Linux kernel capabilities are restricted",
        judge_capabilities,
        "Run with --cap-drop ALL and add back only the capabilities needed.",
    ),
    _check(
        "container.privileged",
        "5.5",
        "Ensure that privileged containers are not used",
        judge_privileged,
        "Do not use --privileged; grant specific capabilities or devices instead.",
    ),
    _check(
        "container.sensitive-mounts",
        "5.6",
        "Ensure sensitive host system directories are not mounted",
        judge_sensitive_mounts,
        "Do not bind-mount /, /boot, /dev, /etc, /lib, /proc, /sys or /usr.",
    ),
    _check(
        "container.sshd",
        "5.7",
        "Ensure sshd is not run within containers",
        judge_sshd,
        "Remove the SSH daemon from the image; use docker exec to get a shell.",
    ),
    _check(
        "container.privileged-ports",
        "5.8",
        "Ensure privileged ports are not mapped within containers",
        judge_privileged_ports,
        "Publish on host ports 1024 and above.",
    ),
    _check(
        "container.open-ports",
        "5.9",
        "Ensure that only needed ports are open on the container",
        judge_open_ports,
        "Publish only the ports the service needs (-p, not -P).",
        automated=False,
    ),
    _check(
        "container.host-network",
        "5.10",
        "Ensure that the host's network namespace is not shared",
        _host_net,
        "Do not run with --network host.",
    ),
    _check(
        "container.memory",
        "5.11",
        "Ensure that the memory usage for containers is limited",
        judge_memory,
        "Run with --memory <limit>.",
    ),
    _check(
        "container.cpu-shares",
        "5.12",
        "Ensure that CPU priority is set appropriately",
        judge_cpu,
        "Run with --cpu-shares <weight> (the default weight is 1024).",
    ),
    _check(
        "container.read-only-rootfs",
        "5.13",
        "Ensure that the root filesystem is mounted read-only",
        judge_read_only,
        "Run with --read-only and mount volumes or tmpfs where writes are needed.",
    ),
    _check(
        "container.bind-address",
        "5.14",
        "Ensure incoming traffic is bound to a specific host interface",
        judge_bind_address,
        "Publish with an address: -p <host-ip>:<host-port>:<port>.",
    ),
    _check(
        "container.restart-policy",
        "5.15",
        "Ensure the 'on-failure' restart policy is set to 5",
        judge_restart,
        "Run with --restart on-failure:5 (or no restart policy).",
    ),
    _check(
        "container.host-pid",
        "5.16",
        "Ensure that the host's process namespace is not shared",
        _host_pid,
        "Do not run with --pid host.",
    ),
    _check(
        "container.host-ipc",
        "5.17",
        "Ensure that the host's IPC namespace is not shared",
        _host_ipc,
        "Do not run with --ipc host.",
    ),
    _check(
        "container.host-devices",
        "5.18",
        "Ensure that host devices are not directly exposed",
        judge_devices,
        "Avoid --device; if needed, grant only r/w/m permissions the workload uses.",
        automated=False,
    ),
    _check(
        "container.ulimits",
        "5.19",
        "Ensure that the default ulimit is overwritten at runtime if needed",
        judge_ulimits,
        "Override --ulimit only where the workload needs it.",
        automated=False,
    ),
    _check(
        "container.mount-propagation",
        "5.20",
        "Ensure mount propagation mode is not set to shared",
        judge_propagation,
        "Do not mount volumes with shared or rshared propagation.",
    ),
    _check(
        "container.host-uts",
        "5.21",
        "Ensure that the host's UTS namespace is not shared",
        _host_uts,
        "Do not run with --uts host.",
    ),
    _check(
        "container.seccomp",
        "5.22",
        "Ensure the default seccomp profile is not disabled",
        judge_seccomp,
        "Do not use --security-opt seccomp=unconfined or --privileged.",
    ),
    _check(
        "container.cgroup-parent",
        "5.25",
        "Ensure that cgroup usage is confirmed",
        judge_cgroup_parent,
        "Use --cgroup-parent only when required, and confirm the parent's limits.",
    ),
    _check(
        "container.no-new-privileges",
        "5.26",
        "Ensure the container cannot acquire additional privileges",
        judge_no_new_privileges,
        "Run with --security-opt no-new-privileges.",
    ),
    _check(
        "container.health-check",
        "5.27",
        "Ensure that container health is checked at runtime",
        judge_health,
        "Add HEALTHCHECK to the image or run with --health-cmd.",
    ),
    _check(
        "container.latest-image",
        "5.28",
        "Ensure that Docker commands always make use of the latest version of their image",
        judge_latest,
        "Pin images by version tag or digest and pull before running.",
        automated=False,
    ),
    _check(
        "container.pids-limit",
        "5.29",
        "Ensure that the PIDs cgroup limit is used",
        judge_pids_limit,
        "Run with --pids-limit <n>.",
    ),
    _check(
        "container.default-bridge",
        "5.30",
        "Ensure that Docker's default bridge docker0 is not used",
        judge_default_bridge,
        "Attach containers to a user-defined network (docker network create).",
        level=2,
        automated=False,
    ),
    _check(
        "container.host-userns",
        "5.31",
        "Ensure that the host's user namespaces are not shared",
        _host_userns,
        "Do not run with --userns host.",
    ),
    _check(
        "container.docker-socket",
        "5.32",
        "Ensure that the Docker socket is not mounted inside any containers",
        judge_docker_socket,
        "Never mount docker.sock; put an authorization proxy in front of the API if it is needed.",
    ),
)
"""The checks in CIS order; the audit registry is built from this list."""
