"""PHP package versions (Packagist), ordered as Composer orders them.

Composer first normalizes a version (``Composer\\Semver\\VersionParser::normalize``):
``1.0.0-beta2`` becomes ``1.0.0.0-beta2``, ``v2.1-RC`` becomes ``2.1.0.0-RC``, ``1.0-p1`` becomes
``1.0.0.0-patch1``, date versions keep their parts, ``2.x-dev`` becomes
``2.9999999.9999999.9999999-dev``; then compares the normalized strings with PHP's
``version_compare``. That splits at ``.``/``-`` and letter/digit changes, compares numbers as
numbers, orders words ``dev < alpha = a < beta = b < RC = rc < (a number) < pl = p``
(unknown words before all) and, when one version runs out, lets a remaining number win and a
remaining word compare against "a number". So ``dev < alpha < beta < RC < stable < patch``.
Named branches (``dev-main``) have no place in that order; Composer never matches them against
a range, and neither do we: they raise InvalidVersionError.
"""

from __future__ import annotations

import functools
import re

from hullguard.vulndb.versions._base import KeyedScheme, SortItem, SortKey, invalid

__all__ = ["COMPOSER", "PLUGINS", "composer_key"]

_MODIFIER = r"[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\d+)*+)?)?([.-]?dev)?"
_FLAGS = re.IGNORECASE | re.ASCII
_CLASSICAL = re.compile(r"v?(\d{1,5}+)(\.\d++)?(\.\d++)?(\.\d++)?" + _MODIFIER, _FLAGS)
_DATE = re.compile(r"v?(\d{4}(?:[.:-]?\d{2}){1,6}(?:[.:-]?\d{1,3}){0,2})" + _MODIFIER, _FLAGS)
_BRANCH = re.compile(r"v?(\d++)(\.(?:\d++|[xX*]))?(\.(?:\d++|[xX*]))?(\.(?:\d++|[xX*]))?", re.ASCII)
_DEV_SUFFIX = re.compile(r"(.*?)[.-]?dev", re.IGNORECASE | re.DOTALL)
_BUILD = re.compile(r"([^,\s+]++)\+[^\s]++")
_ALIAS = re.compile(r"([^,\s]++) ++as ++([^,\s]++)")
_STABILITY_FLAG = re.compile(r"@(?:stable|RC|beta|alpha|dev)$", re.IGNORECASE)
_STABILITY = {"a": "alpha", "alpha": "alpha", "b": "beta", "beta": "beta", "rc": "RC", "p": "patch"}
_STABILITY |= {"pl": "patch", "patch": "patch"}
_BRANCH_NUMBER = 9999999

# PHP ``version_compare``'s special forms; a number ranks as "#" (4), unknown words as -6.
_NUMBER_RANK = 4
_WORD_RANK = {"dev": 0, "alpha": 1, "beta": 2, "RC": 3, "patch": 5}
_UNKNOWN_RANK = -6
_END: SortItem = (_NUMBER_RANK, -1)  # a missing part: below any number, above words before "#"


def _numbers(text: str | None) -> list[int]:
    return [int(n) for n in re.split(r"[.-]", text or "") if n]


def _parts(numbers: list[int], matches: re.Match[str], index: int) -> list[int | str]:
    """The normalized version's parts, as ``version_compare`` splits ``X.Y.Z.W-beta2-dev``."""
    parts: list[int | str] = list(numbers)
    stability = matches.group(index)
    if stability and stability.lower() != "stable":
        parts.append(_STABILITY[stability.lower()])
        parts.extend(_numbers(matches.group(index + 1)))
    if matches.group(index + 2):
        parts.append("dev")
    return parts


def _branch_parts(name: str) -> list[int | str] | None:
    """``normalizeBranch``: a numeric branch ``1.2.x`` is ``1.2.9999999.9999999-dev``."""
    match = _BRANCH.fullmatch(name.strip())
    if match is None:
        return None
    parts: list[int | str] = []
    for group in match.groups():
        piece = (group or ".x").lstrip(".")
        parts.append(_BRANCH_NUMBER if piece in ("x", "X", "*") else int(piece))
    return [*parts, "dev"]


def normalized_parts(version: str) -> list[int | str]:
    """Composer's ``normalize`` followed by PHP's canonical split into parts."""
    text = version.strip()
    alias = _ALIAS.fullmatch(text)
    text = alias.group(1) if alias else text
    text = _STABILITY_FLAG.sub("", text)
    if text.lower().startswith("dev-") or text in ("master", "trunk", "default"):
        raise invalid("composer", version, "a named branch has no order")
    build = _BUILD.fullmatch(text)
    text = build.group(1) if build else text
    if classical := _CLASSICAL.fullmatch(text):
        numbers = [int(classical.group(1))] + [int((g or ".0")[1:]) for g in classical.groups()[1:4]]
        return _parts(numbers, classical, 5)
    if date := _DATE.fullmatch(text):
        return _parts([int(n) for n in re.split(r"\D", date.group(1)) if n], date, 2)
    if (dev := _DEV_SUFFIX.fullmatch(text)) and (branch := _branch_parts(dev.group(1))) is not None:
        return branch
    raise invalid("composer", version, "Composer cannot normalize it")


@functools.lru_cache(maxsize=65536)
def composer_key(version: str) -> SortKey:
    """Sort key of a Composer version: one ``(rank, number)`` per part, then the end marker."""
    items: list[SortItem] = []
    for part in normalized_parts(version):
        if isinstance(part, int):
            items.append((_NUMBER_RANK, part))
        else:
            items.append((_WORD_RANK.get(part, _UNKNOWN_RANK), 0))
    items.append(_END)
    return tuple(items)


COMPOSER = KeyedScheme(id="composer", ecosystems=("Packagist",), parse=composer_key)
"""Packagist advisories."""

PLUGINS = [COMPOSER]
