"""The library's vulnerability scan of an inventory: match, rate, filter, suppress, report."""

from __future__ import annotations

from datetime import datetime, timedelta

from hullguard.inventory import Inventory
from hullguard.match._match import match_inventory
from hullguard.match._report import ScanOptions, build_scan_report
from hullguard.report import DatabaseInfo, ScanReport
from hullguard.vulndb import VulnStore
from hullguard.vulndb.versions import build_version_schemes, scheme_for

__all__ = ["STALE_AFTER", "scan_inventory"]

STALE_AFTER = timedelta(days=7)
"""A database older than this gets a warning in the report (advisories appear daily)."""


def scan_inventory(
    inventory: Inventory, store: VulnStore, *, options: ScanOptions, target: str, now: datetime
) -> ScanReport:
    """Match ``inventory`` against ``store`` and build the report the writers render."""
    schemes = build_version_schemes()
    result = match_inventory(inventory, store, lambda ecosystem: scheme_for(schemes, ecosystem))
    status = store.status()
    newest = status.newest_modified.isoformat() if status.newest_modified else None
    warnings: tuple[str, ...] = ()
    if status.is_stale(now, STALE_AFTER):
        age = status.age(now)
        days = f"{age.days} days old" if age is not None else "empty"
        warnings = (f"the vulnerability database is {days}; run `hullguard db update`",)
    return build_scan_report(
        inventory,
        result,
        options,
        target=target,
        database=DatabaseInfo(str(status.path), status.records, newest),
        warnings=warnings,
    )
