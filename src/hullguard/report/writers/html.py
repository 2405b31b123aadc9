"""A single self-contained HTML report (``--format html``) to attach to a CI run or mail around.

Everything is inline (CSS, SVG charts, a few lines of JavaScript), so the file opens offline and
from an artifact store that serves no other files. Every value from the report passes through
:func:`html.escape` (quotes included, since values also land in attributes): titles and
references come from third-party advisories and must never become markup. Links are only made
for ``http``/``https`` references, so a ``javascript:`` URL in an advisory stays text.

jinja2 is not a dependency, so the page is built from strings; the charts are plain SVG bars.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TextIO

from hullguard.report._finding import Severity, SourceLocation, VulnerabilityFinding
from hullguard.report._model import ScanReport
from hullguard.report.writers._shared import (
    SEVERITIES,
    artifact_name,
    first_reference,
    fixed_text,
    severity_counts,
    utc_now,
)

__all__ = ["PLUGINS", "HtmlWriter"]

_COLORS = {
    Severity.CRITICAL: "#8b0000",
    Severity.HIGH: "#d9534f",
    Severity.MEDIUM: "#f0ad4e",
    Severity.LOW: "#5bc0de",
    Severity.UNKNOWN: "#999999",
}
_BAR_WIDTH = 360
_ROW_HEIGHT = 22
_LABEL_WIDTH = 260

_CSS = """
body{font-family:system-ui,sans-serif;margin:2em;color:#222}
h1{font-size:1.4em}.meta{color:#555}
.cards{display:flex;gap:1em;margin:1em 0}
.card{padding:.8em 1.2em;border-radius:6px;color:#fff;min-width:6em;text-align:center}
.card b{display:block;font-size:1.8em}
.charts{display:flex;gap:3em;flex-wrap:wrap}
.warn{background:#fff3cd;border:1px solid #f0ad4e;padding:.5em 1em;margin:.3em 0}
table{border-collapse:collapse;width:100%;margin-top:1em}
th,td{border-bottom:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}
th{cursor:pointer;background:#f5f5f5;user-select:none}
.sev{color:#fff;border-radius:3px;padding:0 .4em}
code{font-size:.85em}
"""

# Sort by clicking a header (severity sorts by rank, kept in data-sort); filter by typing.
_JS = """
(function(){
const table=document.getElementById('findings');if(!table){return;}const body=table.tBodies[0];
const filter=document.getElementById('filter');
filter.addEventListener('input',function(){const q=filter.value.toLowerCase();
for(const row of body.rows){row.hidden=q!==''&&!row.textContent.toLowerCase().includes(q);}});
table.tHead.querySelectorAll('th').forEach(function(th,col){let asc=true;
th.addEventListener('click',function(){const rows=Array.from(body.rows);
const key=function(r){const c=r.cells[col];
return c.dataset.sort!==undefined?Number(c.dataset.sort):c.textContent;};
rows.sort(function(a,b){const x=key(a),y=key(b);return (x<y?-1:x>y?1:0)*(asc?1:-1);});
asc=!asc;rows.forEach(function(r){body.appendChild(r);});});});
})();
"""

_HEADERS = ("Package", "Version", "Vulnerability", "Severity", "Fixed version", "Layer", "Title")


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _bars(title: str, rows: list[tuple[str, int, str]]) -> str:
    """A horizontal bar chart as inline SVG: one (label, value, colour) per bar."""
    top = max((value for _, value, _ in rows), default=0) or 1
    height = _ROW_HEIGHT * max(len(rows), 1) + 10
    parts = [
        f"<figure><figcaption>{_e(title)}</figcaption>"
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{_e(title)}" '
        f'width="{_LABEL_WIDTH + _BAR_WIDTH + 50}" height="{height}">'
    ]
    for n, (label, value, color) in enumerate(rows):
        y = n * _ROW_HEIGHT + 5
        width = round(_BAR_WIDTH * value / top)
        short = label if len(label) <= 40 else label[:39] + "…"
        parts.append(
            f'<text x="0" y="{y + 14}" font-size="12"><title>{_e(label)}</title>{_e(short)}</text>'
            f'<rect x="{_LABEL_WIDTH}" y="{y}" width="{width}" height="{_ROW_HEIGHT - 6}" fill="{color}"/>'
            f'<text x="{_LABEL_WIDTH + width + 5}" y="{y + 14}" font-size="12">{value}</text>'
        )
    parts.append("</svg></figure>")
    return "".join(parts)


def _layer_label(finding: VulnerabilityFinding) -> str:
    layer = finding.layer
    if layer is None:
        return "unknown layer"
    return f"#{layer.index} {layer.created_by or layer.diff_id}"


def _layer_chart(report: ScanReport) -> str:
    counts = Counter((f.layer.index if f.layer else -1, _layer_label(f)) for f in report.vulnerabilities)
    rows = [(label, n, "#4a6fa5") for (_, label), n in sorted(counts.items())]
    return _bars("Findings by layer", rows)


def _cards(counts: dict[Severity, int], suppressed: int) -> str:
    cards = [
        f'<div class="card" style="background:{_COLORS[s]}"><b>{n}</b>{_e(s.value)}</div>'
        for s, n in counts.items()
    ]
    cards.append(f'<div class="card" style="background:#555"><b>{suppressed}</b>SUPPRESSED</div>')
    return f'<div class="cards">{"".join(cards)}</div>'


def _link(finding: VulnerabilityFinding) -> str:
    url = first_reference(finding)
    if url is None or not url.startswith(("https://", "http://")):
        return _e(finding.id)
    return f'<a href="{_e(url)}" rel="noopener noreferrer">{_e(finding.id)}</a>'


def _row(finding: VulnerabilityFinding) -> str:
    sev = finding.severity
    layer = finding.layer
    layer_cell = (
        f'<td data-sort="{layer.index}"><code>{_e(layer.created_by or layer.diff_id)}</code></td>'
        if layer is not None
        else '<td data-sort="-1"></td>'
    )
    return (
        "<tr>"
        f"<td>{_e(finding.package.name)}</td>"
        f"<td>{_e(finding.installed_version)}</td>"
        f"<td>{_link(finding)}</td>"
        f'<td data-sort="{sev.rank}"><span class="sev" style="background:{_COLORS[sev]}">'
        f"{_e(sev.value)}</span></td>"
        f"<td>{_e(fixed_text(finding))}</td>"
        f"{layer_cell}"
        f"<td>{_e(finding.title)}</td>"
        "</tr>"
    )


def _table(findings: tuple[VulnerabilityFinding, ...]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in _HEADERS)
    rows = "\n".join(_row(f) for f in findings)
    return (
        '<input id="filter" type="search" placeholder="Filter findings" aria-label="Filter findings">'
        f'<table id="findings"><thead><tr>{head}</tr></thead><tbody>\n{rows}\n</tbody></table>'
    )


def _notices(report: ScanReport) -> str:
    parts = [f'<div class="warn">{_e(w)}</div>' for w in report.warnings]
    if report.notes:
        items = "".join(f"<li><code>{_e(n.path)}</code>: {_e(n.reason)}</li>" for n in report.notes)
        parts.append(f"<h2>Files not used</h2><ul>{items}</ul>")
    if report.suppressed:
        items = "".join(
            f"<li>{_e(s.finding.id)} in {_e(s.finding.package.name)} ({_e(s.by.value)}): {_e(s.reason)}</li>"
            for s in report.suppressed
        )
        parts.append(f"<h2>Suppressed</h2><ul>{items}</ul>")
    return "\n".join(parts)


def _simple_table(table_id: str, headers: tuple[str, ...], rows: list[str]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "\n".join(rows)
    return f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table>'


def _severity_cell(severity: Severity) -> str:
    return (
        f'<td data-sort="{severity.rank}"><span class="sev" style="background:{_COLORS[severity]}">'
        f"{_e(severity.value)}</span></td>"
    )


def _place(location: SourceLocation) -> str:
    line = f":{location.start_line}" if location.start_line else ""
    layer = f" (layer #{location.layer.index})" if location.layer is not None else ""
    return f"<code>{_e(location.path + line)}</code>{_e(layer)}"


def _secrets_section(report: ScanReport) -> str:
    if "secret" not in report.scanners:
        return ""
    rows = []
    for f in report.secrets:
        removed = f" · removed in layer #{f.removed_in.index}, still extractable" if f.removed_in else ""
        rows.append(
            f"<tr>{_severity_cell(f.severity)}<td>{_e(f.rule_id)}<br>{_e(f.title)}</td>"
            f"<td>{_e(f.origin.value)}: {_place(f.location)}{_e(removed)}</td>"
            f"<td><code>{_e(f.redacted)}</code></td></tr>"
        )
    table = _simple_table("secrets", ("Severity", "Rule", "Where", "Match (redacted)"), rows)
    return f"<h2>Secrets ({len(report.secrets)})</h2>\n{table}\n"


def _misconfig_section(report: ScanReport) -> str:
    if "misconfig" not in report.scanners:
        return ""
    rows = [
        f"<tr>{_severity_cell(f.effective_severity)}<td>{_e(f.check.id)}<br>{_e(f.check.title)}</td>"
        f"<td>{_place(f.location)}</td><td>{_e(f.resource)}</td>"
        f"<td>{_e(f.message)}<br><i>{_e(f.check.remediation)}</i></td></tr>"
        for f in report.misconfigurations
    ]
    headers = ("Severity", "Check", "Where", "Resource", "Message and remediation")
    table = _simple_table("misconfigurations", headers, rows)
    return f"<h2>Misconfigurations ({len(report.misconfigurations)})</h2>\n{table}\n"


def render(report: ScanReport, *, tool_version: str, generated: datetime) -> str:
    """The whole page as one string."""
    name = artifact_name(report)
    counts = severity_counts(report.vulnerabilities)
    digest = report.inventory.image_digest or ""
    severity_chart = _bars("Findings by severity", [(s.value, counts[s], _COLORS[s]) for s in SEVERITIES])
    vulnerabilities = ""
    if "vuln" in report.scanners:
        vulnerabilities = (
            f"{_cards(counts, len(report.suppressed))}\n"
            f'<div class="charts">{severity_chart}{_layer_chart(report)}</div>\n'
            f"{_notices(report)}\n"
            f"<h2>Findings ({len(report.vulnerabilities)})</h2>\n{_table(report.vulnerabilities)}\n"
        )
    heading = "Vulnerabilities in" if report.scanners == ("vuln",) else "Findings in"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>hullguard report: {_e(name)}</title><style>{_CSS}</style></head><body>\n"
        f"<h1>{heading} {_e(name)}</h1>\n"
        f'<p class="meta"><code>{_e(digest)}</code> · hullguard {_e(tool_version)} · '
        f"{_e(generated.isoformat())}</p>\n"
        f"{vulnerabilities}"
        f"{_secrets_section(report)}{_misconfig_section(report)}"
        f"<script>{_JS}</script>\n</body></html>\n"
    )


@dataclass(frozen=True, slots=True)
class HtmlWriter:
    """Writes the self-contained HTML page; ``clock`` exists so tests get a fixed time."""

    id: str = "html"
    aliases: tuple[str, ...] = ()
    media_type: str = "text/html"
    clock: Callable[[], datetime] = utc_now

    def write(self, report: ScanReport, out: TextIO, *, tool_version: str) -> None:
        """Write the page."""
        out.write(render(report, tool_version=tool_version, generated=self.clock()))


PLUGINS = [HtmlWriter()]
