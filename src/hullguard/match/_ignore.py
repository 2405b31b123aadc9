"""``.hullguardignore``: findings a team has decided to accept, each with a reason and an expiry.

YAML, a list under ``ignore:``::

    ignore:
      - id: CVE-2018-18074          # or any alias (GHSA-..., PYSEC-...)
        package: requests            # optional: only this package
        path: /usr/local/lib/**      # optional: only packages found under this path (glob)
        reason: not reachable, we never follow redirects to other hosts
        expires: 2026-12-31          # optional: after this date the entry warns and stops suppressing

An entry without a reason is refused: an accepted risk nobody can explain is not accepted.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hullguard.errors import ConfigError
from hullguard.report._finding import VulnerabilityFinding

__all__ = ["IgnoreEntry", "IgnoreRules", "parse_ignore_file", "split_ignored"]


class IgnoreEntry(BaseModel):
    """One accepted finding."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    package: str | None = None
    path: str | None = None
    reason: str = Field(min_length=1)
    expires: date | None = None

    def matches(self, finding: VulnerabilityFinding) -> bool:
        """Same vulnerability (by any of its ids), and package and path when the entry names them."""
        if self.id != finding.id and self.id not in finding.aliases:
            return False
        if self.package is not None and self.package != finding.package.name:
            return False
        return self.path is None or fnmatch.fnmatchcase(finding.package.location.path, self.path)


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ignore: list[IgnoreEntry] = Field(default_factory=list)


@dataclass(frozen=True, slots=True)
class IgnoreRules:
    """The live entries, and warnings for the expired ones (which no longer suppress)."""

    entries: tuple[IgnoreEntry, ...]
    warnings: tuple[str, ...]

    def reason_for(self, finding: VulnerabilityFinding) -> str | None:
        """The reason of the first live entry that matches, if any."""
        return next((e.reason for e in self.entries if e.matches(finding)), None)


def parse_ignore_file(data: bytes, *, where: str, today: date) -> IgnoreRules:
    """Read an ignore file; malformed YAML or entries are a ConfigError naming the place."""
    try:
        raw = yaml.safe_load(data) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{where} is not valid YAML: {exc}".splitlines()[0]) from exc
    try:
        parsed = _File.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        place = ".".join(str(p) for p in first["loc"])
        hint = "each entry needs an id and a reason"
        raise ConfigError(f"{where}: {place}: {first['msg']}", hint=hint) from exc
    live: list[IgnoreEntry] = []
    warnings: list[str] = []
    for entry in parsed.ignore:
        if entry.expires is not None and entry.expires < today:
            warnings.append(
                f"{where}: the entry for {entry.id} expired on {entry.expires}; no longer applied"
            )
        else:
            live.append(entry)
    return IgnoreRules(tuple(live), tuple(warnings))


def split_ignored(
    findings: Sequence[VulnerabilityFinding], rules: IgnoreRules
) -> tuple[list[VulnerabilityFinding], list[tuple[VulnerabilityFinding, str]]]:
    """(findings that stay, (finding, reason) pairs that the rules suppress)."""
    kept: list[VulnerabilityFinding] = []
    dropped: list[tuple[VulnerabilityFinding, str]] = []
    for finding in findings:
        reason = rules.reason_for(finding)
        if reason is None:
            kept.append(finding)
        else:
            dropped.append((finding, reason))
    return kept, dropped
