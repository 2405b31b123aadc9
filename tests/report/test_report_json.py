"""The JSON report: golden output, the published schema, and the facts it must carry."""

from __future__ import annotations

import dataclasses
import io
import json
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest

from hullguard.report import ScanReport
from hullguard.report.writers.json import SCHEMA_VERSION, JsonReportWriter

REPO = Path(__file__).resolve().parents[2]
SCHEMA_FILE = f"scan-report-{SCHEMA_VERSION}.schema.json"


def _schema_text() -> str:
    return files("hullguard.report").joinpath("schemas", SCHEMA_FILE).read_text(encoding="utf-8")


def _write(report: ScanReport) -> dict[str, object]:
    out = io.StringIO()
    JsonReportWriter().write(report, out, tool_version="0.0.0-test")
    value = json.loads(out.getvalue())
    assert isinstance(value, dict)
    return value


def _vulnerabilities(document: dict[str, object]) -> list[dict[str, object]]:
    results = document["results"]
    assert isinstance(results, list)
    return [v for result in results for v in result["vulnerabilities"]]


def test_json_matches_golden(scan_report: ScanReport, golden: Callable[[str, str], None]) -> None:
    out = io.StringIO()
    JsonReportWriter().write(scan_report, out, tool_version="0.0.0-test")
    golden("scan.json", out.getvalue())


def test_docs_copy_of_the_schema_is_identical() -> None:
    assert (REPO / "docs" / "scan-report.schema.json").read_text(encoding="utf-8") == _schema_text()


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = json.loads(_schema_text())
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("which", ["scan_report", "empty_report"], ids=["findings", "clean"])
def test_output_validates_against_the_schema(which: str, request: pytest.FixtureRequest) -> None:
    report = request.getfixturevalue(which)
    jsonschema.Draft202012Validator(json.loads(_schema_text())).validate(_write(report))


def test_schema_refuses_an_unknown_vulnerability_field(scan_report: ScanReport) -> None:
    document = _write(scan_report)
    _vulnerabilities(document)[0]["invented"] = True
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(json.loads(_schema_text())).validate(document)


def test_results_split_os_and_language_packages(scan_report: ScanReport) -> None:
    results = _write(scan_report)["results"]
    assert isinstance(results, list)
    assert [(r["class"], r["type"], r["target"]) for r in results] == [
        ("os-pkgs", "deb", "registry.example/app:1 (debian 10)"),
        ("lang-pkgs", "python", "python"),
    ]


def test_vulnerability_carries_layer_path_and_fix(scan_report: ScanReport) -> None:
    setuptools = next(v for v in _vulnerabilities(_write(scan_report)) if v["id"] == "CVE-2022-40897")
    assert setuptools["aliases"] == ["PYSEC-2022-43012"]
    assert setuptools["cvss_score"] == 5.9
    assert setuptools["severity_source"] == "CVSS_V3 (BIT-setuptools-2022-40897)"
    assert setuptools["fixed_versions"] == ["65.5.1"]
    assert setuptools["package"] == {
        "name": "setuptools",
        "version": "47.1.0",
        "purl": "pkg:pypi/setuptools@47.1.0",
        "type": "python",
    }
    layer = setuptools["layer"]
    assert isinstance(layer, dict)
    assert layer["index"] == 1
    assert layer["created_by"] == "RUN pip install setuptools==47.1.0 # buildkit"
    assert setuptools["path"] == "/usr/local/lib/python3.7/site-packages/setuptools-47.1.0.dist-info/METADATA"


def test_summary_counts_only_unsuppressed_findings(scan_report: ScanReport) -> None:
    document = _write(scan_report)
    assert document["summary"] == {"CRITICAL": 1, "HIGH": 1, "MEDIUM": 1, "LOW": 0, "UNKNOWN": 2}
    suppressed = document["suppressed"]
    assert isinstance(suppressed, list)
    assert [(s["id"], s["suppression"]["by"]) for s in suppressed] == [("CVE-2022-1271", "vex")]


def test_missing_layer_and_database_are_null(scan_report: ScanReport) -> None:
    finding = dataclasses.replace(scan_report.vulnerabilities[0], layer=None)
    report = dataclasses.replace(scan_report, vulnerabilities=(finding,), database=None)
    document = _write(report)
    assert document["database"] is None
    assert _vulnerabilities(document)[0]["layer"] is None


def test_two_writes_are_identical(scan_report: ScanReport) -> None:
    assert _write(scan_report) == _write(scan_report)
