"""Hullguard's own JSON report (``--format json``), schema version 1.1.

The layout follows trivy's JSON report, which CI scripts already know how to read: an
``artifact``, then ``results`` split by package class and type, each with its vulnerabilities.
The schema is published (``hullguard/report/schemas/scan-report-1.1.schema.json``, JSON Schema
draft 2020-12, copied to ``docs/scan-report.schema.json``) and versioned by ``schemaVersion``:
a field is only ever added in a minor version; renaming or removing one needs a major version.

Every value comes from the :class:`~hullguard.report.ScanReport`; there is no timestamp, so two
writes of one report are byte-identical.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TextIO

from hullguard.inventory import Inventory, LayerInfo, Skipped
from hullguard.report._finding import (
    MisconfigFinding,
    SecretFinding,
    Severity,
    SourceLocation,
    VulnerabilityFinding,
)
from hullguard.report._model import DatabaseInfo, ScanReport, SuppressedFinding
from hullguard.report.writers._shared import Result, count_severities, group_results, severity_counts

__all__ = ["PLUGINS", "SCHEMA_VERSION", "JsonReportWriter"]

SCHEMA_VERSION = "1.1"
"""The ``schemaVersion`` this writer emits; the schema file carries the same number in its name."""

_TOOL = "hullguard"

JsonDict = dict[str, object]


def _artifact(report: ScanReport, inventory: Inventory) -> JsonDict:
    os = inventory.os
    return {
        "name": report.target or inventory.image_name,
        "digest": inventory.image_digest,
        "os": {"id": os.id, "version": os.version_id} if os is not None else None,
        "repoTags": list(inventory.repo_tags),
    }


def _database(info: DatabaseInfo | None) -> JsonDict | None:
    if info is None:
        return None
    return {"path": info.path, "records": info.records, "newest": info.newest}


def vulnerability(finding: VulnerabilityFinding) -> JsonDict:
    """One finding as the schema's ``vulnerability`` object."""
    package = finding.package
    layer = finding.layer
    return {
        "id": finding.id,
        "aliases": list(finding.aliases),
        "severity": finding.severity.value,
        "cvss_score": finding.score,
        "severity_source": finding.severity_source,
        "title": finding.title,
        "package": {
            "name": package.name,
            "version": package.version,
            "purl": package.purl,
            "type": package.type.value,
        },
        "installed_version": finding.installed_version,
        "fixed_versions": list(finding.fixed_versions),
        "status": finding.status.value,
        "layer": None
        if layer is None
        else {"index": layer.index, "diff_id": layer.diff_id, "created_by": layer.created_by},
        "path": package.location.path,
        "references": list(finding.references),
        "cwes": list(finding.cwes),
    }


def _layer(layer: LayerInfo | None) -> JsonDict | None:
    if layer is None:
        return None
    return {"index": layer.index, "diff_id": layer.diff_id, "created_by": layer.created_by}


def _location(location: SourceLocation) -> JsonDict:
    return {
        "path": location.path,
        "startLine": location.start_line,
        "startColumn": location.start_column,
        "endLine": location.end_line,
        "endColumn": location.end_column,
        "layer": _layer(location.layer),
    }


def secret(finding: SecretFinding) -> JsonDict:
    """One secret as the schema's ``secret`` object: a redacted preview, never the value."""
    return {
        "ruleId": finding.rule_id,
        "title": finding.title,
        "severity": finding.severity.value,
        "category": finding.category,
        "origin": finding.origin.value,
        "location": _location(finding.location),
        "redacted": finding.redacted,
        "fingerprint": finding.fingerprint,
        "removedIn": _layer(finding.removed_in),
    }


def misconfiguration(finding: MisconfigFinding) -> JsonDict:
    """One failing check as the schema's ``misconfiguration`` object."""
    check = finding.check
    return {
        "id": check.id,
        "title": check.title,
        "severity": finding.effective_severity.value,
        "kind": check.kind,
        "message": finding.message,
        "resource": finding.resource,
        "location": _location(finding.location),
        "remediation": check.remediation,
        "references": list(check.references),
        "mappings": dict(check.mappings),
    }


def _result(result: Result) -> JsonDict:
    return {
        "target": result.target,
        "class": result.cls.value,
        "type": result.type.value,
        "vulnerabilities": [vulnerability(f) for f in result.findings],
    }


def _suppressed(item: SuppressedFinding) -> JsonDict:
    return vulnerability(item.finding) | {"suppression": {"by": item.by.value, "reason": item.reason}}


def _note(note: Skipped) -> JsonDict:
    return {"path": note.path, "reason": note.reason, "diff_id": note.diff_id, "analyzer": note.analyzer}


def _summary(severities: Iterable[Severity]) -> JsonDict:
    return {severity.value: n for severity, n in count_severities(severities).items()}


def document(report: ScanReport, *, tool_version: str) -> JsonDict:
    """The report as the schema's top-level object (plain dicts and lists)."""
    return {
        "schemaVersion": SCHEMA_VERSION,
        "tool": {"name": _TOOL, "version": tool_version},
        "artifact": _artifact(report, report.inventory),
        "database": _database(report.database),
        "results": [_result(r) for r in group_results(report)] if "vuln" in report.scanners else [],
        "suppressed": [_suppressed(s) for s in report.suppressed],
        "summary": {s.value: n for s, n in severity_counts(report.vulnerabilities).items()},
        "warnings": list(report.warnings),
        "notes": [_note(n) for n in report.notes],
        "scanners": list(report.scanners),
        "secrets": [secret(f) for f in report.secrets],
        "misconfigurations": [misconfiguration(f) for f in report.misconfigurations],
        "secretSummary": {
            s.value: n for s, n in count_severities(f.severity for f in report.secrets).items()
        },
        "misconfigSummary": {
            s.value: n
            for s, n in count_severities(f.effective_severity for f in report.misconfigurations).items()
        },
    }


@dataclass(frozen=True, slots=True)
class JsonReportWriter:
    """Writes the versioned JSON report, indented by two spaces, UTF-8 kept as is."""

    id: str = "json"
    aliases: tuple[str, ...] = ()
    media_type: str = "application/json"

    def write(self, report: ScanReport, out: TextIO, *, tool_version: str) -> None:
        """Write the whole document, ending with a newline."""
        out.write(json.dumps(document(report, tool_version=tool_version), indent=2, ensure_ascii=False))
        out.write("\n")


PLUGINS = [JsonReportWriter()]
