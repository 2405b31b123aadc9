"""npm package versions: SemVer 2.0.0 as node-semver reads them.

node-semver's ``valid()``/``clean()`` accept a leading ``=`` and ``v`` (``=v1.2.3``) and ignore
surrounding whitespace; otherwise a version must be strict SemVer 2.0.0, ordered by its
precedence rules (see :mod:`hullguard.vulndb.versions.semver`). OSV's ``"0"`` sorts first.
"""

from __future__ import annotations

import functools
import re

from hullguard.vulndb.versions._base import KeyedScheme, SortKey
from hullguard.vulndb.versions.semver import OSV_ZERO_KEY, semver_core_key

__all__ = ["NPM", "PLUGINS", "npm_key"]

_PREFIX = re.compile(r"=?v?")


@functools.lru_cache(maxsize=65536)
def npm_key(version: str) -> SortKey:
    """Sort key of an npm version; raises InvalidVersionError where node-semver's ``valid`` fails."""
    text = version.strip()
    if text == "0":
        return OSV_ZERO_KEY
    prefix = _PREFIX.match(text)
    start = prefix.end() if prefix else 0
    return semver_core_key(text[start:], "npm")


NPM = KeyedScheme(id="npm", ecosystems=("npm",), parse=npm_key)
"""npm advisories."""

PLUGINS = [NPM]
