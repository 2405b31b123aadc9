"""Semantic Versioning 2.0.0 precedence (https://semver.org/#spec-item-11).

Used as is for OSV's ``SEMVER`` range type and Bitnami, and as the core of the npm, Cargo and Go
schemes. Major, minor and patch compare numerically; a version with a pre-release sorts before
the same version without one; pre-release identifiers compare left to right, numeric ones as
numbers and before alphanumeric ones (compared in ASCII order), and a shorter list of equal
identifiers first. Build metadata is ignored.

The ``semver`` scheme itself (OSV's ``SEMVER`` range type) is as lenient as osv.dev, whose
``semver_index.coerce`` drops a leading ``v``, pads a missing minor or patch with ``.0`` and drops
leading zeros (Bitnami's calendar versions such as ``2023.03.13``); OSV's ``introduced: "0"``
("since the first version") sorts before every version.
"""

from __future__ import annotations

import functools
import re

from hullguard.vulndb.versions._base import KeyedScheme, SortItem, SortKey, invalid

__all__ = ["OSV_ZERO_KEY", "PLUGINS", "SEMVER", "coerce", "prerelease_key", "semver_core_key", "semver_key"]

# The regular expression semver.org recommends, with named groups.
_SEMVER = re.compile(
    r"(?P<major>0|[1-9][0-9]*)\.(?P<minor>0|[1-9][0-9]*)\.(?P<patch>0|[1-9][0-9]*)"
    r"(?:-(?P<pre>(?:0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*)"
    r"(?:\.(?:0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+(?P<build>[0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?",
    re.ASCII,
)
_COERCIBLE = re.compile(r"v?([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?(.*)", re.ASCII | re.DOTALL)
_RELEASE: SortItem = (1, ())
OSV_ZERO_KEY: SortKey = (0, 0, 0, (0, ()))
"""The key of OSV's ``"0"``: below every real version, even ``0.0.0-0``."""


def prerelease_key(identifiers: str | None, *, fold_case: bool = False) -> SortItem:
    """Key of a dot-separated pre-release (``None``: no pre-release, which sorts last).

    ``fold_case`` compares alphanumeric identifiers case-insensitively (NuGet's rule).
    """
    if identifiers is None:
        return _RELEASE
    parts: list[SortItem] = []
    for ident in identifiers.split("."):
        if ident.isdigit():
            parts.append((0, int(ident), ""))
        else:
            parts.append((1, 0, ident.lower() if fold_case else ident))
    return (0, tuple(parts))


def semver_core_key(version: str, scheme: str) -> SortKey:
    """Key of a strict SemVer 2.0.0 string (no prefix, no sentinel); used by other schemes."""
    match = _SEMVER.fullmatch(version)
    if match is None:
        raise invalid(scheme, version, "not a SemVer 2.0.0 version (MAJOR.MINOR.PATCH[-pre][+build])")
    return (int(match["major"]), int(match["minor"]), int(match["patch"]), prerelease_key(match["pre"]))


def coerce(version: str) -> str:
    """osv.dev's repair of near-SemVer strings: ``v2023.03`` becomes ``2023.3.0``."""
    match = _COERCIBLE.fullmatch(version)
    if match is None:
        return version
    major, minor, patch, rest = match.groups()
    return f"{int(major)}.{int(minor or 0)}.{int(patch or 0)}{rest}"


@functools.lru_cache(maxsize=65536)
def semver_key(version: str) -> SortKey:
    """Sort key of a (coerced) SemVer 2.0.0 version, or of OSV's ``"0"``."""
    if version == "0":
        return OSV_ZERO_KEY
    return semver_core_key(coerce(version), "semver")


SEMVER = KeyedScheme(id="semver", ecosystems=("Bitnami", "Hex", "SwiftURL"), parse=semver_key)
"""OSV ``SEMVER`` ranges, and ecosystems that use SemVer 2.0.0 as is."""

PLUGINS = [SEMVER]
