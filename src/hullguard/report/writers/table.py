"""Vulnerability tables for a terminal (``--format table``), rendered with rich.

One table per result (OS packages, then each language type), rows grouped by package so a
reader sees at once which upgrade removes the most findings. Then one summary line with the
count per severity and the number suppressed, then warnings and notes: what the scan could not
read must not vanish just because the output is a table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TextIO

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from hullguard.inventory import Package
from hullguard.report._finding import (
    MisconfigFinding,
    SecretFinding,
    Severity,
    SourceLocation,
    VulnerabilityFinding,
)
from hullguard.report._model import ScanReport
from hullguard.report.writers._shared import (
    Result,
    artifact_name,
    count_severities,
    fixed_text,
    group_results,
    severity_counts,
    short_layer,
)

__all__ = ["PLUGINS", "TableWriter"]

_FILE_WIDTH = 140
_TITLE_MAX = 60
_STYLES = {
    Severity.CRITICAL: "bold red",
    Severity.HIGH: "red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "blue",
    Severity.UNKNOWN: "dim",
}


def _truncate(text: str, limit: int = _TITLE_MAX) -> str:
    """Titles can be paragraphs (PYSEC records have none and we show ``details``); one line is enough."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _by_package(findings: tuple[VulnerabilityFinding, ...]) -> list[list[VulnerabilityFinding]]:
    """Findings grouped by package; groups in report order, so the most severe package comes first."""
    groups: dict[Package, list[VulnerabilityFinding]] = {}
    for finding in findings:
        groups.setdefault(finding.package, []).append(finding)
    return list(groups.values())


def _table(result: Result) -> Table:
    table = Table(title=result.target, box=box.SIMPLE, show_edge=False, pad_edge=False, header_style="bold")
    for column in ("PACKAGE", "INSTALLED", "VULNERABILITY", "SEVERITY", "FIXED VERSION", "TITLE"):
        table.add_column(column, overflow="fold")

    for findings in _by_package(result.findings):
        for n, finding in enumerate(findings):
            first = n == 0
            table.add_row(
                finding.package.name if first else "",
                finding.installed_version if first else "",
                finding.id,
                Text(finding.severity.value, style=_STYLES[finding.severity]),
                fixed_text(finding),
                _truncate(finding.title),
                end_section=n == len(findings) - 1,
            )
    return table


def _place(location: SourceLocation) -> str:
    """``path:line:column`` as editors and compilers print it, with the layer when in an image."""
    place = location.path
    if location.start_line:
        place += f":{location.start_line}"
        if location.start_column:
            place += f":{location.start_column}"
    if location.layer is not None:
        place += f" (layer {location.layer.index})"
    return place


def _secret_table(findings: tuple[SecretFinding, ...]) -> Table:
    table = Table(title="Secrets", box=box.SIMPLE, show_edge=False, pad_edge=False, header_style="bold")
    for column in ("SEVERITY", "RULE", "WHERE", "MATCH"):
        table.add_column(column, overflow="fold")
    for finding in findings:
        where = _place(finding.location)
        if finding.origin.value != "file":
            where = f"{finding.origin.value}: {where}"
        if finding.removed_in is not None:
            where += f", removed in layer {finding.removed_in.index} (still extractable)"
        table.add_row(
            Text(finding.severity.value, style=_STYLES[finding.severity]),
            f"{finding.rule_id}\n{finding.title}",
            where,
            _truncate(finding.redacted, 80),
        )
    return table


_IMAGE_GROUP = "Image settings"


