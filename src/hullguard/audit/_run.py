"""Evaluate checks against collected containers: a pure function, so reports are deterministic."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from hullguard.audit._facts import ContainerFacts
from hullguard.audit._model import Check, CheckResult

__all__ = ["audit_containers"]


def audit_containers(facts: Sequence[ContainerFacts], checks: Iterable[Check]) -> list[CheckResult]:
    """Every check on every container, sorted by CIS id (numerically), then target, then check id."""
    check_list = list(checks)
    results = [check.evaluate(container) for container in facts for check in check_list]
    return sorted(results, key=lambda r: r.sort_key)
