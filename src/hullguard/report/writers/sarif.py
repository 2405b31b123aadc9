"""SARIF 2.1.0 (``--format sarif``) as GitHub code scanning accepts it.

The shape follows what GitHub documents for uploads ("SARIF support for code scanning"):

* one run; ``tool.driver`` names hullguard and carries one *rule* per vulnerability id, with
  ``properties.security-severity`` (a score as a string, e.g. ``"9.8"``): GitHub reads it to
  rate the alert (>= 9.0 critical, >= 7.0 high, >= 4.0 medium, > 0 low) and ``tags`` to filter;
* one *result* per finding, whose ``level`` is ``error`` for CRITICAL and HIGH, ``warning`` for
  MEDIUM and ``note`` otherwise (SARIF 2.1.0 section 3.27.10);
* the location is the file inside the image that declares the package, as a relative URI
  (GitHub rejects absolute paths it cannot map to the repository), at line 1;
* ``partialFingerprints`` (section 3.27.17) identify a finding across runs by vulnerability,
  package and file, so GitHub keeps one alert per finding instead of opening a new one per scan.

When a finding has no base score but a rating word (``database_specific.severity``), the rule
gets the representative score trivy uses for that rating, so GitHub still orders it; UNKNOWN
gets no ``security-severity`` at all rather than an invented one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TextIO

from hullguard.report._finding import (
    MisconfigFinding,
    SecretFinding,
    Severity,
    SourceLocation,
    VulnerabilityFinding,
)
from hullguard.report._model import ScanReport
from hullguard.report.writers._shared import first_reference, fixed_text, image_path, short_layer

__all__ = ["PLUGINS", "SarifWriter"]

_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_INFORMATION_URI = "https://hullguard.dev"
_FINGERPRINT = "hullguard/finding/v1"

_LEVELS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.UNKNOWN: "note",
}
# trivy pkg/report/sarif.go toSarifErrorLevel / severityToScore: a score inside each GitHub band.
_REPRESENTATIVE_SCORES = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "2.0",
}

JsonDict = dict[str, object]

_ROTATE_ADVICE = (
    "Revoke and rotate the secret, then rebuild without it: deleting it in a later layer does not remove it."
)


def security_severity(finding: VulnerabilityFinding) -> str | None:
    """The score GitHub reads: the base score, else the rating's band, else nothing."""
    if finding.score is not None:
        return f"{finding.score:.1f}"
    return _REPRESENTATIVE_SCORES.get(finding.severity)


def _rule(finding: VulnerabilityFinding) -> JsonDict:
    properties: JsonDict = {"tags": ["vulnerability", "security", finding.severity.value]}
    score = security_severity(finding)
    if score is not None:
        properties["security-severity"] = score
    rule: JsonDict = {
        "id": finding.id,
        "shortDescription": {"text": finding.title or finding.id},
        "fullDescription": {"text": _full_description(finding)},
        "defaultConfiguration": {"level": _LEVELS[finding.severity]},
        "help": {"text": _full_description(finding), "markdown": _help_markdown(finding)},
        "properties": properties,
    }
    link = first_reference(finding)
    if link is not None:
        rule["helpUri"] = link
    return rule


def _full_description(finding: VulnerabilityFinding) -> str:
    aliases = f" (also {', '.join(finding.aliases)})" if finding.aliases else ""
    return f"{finding.id}{aliases}: {finding.title or 'no title given'}"


def _help_markdown(finding: VulnerabilityFinding) -> str:
    """A table as GitHub shows it in the alert's detail pane."""
    rows = [
        "| Severity | Package | Fixed Version | Link |",
        "| --- | --- | --- | --- |",
        f"| {finding.severity.value} | {finding.package.name} | {fixed_text(finding)} "
        f"| {first_reference(finding) or ''} |",
    ]
    return f"**Vulnerability {finding.id}**\n\n" + "\n".join(rows)


def _message(finding: VulnerabilityFinding) -> str:
    package = finding.package
    return (
        f"Package: {package.name}\n"
        f"Installed Version: {finding.installed_version}\n"
        f"Vulnerability: {finding.id}\n"
        f"Severity: {finding.severity.value}\n"
        f"Fixed Version: {fixed_text(finding)}\n"
        f"Link: {first_reference(finding) or 'none'}"
    )


def _fingerprint(finding: VulnerabilityFinding) -> str:
    package = finding.package
    key = "\0".join((finding.id, package.purl or f"{package.name}@{package.version}", package.location.path))
    return hashlib.sha256(key.encode()).hexdigest()


def _result(finding: VulnerabilityFinding, rule_index: int) -> JsonDict:
    return {
        "ruleId": finding.id,
        "ruleIndex": rule_index,
        "level": _LEVELS[finding.severity],
        "message": {"text": _message(finding)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": image_path(finding.package)},
                    "region": {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1},
                },
                "message": {"text": f"{finding.package.name}@{finding.installed_version}"},
            }
        ],
        "partialFingerprints": {_FINGERPRINT: _fingerprint(finding)},
    }


