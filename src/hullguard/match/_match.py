"""Inventory and advisories in, vulnerability findings out, one per package and vulnerability.

Steps for each package: (1) find its advisory key (ecosystem, name, version); (2) find the
version scheme of that ecosystem and read the installed version; (3) look the advisories up;
(4) keep the affected entries for exactly this ecosystem and name whose ranges contain the
version; (5) merge advisories that name the same vulnerability (shared id or alias); (6) rate
and describe each merged finding. Packages that cannot be matched become notes, never silence.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from hullguard.errors import VulnDBError
from hullguard.inventory import Inventory, Package, Skipped
from hullguard.match._ecosystems import MatchKey, match_key
from hullguard.match._ranges import evaluate_affected
from hullguard.match._severity import rate
from hullguard.report._finding import FixStatus, VulnerabilityFinding
from hullguard.vulndb._names import ecosystem_base, normalize_name
from hullguard.vulndb._osv import OsvAffected, OsvRecord

__all__ = ["AdvisorySource", "MatchResult", "VersionKey", "match_inventory"]


class AdvisorySource(Protocol):
    """Where advisories come from (the SQLite store, or a list in tests)."""

    def affected(self, ecosystem: str, name: str) -> Sequence[OsvRecord]:
        """Records with an ``affected`` entry for this ecosystem (with release) and package name."""
        ...


class VersionKey(Protocol):
    """The part of a version scheme the matcher uses."""

    def key(self, version: str) -> Any:
        """A totally ordered key; raises a VulnDBError for a version the scheme cannot read."""
        ...


SchemeLookup = Callable[[str], VersionKey | None]
"""Ecosystem (``Debian:12``, ``PyPI``) → its version scheme, or None when none is known."""


@dataclass(frozen=True, slots=True)
class MatchResult:
    """Findings sorted by severity, package and id, and what could not be checked, with why."""

    findings: tuple[VulnerabilityFinding, ...]
    notes: tuple[Skipped, ...]


Report = tuple[OsvRecord, OsvAffected, tuple[str, ...]]
"""An advisory's affected entry that contains the installed version, and its fixed versions."""


def _same_package(entry: OsvAffected, key: MatchKey) -> bool:
    package = entry.package
    if package is None:
        return False
    exact = ":" in key.ecosystem
    if exact and package.ecosystem != key.ecosystem and not package.ecosystem.startswith(key.ecosystem + ":"):
        return False
    if not exact and ecosystem_base(package.ecosystem) != key.ecosystem:
        return False
    base = ecosystem_base(key.ecosystem)
    return normalize_name(base, package.name) == normalize_name(base, key.name)


_QUALIFIED_RELEASES = frozenset({"Ubuntu"})
"""Ecosystems whose release carries more qualifiers (``Ubuntu:22.04:LTS``, ``Ubuntu:Pro:18.04:LTS``):
looked up by base and filtered by release prefix, since the exact string is not known ahead."""


def _lookup_ecosystem(key: MatchKey) -> str:
    base = ecosystem_base(key.ecosystem)
    return base if base in _QUALIFIED_RELEASES else key.ecosystem


def _reports(
    records: Iterable[OsvRecord], key: MatchKey, scheme: VersionKey
) -> tuple[list[Report], list[str]]:
    """Affected entries that contain the version, and why some entries could not be evaluated."""
    found: list[Report] = []
    unevaluated: list[str] = []
    for record in records:
        if record.is_withdrawn:
            continue
        for entry in record.affected:
            if not _same_package(entry, key):
                continue
            if entry.ranges and not entry.versions and all(r.type == "GIT" for r in entry.ranges):
                unevaluated.append(
                    f"{record.id} gives only GIT commit ranges, which a package version cannot be placed in"
                )
                continue
            verdict = evaluate_affected(entry, key.version, scheme.key)
            unevaluated.extend(
                f"{record.id}: unreadable version in a range ({why})" for why in verdict.unparsable
            )
            if verdict.affected:
                found.append((record, entry, verdict.fixed))
    return found, unevaluated


def _merge(reports: list[Report]) -> list[list[Report]]:
    """Group reports whose ids or aliases overlap (PYSEC-x, GHSA-y and CVE-z for one flaw)."""
    groups: list[tuple[set[str], list[Report]]] = []
    for report in reports:
        names = {report[0].id, *report[0].aliases}
        joined = [g for g in groups if g[0] & names]
        merged_names = names.union(*(g[0] for g in joined))
        merged_reports = [r for g in joined for r in g[1]] + [report]
        groups = [g for g in groups if g not in joined] + [(merged_names, merged_reports)]
    return [members for _, members in groups]


def _primary(names: set[str]) -> str:
    cves = sorted(n for n in names if n.startswith("CVE-"))
    return cves[0] if cves else sorted(names)[0]


def _cwes(record: OsvRecord) -> list[str]:
    """CWE ids as GitHub and PyPA advisories list them in ``database_specific.cwe_ids``."""
    value = (record.database_specific or {}).get("cwe_ids")
    return [c for c in value if isinstance(c, str)] if isinstance(value, list) else []


def _finding(
    package: Package, key: MatchKey, group: list[Report], inventory: Inventory
) -> VulnerabilityFinding:
    names = {n for record, _, _ in group for n in (record.id, *record.aliases)}
    primary = _primary(names)
    fixed = tuple(sorted({f for _, _, fixes in group for f in fixes}))
    severity, score, source = rate((record, entry) for record, entry, _ in group)
    records = sorted({record.id: record for record, _, _ in group}.values(), key=lambda r: r.id)
    title = next((r.summary for r in records if r.summary), "") or next(
        (r.details or "" for r in records), ""
    )
    cwes = sorted({cwe for record in records for cwe in _cwes(record)})
    return VulnerabilityFinding(
        id=primary,
        aliases=tuple(sorted(names - {primary})),
        package=package,
        installed_version=key.version,
        fixed_versions=fixed,
        status=FixStatus.FIXED if fixed else FixStatus.NOT_FIXED,
        severity=severity,
        score=score,
        severity_source=source,
        title=title.strip().splitlines()[0][:300] if title.strip() else "",
        references=tuple(dict.fromkeys(ref.url for r in records for ref in r.references)),
        cwes=tuple(cwes),
        layer=inventory.layer(package.location.diff_id),
        advisory_ids=tuple(r.id for r in records),
    )


def _note(package: Package, reason: str) -> Skipped:
    return Skipped(
        package.location.path,
        f"{package.name} {package.version}: {reason}",
        package.location.diff_id,
        "match",
    )


def match_inventory(inventory: Inventory, source: AdvisorySource, schemes: SchemeLookup) -> MatchResult:
    """Match every package of ``inventory`` against ``source``."""
    findings: list[VulnerabilityFinding] = []
    notes: list[Skipped] = []
    for package in inventory.packages:
        key = match_key(package, inventory.os)
        if key is None:
            continue
        scheme = schemes(key.ecosystem)
        if scheme is None:
            notes.append(_note(package, f"no version scheme for {key.ecosystem}"))
            continue
        try:
            scheme.key(key.version)
            reports, unevaluated = _reports(source.affected(_lookup_ecosystem(key), key.name), key, scheme)
        except VulnDBError as exc:
            notes.append(_note(package, str(exc)))
            continue
        notes.extend(_note(package, why) for why in unevaluated)
        findings.extend(_finding(package, key, group, inventory) for group in _merge(reports))
    findings.sort(key=VulnerabilityFinding.sort_key)
    return MatchResult(tuple(findings), tuple(notes))
