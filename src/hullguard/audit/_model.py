"""The values a CIS audit produces: a status per check and target, plus the check interface."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from hullguard.audit._facts import ContainerFacts

__all__ = ["Check", "CheckResult", "ContainerCheck", "Status", "Verdict"]


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


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One check evaluated against one container."""

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
    """The container name, without the leading slash the Engine API adds."""
    evidence: str
    """The setting we saw, so a reader can judge the status without re-running the audit."""
    remediation: str
    """What to change, as a ``docker run`` option where there is one."""

    @property
    def sort_key(self) -> tuple[tuple[int, ...], str, str]:
        """CIS ids compare numerically (5.9 before 5.10), then target, then our id."""
        return (tuple(int(part) for part in self.cis_id.split(".")), self.target, self.check_id)


class Check(Protocol):
    """A container runtime recommendation: metadata plus one pure evaluation."""

    @property
    def id(self) -> str: ...

    @property
    def cis_id(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def level(self) -> int: ...

    @property
    def remediation(self) -> str: ...

    def evaluate(self, container: ContainerFacts) -> CheckResult:
        """Judge one container from its inspect data alone; never does I/O."""
        ...


@dataclass(frozen=True, slots=True)
class Verdict:
    """What a judge function decides: a status and the setting that led to it."""

    status: Status
    evidence: str


@dataclass(frozen=True, slots=True)
class ContainerCheck:
    """A :class:`Check` made of CIS metadata plus one small pure ``judge`` function.

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

    def evaluate(self, container: ContainerFacts) -> CheckResult:
        """Run the judge and attach the metadata and the container name."""
        verdict = self.judge(container)
        return CheckResult(
            check_id=self.id,
            cis_id=self.cis_id,
            title=self.title,
            level=self.level,
            automated=self.automated,
            status=verdict.status,
            target=container.name,
            evidence=verdict.evidence,
            remediation=self.remediation,
        )
