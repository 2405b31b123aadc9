"""The self-contained HTML page: golden output, no external assets, escaping of advisory text."""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Callable
from datetime import datetime
from html.parser import HTMLParser

import pytest

from hullguard.report import ScanReport
from hullguard.report.writers.html import HtmlWriter


class _Collector(HTMLParser):
    """Collects tags, attributes and script bodies, to check structure without regexes on HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts = 0
        self.rows = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self.scripts += tag == "script"
        self.rows += tag == "tr"


@pytest.fixture
def writer(fixed_time: datetime) -> HtmlWriter:
    return HtmlWriter(clock=lambda: fixed_time)


def _render(writer: HtmlWriter, report: ScanReport) -> str:
    out = io.StringIO()
    writer.write(report, out, tool_version="0.0.0-test")
    return out.getvalue()


def _parse(text: str) -> _Collector:
    collector = _Collector()
    collector.feed(text)
    collector.close()
    return collector


def test_html_matches_golden(
    writer: HtmlWriter, scan_report: ScanReport, golden: Callable[[str, str], None]
) -> None:
    golden("scan.html", _render(writer, scan_report))


def test_page_loads_nothing_from_outside(writer: HtmlWriter, scan_report: ScanReport) -> None:
    page = _parse(_render(writer, scan_report))
    for tag, attrs in page.tags:
        assert "src" not in attrs, tag
        assert not (tag == "link" and attrs.get("rel") == "stylesheet")
    assert page.scripts == 1


def test_planted_script_in_a_title_is_escaped(writer: HtmlWriter, scan_report: ScanReport) -> None:
    hostile = dataclasses.replace(
        scan_report.vulnerabilities[0],
        title='<script>alert("x")</script>',
        references=("javascript:alert(1)",),
    )
    text = _render(writer, dataclasses.replace(scan_report, vulnerabilities=(hostile,)))
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in text
    assert '<script>alert("x")' not in text
    assert _parse(text).scripts == 1
    assert 'href="javascript:' not in text


def test_ids_link_to_their_first_reference(writer: HtmlWriter, scan_report: ScanReport) -> None:
    text = _render(writer, scan_report)
    assert '<a href="https://security-tracker.debian.org/tracker/DSA-4919-1"' in text


def test_one_table_row_per_finding_plus_header(writer: HtmlWriter, scan_report: ScanReport) -> None:
    assert _parse(_render(writer, scan_report)).rows == len(scan_report.vulnerabilities) + 1


def test_cards_and_charts_show_the_counts(writer: HtmlWriter, scan_report: ScanReport) -> None:
    text = _render(writer, scan_report)
    cards = re.findall(r'<div class="card"[^>]*><b>(\d+)</b>(\w+)</div>', text)
    assert cards == [
        ("1", "CRITICAL"),
        ("1", "HIGH"),
        ("1", "MEDIUM"),
        ("0", "LOW"),
        ("2", "UNKNOWN"),
        ("1", "SUPPRESSED"),
    ]
    assert 'aria-label="Findings by layer"' in text
    assert "#1 RUN pip install setuptools==47.1.0 # buildkit" in text


def test_warnings_and_notes_are_shown(writer: HtmlWriter, scan_report: ScanReport) -> None:
    text = _render(writer, scan_report)
    assert '<div class="warn">the advisory database is older than 7 days</div>' in text
    assert "<code>/usr/lib/os-release</code>" in text


def test_clean_scan_renders_an_empty_table(writer: HtmlWriter, empty_report: ScanReport) -> None:
    page = _parse(_render(writer, empty_report))
    assert page.rows == 1
