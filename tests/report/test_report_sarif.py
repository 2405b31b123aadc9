"""SARIF output: the official 2.1.0 schema, and what GitHub code scanning reads from it."""

from __future__ import annotations

import dataclasses
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from hullguard.report import ScanReport, Severity
from hullguard.report.writers.sarif import SarifWriter


def _write(report: ScanReport) -> Any:
    out = io.StringIO()
    SarifWriter().write(report, out, tool_version="0.0.0-test")
    return json.loads(out.getvalue())


@pytest.fixture(scope="module")
def sarif_schema(report_fixtures: Path) -> dict[str, object]:
    schema = json.loads((report_fixtures / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    assert isinstance(schema, dict)
    return schema


def test_sarif_matches_golden(scan_report: ScanReport, golden: Callable[[str, str], None]) -> None:
    out = io.StringIO()
    SarifWriter().write(scan_report, out, tool_version="0.0.0-test")
    golden("scan.sarif", out.getvalue())


@pytest.mark.parametrize("which", ["scan_report", "empty_report"], ids=["findings", "clean"])
def test_output_validates_against_official_schema(
    which: str, request: pytest.FixtureRequest, sarif_schema: dict[str, object]
) -> None:
    jsonschema.Draft4Validator(sarif_schema).validate(_write(request.getfixturevalue(which)))


def test_one_rule_per_vulnerability_id(scan_report: ScanReport) -> None:
    twice = dataclasses.replace(scan_report.vulnerabilities[0], package=scan_report.inventory.packages[0])
    report = dataclasses.replace(scan_report, vulnerabilities=(*scan_report.vulnerabilities, twice))
    run = _write(report)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert len(rules) == len({f.id for f in report.vulnerabilities}) == 5
    assert len(run["results"]) == 6
    assert run["results"][-1]["ruleIndex"] == 0


def test_rules_carry_github_security_severity(scan_report: ScanReport) -> None:
    rules = {r["id"]: r for r in _write(scan_report)["runs"][0]["tool"]["driver"]["rules"]}
    lz4 = rules["CVE-2021-3520"]
    assert lz4["properties"] == {
        "tags": ["vulnerability", "security", "CRITICAL"],
        "security-severity": "9.8",
    }
    assert lz4["helpUri"] == "https://security-tracker.debian.org/tracker/DSA-4919-1"
    assert rules["CVE-2022-40897"]["properties"]["security-severity"] == "5.9"
    assert "security-severity" not in rules["CVE-2022-1664"]["properties"]


def test_rating_word_without_score_gets_a_score_in_its_band(scan_report: ScanReport) -> None:
    worded = dataclasses.replace(scan_report.vulnerabilities[0], score=None, severity=Severity.HIGH)
    report = dataclasses.replace(scan_report, vulnerabilities=(worded,))
    rule = _write(report)["runs"][0]["tool"]["driver"]["rules"][0]
    assert rule["properties"]["security-severity"] == "8.0"


@pytest.mark.parametrize(
    ("severity", "level"),
    [
        (Severity.CRITICAL, "error"),
        (Severity.HIGH, "error"),
        (Severity.MEDIUM, "warning"),
        (Severity.LOW, "note"),
        (Severity.UNKNOWN, "note"),
    ],
    ids=str,
)
def test_level_follows_severity(scan_report: ScanReport, severity: Severity, level: str) -> None:
    finding = dataclasses.replace(scan_report.vulnerabilities[0], severity=severity)
    result = _write(dataclasses.replace(scan_report, vulnerabilities=(finding,)))["runs"][0]["results"][0]
    assert result["level"] == level


def test_location_is_the_package_file_relative_to_the_image(scan_report: ScanReport) -> None:
    results = _write(scan_report)["runs"][0]["results"]
    setuptools = next(r for r in results if r["ruleId"] == "CVE-2022-40897")
    physical = setuptools["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == (
        "usr/local/lib/python3.7/site-packages/setuptools-47.1.0.dist-info/METADATA"
    )
    assert physical["region"]["startLine"] == 1
    assert "Package: setuptools\nInstalled Version: 47.1.0" in setuptools["message"]["text"]
    assert "Fixed Version: 65.5.1" in setuptools["message"]["text"]


def test_fingerprints_differ_per_package_and_stay_stable(scan_report: ScanReport) -> None:
    first = [r["partialFingerprints"] for r in _write(scan_report)["runs"][0]["results"]]
    again = [r["partialFingerprints"] for r in _write(scan_report)["runs"][0]["results"]]
    assert first == again
    assert len({json.dumps(f, sort_keys=True) for f in first}) == len(first)
