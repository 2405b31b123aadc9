"""CIS Docker Benchmark v1.6.0 section 7 (swarm configuration).

With swarm mode inactive every automated check passes (there is no swarm to misconfigure), as
in docker-bench-security; the manual ones are INFO either way. On an active manager the checks
read ``docker info``, ``GET /swarm``, the overlay networks and the host's listening sockets.
"""

from __future__ import annotations

from collections.abc import Callable

from hullguard.audit._build import fact_check, manual, skip
from hullguard.audit._engine import SwarmFacts
from hullguard.audit._gathered import AuditFacts, EngineKind, Unavailable
from hullguard.audit._model import FactCheck, Judged, Status, TargetKind, Verdict

__all__ = ["PLUGINS"]

_S = TargetKind.SWARM
_TARGET = "swarm"
_MANAGEMENT_PORT = 2377


def _active(judge: Callable[[AuditFacts, SwarmFacts], list[Judged]]) -> Callable[[AuditFacts], list[Judged]]:
    def run(facts: AuditFacts) -> list[Judged]:
        if facts.engine is not EngineKind.DOCKER:
            return [Judged(_TARGET, skip(f"{facts.engine.value} has no swarm mode"))]
        if isinstance(facts.info, Unavailable):
            return [Judged(_TARGET, skip(facts.info.reason))]
        if facts.swarm is None:
            return [Judged(_TARGET, Verdict(Status.PASS, "swarm mode is not enabled"))]
        if isinstance(facts.swarm, Unavailable):
            return [Judged(_TARGET, skip(facts.swarm.reason))]
        return judge(facts, facts.swarm)

    return run


def judge_managers(facts: AuditFacts, _: SwarmFacts) -> list[Judged]:
    """7.1: more managers than needed widen the attack surface; a human confirms the count."""
    managers = 0 if isinstance(facts.info, Unavailable) else facts.info.swarm.managers
    status = Status.PASS if managers <= 1 else Status.WARN
    return [Judged(_TARGET, Verdict(status, f"{managers} manager node(s); confirm the count is the minimum"))]


def judge_listen(facts: AuditFacts, _: SwarmFacts) -> list[Judged]:
    """7.2: the management port bound to every interface."""
    if isinstance(facts.host, Unavailable):
        return [Judged(_TARGET, skip(facts.host.reason))]
    listeners = facts.host.listeners
    if isinstance(listeners, Unavailable):
        return [Judged(_TARGET, skip(listeners.reason))]
    wide = [port for address, port in listeners if address == "*" and port == _MANAGEMENT_PORT]
    if wide:
        return [Judged(_TARGET, Verdict(Status.FAIL, f"port {_MANAGEMENT_PORT} listens on every interface"))]
    return [Judged(_TARGET, Verdict(Status.PASS, f"port {_MANAGEMENT_PORT} is bound to a specific address"))]


def judge_encrypted(_: AuditFacts, swarm: SwarmFacts) -> list[Judged]:
    """7.3: overlay traffic between nodes is plain VXLAN unless the network is encrypted."""
    if not swarm.networks:
        return [Judged(_TARGET, Verdict(Status.PASS, "no overlay network"))]
    return [
        Judged(
            network.name,
            Verdict(Status.PASS, "encrypted")
            if "encrypted" in (network.options or {})
            else Verdict(Status.FAIL, "overlay network without --opt encrypted"),
        )
        for network in swarm.networks
    ]


def judge_autolock(facts: AuditFacts, swarm: SwarmFacts) -> list[Judged]:
    """7.5: only a manager can tell; workers SKIP."""
    if isinstance(facts.info, Unavailable) or not facts.info.swarm.control_available:
        return [Judged(_TARGET, skip("not a swarm manager; run the audit on a manager"))]
    on = swarm.spec.encryption.auto_lock_managers
    return [
        Judged(_TARGET, Verdict(Status.PASS if on else Status.FAIL, f"AutoLockManagers={str(on).lower()}"))
    ]


PLUGINS: tuple[FactCheck, ...] = (
    fact_check(
        "swarm.managers",
        "7.1",
        "Ensure that the minimum number of manager nodes have been created in a swarm",
        _S,
        _active(judge_managers),
        "Demote extra managers: docker node demote <node>.",
    ),
    fact_check(
        "swarm.listen-address",
        "7.2",
        "Ensure that swarm services are bound to a specific host interface",
        _S,
        _active(judge_listen),
        "Re-initialize the swarm with --listen-addr <ip>:2377.",
    ),
    fact_check(
        "swarm.encrypted-overlay",
        "7.3",
        "Ensure that all Docker swarm overlay networks are encrypted",
        _S,
        _active(judge_encrypted),
        "Create overlay networks with --opt encrypted.",
    ),
    manual(
        "swarm.secrets",
        "7.4",
        "Ensure that Docker's secret management commands are used for managing secrets in a swarm cluster",
        _S,
        "pass secrets with docker secret create, not environment variables",
        level=2,
    ),
    fact_check(
        "swarm.autolock",
        "7.5",
        "Ensure that swarm manager is run in auto-lock mode",
        _S,
        _active(judge_autolock),
        "docker swarm update --autolock=true.",
    ),
    manual(
        "swarm.autolock-rotation",
        "7.6",
        "Ensure that the swarm manager auto-lock key is rotated periodically",
        _S,
        "rotate with docker swarm unlock-key --rotate on a schedule",
        level=2,
    ),
    manual(
        "swarm.node-certificates",
        "7.7",
        "Ensure that node certificates are rotated as appropriate",
        _S,
        "set docker swarm update --cert-expiry to your policy",
    ),
    manual(
        "swarm.ca-rotation",
        "7.8",
        "Ensure that CA certificates are rotated as appropriate",
        _S,
        "rotate the root CA with docker swarm ca --rotate",
        level=2,
    ),
    manual(
        "swarm.plane-separation",
        "7.9",
        "Ensure that management plane traffic is separated from data plane traffic",
        _S,
        "initialize with --advertise-addr and --data-path-addr on different interfaces",
        level=2,
    ),
)
"""Section 7 in CIS order."""
