"""Alpine package versions, ordered as apk-tools orders them.

Follows apk-tools ``src/version.c`` (``apk_version_compare``): a version is
``digit{.digit}...{letter}{_suffix{#}}...{~hash}{-r#}``. Tokens are compared left to right;
digits after the first number that have a leading zero compare as strings (as in Gentoo's
spec), other numbers as numbers. Suffixes order ``_alpha < _beta < _pre < _rc < (none) <
_cvs < _svn < _git < _hg < _p``. When one version runs out of tokens first, a pre-release
suffix on the longer one makes it older; otherwise the token kind decides (a later kind, e.g.
``-r1`` against ``.1``, makes the version older; the end of the string is the oldest kind).
"""

from __future__ import annotations

import functools
import re

from hullguard.vulndb.versions._base import KeyedScheme, SortItem, SortKey, invalid

__all__ = ["APK", "PLUGINS", "apk_key"]

# Token kinds in apk-tools order; the rank of a kind is ``_END - kind`` so that, when two
# versions differ in kind at some token, the *later* kind sorts first, as apk-tools decides.
_INITIAL, _DIGIT, _LETTER, _SUFFIX, _SUFFIX_NO, _HASH, _REVISION, _END = range(8)
_PRE_RELEASE_RANK = -1  # a pre-release suffix sorts before every other kind
_SUFFIXES = {"alpha": 1, "beta": 2, "pre": 3, "rc": 4, "cvs": 6, "svn": 7, "git": 8, "hg": 9, "p": 10}
_NONE_SUFFIX = 5
_TOKEN = re.compile(r"\.([0-9]+)|([a-z])|_([a-z]*)([0-9]*)|~([0-9a-f]+)|-r([0-9]+)")
_INITIAL_DIGITS = re.compile(r"[0-9]+")
# Which kinds may follow which (apk-tools ``token_next``): a letter or ``.N`` only after
# digits, a suffix after digits/letter/suffix, the hash once before the revision, ``-rN`` last.
_MAX_PREVIOUS = {_DIGIT: _DIGIT, _LETTER: _DIGIT, _SUFFIX: _SUFFIX_NO, _HASH: _SUFFIX_NO, _REVISION: _HASH}


def _rank(kind: int) -> int:
    return _END - kind


def _digit_value(digits: str) -> SortItem:
    """A ``.N`` component: leading-zero ones sort as strings, before all plain numbers."""
    if digits.startswith("0"):
        return (0, digits)
    return (1, int(digits))


def _kind_of(match: re.Match[str]) -> int:
    """The token kind a ``_TOKEN`` match stands for (a suffix with digits ends as SUFFIX_NO)."""
    digits, letter, suffix, suffix_no, commit, _ = match.groups()
    if suffix is not None:
        return _SUFFIX_NO if suffix_no else _SUFFIX
    return _DIGIT if digits else _LETTER if letter else _HASH if commit else _REVISION


def _suffix_tokens(version: str, name: str, number: str) -> list[SortItem]:
    if name not in _SUFFIXES:
        raise invalid("apk", version, f"unknown suffix _{name}")
    value = _SUFFIXES[name]
    rank = _PRE_RELEASE_RANK if value < _NONE_SUFFIX else _rank(_SUFFIX)
    tokens: list[SortItem] = [(rank, value)]
    if number:
        tokens.append((_rank(_SUFFIX_NO), int(number)))
    return tokens


@functools.lru_cache(maxsize=65536)
def apk_key(version: str) -> SortKey:
    """Sort key of an Alpine version; raises InvalidVersionError where apk's validation fails."""
    first = _INITIAL_DIGITS.match(version)
    if first is None:
        raise invalid("apk", version, "must start with a number")
    tokens: list[SortItem] = [(_rank(_INITIAL), int(first.group()))]
    kind, pos = _INITIAL, first.end()
    while pos < len(version):
        match = _TOKEN.match(version, pos)
        if match is None:
            raise invalid("apk", version, f"unexpected {version[pos:]!r}")
        digits, letter, suffix, suffix_no, commit, revision = match.groups()
        new = _kind_of(match)
        if kind > _MAX_PREVIOUS[_SUFFIX if new == _SUFFIX_NO else new]:
            raise invalid("apk", version, f"{match.group()!r} cannot follow what precedes it")
        if digits:
            tokens.append((_rank(_DIGIT), _digit_value(digits)))
        elif letter:
            tokens.append((_rank(_LETTER), letter))
        elif suffix is not None:
            tokens.extend(_suffix_tokens(version, suffix, suffix_no))
        elif commit:
            tokens.append((_rank(_HASH), commit))
        else:
            tokens.append((_rank(_REVISION), int(revision)))
        kind, pos = new, match.end()
    tokens.append((_rank(_END), 0))
    return tuple(tokens)


APK = KeyedScheme(
    id="apk",
    ecosystems=("Alpine", "Alpaquita", "BellSoft Hardened Containers", "Chainguard", "MinimOS", "Wolfi"),
    parse=apk_key,
)
"""Alpine and the other apk-based distributions OSV lists."""

PLUGINS = [APK]
