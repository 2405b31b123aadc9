"""CycloneDX 1.6 JSON with ``vulnerabilities`` (``--format cyclonedx``), a VEX-capable report.

Layout (CycloneDX 1.6, "vulnerabilities"):

* ``components`` are the affected packages only, with the same bom-refs the SBOM writer gives
  them (derived from purl and location, :func:`hullguard.sbom._common.package_refs`), so a
  consumer can join this report to the image's SBOM;
* one ``vulnerabilities[]`` entry per finding (not per id): recommendation, affected version and
  VEX analysis belong to one package, and an id can be suppressed for one package only;
* ``ratings`` carry the score and the rating in CycloneDX's lowercase enum; ``method`` is read
  off the finding's ``severity_source`` (``CVSS_V3 ...`` -> ``CVSSv31``: the model keeps the
  score, not the vector, and v3.1 is what advisories publish today);
* suppressed findings get an ``analysis``: VEX ones ``state: not_affected`` with the OpenVEX
  justification mapped to CycloneDX's (as trivy maps them), ignore-file ones only a ``detail``,
  because an accepted risk is not a claim that the package is unaffected.

The document is built as dicts (cyclonedx-python-lib's model is slow, see
:mod:`hullguard.sbom.cyclonedx_json`); tests validate it with the library's 1.6 strict validator.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TextIO

from hullguard.inventory import Package
from hullguard.report._finding import VulnerabilityFinding
from hullguard.report._model import ScanReport, SuppressedFinding, Suppression
from hullguard.report.writers._shared import artifact_name, utc_now
from hullguard.sbom._common import package_refs

__all__ = ["PLUGINS", "CycloneDxReportWriter"]

_SCHEMA = "http://cyclonedx.org/schema/bom-1.6.schema.json"
_CWE = re.compile(r"^CWE-(\d+)$")
_METHODS = (
    ("CVSS_V4", "CVSSv4"),
    ("CVSS_V3", "CVSSv31"),
    ("CVSS_V2", "CVSSv2"),
    ("database_specific.cvss_v4", "CVSSv4"),
    ("database_specific.cvss_v3", "CVSSv31"),
    ("database_specific.cvss_v2", "CVSSv2"),
)
# OpenVEX justification -> CycloneDX 1.6 impactAnalysisJustification (trivy pkg/vex/cyclonedx.go).
_JUSTIFICATIONS = {
    "component_not_present": "code_not_present",
    "vulnerable_code_not_present": "code_not_present",
    "vulnerable_code_not_in_execute_path": "code_not_reachable",
    "vulnerable_code_cannot_be_controlled_by_adversary": "requires_environment",
    "inline_mitigations_already_exist": "protected_by_mitigating_control",
}
_ALIAS_SOURCES = (("CVE-", "NVD"), ("GHSA-", "GitHub Advisory Database"))

JsonDict = dict[str, object]


def _method(finding: VulnerabilityFinding) -> str:
    for prefix, method in _METHODS:
        if finding.severity_source.startswith(prefix):
            return method
    return "other"


def _rating(finding: VulnerabilityFinding) -> JsonDict:
    rating: JsonDict = {}
    if finding.score is not None:
        rating["score"] = finding.score
    rating["severity"] = finding.severity.value.lower()
    rating["method"] = _method(finding)
    return rating


def _references(finding: VulnerabilityFinding) -> list[JsonDict]:
    """Aliases as CycloneDX references: the same vulnerability under another id and source."""
    refs: list[JsonDict] = []
    for alias in finding.aliases:
        source = next((name for prefix, name in _ALIAS_SOURCES if alias.startswith(prefix)), "OSV")
        refs.append({"id": alias, "source": {"name": source}})
    return refs


def _cwes(finding: VulnerabilityFinding) -> list[int]:
    return sorted({int(m.group(1)) for cwe in finding.cwes if (m := _CWE.match(cwe))})


def _analysis(item: SuppressedFinding) -> JsonDict:
    if item.by is not Suppression.VEX:
        return {"detail": f"accepted in the ignore file: {item.reason}"}
    analysis: JsonDict = {"state": "not_affected"}
    justification = next((cdx for vex, cdx in _JUSTIFICATIONS.items() if vex in item.reason), None)
    if justification is not None:
        analysis["justification"] = justification
    analysis["detail"] = item.reason
    return analysis


def _vulnerability(finding: VulnerabilityFinding, ref: str, analysis: JsonDict | None) -> JsonDict:
    entry: JsonDict = {
        "bom-ref": f"{finding.id}/{ref}",
        "id": finding.id,
        "source": {"name": "OSV"},
        "references": _references(finding),
        "ratings": [_rating(finding)],
        "cwes": _cwes(finding),
        "description": finding.title,
        "advisories": [{"url": url} for url in finding.references],
        "affects": [{"ref": ref, "versions": [{"version": finding.installed_version, "status": "affected"}]}],
    }
    if finding.fixed_versions:
        entry["recommendation"] = f"Upgrade {finding.package.name} to {' or '.join(finding.fixed_versions)}"
    if analysis is not None:
        entry["analysis"] = analysis
    return {key: value for key, value in entry.items() if value not in ([], "")}


def _component(package: Package, ref: str) -> JsonDict:
    component: JsonDict = {"type": "library", "bom-ref": ref, "name": package.name}
    component["version"] = package.version
    if package.purl:
        component["purl"] = package.purl
    return component


def _timestamp(moment: datetime) -> str:
    return (moment if moment.tzinfo is not None else moment.astimezone()).isoformat()


def _image(report: ScanReport) -> JsonDict:
    image: JsonDict = {"type": "container", "bom-ref": "artifact", "name": artifact_name(report)}
    if report.inventory.image_digest:
        image["version"] = report.inventory.image_digest
    return image


def _affected(report: ScanReport) -> Iterable[Package]:
    yield from (f.package for f in report.vulnerabilities)
    yield from (s.finding.package for s in report.suppressed)


@dataclass(frozen=True, slots=True)
class CycloneDxReportWriter:
    """Writes CycloneDX 1.6 JSON; ``clock`` and ``new_serial`` exist so tests get fixed values."""

    id: str = "cyclonedx"
    aliases: tuple[str, ...] = ("cyclonedx-json",)
    media_type: str = "application/vnd.cyclonedx+json"
    clock: Callable[[], datetime] = utc_now
    new_serial: Callable[[], uuid.UUID] = uuid.uuid4

    def document(self, report: ScanReport, *, tool_version: str) -> JsonDict:
        """The BOM as dicts: affected components sorted like the SBOM, findings in report order."""
        refs = package_refs(_affected(report))
        tool = {"type": "application", "name": "hullguard", "version": tool_version}
        vulnerabilities = [_vulnerability(f, refs[f.package], None) for f in report.vulnerabilities]
        vulnerabilities += [
            _vulnerability(s.finding, refs[s.finding.package], _analysis(s)) for s in report.suppressed
        ]
        return {
            "$schema": _SCHEMA,
            "bomFormat": "CycloneDX",
            "specVersion": "1.6",
            "serialNumber": self.new_serial().urn,
            "version": 1,
            "metadata": {
                "timestamp": _timestamp(self.clock()),
                "tools": {"components": [tool]},
                "component": _image(report),
            },
            "components": [_component(p, ref) for p, ref in refs.items()],
            "vulnerabilities": vulnerabilities,
        }

    def write(self, report: ScanReport, out: TextIO, *, tool_version: str) -> None:
        """Serialise the BOM as indented JSON, ending with a newline."""
        out.write(json.dumps(self.document(report, tool_version=tool_version), indent=2, ensure_ascii=False))
        out.write("\n")


PLUGINS = [CycloneDxReportWriter()]
