"""The detectors ``hullguard scan`` runs after the layer pass, and how their findings join one report.

One inventory feeds every detector (vulnerabilities, secrets, image misconfigurations), so an
image is read once whatever ``--scanners`` asks for; the secret analyzer only joins the layer
pass when secrets are wanted, since it reads every file.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from enum import StrEnum

from hullguard.errors import ConfigError
from hullguard.inventory import Inventory
from hullguard.misconfig import LintOptions
from hullguard.report import MisconfigFinding, ScanReport, SecretFinding, Severity

__all__ = ["Scanner", "add_findings", "empty_report", "image_misconfigurations", "parse_scanners"]


class Scanner(StrEnum):
    """What ``scan`` looks for."""

    VULN = "vuln"
    SECRET = "secret"  # noqa: S105 - a scanner's name
    MISCONFIG = "misconfig"


def parse_scanners(text: str) -> tuple[Scanner, ...]:
    """``vuln,secret`` -> the scanners in canonical order; unknown names are a ConfigError."""
    chosen: set[Scanner] = set()
    for word in filter(None, (w.strip().lower() for w in text.split(","))):
        if word in ("all", ""):
            chosen.update(Scanner)
            continue
        try:
            chosen.add(Scanner(word))
        except ValueError:
            raise ConfigError(
                f"--scanners: unknown scanner {word!r}", hint="vuln, secret, misconfig"
            ) from None
    if not chosen:
        raise ConfigError("--scanners: name at least one scanner", hint="vuln, secret, misconfig")
    return tuple(s for s in Scanner if s in chosen)


def _kept(severity: Severity, severities: frozenset[Severity]) -> bool:
    return severity in severities


def add_findings(
    report: ScanReport,
    *,
    scanners: Iterable[Scanner],
    secrets: Iterable[SecretFinding] = (),
    misconfigurations: Iterable[MisconfigFinding] = (),
    severities: frozenset[Severity] = frozenset(Severity),
) -> ScanReport:
    """The report with secret and misconfiguration findings, filtered by the same ``--severity``."""
    return dataclasses.replace(
        report,
        secrets=tuple(
            sorted((f for f in secrets if _kept(f.severity, severities)), key=SecretFinding.sort_key)
        ),
        misconfigurations=tuple(
            sorted(
                (f for f in misconfigurations if _kept(f.effective_severity, severities)),
                key=MisconfigFinding.sort_key,
            )
        ),
        scanners=tuple(s.value for s in scanners),
    )


def empty_report(inventory: Inventory, target: str) -> ScanReport:
    """The base report when vulnerabilities are not scanned (no database needed)."""
    return ScanReport(inventory=inventory, vulnerabilities=(), target=target)


def image_misconfigurations(
    inventory: Inventory, reference: str, options: LintOptions
) -> list[MisconfigFinding]:
    """Image-config checks of an analysed image; nothing for directories and SBOMs (no config)."""
    from hullguard.misconfig.image_config import check_image, facts_from_inventory  # noqa: PLC0415

    facts = facts_from_inventory(inventory, reference)
    return [] if facts is None else check_image(facts, options)
