"""JUnit XML: suites per result, a test case per package, a failure per vulnerability."""

from __future__ import annotations

import dataclasses
import io
import xml.etree.ElementTree as ET
from collections.abc import Callable

from hullguard.report import ScanReport
from hullguard.report.writers.junit import JunitWriter


def _text(report: ScanReport) -> str:
    out = io.StringIO()
    JunitWriter().write(report, out, tool_version="0.0.0-test")
    return out.getvalue()


def _root(report: ScanReport) -> ET.Element:
    return ET.fromstring(_text(report))


def test_junit_matches_golden(scan_report: ScanReport, golden: Callable[[str, str], None]) -> None:
    golden("scan.junit.xml", _text(scan_report))


def test_one_suite_per_result_with_every_package(scan_report: ScanReport) -> None:
    root = _root(scan_report)
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [
        "registry.example/app:1 (debian 10) (os-pkgs, deb)",
        "python (lang-pkgs, python)",
    ]
    debs = sum(1 for p in scan_report.inventory.packages if p.type.value == "deb")
    assert suites[0].get("tests") == str(debs)
    assert len(suites[0].findall("testcase")) == debs
    assert root.get("tests") == str(len(scan_report.inventory.packages))


def test_failures_are_the_vulnerable_packages(scan_report: ScanReport) -> None:
    root = _root(scan_report)
    failed = {c.get("name") for c in root.iter("testcase") if c.find("failure") is not None}
    assert failed == {
        "liblz4-1@1.8.3-1",
        "zlib1g@1:1.2.11.dfsg-1",
        "dpkg@1.19.7",
        "tzdata@2019b-0+deb10u1",
        "setuptools@47.1.0",
    }
    assert root.get("failures") == "5"


def test_each_vulnerability_is_its_own_failure(scan_report: ScanReport) -> None:
    second = dataclasses.replace(scan_report.vulnerabilities[0], id="CVE-0000-0001")
    report = dataclasses.replace(scan_report, vulnerabilities=(scan_report.vulnerabilities[0], second))
    case = next(c for c in _root(report).iter("testcase") if c.get("name") == "liblz4-1@1.8.3-1")
    messages = [f.get("message") for f in case.findall("failure")]
    assert messages == [
        "CVE-2021-3520 [CRITICAL] fixed in 1.8.3-1+deb10u1",
        "CVE-0000-0001 [CRITICAL] fixed in 1.8.3-1+deb10u1",
    ]


def test_suppressed_findings_are_listed_not_failed(scan_report: ScanReport) -> None:
    root = _root(scan_report)
    gzip = next(c for c in root.iter("testcase") if c.get("name", "").startswith("gzip@"))
    assert gzip.find("failure") is None
    out = root.find("testsuite/system-out")
    assert out is not None and out.text is not None
    assert out.text.startswith("suppressed CVE-2022-1271 in gzip@1.9-3 by vex: not_affected")


def test_xml_special_characters_survive(scan_report: ScanReport) -> None:
    odd = dataclasses.replace(scan_report.vulnerabilities[0], title='a <b> & "c"')
    root = _root(dataclasses.replace(scan_report, vulnerabilities=(odd,)))
    failure = next(root.iter("failure"))
    assert failure.text is not None and 'Title: a <b> & "c"' in failure.text
