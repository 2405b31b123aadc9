"""The vulnerability table: grouping by package, severity colours, summary, warnings and notes."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable

from hullguard.report import FixStatus, ScanReport
from hullguard.report.writers.table import TableWriter

_DEBIAN = {"dpkg", "liblz4-1", "tzdata", "zlib1g"}


def _render(report: ScanReport, writer: TableWriter | None = None) -> str:
    out = io.StringIO()
    (writer or TableWriter(width=140)).write(report, out, tool_version="0.0.0-test")
    return out.getvalue()


def test_table_matches_golden(scan_report: ScanReport, golden: Callable[[str, str], None]) -> None:
    golden("scan.table.txt", _render(scan_report))


def test_packages_come_in_report_order_most_severe_first(scan_report: ScanReport) -> None:
    lines = _render(scan_report).splitlines()
    firsts = [line.split()[0] for line in lines if line.split() and line.split()[0] in _DEBIAN]
    assert firsts == ["liblz4-1", "zlib1g", "dpkg", "tzdata"]


def test_package_name_is_shown_once_per_group(scan_report: ScanReport) -> None:
    second = dataclasses.replace(scan_report.vulnerabilities[0], id="CVE-0000-0001")
    report = dataclasses.replace(scan_report, vulnerabilities=(scan_report.vulnerabilities[0], second))
    lines = _render(report).splitlines()
    assert sum(1 for line in lines if line.startswith("liblz4-1 ")) == 1
    assert any("CVE-0000-0001" in line and not line.startswith("liblz4-1") for line in lines)


def test_summary_counts_every_severity_and_suppressed(scan_report: ScanReport) -> None:
    text = _render(scan_report)
    assert "Total: 5 (CRITICAL: 1, HIGH: 1, MEDIUM: 1, LOW: 0, UNKNOWN: 2), suppressed: 1" in text


def test_warnings_and_notes_close_the_output(scan_report: ScanReport) -> None:
    lines = _render(scan_report).rstrip().splitlines()
    assert lines[-3] == "WARNING: the advisory database is older than 7 days"
    assert lines[-2] == "Notes: 1 file(s) not used:"
    assert lines[-1].startswith("  /usr/lib/os-release (layer ")


def test_unfixed_finding_says_no_fix_yet(scan_report: ScanReport) -> None:
    unfixed = dataclasses.replace(
        scan_report.vulnerabilities[0], fixed_versions=(), status=FixStatus.NOT_FIXED
    )
    report = dataclasses.replace(scan_report, vulnerabilities=(unfixed,))
    assert "no fix yet" in _render(report)


def test_long_titles_are_cut_to_one_line(scan_report: ScanReport) -> None:
    # PYSEC-2022-43012 has no summary: its title is the first sentence of the details
    text = _render(scan_report)
    line = next(line for line in text.splitlines() if line.startswith("setuptools"))
    assert line.rstrip().endswith("Python Packaging Authority (PyPA) setuptools before 65.5.1 …")


def test_terminal_output_colours_severity(scan_report: ScanReport) -> None:
    text = _render(scan_report, TableWriter(width=140, terminal=True))
    assert "\x1b[1;31mCRITICAL" in text


def test_plain_output_has_no_escape_codes(scan_report: ScanReport) -> None:
    assert "\x1b[" not in _render(scan_report, TableWriter(width=140, terminal=False))


def test_clean_scan_prints_zero_totals(empty_report: ScanReport) -> None:
    text = _render(empty_report)
    assert "Total: 0 (CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0), suppressed: 0" in text
    assert "VULNERABILITY" not in text
