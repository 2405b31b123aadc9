"""NuGet package versions, ordered as NuGet.Versioning's ``VersionComparer.Default``.

NuGet accepts ``Major[.Minor[.Patch[.Revision]]][-prerelease][+metadata]`` (missing parts are 0,
so ``1.0 == 1.0.0.0``; legacy leading zeros are allowed). Pre-release labels follow SemVer 2.0.0
precedence except that alphanumeric labels compare case-insensitively; metadata is ignored.
"""

from __future__ import annotations

import functools
import re

from hullguard.vulndb.versions._base import KeyedScheme, SortKey, invalid
from hullguard.vulndb.versions.semver import prerelease_key

__all__ = ["NUGET", "PLUGINS", "nuget_key"]

_NUGET = re.compile(
    r"(?P<numbers>[0-9]+(?:\.[0-9]+){0,3})"
    r"(?:-(?P<pre>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?"
    r"(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?",
    re.ASCII,
)


@functools.lru_cache(maxsize=65536)
def nuget_key(version: str) -> SortKey:
    """Sort key of a NuGet version; raises InvalidVersionError where ``NuGetVersion.TryParse`` fails."""
    match = _NUGET.fullmatch(version.strip())
    if match is None:
        raise invalid("nuget", version, "expected Major[.Minor[.Patch[.Revision]]][-pre][+meta]")
    numbers = [int(n) for n in match["numbers"].split(".")]
    numbers += [0] * (4 - len(numbers))
    return (*numbers, prerelease_key(match["pre"], fold_case=True))


NUGET = KeyedScheme(id="nuget", ecosystems=("NuGet",), parse=nuget_key)
"""NuGet advisories."""

PLUGINS = [NUGET]
