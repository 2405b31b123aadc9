"""The audit report every writer renders: results, notes and where they came from."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from hullguard.audit._model import CheckResult, Status

__all__ = ["BENCHMARK", "AuditReport"]

BENCHMARK = "CIS Docker Benchmark v1.6.0"

SECTIONS = {
    "1": "Host Configuration",
    "2": "Docker daemon configuration",
    "3": "Docker daemon configuration files",
    "4": "Container Images and Build File",
    "5": "Container Runtime",
    "6": "Docker Security Operations",
    "7": "Docker Swarm Configuration",
}
"""Section titles as the benchmark names them."""


@dataclass(frozen=True, slots=True)
class AuditReport:
    """One audit: the sorted results plus the notes about what could not be collected."""

    engine: str
    """``docker`` or ``podman``."""
    endpoint: str
    results: tuple[CheckResult, ...]
    notes: tuple[str, ...] = ()
    benchmark: str = BENCHMARK

    def summary(self) -> dict[str, int]:
        """Count of results per status, every status present (zeros included), in Status order."""
        counts = Counter(r.status for r in self.results)
        return {status.value: counts.get(status, 0) for status in Status}

    def sections(self) -> list[tuple[str, str, list[CheckResult]]]:
        """``(number, title, results)`` per section, in CIS order."""
        grouped: dict[str, list[CheckResult]] = {}
        for result in self.results:
            grouped.setdefault(result.section, []).append(result)
        return [(n, SECTIONS.get(n, f"Section {n}"), grouped[n]) for n in sorted(grouped, key=int)]
