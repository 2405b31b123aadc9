"""SARIF 2.1.0 (``--format sarif``) for code-scanning dashboards.

One rule per check (its CIS id, level and remediation as help); one result per FAIL (level
``error``) and WARN (``warning``). PASS, INFO and SKIP are not alerts, so they are left out;
the collection notes become tool execution notifications. File targets get a physical location
(the host path), every other target a logical one (the container, image or daemon).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TextIO

from hullguard.audit._model import CheckResult, Status, TargetKind
from hullguard.audit._report import AuditReport

__all__ = ["PLUGINS", "SarifAuditWriter"]

_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_LEVELS = {Status.FAIL: "error", Status.WARN: "warning"}
_FINGERPRINT = "hullguardAudit/v1"

JsonDict = dict[str, object]


def _rule(result: CheckResult) -> JsonDict:
    return {
        "id": result.check_id,
        "name": result.check_id.replace(".", "-"),
        "shortDescription": {"text": f"CIS {result.cis_id} {result.title}"},
        "fullDescription": {"text": result.title},
        "help": {"text": result.remediation, "markdown": f"**Remediation:** {result.remediation}"},
        "defaultConfiguration": {"level": "error" if result.automated else "warning"},
        "properties": {
            "tags": ["security", "cis-docker-benchmark", f"cis-{result.cis_id}", f"level-{result.level}"],
            "cis": result.cis_id,
            "automated": result.automated,
        },
    }


def _location(result: CheckResult) -> JsonDict:
    if result.target_kind is TargetKind.FILE and result.target.startswith("/"):
        return {"physicalLocation": {"artifactLocation": {"uri": "file://" + result.target}}}
    return {
        "logicalLocations": [
            {
                "name": result.target,
                "fullyQualifiedName": f"{result.target_kind.value}:{result.target}",
                "kind": "resource",
            }
        ]
    }


def _result(result: CheckResult, index: int) -> JsonDict:
    key = "\0".join((result.check_id, result.target_kind.value, result.target))
    return {
        "ruleId": result.check_id,
        "ruleIndex": index,
        "level": _LEVELS[result.status],
        "message": {"text": f"{result.title}: {result.evidence} ({result.target})"},
        "locations": [_location(result)],
        "partialFingerprints": {_FINGERPRINT: hashlib.sha256(key.encode()).hexdigest()},
        "properties": {"status": result.status.value, "target": result.target},
    }


@dataclass(frozen=True, slots=True)
class SarifAuditWriter:
    """Writes one SARIF run for the audit."""

    id: str = "sarif"
    aliases: tuple[str, ...] = ()

    def write(self, report: AuditReport, out: TextIO, *, tool_version: str) -> None:
        """Rules for every check that produced an alert, results for FAIL and WARN."""
        alerts = [r for r in report.results if r.status in _LEVELS]
        rules: dict[str, int] = {}
        rule_list: list[JsonDict] = []
        for alert in alerts:
            if alert.check_id not in rules:
                rules[alert.check_id] = len(rule_list)
                rule_list.append(_rule(alert))
        run: JsonDict = {
            "tool": {
                "driver": {
                    "name": "hullguard",
                    "version": tool_version,
                    "informationUri": "https://www.cisecurity.org/benchmark/docker",
                    "rules": rule_list,
                }
            },
            "invocations": [
                {
                    "executionSuccessful": True,
                    "toolExecutionNotifications": [
                        {"level": "warning", "message": {"text": note}} for note in report.notes
                    ],
                }
            ],
            "results": [_result(alert, rules[alert.check_id]) for alert in alerts],
            "properties": {
                "benchmark": report.benchmark,
                "engine": report.engine,
                "endpoint": report.endpoint,
            },
        }
        json.dump({"$schema": _SCHEMA, "version": "2.1.0", "runs": [run]}, out, indent=2)
        out.write("\n")


PLUGINS = (SarifAuditWriter(),)
