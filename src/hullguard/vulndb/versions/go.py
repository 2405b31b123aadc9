"""Go module and toolchain versions, ordered as ``golang.org/x/mod/semver``.

Module versions are ``vMAJOR[.MINOR[.PATCH]][-pre][+build]`` (the shorthands ``v1`` and ``v1.2``
mean ``v1.0.0`` and ``v1.2.0``; they take no suffix). Pseudo-versions such as
``v0.0.0-20191109021931-daa7c04131f5`` are ordinary pre-releases whose identifiers start with a
fixed-width UTC timestamp, so SemVer precedence orders them by time; ``+incompatible`` is build
metadata and ignored. OSV's Go records (stdlib and modules alike) write versions without the
``v``, and toolchains call themselves ``go1.21.6``, so both prefixes are optional here.
"""

from __future__ import annotations

import functools
import re

from hullguard.vulndb.versions._base import KeyedScheme, SortKey
from hullguard.vulndb.versions.semver import OSV_ZERO_KEY, semver_core_key

__all__ = ["GO", "PLUGINS", "go_key"]

_SHORTHAND = re.compile(r"(0|[1-9][0-9]*)(?:\.(0|[1-9][0-9]*))?", re.ASCII)


@functools.lru_cache(maxsize=65536)
def go_key(version: str) -> SortKey:
    """Sort key of a Go version; raises InvalidVersionError where ``semver.IsValid`` would fail."""
    if version == "0":
        return OSV_ZERO_KEY
    text = version.removeprefix("go") if version.startswith("go") else version.removeprefix("v")
    shorthand = _SHORTHAND.fullmatch(text)
    if shorthand is not None:
        return (int(shorthand.group(1)), int(shorthand.group(2) or 0), 0, (1, ()))
    return semver_core_key(text, "go")


GO = KeyedScheme(id="go", ecosystems=("Go",), parse=go_key)
"""Go advisories (modules and the standard library)."""

PLUGINS = [GO]
