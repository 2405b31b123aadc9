"""Which checks run and at which severity: one value shared by every kind of check.

Users select checks by our id (``HG-DF-008``) or by any id a check maps to (``DL3008``), so a
team moving from hadolint keeps its configuration's vocabulary.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field

from hullguard.report import CheckInfo, MisconfigFinding, Severity

__all__ = ["LintOptions"]


def _names_of(check: CheckInfo) -> set[str]:
    return {check.id.upper(), *(value.upper() for _, value in check.mappings)}


@dataclass(frozen=True, slots=True)
class LintOptions:
    """Check selection and severity overrides; the defaults run every check at its own severity."""

    include: frozenset[str] = frozenset()
    """Check ids (ours or mapped) to run; empty means all."""
    exclude: frozenset[str] = frozenset()
    severity_overrides: Mapping[str, Severity] = field(default_factory=dict)
    """Id (ours or mapped) -> severity to report instead of the check's own."""
    shellcheck: bool = True
    """Run ShellCheck on Dockerfile RUN instructions when the ``shellcheck`` binary is available."""
    minimum_severity: Severity = Severity.UNKNOWN

    def __post_init__(self) -> None:
        object.__setattr__(self, "include", frozenset(name.upper() for name in self.include))
        object.__setattr__(self, "exclude", frozenset(name.upper() for name in self.exclude))
        overrides = {name.upper(): value for name, value in self.severity_overrides.items()}
        object.__setattr__(self, "severity_overrides", overrides)

    def selects(self, check: CheckInfo) -> bool:
        """Whether ``check`` runs under this selection."""
        names = _names_of(check)
        if self.include and not names & self.include:
            return False
        return not names & self.exclude

    def severity_of(self, check: CheckInfo) -> Severity:
        """The severity findings of ``check`` get: an override when one names it, else its own."""
        for name in (check.id.upper(), *(value.upper() for _, value in check.mappings)):
            if name in self.severity_overrides:
                return self.severity_overrides[name]
        return check.severity

    def apply(self, finding: MisconfigFinding) -> MisconfigFinding | None:
        """The finding as reported (severity override applied), or None when it is not selected."""
        if not self.selects(finding.check):
            return None
        severity = self.severity_of(finding.check)
        if severity.rank < self.minimum_severity.rank:
            return None
        if severity is finding.check.severity:
            return finding
        return dataclasses.replace(finding, severity=severity)
