"""Small builders shared by the check modules: metadata, guards for missing facts, manual checks.

A check that needs a part of the facts that could not be collected (the engine was unreachable,
the engine is Podman, ``daemon.json`` is not JSON) reports SKIP with that reason, through these
guards, so no check module repeats the "is it there" logic.
"""

from __future__ import annotations

from collections.abc import Callable

from hullguard.audit._daemon_config import DaemonSettings
from hullguard.audit._engine import DaemonInfo
from hullguard.audit._gathered import AuditFacts, DaemonProcess, EngineKind, HostFacts, Unavailable
from hullguard.audit._model import FactCheck, Judged, Status, TargetKind, Verdict

__all__ = [
    "DAEMON",
    "HOST",
    "fact_check",
    "manual",
    "on_host",
    "on_info",
    "on_settings",
    "skip",
]

DAEMON = "daemon"
HOST = "host"

Judge = Callable[[AuditFacts], list[Judged]]


def skip(reason: str) -> Verdict:
    """SKIP with the reason the facts are missing."""
    return Verdict(Status.SKIP, reason)


def _docker_only(facts: AuditFacts) -> str | None:
    if facts.engine is not EngineKind.DOCKER:
        return f"Docker-only check; the engine at {facts.endpoint} is {facts.engine.value}"
    return None


def on_info(judge: Callable[[DaemonInfo], Verdict], *, target: str = DAEMON) -> Judge:
    """A judge of ``docker info`` alone (the daemon's effective settings as it reports them)."""

    def run(facts: AuditFacts) -> list[Judged]:
        reason = _docker_only(facts)
        if reason:
            return [Judged(target, skip(reason))]
        if isinstance(facts.info, Unavailable):
            return [Judged(target, skip(facts.info.reason))]
        return [Judged(target, judge(facts.info))]

    return run


def on_settings(judge: Callable[[DaemonSettings, DaemonInfo | None], Verdict]) -> Judge:
    """A judge of the dockerd command line plus ``daemon.json`` (and ``docker info`` if known)."""

    def run(facts: AuditFacts) -> list[Judged]:
        reason = _docker_only(facts)
        if reason:
            return [Judged(DAEMON, skip(reason))]
        if isinstance(facts.host, Unavailable):
            return [Judged(DAEMON, skip(facts.host.reason))]
        daemon = facts.host.daemon
        if isinstance(daemon, Unavailable):
            return [Judged(DAEMON, skip(daemon.reason))]
        if daemon.config_error:
            return [Judged(DAEMON, skip(daemon.config_error))]
        info = None if isinstance(facts.info, Unavailable) else facts.info
        return [Judged(DAEMON, judge(daemon.settings, info))]

    return run


def on_host(judge: Callable[[HostFacts, AuditFacts], list[Judged]], *, target: str = HOST) -> Judge:
    """A judge of the host's files and processes."""

    def run(facts: AuditFacts) -> list[Judged]:
        reason = _docker_only(facts)
        if reason:
            return [Judged(target, skip(reason))]
        if isinstance(facts.host, Unavailable):
            return [Judged(target, skip(facts.host.reason))]
        return judge(facts.host, facts)

    return run


def daemon_process(host: HostFacts) -> DaemonProcess | None:
    """The dockerd found on the host, if any."""
    return host.daemon if isinstance(host.daemon, DaemonProcess) else None


def fact_check(  # noqa: PLR0917 - a table row: positional metadata reads best
    check_id: str,
    cis_id: str,
    title: str,
    kind: TargetKind,
    judge: Judge,
    remediation: str,
    *,
    level: int = 1,
    automated: bool = True,
) -> FactCheck:
    """A :class:`FactCheck` from positional metadata, in the order the check tables read best."""
    return FactCheck(check_id, cis_id, title, level, automated, remediation, kind, judge)


def manual(
    check_id: str, cis_id: str, title: str, kind: TargetKind, guidance: str, *, level: int = 1
) -> FactCheck:
    """A manual recommendation: always INFO, with what a human should look at."""
    target = {TargetKind.HOST: HOST, TargetKind.DAEMON: DAEMON, TargetKind.SWARM: "swarm"}.get(
        kind, kind.value + "s"
    )
    verdict = Verdict(Status.INFO, f"manual review: {guidance}")
    return FactCheck(
        check_id, cis_id, title, level, False, guidance, kind, lambda _f: [Judged(target, verdict)]
    )
