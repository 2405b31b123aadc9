"""The terminal table (``--format table``): one table per benchmark section, then a summary."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from hullguard.audit._model import Status
from hullguard.audit._report import AuditReport

__all__ = ["PLUGINS", "TableAuditWriter"]

_STYLE = {Status.FAIL: "bold red", Status.WARN: "yellow", Status.PASS: "green", Status.INFO: "cyan"}


@dataclass(frozen=True, slots=True)
class TableAuditWriter:
    """Rich tables grouped by section; values are escaped so a container name is never markup."""

    id: str = "table"
    aliases: tuple[str, ...] = ()

    def write(self, report: AuditReport, out: TextIO, *, tool_version: str) -> None:
        """Write every section's table, the totals and the notes."""
        console = Console(file=out, width=None if out.isatty() else 160, highlight=False)
        for number, title, results in report.sections():
            table = Table(title=f"{report.benchmark} - {number} {title}", title_justify="left")
            for column in ("CIS", "CHECK", "TARGET", "STATUS", "EVIDENCE"):
                table.add_column(column, overflow="fold")
            for r in results:
                style = _STYLE.get(r.status, "")
                status = f"[{style}]{r.status}[/]" if style else r.status.value
                table.add_row(r.cis_id, escape(r.title), escape(r.target), status, escape(r.evidence))
            console.print(table)
        summary = report.summary()
        console.print("Total: " + ", ".join(f"{status}: {count}" for status, count in summary.items()))
        for note in report.notes:
            console.print(f"note: {note}", markup=False)


PLUGINS = (TableAuditWriter(),)
