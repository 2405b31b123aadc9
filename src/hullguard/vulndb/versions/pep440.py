"""Python package versions (PyPI), ordered by PEP 440.

Parsing is left to ``packaging.version.Version`` (the reference implementation used by pip).
Its comparison is right, but comparing ``Version`` objects runs Python code per comparison, so
the key is rebuilt from the public attributes as plain tuples, in the order PEP 440's "Summary
of permitted suffixes and relative ordering" gives: epoch, release (trailing zeros ignored),
then ``.devN`` of a bare release < ``aN`` < ``bN`` < ``rcN`` < release < ``.postN``, with ``.devN``
of any of those before it, and a local version after the public one it labels. Legacy
(non-PEP 440) versions are refused.
"""

from __future__ import annotations

import functools

from packaging.version import InvalidVersion, Version

from hullguard.vulndb.versions._base import KeyedScheme, SortItem, SortKey, invalid

__all__ = ["PEP440", "PLUGINS", "pep440_key"]

_BEFORE, _PRESENT, _AFTER = 0, 1, 2


def _release_key(release: tuple[int, ...]) -> SortKey:
    """``1.0`` and ``1.0.0`` are the same release (PEP 440 "Release segment")."""
    end = len(release)
    while end > 0 and release[end - 1] == 0:
        end -= 1
    return release[:end]


def _pre_key(version: Version) -> SortItem:
    """A bare ``X.devN`` sorts before ``XaN``; a version without pre-release after all of them."""
    if version.pre is not None:
        letter, number = version.pre
        return (_PRESENT, letter, number)
    if version.post is None and version.dev is not None:
        return (_BEFORE, "", 0)
    return (_AFTER, "", 0)


def _local_key(local: str | None) -> SortItem:
    """Local segments: numbers compare as numbers and after any alphanumeric segment."""
    if local is None:
        return (_BEFORE, ())
    parts = tuple((1, int(p), "") if p.isdigit() else (0, 0, p) for p in local.split("."))
    return (_PRESENT, parts)


@functools.lru_cache(maxsize=65536)
def pep440_key(version: str) -> SortKey:
    """Sort key of a PEP 440 version; raises InvalidVersionError for legacy versions."""
    try:
        parsed = Version(version)
    except InvalidVersion as exc:
        raise invalid("pep440", version, "not a PEP 440 version") from exc
    post: SortItem = (_BEFORE, 0) if parsed.post is None else (_PRESENT, parsed.post)
    dev: SortItem = (_AFTER, 0) if parsed.dev is None else (_PRESENT, parsed.dev)
    return (
        parsed.epoch,
        _release_key(parsed.release),
        _pre_key(parsed),
        post,
        dev,
        _local_key(parsed.local),
    )


PEP440 = KeyedScheme(id="pep440", ecosystems=("PyPI",), parse=pep440_key)
"""PyPI advisories."""

PLUGINS = [PEP440]
