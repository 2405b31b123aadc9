"""Checks of a pod spec as a whole: host namespaces, hostPath volumes, sysctls, token mounting."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from hullguard.misconfig._values import HostPathClass, classify_host_path
from hullguard.misconfig.kubernetes import _catalog as c
from hullguard.misconfig.kubernetes._model import Hit, PodTemplate
from hullguard.report import CheckInfo

__all__ = ["POD_RULES"]

PodRule = Callable[[PodTemplate], Iterator[Hit]]

SAFE_SYSCTLS = frozenset(
    {
        "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start",
        "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports",
        "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
        "net.ipv4.tcp_keepalive_probes",
    }
)  # fmt: skip
"""The Pod Security Standards (baseline) list of safe sysctls."""


def _flag(key: str, what: str) -> PodRule:
    def rule(pod: PodTemplate) -> Iterator[Hit]:
        if pod.spec.get(key) is True:
            yield Hit(pod.spec.key_mark(key), f"pod shares the host {what} namespace ({key}: true)")

    return rule


def _host_paths(wanted: HostPathClass) -> PodRule:
    def rule(pod: PodTemplate) -> Iterator[Hit]:
        volumes = pod.spec.seq("volumes")
        for volume, _ in volumes.maps() if volumes else []:
            host = volume.map("hostPath")
            path = host.text("path") if host else None
            if host is not None and path is not None and classify_host_path(path) == wanted:
                name = volume.text("name") or "?"
                yield Hit(host.value_marks.get("path", host.mark), f"volume {name!r} mounts host path {path}")

    return rule


def _sysctls(pod: PodTemplate) -> Iterator[Hit]:
    security = pod.security
    sysctls = security.seq("sysctls") if security else None
    for item, mark in sysctls.maps() if sysctls else []:
        name = item.text("name")
        if name and name not in SAFE_SYSCTLS:
            yield Hit(item.value_marks.get("name", mark), f"pod sets unsafe sysctl {name}")


def _token(pod: PodTemplate) -> Iterator[Hit]:
    value = pod.spec.get("automountServiceAccountToken")
    if value is not False:
        mark = pod.spec.key_mark("automountServiceAccountToken")
        yield Hit(mark, "pod mounts its service account token (automountServiceAccountToken is not false)")


POD_RULES: tuple[tuple[CheckInfo, PodRule], ...] = (
    (c.HOST_NETWORK, _flag("hostNetwork", "network")),
    (c.HOST_PID, _flag("hostPID", "PID")),
    (c.HOST_IPC, _flag("hostIPC", "IPC")),
    (c.RUNTIME_SOCKET, _host_paths(HostPathClass.RUNTIME_SOCKET)),
    (c.HOST_ROOT, _host_paths(HostPathClass.ROOT)),
    (c.SENSITIVE_HOST_PATH, _host_paths(HostPathClass.SENSITIVE)),
    (c.HOST_PATH, _host_paths(HostPathClass.OTHER)),
    (c.UNSAFE_SYSCTL, _sysctls),
    (c.SA_TOKEN, _token),
)
"""Pod-level rules with the check each one reports."""