def _misconfig_tables(findings: tuple[MisconfigFinding, ...]) -> list[Table]:
    """One table per file linted, and one for all of an image's settings (which span many paths)."""
    groups: dict[str, list[MisconfigFinding]] = {}
    for finding in findings:
        key = _IMAGE_GROUP if finding.check.kind == "image-config" else finding.location.path
        groups.setdefault(key, []).append(finding)
    tables = []
    for title, group in sorted(groups.items(), key=lambda item: (item[0] != _IMAGE_GROUP, item[0])):
        image = title == _IMAGE_GROUP
        table = Table(title=title, box=box.SIMPLE, show_edge=False, pad_edge=False, header_style="bold")
        first = "WHERE" if image else "LINE"
        for column in (first, "SEVERITY", "CHECK", "RESOURCE", "MESSAGE"):
            table.add_column(column, overflow="fold")
        for finding in sorted(group, key=lambda f: (f.location.start_line or 0, f.sort_key())):
            severity = finding.effective_severity
            hadolint = finding.check.mapped("hadolint")
            check = finding.check.id + (f" ({hadolint})" if hadolint else "")
            where = _place(finding.location) if image else str(finding.location.start_line or "-")
            table.add_row(
                where,
                Text(severity.value, style=_STYLES[severity]),
                check,
                finding.resource,
                _truncate(finding.message, 100),
            )
        tables.append(table)
    return tables


def _counts_line(label: str, severities: list[Severity]) -> str:
    per = ", ".join(f"{severity.value}: {n}" for severity, n in count_severities(severities).items())
    return f"{label}: {len(severities)} ({per})"


def _summary(report: ScanReport) -> str:
    """``Total: 5 (CRITICAL: 1, HIGH: 1, MEDIUM: 1, LOW: 0, UNKNOWN: 2), suppressed: 1``."""
    counts = severity_counts(report.vulnerabilities)
    per = ", ".join(f"{severity.value}: {n}" for severity, n in counts.items())
    return f"Total: {len(report.vulnerabilities)} ({per}), suppressed: {len(report.suppressed)}"


def _trailer(report: ScanReport, console: Console) -> None:
    """Warnings, then the files the scan could not use."""
    for warning in report.warnings:
        console.print(Text(f"WARNING: {warning}", style="yellow"))
    if report.notes:
        console.print(f"Notes: {len(report.notes)} file(s) not used:")
    for note in report.notes:
        layer = f" (layer {short_layer(note.diff_id)})" if note.diff_id else ""
        by = f" [{note.analyzer}]" if note.analyzer else ""
        console.print(f"  {note.path}{layer}{by}: {note.reason}")


@dataclass(frozen=True, slots=True)
class TableWriter:
    """Writes the vulnerability tables, plain text unless ``out`` is a terminal."""

    id: str = "table"
    aliases: tuple[str, ...] = ()
    media_type: str = "text/plain"
    width: int | None = None
    """Line width; None means the terminal's width, or 140 columns when ``out`` is a file or pipe."""
    terminal: bool | None = None
    """Whether to style the output; None lets rich decide from ``out`` (and ``FORCE_COLOR``)."""

    def write(self, report: ScanReport, out: TextIO, *, tool_version: str) -> None:
        """Render header, tables, summary, warnings and notes; ``tool_version`` is not shown."""
        width = self.width if self.width is not None else (None if out.isatty() else _FILE_WIDTH)
        console = Console(
            file=out, width=width, force_terminal=self.terminal, markup=False, emoji=False, highlight=False
        )
        digest = report.inventory.image_digest
        console.print(" ".join(part for part in (artifact_name(report), digest) if part))
        if "vuln" in report.scanners:
            for result in group_results(report):
                if result.findings:
                    console.print()
                    console.print(_table(result))
        if report.secrets:
            console.print()
            console.print(_secret_table(report.secrets))
        for table in _misconfig_tables(report.misconfigurations):
            console.print()
            console.print(table)
        console.print()
        if "vuln" in report.scanners:
            console.print(_summary(report))
        if "secret" in report.scanners:
            console.print(_counts_line("Secrets", [f.severity for f in report.secrets]))
        if "misconfig" in report.scanners:
            console.print(
                _counts_line("Misconfigurations", [f.effective_severity for f in report.misconfigurations])
            )
        _trailer(report, console)


PLUGINS = [TableWriter()]
