"""Rust crate versions (crates.io): Cargo requires strict SemVer 2.0.0.

Cargo's ``semver`` crate parses exactly the SemVer 2.0.0 grammar; precedence is SemVer's (build
metadata does not change the order). OSV's ``"0"`` sorts first.
"""

from __future__ import annotations

import functools

from hullguard.vulndb.versions._base import KeyedScheme, SortKey
from hullguard.vulndb.versions.semver import OSV_ZERO_KEY, semver_core_key

__all__ = ["CARGO", "PLUGINS", "cargo_key"]


@functools.lru_cache(maxsize=65536)
def cargo_key(version: str) -> SortKey:
    """Sort key of a crate version; raises InvalidVersionError for anything but SemVer 2.0.0."""
    if version == "0":
        return OSV_ZERO_KEY
    return semver_core_key(version, "cargo")


CARGO = KeyedScheme(id="cargo", ecosystems=("crates.io",), parse=cargo_key)
"""crates.io advisories."""

PLUGINS = [CARGO]
