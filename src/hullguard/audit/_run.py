"""Evaluate checks against collected facts: pure functions, so reports are deterministic."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from hullguard.audit._facts import ContainerFacts
from hullguard.audit._gathered import AuditFacts
from hullguard.audit._model import Check, CheckResult, ContainerCheck

__all__ = ["audit_containers", "run_checks"]


def audit_containers(facts: Sequence[ContainerFacts], checks: Iterable[ContainerCheck]) -> list[CheckResult]:
    """Every container check on every container, sorted by CIS id (numerically), target, check id."""
    check_list = list(checks)
    results = [check.evaluate(container) for container in facts for check in check_list]
    return sorted(results, key=lambda r: r.sort_key)


def run_checks(facts: AuditFacts, checks: Iterable[Check]) -> list[CheckResult]:
    """Every check on the targets it is about, sorted like :func:`audit_containers`."""
    results = [result for check in checks for result in check.run(facts)]
    return sorted(results, key=lambda r: r.sort_key)
