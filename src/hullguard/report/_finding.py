"""Typed findings: what every scanner hands to every report writer."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from hullguard.inventory import LayerInfo, Package

__all__ = ["FixStatus", "Severity", "VulnerabilityFinding"]


class Severity(StrEnum):
    """Severity ratings in the CVSS v3 qualitative scale, plus UNKNOWN when no rating exists."""

    UNKNOWN = "UNKNOWN"
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"
    CRITICAL = "CRITICAL"

    @property
    def rank(self) -> int:
        """Order for thresholds and sorting: UNKNOWN < LOW < ... < CRITICAL."""
        return _RANK[self]

    @classmethod
    def from_score(cls, score: float) -> Severity:
        """CVSS v3.x qualitative rating of a base score (FIRST CVSS v3.1 spec, section 5)."""
        if score >= 9.0:
            return cls.CRITICAL
        if score >= 7.0:
            return cls.HIGH
        if score >= 4.0:
            return cls.MEDIUM
        if score > 0.0:
            return cls.LOW
        return cls.UNKNOWN

    @classmethod
    def parse(cls, text: str) -> Severity:
        """A rating as advisories write it (``high``, ``Moderate``, ``IMPORTANT``); else UNKNOWN."""
        value = text.strip().upper()
        return _ALIASES.get(value) or (cls(value) if value in cls.__members__ else cls.UNKNOWN)


_RANK = {s: i for i, s in enumerate(Severity)}
_ALIASES = {"MODERATE": Severity.MEDIUM, "IMPORTANT": Severity.HIGH, "NEGLIGIBLE": Severity.LOW}


class FixStatus(StrEnum):
    """Whether an upgrade exists: fixed (a fixed version is named) or not fixed yet."""

    FIXED = "fixed"
    NOT_FIXED = "affected"


@dataclass(frozen=True, slots=True)
class VulnerabilityFinding:
    """One vulnerability of one package, with everything a report shows."""

    id: str
    """The primary id: the CVE when the advisories name one, else the advisory's own id."""
    aliases: tuple[str, ...]
    """Every other id of the same vulnerability (advisory ids, GHSA, CVE), sorted."""
    package: Package
    installed_version: str
    """The version compared (the source package's for distro packages)."""
    fixed_versions: tuple[str, ...]
    status: FixStatus
    severity: Severity
    score: float | None
    severity_source: str
    """Where the rating came from, e.g. ``CVSS_V3 (GHSA-...)`` or ``database_specific.severity``."""
    title: str
    references: tuple[str, ...] = ()
    cwes: tuple[str, ...] = ()
    layer: LayerInfo | None = None
    advisory_ids: tuple[str, ...] = ()
    """The records this finding merges (each advisory that reported it)."""

    def sort_key(self) -> tuple[int, str, str, str]:
        """Most severe first, then package, then id."""
        return (-self.severity.rank, self.package.name, self.package.version, self.id)
