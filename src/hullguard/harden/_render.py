"""One :class:`Proposal`, four shapes: ``docker run`` arguments, a compose service, a Pod, JSON.

The writers add no decisions of their own: everything comes from the proposal.
"""

from __future__ import annotations

import dataclasses
import shlex
from typing import Any

from hullguard.harden._model import Healthcheck, Mount, Proposal

__all__ = ["compose_document", "docker_arguments", "docker_command", "kubernetes_pod", "proposal_document"]

_MIB = 1024 * 1024


def _docker_memory(size: int) -> str:
    return f"{size // _MIB}m" if size % _MIB == 0 else str(size)


def _k8s_memory(size: int) -> str:
    return f"{size // _MIB}Mi" if size % _MIB == 0 else str(size)


def _tmpfs_value(mount: Mount, size: str) -> str:
    return f"{mount.path}:{','.join((*mount.options, f'size={size}'))}"


def _port_value(proposal: Proposal) -> list[str]:
    return [f"{p.host_ip}:{p.host_port}:{p.container_port}/{p.protocol}" for p in proposal.ports]


def docker_arguments(proposal: Proposal) -> list[str]:
    """The ``docker run`` options (without ``docker run`` and the image), in a stable order."""
    s = proposal.settings
    args: list[str] = []
    if proposal.user is not None:
        args += ["--user", proposal.user]
    args += ["--cap-drop", "ALL"]
    for cap in proposal.cap_add:
        args += ["--cap-add", cap]
    args += ["--read-only"]
    for mount in proposal.tmpfs():
        args += ["--tmpfs", _tmpfs_value(mount, s.tmpfs_size)]
    for mount in proposal.volumes():
        args += ["--volume", f"{mount.volume_name}:{mount.path}"]
    args += ["--security-opt", "no-new-privileges:true"]
    memory = _docker_memory(s.memory_bytes)
    args += ["--memory", memory, "--memory-swap", memory]
    args += ["--cpus", f"{s.cpus:g}", "--cpu-shares", str(s.cpu_shares), "--pids-limit", str(s.pids_limit)]
    args += ["--restart", "on-failure:5"]
    for port in _port_value(proposal):
        args += ["--publish", port]
    return args


def docker_command(proposal: Proposal) -> str:
    """A copy-pastable ``docker run`` command, one option per line."""
    args = docker_arguments(proposal)
    lines = ["docker run --detach --name " + shlex.quote(proposal.settings.name)]
    i = 0
    while i < len(args):
        takes_value = i + 1 < len(args) and not args[i + 1].startswith("--")
        lines.append(shlex.join(args[i : i + 2] if takes_value else args[i : i + 1]))
        i += 2 if takes_value else 1
    lines.append(shlex.quote(proposal.image))
    return " \\\n  ".join(lines)


def _compose_health(check: Healthcheck) -> dict[str, Any]:
    test: list[str] = ["CMD-SHELL", check.command[-1]] if check.shell else ["CMD", *check.command]
    found: dict[str, Any] = {"test": test}
    for key, value in (
        ("interval", check.interval_s),
        ("timeout", check.timeout_s),
        ("start_period", check.start_period_s),
    ):
        if value is not None:
            found[key] = f"{value}s"
    if check.retries is not None:
        found["retries"] = check.retries
    return found


def compose_document(proposal: Proposal) -> dict[str, Any]:
    """A compose file (Compose Specification) with one service and its named volumes."""
    s = proposal.settings
    service: dict[str, Any] = {"image": proposal.image}
    if proposal.user is not None:
        service["user"] = proposal.user
    service["read_only"] = True
    service["cap_drop"] = ["ALL"]
    if proposal.cap_add:
        service["cap_add"] = list(proposal.cap_add)
    service["security_opt"] = ["no-new-privileges:true"]
    if proposal.tmpfs():
        service["tmpfs"] = [_tmpfs_value(m, s.tmpfs_size) for m in proposal.tmpfs()]
    if proposal.volumes():
        service["volumes"] = [f"{m.volume_name}:{m.path}" for m in proposal.volumes()]
    memory = _docker_memory(s.memory_bytes)
    service.update(
        mem_limit=memory, memswap_limit=memory, cpus=s.cpus, cpu_shares=s.cpu_shares, pids_limit=s.pids_limit
    )
    service["restart"] = "on-failure:5"
    if proposal.ports:
        service["ports"] = _port_value(proposal)
    if proposal.healthcheck is not None:
        service["healthcheck"] = _compose_health(proposal.healthcheck)
    document: dict[str, Any] = {"services": {s.name: service}}
    if proposal.volumes():
        document["volumes"] = {m.volume_name: {} for m in proposal.volumes()}
    return document


