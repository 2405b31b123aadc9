"""Report models (findings, scan reports) shared by every scanner and every writer."""

from hullguard.report._finding import (
    CheckInfo,
    FixStatus,
    MisconfigFinding,
    SecretFinding,
    SecretOrigin,
    Severity,
    SourceLocation,
    VulnerabilityFinding,
)
from hullguard.report._model import DatabaseInfo, ScanReport, SuppressedFinding, Suppression
from hullguard.report._writer import ReportWriter, build_report_writers, find_report_writer

__all__ = [
    "CheckInfo",
    "DatabaseInfo",
    "FixStatus",
    "MisconfigFinding",
    "ReportWriter",
    "ScanReport",
    "SecretFinding",
    "SecretOrigin",
    "Severity",
    "SourceLocation",
    "SuppressedFinding",
    "Suppression",
    "VulnerabilityFinding",
    "build_report_writers",
    "find_report_writer",
]
