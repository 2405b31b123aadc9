"""Audit writers: every format from one report, SARIF against the official 2.1.0 schema.

The report holds one result per status and target kind, plus values an attacker controls
(container names and labels reach evidence) to show every writer escapes them.
"""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from hullguard.audit import AuditReport, CheckResult, Status, TargetKind
from hullguard.audit.writers import build_audit_writers, find_audit_writer
from hullguard.errors import ConfigError

SCHEMA = Path(__file__).resolve().parents[1] / "fixtures" / "report" / "sarif-schema-2.1.0.json"
HOSTILE = '<script>alert("x")</script>&'


def _result(cis: str, status: Status, target: str, kind: TargetKind, evidence: str = "seen") -> CheckResult:
    return CheckResult(
        check_id=f"test.{cis}",
        cis_id=cis,
        title=f"Recommendation {cis}",
        level=1,
        automated=status is not Status.INFO,
        status=status,
        target=target,
        evidence=evidence,
        remediation="change it",
        target_kind=kind,
    )


@pytest.fixture
def report() -> AuditReport:
    results = (
        _result("1.1.1", Status.FAIL, "/var/lib/docker", TargetKind.FILE),
        _result("2.2", Status.PASS, "daemon", TargetKind.DAEMON),
        _result("3.16", Status.FAIL, "/var/run/docker.sock", TargetKind.FILE, "mode 0666"),
        _result("4.6", Status.WARN, "app:1", TargetKind.IMAGE),
        _result("5.5", Status.FAIL, HOSTILE, TargetKind.CONTAINER, HOSTILE),
        _result("5.7", Status.SKIP, "web", TargetKind.CONTAINER, "never execs"),
        _result("7.4", Status.INFO, "swarm", TargetKind.SWARM),
    )
    return AuditReport("docker", "unix:///var/run/docker.sock", results, ("container abc vanished",))


def _write(report: AuditReport, name: str) -> str:
    out = io.StringIO()
    find_audit_writer(build_audit_writers(), name).write(report, out, tool_version="0.0.0-test")
    return out.getvalue()


def test_formats_come_from_the_registry() -> None:
    assert build_audit_writers().ids() == ["html", "json", "junit", "sarif", "table"]
    with pytest.raises(ConfigError, match="unknown audit format 'xml'") as caught:
        find_audit_writer(build_audit_writers(), "xml")
    assert caught.value.hint == "choose one of: html, json, junit, sarif, table"


def test_sarif_validates_against_the_official_schema(report: AuditReport) -> None:
    document: Any = json.loads(_write(report, "sarif"))
    jsonschema.Draft4Validator(json.loads(SCHEMA.read_text(encoding="utf-8"))).validate(document)
    run = document["runs"][0]
    assert [r["level"] for r in run["results"]] == ["error", "error", "warning", "error"]  # FAIL/WARN only
    socket = next(r for r in run["results"] if r["ruleId"] == "test.3.16")
    assert (
        socket["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "file:///var/run/docker.sock"
    )
    image = next(r for r in run["results"] if r["ruleId"] == "test.4.6")
    assert image["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "image:app:1"
    assert (
        run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"] == "container abc vanished"
    )


def test_junit_has_a_suite_per_section_with_failures_and_skips(report: AuditReport) -> None:
    root = ET.fromstring(_write(report, "junit"))
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert list(suites) == [
        "1 Host Configuration",
        "2 Docker daemon configuration",
        "3 Docker daemon configuration files",
        "4 Container Images and Build File",
        "5 Container Runtime",
        "7 Docker Swarm Configuration",
    ]
    runtime = suites["5 Container Runtime"]
    assert (runtime.get("tests"), runtime.get("failures"), runtime.get("skipped")) == ("2", "1", "1")
    failure = runtime.find("testcase/failure")
    assert failure is not None and failure.get("message") == HOSTILE  # escaped by XML, read back intact


def test_html_escapes_engine_controlled_values(report: AuditReport) -> None:
    page = _write(report, "html")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;" in page
    assert page.count("<table>") == 6


def test_json_keeps_the_first_shape_and_adds_fields(report: AuditReport) -> None:
    document = json.loads(_write(report, "json"))
    assert document["schemaVersion"] == "1.0" and document["benchmark"] == "CIS Docker Benchmark v1.6.0"
    first = document["results"][0]
    original = {
        "check_id",
        "cis_id",
        "title",
        "level",
        "automated",
        "status",
        "target",
        "evidence",
        "remediation",
    }
    assert original <= set(first) and {"target_kind", "section"} <= set(first)
    assert document["summary"] == {"PASS": 1, "WARN": 1, "FAIL": 3, "INFO": 1, "SKIP": 1}
    assert document["notes"] == ["container abc vanished"]


def test_table_groups_by_section_and_prints_markup_as_text(report: AuditReport) -> None:
    text = _write(report, "table")
    headings = [line for line in text.splitlines() if line.startswith("CIS Docker Benchmark v1.6.0 - ")]
    assert [h.split(" - ")[1].split()[0] for h in headings] == ["1", "2", "3", "4", "5", "7"]
    assert "<script>alert" in text  # rich markup in a container name is shown, not interpreted
    assert "Total: PASS: 1, WARN: 1, FAIL: 3, INFO: 1, SKIP: 1" in text