def _security_context(proposal: Proposal) -> dict[str, Any]:
    context: dict[str, Any] = {
        "allowPrivilegeEscalation": False,
        "privileged": False,
        "readOnlyRootFilesystem": True,
        "capabilities": {"drop": ["ALL"], **({"add": list(proposal.cap_add)} if proposal.cap_add else {})},
        "seccompProfile": {"type": "RuntimeDefault"},
    }
    if proposal.runs_as_root:
        context["runAsNonRoot"] = False
    else:
        context["runAsNonRoot"] = True
        if proposal.run_as_uid is not None:
            context["runAsUser"] = proposal.run_as_uid
        if proposal.run_as_gid is not None:
            context["runAsGroup"] = proposal.run_as_gid
    return context


def _probes(proposal: Proposal) -> dict[str, Any]:
    check = proposal.healthcheck
    if check is not None:
        probe: dict[str, Any] = {"exec": {"command": list(check.command)}}
        if check.interval_s is not None:
            probe["periodSeconds"] = check.interval_s
        if check.timeout_s is not None:
            probe["timeoutSeconds"] = check.timeout_s
        if check.retries is not None:
            probe["failureThreshold"] = check.retries
        if check.start_period_s is not None:
            probe["initialDelaySeconds"] = check.start_period_s
        return {"livenessProbe": probe, "readinessProbe": dict(probe)}
    tcp = next((p for p in proposal.ports if p.protocol == "tcp"), None)
    if tcp is None:
        return {}
    return {"readinessProbe": {"tcpSocket": {"port": tcp.container_port}, "periodSeconds": 10}}


def _volume_name(mount: Mount) -> str:
    return mount.volume_name or "tmp" + mount.path.replace("/", "-").lower()


def kubernetes_pod(proposal: Proposal) -> dict[str, Any]:
    """A Pod with the container's securityContext, resources, probes and writable volumes.

    tmpfs paths become ``emptyDir`` in memory; image VOLUMEs become ``emptyDir`` placeholders to
    replace with a PersistentVolumeClaim.
    """
    s = proposal.settings
    memory = _k8s_memory(s.memory_bytes)
    container: dict[str, Any] = {
        "name": s.name,
        "image": proposal.image,
        "securityContext": _security_context(proposal),
        "resources": {
            "limits": {"memory": memory, "cpu": f"{int(s.cpus * 1000)}m"},
            "requests": {"memory": memory, "cpu": f"{max(1, int(s.cpus * 250))}m"},
        },
        **_probes(proposal),
    }
    if proposal.ports:
        container["ports"] = [
            {"containerPort": p.container_port, "protocol": p.protocol.upper()} for p in proposal.ports
        ]
    mounts = proposal.tmpfs() + proposal.volumes()
    if mounts:
        container["volumeMounts"] = [{"name": _volume_name(m), "mountPath": m.path} for m in mounts]
    pod_context: dict[str, Any] = {"seccompProfile": {"type": "RuntimeDefault"}}
    if not proposal.runs_as_root and proposal.run_as_gid is not None:
        pod_context["fsGroup"] = proposal.run_as_gid
    if proposal.low_ports:
        pod_context["sysctls"] = [{"name": "net.ipv4.ip_unprivileged_port_start", "value": "0"}]
    spec: dict[str, Any] = {
        "automountServiceAccountToken": False,
        "securityContext": pod_context,
        "containers": [container],
    }
    if mounts:
        spec["volumes"] = [
            {"name": _volume_name(m), "emptyDir": {"medium": "Memory", "sizeLimit": _k8s_size(s.tmpfs_size)}}
            for m in proposal.tmpfs()
        ] + [{"name": _volume_name(m), "emptyDir": {}} for m in proposal.volumes()]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": s.name}, "spec": spec}


def _k8s_size(docker_size: str) -> str:
    """``64m`` (Docker) -> ``64Mi`` (Kubernetes quantity)."""
    units = {"k": "Ki", "m": "Mi", "g": "Gi"}
    unit = docker_size[-1:].lower()
    return docker_size[:-1] + units[unit] if unit in units else docker_size


def proposal_document(proposal: Proposal) -> dict[str, Any]:
    """Everything as one JSON document: reasons, notes and the three rendered forms."""
    return {
        "schemaVersion": "1.0",
        "image": proposal.image,
        "user": proposal.user,
        "runsAsRoot": proposal.runs_as_root,
        "settings": [dataclasses.asdict(r) for r in proposal.reasons],
        "notes": list(proposal.notes),
        "docker": {"args": docker_arguments(proposal), "command": docker_command(proposal)},
        "compose": compose_document(proposal),
        "kubernetes": kubernetes_pod(proposal),
    }
