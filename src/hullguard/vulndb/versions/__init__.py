"""Version ordering per ecosystem, for matching OSV advisories.

Each module holds one :class:`VersionScheme` (dpkg, apk, rpm, PEP 440, SemVer, npm, Maven, Go,
RubyGems, Cargo, NuGet, Composer) in its ``PLUGINS`` list; :func:`build_version_schemes`
collects them into a registry and :func:`scheme_for` picks the one for an OSV ecosystem. A
scheme's ``key`` turns a version into a plain tuple, so ranges are checked with ordinary tuple
comparisons.
"""

from __future__ import annotations

from hullguard.vulndb.versions._base import (
    InvalidVersionError,
    KeyedScheme,
    SortItem,
    SortKey,
    VersionScheme,
    compare,
)
from hullguard.vulndb.versions._lookup import build_version_schemes, scheme_for

__all__ = [
    "InvalidVersionError",
    "KeyedScheme",
    "SortItem",
    "SortKey",
    "VersionScheme",
    "build_version_schemes",
    "compare",
    "scheme_for",
]
