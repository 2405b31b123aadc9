"""From match results to the :class:`ScanReport`: filters and suppressions, recorded not hidden."""

from __future__ import annotations

from dataclasses import dataclass, field

from hullguard.inventory import Inventory
from hullguard.match._ignore import IgnoreRules, split_ignored
from hullguard.match._match import MatchResult
from hullguard.match._vex import VexStatement, split_vex
from hullguard.report import DatabaseInfo, FixStatus, ScanReport, Severity, SuppressedFinding, Suppression

__all__ = ["ScanOptions", "build_scan_report"]


@dataclass(frozen=True, slots=True)
class ScanOptions:
    """What the user asked to see: a severity floor, fixable only, accepted risks, VEX."""

    severities: frozenset[Severity] = frozenset(Severity)
    """Ratings to report (``--severity HIGH,CRITICAL``)."""
    ignore_unfixed: bool = False
    ignore: IgnoreRules = field(default_factory=lambda: IgnoreRules((), ()))
    vex: tuple[VexStatement, ...] = ()


def build_scan_report(
    inventory: Inventory,
    result: MatchResult,
    options: ScanOptions,
    *,
    target: str,
    database: DatabaseInfo | None,
    warnings: tuple[str, ...] = (),
) -> ScanReport:
    """Apply severity and fix filters, then the ignore file, then VEX; keep what each removed."""
    unfixed_out = options.ignore_unfixed
    chosen = [
        f
        for f in result.findings
        if f.severity in options.severities and not (unfixed_out and f.status is FixStatus.NOT_FIXED)
    ]
    kept, ignored = split_ignored(chosen, options.ignore)
    refs = [inventory.image_name, *inventory.repo_tags, *inventory.repo_digests]
    kept, vexed = split_vex(kept, options.vex, refs)
    suppressed = [SuppressedFinding(f, Suppression.IGNORE_FILE, why) for f, why in ignored]
    suppressed += [SuppressedFinding(f, Suppression.VEX, why) for f, why in vexed]
    return ScanReport(
        inventory=inventory,
        vulnerabilities=tuple(kept),
        suppressed=tuple(suppressed),
        notes=result.notes,
        database=database,
        target=target,
        warnings=(*warnings, *options.ignore.warnings),
    )
