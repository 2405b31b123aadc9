"""The values a CIS audit produces: a status per check and target, plus the check interface."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from hullguard.audit._facts import ContainerFacts
    from hullguard.audit._gathered import AuditFacts

__all__ = ["Check", "CheckResult", "ContainerCheck", "FactCheck", "Judged", "Status", "TargetKind", "Verdict"]


class Status(StrEnum):
    """Outcome of one check on one target, in the vocabulary of docker-bench-security.

    ``FAIL`` is a setting the benchmark forbids; ``WARN`` is one that needs a human to confirm
    (the benchmark says "if applicable" or "confirm"); ``INFO`` is a manual recommendation we can
    only describe; ``SKIP`` means the check could not run, and its evidence says why.
    """

    PASS = "PASS"  # noqa: S105 - a status, not a password
    WARN = "WARN"
    FAIL = "FAIL"
    INFO = "INFO"
    SKIP = "SKIP"


class TargetKind(StrEnum):
    """What a result is about: the benchmark's sections each look at one kind of thing."""

    HOST = "host"
    DAEMON = "daemon"
    FILE = "file"
    IMAGE = "image"
    CONTAINER = "container"
    SWARM = "swarm"


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One check evaluated against one target (the host, the daemon, a file, an image, a container)."""

    check_id: str
    """Our stable id, e.g. ``container.privileged``."""
    cis_id: str
    """The CIS Docker Benchmark v1.6.0 recommendation number, e.g. ``"5.4"``."""
    title: str
    """The recommendation, phrased as what should hold."""
    level: int
    """CIS profile level, 1 or 2."""
    automated: bool
    """Whether CIS marks the recommendation as automated (``False``: manual)."""
    status: Status
    target: str
    """What was checked: ``host``, ``daemon``, a host path, an image reference, or a container name
    (without the leading slash the Engine API adds)."""
    evidence: str
    """The setting we saw, so a reader can judge the status without re-running the audit."""
    remediation: str
    """What to change, as a ``docker run`` option where there is one."""
    target_kind: TargetKind = TargetKind.CONTAINER
    """The kind of ``target``; added after the first JSON shape, hence last and defaulted."""

    @property
    def section(self) -> str:
        """The benchmark section, the first part of the CIS id (``"5"`` for ``"5.12"``)."""
        return self.cis_id.split(".", maxsplit=1)[0]

    @property
    def sort_key(self) -> tuple[tuple[int, ...], str, str]:
        """CIS ids compare numerically (5.9 before 5.10), then target, then our id."""
        return (tuple(int(part) for part in self.cis_id.split(".")), self.target, self.check_id)


class Check(Protocol):
    """One CIS recommendation: metadata plus one pure evaluation over everything collected."""

    @property
    def id(self) -> str: ...

    @property
    def cis_id(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def level(self) -> int: ...

    @property
    def automated(self) -> bool: ...

    @property
    def remediation(self) -> str: ...

    def run(self, facts: AuditFacts) -> list[CheckResult]:
        """Judge every target this check is about; never does I/O."""
        ...


@dataclass(frozen=True, slots=True)
class Verdict:
    """What a judge function decides: a status and the setting that led to it."""

    status: Status
    evidence: str


@dataclass(frozen=True, slots=True)
class Judged:
    """A verdict about one named target, as a :class:`FactCheck` judge returns it."""

    target: str
    verdict: Verdict


def _missing_security_module(module: str | None, facts: AuditFacts) -> str | None:
    """Why a label/profile check does not apply here, from ``docker info``'s SecurityOptions."""
    options = getattr(facts.info, "security_options", None)
    if module is None or options is None:
        return None
    if any(option.startswith(f"name={module}") or option == module for option in options):
        return None
    shown = ", ".join(options) or "none"
    return f"{module} is not enabled on this daemon (docker info SecurityOptions: {shown})"


def _result(check: Check, target: str, kind: TargetKind, verdict: Verdict) -> CheckResult:
    return CheckResult(
        check_id=check.id,
        cis_id=check.cis_id,
        title=check.title,
        level=check.level,
        automated=check.automated,
        status=verdict.status,
        target=target,
        evidence=verdict.evidence,
        remediation=check.remediation,
        target_kind=kind,
    )


@dataclass(frozen=True, slots=True)
class ContainerCheck:
    """A :class:`Check` made of CIS metadata plus one small pure ``judge`` function per container.

    Keeping the metadata as data and the logic as a function keeps every recommendation a few
    lines long and lets a table test call ``judge`` without building the metadata again.
    """

    id: str
    cis_id: str
    title: str
    level: int
    automated: bool
    remediation: str
    judge: Callable[[ContainerFacts], Verdict]
    security_module: str | None = None
    """The Linux security module (``apparmor``, ``selinux``) the check is about; on a daemon
    without it (``docker info`` SecurityOptions) the check SKIPs instead of judging."""

    def evaluate(self, container: ContainerFacts) -> CheckResult:
        """Run the judge and attach the metadata and the container name."""
        return _result(self, container.name, TargetKind.CONTAINER, self.judge(container))

    def run(self, facts: AuditFacts) -> list[CheckResult]:
        """One result per running container; SKIP for each when the host lacks what the check needs."""
        missing = _missing_security_module(self.security_module, facts)
        if missing is not None:
            verdict = Verdict(Status.SKIP, missing)
            return [_result(self, c.name, TargetKind.CONTAINER, verdict) for c in facts.containers]
        return [self.evaluate(container) for container in facts.containers]


@dataclass(frozen=True, slots=True)
class FactCheck:
    """A :class:`Check` about the host, the daemon, files, images or the swarm.

    Its judge sees all collected facts and names its targets itself: one result for the daemon,
    one per file it found, one per image. A judge that finds nothing to judge returns a single
    result saying so, so every check shows up in the report.
    """

    id: str
    cis_id: str
    title: str
    level: int
    automated: bool
    remediation: str
    kind: TargetKind
    judge: Callable[[AuditFacts], list[Judged]]

    def run(self, facts: AuditFacts) -> list[CheckResult]:
        """Attach the metadata to each of the judge's verdicts."""
        return [_result(self, j.target, self.kind, j.verdict) for j in self.judge(facts)]
