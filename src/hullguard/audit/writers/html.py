"""A single self-contained HTML page (``--format html``): summary cards and one table per section.

Every value goes through :func:`html.escape` (quotes too): container names, image tags and
evidence come from the engine, which anyone who can start a container controls.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TextIO

from hullguard.audit._model import CheckResult, Status
from hullguard.audit._report import AuditReport

__all__ = ["PLUGINS", "HtmlAuditWriter"]

_COLORS = {
    Status.FAIL: "#d9534f",
    Status.WARN: "#f0ad4e",
    Status.PASS: "#5cb85c",
    Status.INFO: "#5bc0de",
    Status.SKIP: "#999999",
}
_CSS = """
body{font-family:system-ui,sans-serif;margin:2em;color:#222}h1{font-size:1.4em}
.cards{display:flex;gap:1em;margin:1em 0}
.card{padding:.6em 1em;border-radius:6px;color:#fff;min-width:5em;text-align:center}
.card b{display:block;font-size:1.6em}table{border-collapse:collapse;width:100%;margin-bottom:2em}
th,td{border:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top;font-size:.9em}
th{background:#f4f4f4}.st{font-weight:bold;color:#fff;border-radius:3px;padding:1px 5px}
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _row(r: CheckResult) -> str:
    color = _COLORS[r.status]
    return (
        f"<tr><td>{_e(r.cis_id)}</td><td>{_e(r.title)}</td><td>{_e(r.target)}</td>"
        f'<td><span class="st" style="background:{color}">{_e(r.status.value)}</span></td>'
        f"<td>{_e(r.evidence)}</td><td>{_e(r.remediation)}</td></tr>"
    )


@dataclass(frozen=True, slots=True)
class HtmlAuditWriter:
    """Writes one HTML document with inline CSS and no scripts."""

    id: str = "html"
    aliases: tuple[str, ...] = ()

    def write(self, report: AuditReport, out: TextIO, *, tool_version: str) -> None:
        """The whole page."""
        parts = [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f"<title>{_e(report.benchmark)} - {_e(report.endpoint)}</title>",
            f"<style>{_CSS}</style></head><body>",
            f"<h1>{_e(report.benchmark)}</h1>",
            f"<p>{_e(report.engine)} engine at {_e(report.endpoint)}; hullguard {_e(tool_version)}</p>",
            '<div class="cards">',
        ]
        for status, count in report.summary().items():
            color = _COLORS[Status(status)]
            parts.append(f'<div class="card" style="background:{color}"><b>{count}</b>{_e(status)}</div>')
        parts.append("</div>")
        for number, title, results in report.sections():
            parts.append(f"<h2>{_e(number)} {_e(title)}</h2><table>")
            parts.append("<tr><th>CIS</th><th>Check</th><th>Target</th><th>Status</th><th>Evidence</th>")
            parts.append("<th>Remediation</th></tr>")
            parts.extend(_row(r) for r in results)
            parts.append("</table>")
        if report.notes:
            parts.append("<h2>Notes</h2><ul>")
            parts.extend(f"<li>{_e(note)}</li>" for note in report.notes)
            parts.append("</ul>")
        parts.append("</body></html>")
        out.write("\n".join(parts) + "\n")


PLUGINS = (HtmlAuditWriter(),)
