"""What several report formats must present the same way, defined once.

The JSON results, the JUnit suites and the table groups all split a report into *results*: one
per package class (OS packages or language packages) and package type, as trivy's ``Result``
does (``Class: os-pkgs | lang-pkgs``, ``Type: debian | python-pkg``), so the same scan reads
the same in every format. Severity order, counts and the "no fix yet" wording live here too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from hullguard.inventory import Package, PackageType
from hullguard.report._finding import Severity, VulnerabilityFinding
from hullguard.report._model import ScanReport

__all__ = [
    "NO_FIX",
    "SEVERITIES",
    "Result",
    "ResultClass",
    "artifact_name",
    "count_severities",
    "first_reference",
    "fixed_text",
    "group_results",
    "image_path",
    "severity_counts",
    "short_layer",
    "utc_now",
]

NO_FIX = "no fix yet"
"""Shown where a fixed version would be when no advisory names one."""

SEVERITIES: tuple[Severity, ...] = tuple(sorted(Severity, key=lambda s: -s.rank))
"""Most severe first, the order of every summary and chart."""

_OS_TYPES = frozenset({PackageType.DEB, PackageType.APK, PackageType.RPM})


class ResultClass(StrEnum):
    """Trivy's result classes: packages of the distribution, or of a language ecosystem."""

    OS_PKGS = "os-pkgs"
    LANG_PKGS = "lang-pkgs"


@dataclass(frozen=True, slots=True)
class Result:
    """The packages of one class and type, and their findings, in the report's order."""

    target: str
    """What the result is about: the image and its distribution, or the package type."""
    cls: ResultClass
    type: PackageType
    packages: tuple[Package, ...]
    """Every package of this type in the inventory, sorted by :meth:`Package.sort_key`."""
    findings: tuple[VulnerabilityFinding, ...]


def artifact_name(report: ScanReport) -> str:
    """The scanned artifact as the user named it, else the image name from the inventory."""
    return report.target or report.inventory.image_name or "artifact"


def _class_of(kind: PackageType) -> ResultClass:
    return ResultClass.OS_PKGS if kind in _OS_TYPES else ResultClass.LANG_PKGS


def _target(report: ScanReport, cls: ResultClass, kind: PackageType) -> str:
    """``alpine:3.11 (alpine 3.11.5)`` for OS packages, the package type for the others."""
    if cls is ResultClass.LANG_PKGS:
        return kind.value
    os = report.inventory.os
    if os is None:
        return artifact_name(report)
    return f"{artifact_name(report)} ({' '.join(part for part in (os.id, os.version_id) if part)})"


def group_results(report: ScanReport) -> list[Result]:
    """One result per (class, type) that has packages or findings, OS packages first.

    Types without findings are kept so a reader sees what was scanned and found clean.
    """
    kinds = {p.type for p in report.inventory.packages} | {f.package.type for f in report.vulnerabilities}
    results = []
    for kind in sorted(kinds, key=lambda k: (_class_of(k).value != ResultClass.OS_PKGS, k.value)):
        cls = _class_of(kind)
        results.append(
            Result(
                target=_target(report, cls, kind),
                cls=cls,
                type=kind,
                packages=tuple(
                    sorted((p for p in report.inventory.packages if p.type is kind), key=Package.sort_key)
                ),
                findings=tuple(f for f in report.vulnerabilities if f.package.type is kind),
            )
        )
    return results


def count_severities(severities: Iterable[Severity]) -> dict[Severity, int]:
    """How often each severity occurs, every severity present (zero included), most severe first."""
    counts = dict.fromkeys(SEVERITIES, 0)
    for severity in severities:
        counts[severity] += 1
    return counts


def severity_counts(findings: Iterable[VulnerabilityFinding]) -> dict[Severity, int]:
    """Vulnerability findings per severity, every severity present, most severe first."""
    return count_severities(f.severity for f in findings)


def first_reference(finding: VulnerabilityFinding) -> str | None:
    """The link a report offers for a finding: the advisory's first reference."""
    return finding.references[0] if finding.references else None


def fixed_text(finding: VulnerabilityFinding) -> str:
    """Fixed versions joined by commas, or :data:`NO_FIX`."""
    return ", ".join(finding.fixed_versions) or NO_FIX


def image_path(package: Package) -> str:
    """The package's file inside the image as a relative path (SARIF and JUnit want no leading ``/``)."""
    return package.location.path.lstrip("/")


def short_layer(diff_id: str | None) -> str:
    """A layer as people read it: the first 12 hex digits of its diff_id, as docker shortens ids."""
    if not diff_id:
        return ""
    return diff_id.partition(":")[2][:12] or diff_id[:12]


def utc_now() -> datetime:
    """The default clock of the writers that print a time; tests pass a fixed one."""
    return datetime.now(UTC).replace(microsecond=0)
