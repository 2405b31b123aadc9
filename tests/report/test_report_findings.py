"""Secrets and misconfigurations in every report format: same facts, file and line kept, never a secret."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema

from hullguard.report import ScanReport
from hullguard.report.writers.html import HtmlWriter
from hullguard.report.writers.json import SCHEMA_VERSION, JsonReportWriter
from hullguard.report.writers.junit import JunitWriter
from hullguard.report.writers.sarif import SarifWriter
from hullguard.report.writers.table import TableWriter


def _render(writer: Any, report: ScanReport) -> str:
    out = io.StringIO()
    writer.write(report, out, tool_version="0.0.0-test")
    return out.getvalue()


def test_json_carries_both_kinds_and_validates(findings_report: ScanReport) -> None:
    schema_file = f"scan-report-{SCHEMA_VERSION}.schema.json"
    schema = json.loads(
        files("hullguard.report").joinpath("schemas", schema_file).read_text(encoding="utf-8")
    )
    document = json.loads(_render(JsonReportWriter(), findings_report))
    jsonschema.validate(document, schema)
    assert document["scanners"] == ["vuln", "secret", "misconfig"]
    deleted = document["secrets"][0]
    assert deleted["location"]["layer"]["index"] == 0
    assert deleted["removedIn"]["index"] == 1
    assert deleted["location"]["startLine"] == 2
    assert document["secrets"][1]["origin"] == "config-env"
    assert document["secretSummary"]["CRITICAL"] == 1
    dockerfile = next(m for m in document["misconfigurations"] if m["kind"] == "dockerfile")
    assert dockerfile["severity"] == "MEDIUM", "the override, not the check's own LOW"
    assert dockerfile["mappings"] == {"hadolint": "DL3015"}
    assert (dockerfile["location"]["startLine"], dockerfile["location"]["endLine"]) == (3, 4)
    assert document["misconfigSummary"]["HIGH"] == 1


def test_sarif_locates_findings_at_file_and_line(findings_report: ScanReport, report_fixtures: Path) -> None:
    schema = json.loads((report_fixtures / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    log = json.loads(_render(SarifWriter(), findings_report))
    jsonschema.validate(log, schema)
    run = log["runs"][0]
    by_rule = {r["ruleId"]: r for r in run["results"]}
    k8s = by_rule["HG-K8S-001"]["locations"][0]["physicalLocation"]
    assert k8s["artifactLocation"]["uri"] == "deploy/web.yaml"
    assert k8s["region"] == {"startLine": 21, "startColumn": 11, "endLine": 21, "endColumn": 27}
    secret = by_rule["aws-access-key-id"]
    assert secret["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "root/.aws/credentials"
    assert "still extractable" in secret["message"]["text"]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert rules["HG-DF-008"]["relationships"][0]["target"]["id"] == "DL3015"
    assert rules["HG-K8S-001"]["properties"]["security-severity"] == "8.0"
    assert by_rule["HG-DF-008"]["level"] == "warning", "MEDIUM after the override"


def test_table_prints_place_and_redacted_match_only(findings_report: ScanReport) -> None:
    text = _render(TableWriter(width=200), findings_report)
    assert "Dockerfile" in text and "HG-DF-008 (DL3015)" in text
    assert "/root/.aws/credentials:2:19 (layer 0), removed in layer 1 (still extractable)" in text
    assert "AKIA************" in text
    assert "Secrets: 2 (CRITICAL: 1, HIGH: 1" in text
    assert "Misconfigurations: 2 (CRITICAL: 0, HIGH: 1, MEDIUM: 1" in text


def test_html_escapes_messages(findings_report: ScanReport) -> None:
    page = _render(HtmlWriter(), findings_report)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Secrets (2)" in page and "Misconfigurations (2)" in page


def test_junit_counts_add_up(findings_report: ScanReport) -> None:
    root = ET.fromstring(_render(JunitWriter(), findings_report).split("\n", 1)[1])
    suites = {s.get("name"): s for s in root}
    assert suites["secrets"].get("failures") == "2"
    assert suites["misconfigurations"].get("tests") == "2"
    total = sum(int(s.get("tests", "0")) for s in root)
    assert root.get("tests") == str(total)
    lines = {c.get("line") for c in suites["misconfigurations"]}
    assert lines == {"21", "3"}
