"""CycloneDX 1.6 vulnerability output: the library's strict validator, ratings, VEX analysis."""

from __future__ import annotations

import dataclasses
import io
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from hullguard.report import ScanReport, SuppressedFinding, Suppression
from hullguard.report.writers.cyclonedx import CycloneDxReportWriter


@pytest.fixture
def writer(fixed_time: datetime, fixed_uuid: UUID) -> CycloneDxReportWriter:
    return CycloneDxReportWriter(clock=lambda: fixed_time, new_serial=lambda: fixed_uuid)


def _text(writer: CycloneDxReportWriter, report: ScanReport) -> str:
    out = io.StringIO()
    writer.write(report, out, tool_version="0.0.0-test")
    return out.getvalue()


def _write(writer: CycloneDxReportWriter, report: ScanReport) -> Any:
    return json.loads(_text(writer, report))


def test_cyclonedx_matches_golden(
    writer: CycloneDxReportWriter, scan_report: ScanReport, golden: Callable[[str, str], None]
) -> None:
    golden("scan.cdx.json", _text(writer, scan_report))


@pytest.mark.parametrize("which", ["scan_report", "empty_report"], ids=["findings", "clean"])
def test_output_passes_the_strict_1_6_validator(
    writer: CycloneDxReportWriter, which: str, request: pytest.FixtureRequest
) -> None:
    errors = JsonStrictValidator(SchemaVersion.V1_6).validate_str(
        _text(writer, request.getfixturevalue(which))
    )
    assert errors is None, errors


def test_components_are_the_affected_packages_only(
    writer: CycloneDxReportWriter, scan_report: ScanReport
) -> None:
    components = _write(writer, scan_report)["components"]
    names = [c["name"] for c in components]
    assert names == ["dpkg", "gzip", "liblz4-1", "tzdata", "zlib1g", "setuptools"]


def test_affects_points_at_a_component(writer: CycloneDxReportWriter, scan_report: ScanReport) -> None:
    document = _write(writer, scan_report)
    refs = {c["bom-ref"] for c in document["components"]}
    for vulnerability in document["vulnerabilities"]:
        assert all(a["ref"] in refs for a in vulnerability["affects"])


def test_ratings_use_the_lowercase_enum_and_method(
    writer: CycloneDxReportWriter, scan_report: ScanReport
) -> None:
    by_id = {v["id"]: v for v in _write(writer, scan_report)["vulnerabilities"]}
    assert by_id["CVE-2021-3520"]["ratings"] == [{"score": 9.8, "severity": "critical", "method": "CVSSv31"}]
    assert by_id["CVE-2022-1664"]["ratings"] == [{"severity": "unknown", "method": "other"}]
    assert by_id["CVE-2022-40897"]["references"] == [{"id": "PYSEC-2022-43012", "source": {"name": "OSV"}}]
    assert by_id["CVE-2022-40897"]["recommendation"] == "Upgrade setuptools to 65.5.1"


def test_cwe_ids_become_integers(writer: CycloneDxReportWriter, scan_report: ScanReport) -> None:
    # No advisory in ../shared lists CWEs; NVD rates CVE-2022-40897 (a ReDoS) as CWE-1333.
    finding = next(f for f in scan_report.vulnerabilities if f.id == "CVE-2022-40897")
    report = dataclasses.replace(
        scan_report, vulnerabilities=(dataclasses.replace(finding, cwes=("CWE-1333",)),)
    )
    assert _write(writer, report)["vulnerabilities"][0]["cwes"] == [1333]


def test_vex_suppression_becomes_not_affected(writer: CycloneDxReportWriter, scan_report: ScanReport) -> None:
    gzip = next(v for v in _write(writer, scan_report)["vulnerabilities"] if v["id"] == "CVE-2022-1271")
    assert gzip["analysis"]["state"] == "not_affected"
    assert gzip["analysis"]["justification"] == "code_not_reachable"
    assert gzip["analysis"]["detail"].startswith("not_affected: vulnerable_code_not_in_execute_path")


def test_ignore_file_suppression_claims_no_state(
    writer: CycloneDxReportWriter, scan_report: ScanReport
) -> None:
    ignored = SuppressedFinding(
        scan_report.suppressed[0].finding, Suppression.IGNORE_FILE, "accepted until 2024"
    )
    document = _write(writer, dataclasses.replace(scan_report, suppressed=(ignored,)))
    analysis = document["vulnerabilities"][-1]["analysis"]
    assert analysis == {"detail": "accepted in the ignore file: accepted until 2024"}


def test_serial_and_timestamp_come_from_the_seams(
    writer: CycloneDxReportWriter, empty_report: ScanReport
) -> None:
    document = _write(writer, empty_report)
    assert document["serialNumber"] == "urn:uuid:00000000-0000-4000-8000-000000000000"
    assert document["metadata"]["timestamp"] == "2023-04-02T12:00:00+00:00"