def _physical(location: SourceLocation) -> JsonDict:
    """A file and region; files inside images and on disk both become relative URIs."""
    region: JsonDict = {"startLine": location.start_line or 1}
    if location.start_column:
        region["startColumn"] = location.start_column
    if location.end_line:
        region["endLine"] = location.end_line
    if location.end_column:
        region["endColumn"] = location.end_column
    return {"artifactLocation": {"uri": location.path.lstrip("/") or "."}, "region": region}


def _plain_rule(
    rule_id: str, severity: Severity, tags: list[str], *, name: str, description: str, help_text: str
) -> JsonDict:
    properties: JsonDict = {"tags": [*tags, "security", severity.value]}
    score = _REPRESENTATIVE_SCORES.get(severity)
    if score is not None:
        properties["security-severity"] = score
    return {
        "id": rule_id,
        "shortDescription": {"text": name},
        "fullDescription": {"text": description or name},
        "defaultConfiguration": {"level": _LEVELS[severity]},
        "help": {"text": help_text or description or name},
        "properties": properties,
    }


def _misconfig_rule(finding: MisconfigFinding) -> JsonDict:
    check = finding.check
    rule = _plain_rule(
        check.id,
        check.severity,
        ["misconfiguration", check.kind],
        name=check.title,
        description=check.description,
        help_text=check.remediation,
    )
    if check.references:
        rule["helpUri"] = check.references[0]
    if check.mappings:
        rule["relationships"] = [
            {"target": {"id": value, "toolComponent": {"name": scheme}}, "kinds": ["relevant"]}
            for scheme, value in check.mappings
        ]
    return rule


def _misconfig_result(finding: MisconfigFinding, rule_index: int) -> JsonDict:
    severity = finding.effective_severity
    where = f" ({finding.resource})" if finding.resource else ""
    key = "\0".join((finding.check.id, finding.location.path, finding.resource, finding.message))
    return {
        "ruleId": finding.check.id,
        "ruleIndex": rule_index,
        "level": _LEVELS[severity],
        "message": {"text": f"{finding.message}{where}"},
        "locations": [{"physicalLocation": _physical(finding.location)}],
        "partialFingerprints": {_FINGERPRINT: hashlib.sha256(key.encode()).hexdigest()},
    }


def _secret_rule(finding: SecretFinding) -> JsonDict:
    description = f"{finding.title} ({finding.category}) found in the image or files."
    return _plain_rule(
        finding.rule_id,
        finding.severity,
        ["secret"],
        name=finding.title,
        description=description,
        help_text=_ROTATE_ADVICE,
    )


def _secret_result(finding: SecretFinding, rule_index: int) -> JsonDict:
    text = f"{finding.title}: {finding.redacted}"
    if finding.location.layer is not None:
        text += f" (layer {short_layer(finding.location.layer.diff_id)})"
    if finding.removed_in is not None:
        text += f"; removed in layer {short_layer(finding.removed_in.diff_id)} but still extractable"
    return {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": _LEVELS[finding.severity],
        "message": {"text": text},
        "locations": [{"physicalLocation": _physical(finding.location)}],
        "partialFingerprints": {_FINGERPRINT: finding.fingerprint},
    }


def document(report: ScanReport, *, tool_version: str) -> JsonDict:
    """The SARIF log as plain dicts: rules in first-seen order (most severe first), then results."""
    rules: dict[str, int] = {}
    rule_objects: list[JsonDict] = []
    results: list[JsonDict] = []

    def rule_index(rule_id: str, make: Callable[[], JsonDict]) -> int:
        if rule_id not in rules:
            rules[rule_id] = len(rule_objects)
            rule_objects.append(make())
        return rules[rule_id]

    for finding in report.vulnerabilities:
        results.append(_result(finding, rule_index(finding.id, partial(_rule, finding))))
    for secret in report.secrets:
        results.append(_secret_result(secret, rule_index(secret.rule_id, partial(_secret_rule, secret))))
    for misconfig in report.misconfigurations:
        index = rule_index(misconfig.check.id, partial(_misconfig_rule, misconfig))
        results.append(_misconfig_result(misconfig, index))
    driver: JsonDict = {
        "name": "hullguard",
        "version": tool_version,
        "informationUri": _INFORMATION_URI,
        "fullName": f"hullguard {tool_version}",
        "rules": rule_objects,
    }
    return {
        "version": "2.1.0",
        "$schema": _SCHEMA,
        "runs": [{"tool": {"driver": driver}, "results": results, "columnKind": "utf16CodeUnits"}],
    }


@dataclass(frozen=True, slots=True)
class SarifWriter:
    """Writes one SARIF 2.1.0 log for GitHub code scanning and other SARIF viewers."""

    id: str = "sarif"
    aliases: tuple[str, ...] = ()
    media_type: str = "application/sarif+json"

    def write(self, report: ScanReport, out: TextIO, *, tool_version: str) -> None:
        """Write the whole log, indented by two spaces and ending with a newline."""
        out.write(json.dumps(document(report, tool_version=tool_version), indent=2, ensure_ascii=False))
        out.write("\n")


PLUGINS = [SarifWriter()]
