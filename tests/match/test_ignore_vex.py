"""Accepted risks (ignore file) and VEX statements: what they suppress, and what they must not."""

from __future__ import annotations

import json
from datetime import date

import pytest

from hullguard.errors import ConfigError
from hullguard.inventory import Inventory, Location, Package, PackageType
from hullguard.match import MatchResult, ScanOptions, build_scan_report, parse_ignore_file, parse_vex
from hullguard.report import FixStatus, Severity, Suppression, VulnerabilityFinding

TODAY = date(2026, 11, 23)


def finding(
    vid: str,
    name: str = "requests",
    *,
    aliases: tuple[str, ...] = (),
    fixed: bool = True,
    severity: Severity = Severity.HIGH,
    path: str = "/usr/lib/python3/dist-packages/x/METADATA",
) -> VulnerabilityFinding:
    package = Package(
        name, "2.19.1", PackageType.PYTHON, Location(path), "python", purl=f"pkg:pypi/{name}@2.19.1"
    )
    return VulnerabilityFinding(
        id=vid,
        aliases=aliases,
        package=package,
        installed_version="2.19.1",
        fixed_versions=("2.20.0",) if fixed else (),
        status=FixStatus.FIXED if fixed else FixStatus.NOT_FIXED,
        severity=severity,
        score=None,
        severity_source="test",
        title="t",
    )


FINDINGS = (
    finding("CVE-2018-18074", aliases=("PYSEC-2018-28",)),
    finding("CVE-2023-32681", severity=Severity.MEDIUM),
    finding("CVE-2099-0001", name="urllib3", fixed=False, severity=Severity.LOW),
)


def report(options: ScanOptions):  # type: ignore[no-untyped-def]
    return build_scan_report(
        Inventory(os=None, packages=()), MatchResult(FINDINGS, ()), options, target="t", database=None
    )


def test_ignore_by_alias_with_reason() -> None:
    rules = parse_ignore_file(
        b"ignore:\n  - id: PYSEC-2018-28\n    reason: never follows redirects\n",
        where=".hullguardignore",
        today=TODAY,
    )
    result = report(ScanOptions(ignore=rules))
    assert [f.id for f in result.vulnerabilities] == ["CVE-2023-32681", "CVE-2099-0001"]
    [suppressed] = result.suppressed
    assert (suppressed.finding.id, suppressed.by, suppressed.reason) == (
        "CVE-2018-18074",
        Suppression.IGNORE_FILE,
        "never follows redirects",
    )


def test_expired_entry_warns_and_stops_suppressing() -> None:
    rules = parse_ignore_file(
        b"ignore:\n  - id: CVE-2018-18074\n    reason: r\n    expires: 2026-01-01\n", where="f", today=TODAY
    )
    result = report(ScanOptions(ignore=rules))
    assert "CVE-2018-18074" in {f.id for f in result.vulnerabilities}
    assert any("expired" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("entry", "suppressed"),
    [
        ("package: urllib3", 0),
        ("package: requests", 1),
        ("path: /usr/lib/python3/**", 1),
        ("path: /opt/**", 0),
    ],
    ids=["other-package", "same-package", "path-glob", "other-path"],
)
def test_ignore_narrowed_by_package_and_path(entry: str, suppressed: int) -> None:
    text = f"ignore:\n  - id: CVE-2018-18074\n    reason: r\n    {entry}\n".encode()
    assert (
        len(report(ScanOptions(ignore=parse_ignore_file(text, where="f", today=TODAY))).suppressed)
        == suppressed
    )


@pytest.mark.parametrize(
    "text",
    [b"ignore:\n  - id: CVE-1\n", b"ignore: [", b"ignore:\n  - id: CVE-1\n    reason: r\n    colour: red\n"],
    ids=["no-reason", "broken-yaml", "unknown-field"],
)
def test_bad_ignore_files_are_config_errors(text: bytes) -> None:
    with pytest.raises(ConfigError):
        parse_ignore_file(text, where="f", today=TODAY)


def test_severity_and_unfixed_filters() -> None:
    high_only = report(ScanOptions(severities=frozenset({Severity.HIGH, Severity.CRITICAL})))
    assert [f.id for f in high_only.vulnerabilities] == ["CVE-2018-18074"]
    fixable = report(ScanOptions(ignore_unfixed=True))
    assert "CVE-2099-0001" not in {f.id for f in fixable.vulnerabilities}


def test_openvex_not_affected_for_the_package() -> None:
    doc = {
        "@context": "https://openvex.dev/ns/v0.2.0",
        "statements": [
            {
                "vulnerability": {"name": "CVE-2023-32681"},
                "products": [{"@id": "pkg:pypi/requests@2.19.1?x=1"}],
                "status": "not_affected",
                "justification": "vulnerable_code_not_in_execute_path",
            },
            {
                "vulnerability": {"name": "CVE-2018-18074"},
                "products": [{"@id": "pkg:pypi/other@1"}],
                "status": "not_affected",
                "justification": "component_not_present",
            },
            {"vulnerability": {"name": "CVE-2099-0001"}, "status": "under_investigation"},
        ],
    }
    result = report(ScanOptions(vex=tuple(parse_vex(json.dumps(doc).encode(), where="v"))))
    assert [(s.finding.id, s.by) for s in result.suppressed] == [("CVE-2023-32681", Suppression.VEX)]
    assert "vulnerable_code_not_in_execute_path" in result.suppressed[0].reason


def test_cyclonedx_vex() -> None:
    doc = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "vulnerabilities": [
            {
                "id": "PYSEC-2018-28",
                "analysis": {"state": "not_affected", "justification": "code_not_reachable"},
                "affects": [{"ref": "pkg:pypi/requests@2.19.1"}],
            }
        ],
    }
    result = report(ScanOptions(vex=tuple(parse_vex(json.dumps(doc).encode(), where="v"))))
    assert [s.finding.id for s in result.suppressed] == ["CVE-2018-18074"]


def test_vex_that_is_neither_format() -> None:
    with pytest.raises(ConfigError, match="neither"):
        parse_vex(b'{"hello": 1}', where="v.json")
