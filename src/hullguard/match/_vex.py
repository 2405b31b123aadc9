"""VEX input: statements that a product is not affected by a vulnerability suppress its findings.

Two formats are read: OpenVEX (``statements[]`` with ``vulnerability.name``, ``products[]``,
``status``, ``justification``) and CycloneDX VEX (``vulnerabilities[]`` with ``id``,
``analysis.state``, ``analysis.justification``, ``affects[].ref``). Only ``not_affected`` (and
CycloneDX ``false_positive``) suppress; ``affected``/``under_investigation`` change nothing.
A statement applies to a finding when it names the vulnerability (id or alias) and either names
no product, or names the package by purl (qualifiers ignored), or names the image itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hullguard.errors import ConfigError
from hullguard.report._finding import VulnerabilityFinding

__all__ = ["VexStatement", "parse_vex", "split_vex"]

_SUPPRESSING = frozenset({"not_affected", "false_positive"})


@dataclass(frozen=True, slots=True)
class VexStatement:
    """A 'not affected' claim for one vulnerability and zero or more products."""

    vulnerability: str
    products: tuple[str, ...]
    status: str
    justification: str

    def applies_to(self, finding: VulnerabilityFinding, image_refs: Iterable[str]) -> bool:
        """Names this vulnerability, and this package, the image, or no product at all."""
        if self.vulnerability != finding.id and self.vulnerability not in finding.aliases:
            return False
        if not self.products:
            return True
        package = _bare(finding.package.purl)
        images = set(image_refs)
        return any(_bare(p) == package or p in images for p in self.products)


def _bare(purl: str) -> str:
    """A purl without qualifiers and subpath: ``pkg:pypi/requests@2.19.1``."""
    return purl.split("?", 1)[0].split("#", 1)[0]


def _openvex(doc: dict[str, object]) -> list[VexStatement]:
    out: list[VexStatement] = []
    for st in doc.get("statements") or []:  # type: ignore[attr-defined]
        if not isinstance(st, dict):
            continue
        vuln = st.get("vulnerability") or {}
        name = vuln.get("name") if isinstance(vuln, dict) else vuln
        products = [p.get("@id", "") if isinstance(p, dict) else str(p) for p in st.get("products") or []]
        for p in st.get("products") or []:
            if isinstance(p, dict):
                products.extend(s.get("@id", "") for s in p.get("subcomponents") or [] if isinstance(s, dict))
        if isinstance(name, str):
            detail = st.get("justification") or st.get("impact_statement") or ""
            out.append(
                VexStatement(name, tuple(p for p in products if p), str(st.get("status", "")), str(detail))
            )
    return out


def _cyclonedx(doc: dict[str, object]) -> list[VexStatement]:
    out: list[VexStatement] = []
    for vuln in doc.get("vulnerabilities") or []:  # type: ignore[attr-defined]
        if not isinstance(vuln, dict) or not isinstance(vuln.get("id"), str):
            continue
        analysis = vuln.get("analysis")
        analysis = analysis if isinstance(analysis, dict) else {}
        refs = [a.get("ref", "") for a in vuln.get("affects") or [] if isinstance(a, dict)]
        state = str(analysis.get("state", ""))
        detail = analysis.get("justification") or analysis.get("detail") or ""
        out.append(VexStatement(vuln["id"], tuple(r for r in refs if r), state, str(detail)))
    return out


def parse_vex(data: bytes, *, where: str) -> list[VexStatement]:
    """Statements of an OpenVEX or CycloneDX VEX document; anything else is a ConfigError."""
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{where} is not JSON: {exc}") from exc
    if not isinstance(doc, dict):
        raise ConfigError(f"{where} is not a VEX document")
    if "statements" in doc:
        return _openvex(doc)
    if doc.get("bomFormat") == "CycloneDX":
        return _cyclonedx(doc)
    raise ConfigError(
        f"{where} is neither OpenVEX nor CycloneDX VEX", hint="see openvex.dev or cyclonedx.org"
    )


def split_vex(
    findings: Sequence[VulnerabilityFinding], statements: Sequence[VexStatement], image_refs: Iterable[str]
) -> tuple[list[VulnerabilityFinding], list[tuple[VulnerabilityFinding, str]]]:
    """(findings that stay, (finding, "not_affected: justification") pairs that VEX suppresses)."""
    refs = list(image_refs)
    suppressing = [s for s in statements if s.status in _SUPPRESSING]
    kept: list[VulnerabilityFinding] = []
    dropped: list[tuple[VulnerabilityFinding, str]] = []
    for finding in findings:
        statement = next((s for s in suppressing if s.applies_to(finding, refs)), None)
        if statement is None:
            kept.append(finding)
        else:
            dropped.append((finding, f"{statement.status}: {statement.justification}".rstrip(": ")))
    return kept, dropped
