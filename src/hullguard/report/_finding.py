"""Typed findings: what every scanner hands to every report writer."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from hullguard.inventory import LayerInfo, Package

__all__ = [
    "CheckInfo",
    "FixStatus",
    "MisconfigFinding",
    "SecretFinding",
    "SecretOrigin",
    "Severity",
    "SourceLocation",
    "VulnerabilityFinding",
]


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


@dataclass(frozen=True, slots=True)
class SourceLocation:
    """Where a finding is: a file (on disk or inside an image layer) and, when known, a span.

    Lines and columns are 1-based, as editors and SARIF count them; ``None`` means "the whole
    file" (an image setting has no line). ``layer`` is set for files read from an image.
    """

    path: str
    start_line: int | None = None
    start_column: int | None = None
    end_line: int | None = None
    end_column: int | None = None
    layer: LayerInfo | None = None

    def sort_key(self) -> tuple[str, int, int]:
        """File, then line, then column; whole-file locations first."""
        return (self.path, self.start_line or 0, self.start_column or 0)


@dataclass(frozen=True, slots=True)
class CheckInfo:
    """What a misconfiguration check is, independent of any finding: shown by ``--help`` and SARIF rules."""

    id: str
    """Our stable id, e.g. ``HG-DF-008`` (never reused for another meaning)."""
    title: str
    severity: Severity
    kind: str
    """What the check reads: ``dockerfile``, ``kubernetes``, ``compose``, ``image-config`` or ``rego``."""
    description: str = ""
    """Why it matters, in a sentence or two."""
    remediation: str = ""
    """What to change."""
    references: tuple[str, ...] = ()
    mappings: tuple[tuple[str, str], ...] = ()
    """Ids of the same rule elsewhere: ``(("hadolint", "DL3008"), ("cis-docker", "4.3"))``."""

    def mapped(self, scheme: str) -> str | None:
        """The id this check has in ``scheme`` (``hadolint``, ``cis-docker``, ``kics``, ...), if any."""
        return next((value for key, value in self.mappings if key == scheme), None)


@dataclass(frozen=True, slots=True)
class MisconfigFinding:
    """One check failing at one place of one file or image."""

    check: CheckInfo
    location: SourceLocation
    message: str
    """This instance, concretely: ``apt-get install curl without --no-install-recommends``."""
    resource: str = ""
    """The object the finding is about: ``Deployment/web``, ``service api``, ``stage builder``."""
    severity: Severity | None = None
    """Overrides the check's severity (a config file may raise or lower it)."""

    @property
    def effective_severity(self) -> Severity:
        """The severity reports show and gates compare."""
        return self.severity or self.check.severity

    def sort_key(self) -> tuple[int, str, int, int, str]:
        """Most severe first, then file, line, column and check id."""
        path, line, column = self.location.sort_key()
        return (-self.effective_severity.rank, path, line, column, self.check.id)


class SecretOrigin(StrEnum):
    """Where in an image a secret was found."""

    FILE = "file"
    ENV = "config-env"
    LABEL = "config-label"
    HISTORY = "config-history"


@dataclass(frozen=True, slots=True)
class SecretFinding:
    """One secret found by one rule. Never holds the secret itself, only a redacted preview."""

    rule_id: str
    title: str
    severity: Severity
    category: str
    """The provider or family: ``AWS``, ``GitHub``, ``PrivateKey``, ``Generic``."""
    location: SourceLocation
    redacted: str
    """The matched line with the secret masked except for a few leading characters."""
    fingerprint: str
    """Stable id of (rule, secret value) for ignore files: ``sha256:`` of both, never reversible."""
    origin: SecretOrigin = SecretOrigin.FILE
    removed_in: LayerInfo | None = None
    """The layer that deleted or replaced the file: the secret is not in the final filesystem
    but anyone can still extract it from ``location.layer``."""

    def sort_key(self) -> tuple[int, str, int, str]:
        """Most severe first, then place, then rule."""
        path, line, _ = self.location.sort_key()
        return (-self.severity.rank, path, line, self.rule_id)
