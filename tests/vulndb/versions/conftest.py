"""Shared checks for version-scheme tests, and every version used by the real OSV advisories."""

from __future__ import annotations

import json
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from hullguard.vulndb.versions import InvalidVersionError, VersionScheme, compare

RANGE_EVENTS = ("introduced", "fixed", "last_affected")
ORDERED_RANGE_TYPES = ("ECOSYSTEM", "SEMVER")  # GIT ranges hold commit hashes, not versions


@dataclass(frozen=True, slots=True)
class OsvVersions:
    """Every version string the shared OSV records use, by OSV ecosystem name."""

    events: dict[str, frozenset[str]]
    """Values of ``introduced``/``fixed``/``last_affected`` in ECOSYSTEM and SEMVER ranges."""
    listed: dict[str, frozenset[str]]
    """Values of ``affected[].versions``."""
    ecosystems: frozenset[str]
    """Full ecosystem strings (``Debian:11``, ``Alpine:v3.9``, ``PyPI``)."""


def _read_zip(path: Path, events: dict[str, set[str]], listed: dict[str, set[str]], seen: set[str]) -> None:
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            record = json.loads(archive.read(member))
            for affected in record.get("affected", []):
                ecosystem = affected["package"]["ecosystem"]
                seen.add(ecosystem)
                name = ecosystem.partition(":")[0]
                listed[name].update(affected.get("versions") or ())
                for version_range in affected.get("ranges") or ():
                    if version_range.get("type") not in ORDERED_RANGE_TYPES:
                        continue
                    for event in version_range.get("events", ()):
                        events[name].update(event[k] for k in RANGE_EVENTS if k in event)


@pytest.fixture(scope="session")
def osv_versions(osv_dir: Path) -> OsvVersions:
    """All versions of the shared advisories (``osv_dir`` fails the run when they are missing)."""
    events: dict[str, set[str]] = defaultdict(set)
    listed: dict[str, set[str]] = defaultdict(set)
    seen: set[str] = set()
    for path in sorted(osv_dir.glob("*/all.zip")):
        _read_zip(path, events, listed, seen)
    return OsvVersions(
        events={k: frozenset(v) for k, v in events.items()},
        listed={k: frozenset(v) for k, v in listed.items()},
        ecosystems=frozenset(seen),
    )


def assert_ascending(scheme: VersionScheme, groups: Sequence[Sequence[str]]) -> None:
    """``groups`` lists versions from oldest to newest, each group holding equal versions.

    Every pair is compared both ways (antisymmetry) against its documented rank, which, since
    ranks are integers, also proves the order transitive over the table; and sorting the table
    by key, starting from the reverse order, gives back the documented order.
    """
    ranked = [(rank, version) for rank, group in enumerate(groups) for version in group]
    for rank_a, a in ranked:
        for rank_b, b in ranked:
            expected = (rank_a > rank_b) - (rank_a < rank_b)
            assert compare(scheme, a, b) == expected, f"{a!r} vs {b!r}: expected {expected}"
    resorted = sorted(reversed(ranked), key=lambda pair: scheme.key(pair[1]))
    assert [rank for rank, _ in resorted] == sorted(rank for rank, _ in ranked)


def assert_pair(scheme: VersionScheme, a: str, expected: int, b: str) -> None:
    """``a`` compares to ``b`` as ``expected`` says, and ``b`` to ``a`` the other way round."""
    assert compare(scheme, a, b) == expected
    assert compare(scheme, b, a) == -expected
    assert (scheme.key(a) == scheme.key(b)) == (expected == 0)


def failures(scheme: VersionScheme, versions: Iterable[str]) -> list[str]:
    """The versions ``scheme`` refuses, sorted."""
    bad = []
    for version in versions:
        try:
            scheme.key(version)
        except InvalidVersionError:
            bad.append(version)
    return sorted(bad)


def assert_real_versions_parse(
    scheme: VersionScheme, versions: frozenset[str], known_invalid: frozenset[str] = frozenset()
) -> None:
    """Only the listed upstream typos fail, and at least 99.9 % of real versions parse otherwise."""
    assert versions, "no versions found in the shared data"
    bad = failures(scheme, versions)
    unexpected = sorted(set(bad) - known_invalid)
    assert not unexpected, f"{len(unexpected)} real versions refused: {unexpected[:50]}"
    if not known_invalid:
        assert 1 - len(bad) / len(versions) >= 0.999, bad
