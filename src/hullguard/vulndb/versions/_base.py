"""The version-scheme interface and the few helpers every scheme shares.

A scheme turns a version string into a *sort key*: a plain, hashable tuple of ints and strings
that Python compares natively. Keys are computed once per version (and memoized by each scheme's
module-level parser) and then compared many times by the matcher, so no comparison runs Python
code of ours.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeAlias, runtime_checkable

from hullguard.errors import VulnDBError

__all__ = [
    "InvalidVersionError",
    "KeyedScheme",
    "SortKey",
    "VersionScheme",
    "compare",
    "invalid",
    "padded_items",
]

SortItem: TypeAlias = "int | str | tuple[SortItem, ...]"
"""One element of a sort key: an int, a str, or a nested tuple of those."""

SortKey: TypeAlias = tuple[SortItem, ...]
"""A totally ordered, hashable key; equal keys mean equal versions under the scheme."""


class InvalidVersionError(VulnDBError):
    """A version string does not follow its ecosystem's syntax, so it cannot be ordered."""


@runtime_checkable
class VersionScheme(Protocol):
    """How one family of ecosystems orders its versions."""

    @property
    def id(self) -> str:
        """Stable id, e.g. ``"dpkg"``; the registry key."""
        ...

    @property
    def ecosystems(self) -> tuple[str, ...]:
        """OSV ecosystem names served (the part before ``:``), e.g. ``("Debian", "Ubuntu")``."""
        ...

    def key(self, version: str) -> SortKey:
        """Sort key of ``version``; raises :class:`InvalidVersionError` for garbage."""
        ...


@dataclass(frozen=True, slots=True)
class KeyedScheme:
    """A scheme made of an id, its ecosystems and a pure key function.

    Every built-in scheme is one of these; the key function is a module-level, memoized parser.
    """

    id: str
    """Stable registry id."""
    ecosystems: tuple[str, ...]
    """OSV ecosystem names (before ``:``) this scheme orders."""
    parse: Callable[[str], SortKey]
    """The pure function from a version string to its sort key."""

    def key(self, version: str) -> SortKey:
        """Sort key of ``version`` (see :class:`VersionScheme`)."""
        return self.parse(version)


def compare(scheme: VersionScheme, a: str, b: str) -> int:
    """Return -1, 0 or 1 as ``a`` sorts before, equal to or after ``b`` under ``scheme``."""
    ka, kb = scheme.key(a), scheme.key(b)
    return (ka > kb) - (ka < kb)


def padded_items(items: Sequence[SortItem], signs: Sequence[int]) -> SortKey:
    """Encode a list whose missing tail counts as an infinite run of "zero" items.

    Several schemes (RubyGems, Maven) compare two lists item by item and treat the items
    missing from the shorter one as a zero/null item, which some real items equal. A plain tuple
    cannot express that (Python sorts a prefix first), so each item is prefixed with the sign of
    the first non-zero item from it onwards compared with zero (``signs[i]`` is each item's own
    sign), and the list ends with ``(0,)``. Where one list ends, that prefix decides exactly as
    the padded comparison would; elsewhere it agrees with item order because zero is a real
    point of that order.
    """
    out: list[SortItem] = []
    rest = 0
    for item, sign in zip(reversed(items), reversed(signs), strict=True):
        rest = sign or rest
        out.append((rest, item))
    out.reverse()
    out.append((0,))
    return tuple(out)


def invalid(scheme: str, version: str, why: str) -> InvalidVersionError:
    """The error for a version a scheme rejects, naming the scheme and the reason."""
    return InvalidVersionError(
        f"invalid {scheme} version {version!r}: {why}",
        hint="check the version string; it does not follow the ecosystem's version syntax",
    )
