"""Rules on an attested vulnerability scan (cosign vuln predicate around hullguard's JSON report).

The report sits in ``predicate.scanner.result`` (``hullguard scan -f json`` layout, schema 1.x):
``results[].vulnerabilities[]`` with ``id``, ``severity``, ``fixed_versions`` and ``package.name``.
A predicate we cannot read is itself a reason to deny: a gate must not pass on a report it
could not understand.
"""

from __future__ import annotations

from collections.abc import Iterator

__all__ = ["vulnerability_reasons"]

_MAX_LISTED = 20


def _findings(predicate: object) -> Iterator[dict[str, object]] | None:
    scanner = predicate.get("scanner") if isinstance(predicate, dict) else None
    result = scanner.get("result") if isinstance(scanner, dict) else None
    results = result.get("results") if isinstance(result, dict) else None
    if not isinstance(results, list):
        return None
    return (
        vuln
        for group in results
        if isinstance(group, dict) and isinstance(group.get("vulnerabilities"), list)
        for vuln in group["vulnerabilities"]
        if isinstance(vuln, dict)
    )


def _describe(vuln: dict[str, object]) -> str:
    package = vuln.get("package")
    name = package.get("name") if isinstance(package, dict) else None
    fixed = vuln.get("fixed_versions")
    fix = f", fixed in {', '.join(map(str, fixed))}" if isinstance(fixed, list) and fixed else ""
    return f"{vuln.get('id')} ({vuln.get('severity')}) in {name}{fix}"


def vulnerability_reasons(predicate: object, deny_fixable: frozenset[str], deny: frozenset[str]) -> list[str]:
    """One reason per finding the rules forbid (at most 20 listed, then a count)."""
    findings = _findings(predicate)
    if findings is None:
        return ["the vuln attestation holds no readable hullguard scan report (scanner.result.results)"]
    bad: list[str] = []
    for vuln in findings:
        severity = str(vuln.get("severity", "UNKNOWN")).upper()
        fixed = vuln.get("fixed_versions")
        has_fix = isinstance(fixed, list) and bool(fixed)
        if severity in deny or (severity in deny_fixable and has_fix):
            bad.append(_describe(vuln))
    reasons = [f"attested scan: {text}" for text in sorted(set(bad))[:_MAX_LISTED]]
    if len(set(bad)) > _MAX_LISTED:
        reasons.append(f"attested scan: and {len(set(bad)) - _MAX_LISTED} more forbidden findings")
    return reasons
