"""JUnit XML (``--format junit``), for CI systems that show test reports but not SARIF.

The mapping follows the de-facto JUnit schema CI servers read (Jenkins, GitLab ``junit``
reports): one ``testsuite`` per result (package class and type), one ``testcase`` per package,
and one ``failure`` per vulnerability of that package. Packages without findings are passing
test cases, so the CI shows how many packages were checked, not only the bad ones. Suppressed
findings are not failures; they are listed in the suite's ``system-out`` with their reason.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass
from typing import TextIO

from hullguard.inventory import Package
from hullguard.report._finding import VulnerabilityFinding
from hullguard.report._model import ScanReport, SuppressedFinding
from hullguard.report.writers._shared import Result, first_reference, fixed_text, group_results

__all__ = ["PLUGINS", "JunitWriter"]


def _failure(case: ET.Element, finding: VulnerabilityFinding) -> None:
    message = f"{finding.id} [{finding.severity.value}] fixed in {fixed_text(finding)}"
    failure = ET.SubElement(case, "failure", message=message, type=finding.severity.value)
    lines = [
        f"Vulnerability: {finding.id}",
        f"Aliases: {', '.join(finding.aliases) or 'none'}",
        f"Severity: {finding.severity.value} ({finding.severity_source})",
        f"Installed version: {finding.installed_version}",
        f"Fixed version: {fixed_text(finding)}",
        f"Title: {finding.title}",
        f"Link: {first_reference(finding) or 'none'}",
    ]
    failure.text = "\n".join(lines)


def _suite(result: Result, suppressed: list[SuppressedFinding], tool_version: str) -> ET.Element:
    by_package: dict[Package, list[VulnerabilityFinding]] = defaultdict(list)
    for finding in result.findings:
        by_package[finding.package].append(finding)
    packages = sorted({*result.packages, *by_package}, key=Package.sort_key)
    failures = sum(1 for p in packages if by_package.get(p))
    suite = ET.Element(
        "testsuite",
        name=f"{result.target} ({result.cls.value}, {result.type.value})",
        tests=str(len(packages)),
        failures=str(failures),
        errors="0",
        skipped="0",
    )
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", name="hullguard.version", value=tool_version)
    for package in packages:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=result.type.value,
            name=f"{package.name}@{package.version}",
            file=package.location.path,
        )
        for finding in by_package.get(package, []):
            _failure(case, finding)
    if suppressed:
        out = ET.SubElement(suite, "system-out")
        out.text = "\n".join(
            f"suppressed {s.finding.id} in {s.finding.package.name}@{s.finding.package.version} "
            f"by {s.by.value}: {s.reason}"
            for s in suppressed
        )
    return suite


def _secret_suite(report: ScanReport) -> ET.Element:
    """One failing test case per secret: there is no "passing" secret to list."""
    suite = ET.Element(
        "testsuite",
        name="secrets",
        tests=str(len(report.secrets)),
        failures=str(len(report.secrets)),
        errors="0",
        skipped="0",
    )
    for finding in report.secrets:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"secret.{finding.category}",
            name=finding.rule_id,
            file=finding.location.path,
        )
        if finding.location.start_line:
            case.set("line", str(finding.location.start_line))
        removed = " (removed in a later layer, still extractable)" if finding.removed_in else ""
        failure = ET.SubElement(
            case, "failure", message=f"{finding.title}{removed}", type=finding.severity.value
        )
        failure.text = f"{finding.location.path}:{finding.location.start_line or 0}: {finding.redacted}"
    return suite


def _misconfig_suite(report: ScanReport) -> ET.Element:
    """One test case per finding, in a suite per kind of input, so CI groups them sensibly."""
    suite = ET.Element(
        "testsuite",
        name="misconfigurations",
        tests=str(len(report.misconfigurations)),
        failures=str(len(report.misconfigurations)),
        errors="0",
        skipped="0",
    )
    for finding in report.misconfigurations:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"{finding.check.kind}.{finding.check.id}",
            name=f"{finding.check.title} [{finding.resource or finding.location.path}]",
            file=finding.location.path,
        )
        if finding.location.start_line:
            case.set("line", str(finding.location.start_line))
        failure = ET.SubElement(
            case, "failure", message=finding.message, type=finding.effective_severity.value
        )
        failure.text = f"{finding.check.id}: {finding.check.title}\nRemediation: {finding.check.remediation}"
    return suite


def document(report: ScanReport, *, tool_version: str) -> ET.Element:
    """The ``testsuites`` element; counts add up over the suites."""
    root = ET.Element("testsuites", name="hullguard")
    tests = failures = 0
    for result in group_results(report) if "vuln" in report.scanners else []:
        suppressed = [s for s in report.suppressed if s.finding.package.type is result.type]
        suite = _suite(result, suppressed, tool_version)
        tests += int(suite.get("tests", "0"))
        failures += int(suite.get("failures", "0"))
        root.append(suite)
    extra = []
    if "secret" in report.scanners:
        extra.append(_secret_suite(report))
    if "misconfig" in report.scanners:
        extra.append(_misconfig_suite(report))
    for suite in extra:
        tests += int(suite.get("tests", "0"))
        failures += int(suite.get("failures", "0"))
        root.append(suite)
    root.set("tests", str(tests))
    root.set("failures", str(failures))
    root.set("errors", "0")
    return root


@dataclass(frozen=True, slots=True)
class JunitWriter:
    """Writes one JUnit XML document; packages are test cases, vulnerabilities their failures."""

    id: str = "junit"
    aliases: tuple[str, ...] = ()
    media_type: str = "application/xml"

    def write(self, report: ScanReport, out: TextIO, *, tool_version: str) -> None:
        """Write the XML with a declaration, indented; ``tool_version`` is a property of each suite."""
        root = document(report, tool_version=tool_version)
        ET.indent(root)
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        out.write(ET.tostring(root, encoding="unicode"))
        out.write("\n")


PLUGINS = [JunitWriter()]
