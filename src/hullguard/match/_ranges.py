"""Is a version inside an OSV ``affected`` entry? The OSV evaluation rules, as a pure function.

OSV schema, "Evaluation": within one range, events are applied in version order; ``introduced``
opens the affected interval, ``fixed`` closes it before the fixed version, ``last_affected``
closes it after that version, and ``limit`` bounds the whole range. ``introduced: "0"`` means
"since the first version". An explicit ``versions`` list counts too. ``GIT`` ranges name
commits, which an installed package does not carry, so they are not evaluated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hullguard.errors import VulnDBError
from hullguard.vulndb._osv import OsvAffected, OsvRange

__all__ = ["RangeVerdict", "evaluate_affected"]

_EVALUATED = frozenset({"ECOSYSTEM", "SEMVER"})

Key = Callable[[str], Any]
"""A version scheme's key function: equal versions give equal keys, order follows the ecosystem."""


@dataclass(frozen=True, slots=True)
class RangeVerdict:
    """The outcome for one installed version against one affected entry."""

    affected: bool
    fixed: tuple[str, ...] = ()
    """Fixed versions named by the ranges that contain the version (upgrade targets)."""
    unparsable: tuple[str, ...] = ()
    """Event versions the scheme could not read; their ranges were left out, and say so."""


def _sort_key(kind: str, value: str, key: Key) -> tuple[int, Any]:
    if kind == "introduced" and value == "0":
        return (0, 0)
    return (1, key(value))


def _in_range(rng: OsvRange, installed: Any, key: Key) -> tuple[bool, list[str]]:
    events: list[tuple[tuple[int, Any], str, str]] = []
    for event in rng.events:
        for kind in ("introduced", "fixed", "last_affected", "limit"):
            value = getattr(event, kind)
            if value is not None:
                events.append((_sort_key(kind, value, key), kind, value))
    events.sort(key=lambda item: item[0])
    point = (1, installed)
    limits = [order for order, kind, _ in events if kind == "limit"]
    if limits and point >= min(limits):
        return False, []
    affected = False
    fixed: list[str] = []
    for order, kind, _value in events:
        if kind == "introduced" and point >= order:
            affected = True
        elif (kind == "fixed" and point >= order) or (kind == "last_affected" and point > order):
            affected = False
    if affected:
        fixed = [value for order, kind, value in events if kind == "fixed" and point < order]
    return affected, fixed[:1]


def evaluate_affected(entry: OsvAffected, version: str, key: Key) -> RangeVerdict:
    """Whether ``version`` is affected by ``entry``, with the fixed version(s) to upgrade to."""
    if version in entry.versions:
        verdict_fixed: list[str] = []
        affected = True
    else:
        verdict_fixed, affected = [], False
    installed = key(version)
    unparsable: list[str] = []
    for rng in entry.ranges:
        if rng.type not in _EVALUATED:
            continue
        try:
            inside, fixed = _in_range(rng, installed, key)
        except VulnDBError as exc:  # a scheme's InvalidVersionError: leave the range out, say why
            unparsable.append(str(exc))
            continue
        if inside:
            affected = True
            verdict_fixed.extend(f for f in fixed if f not in verdict_fixed)
    return RangeVerdict(affected, tuple(verdict_fixed), tuple(unparsable))
