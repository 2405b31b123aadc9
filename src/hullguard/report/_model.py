"""The scan report: one value that every report writer renders, and nothing else."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from hullguard.inventory import Inventory, Skipped
from hullguard.report._finding import MisconfigFinding, SecretFinding, VulnerabilityFinding

__all__ = ["DatabaseInfo", "ScanReport", "SuppressedFinding", "Suppression"]


class Suppression(StrEnum):
    """Why a finding is not counted: an ignore-file entry or a VEX statement."""

    IGNORE_FILE = "ignorefile"
    VEX = "vex"


@dataclass(frozen=True, slots=True)
class SuppressedFinding:
    """A finding left out of the counts, shown with the reason the user gave for it."""

    finding: VulnerabilityFinding
    by: Suppression
    reason: str
    """The ignore entry's reason, or the VEX status and justification."""


@dataclass(frozen=True, slots=True)
class DatabaseInfo:
    """Which advisory data the scan used, so a report can be judged by its age."""

    path: str
    records: int
    newest: str | None
    """ISO time of the newest record's ``modified``."""


@dataclass(frozen=True, slots=True)
class ScanReport:
    """The result of a vulnerability scan of one artifact (image, directory or SBOM).

    ``vulnerabilities`` holds what remains after filters (severity, unfixed) and suppressions,
    sorted most severe first; writers add no facts of their own.
    """

    inventory: Inventory
    vulnerabilities: tuple[VulnerabilityFinding, ...]
    suppressed: tuple[SuppressedFinding, ...] = ()
    notes: tuple[Skipped, ...] = ()
    database: DatabaseInfo | None = None
    target: str = ""
    """What was scanned, as the user named it."""
    warnings: tuple[str, ...] = field(default=())
    """Things the user must know (expired ignore entries, an old database)."""
    secrets: tuple[SecretFinding, ...] = ()
    misconfigurations: tuple[MisconfigFinding, ...] = ()
    scanners: tuple[str, ...] = ("vuln",)
    """Which scanners ran (``vuln``, ``secret``, ``misconfig``), so an empty section means "clean",
    not "not looked at"."""
