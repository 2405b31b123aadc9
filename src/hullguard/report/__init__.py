"""Report models (findings, scan reports) shared by every scanner and every writer."""

from hullguard.report._finding import FixStatus, Severity, VulnerabilityFinding
from hullguard.report._model import DatabaseInfo, ScanReport, SuppressedFinding, Suppression

__all__ = [
    "DatabaseInfo",
    "FixStatus",
    "ScanReport",
    "Severity",
    "SuppressedFinding",
    "Suppression",
    "VulnerabilityFinding",
]
