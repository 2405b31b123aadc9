"""Debian package versions, ordered as dpkg orders them.

Syntax and order follow deb-version(7) and dpkg's ``lib/dpkg/version.c``/``parsehelp.c``:
``[epoch:]upstream_version[-debian_revision]``. The epoch is a non-negative integer (missing = 0);
the revision is what follows the last hyphen (missing = ``""``, which orders like ``"0"``).
Upstream and revision are compared with ``verrevcmp``: alternating runs of non-digits and
digits, the non-digits compared character by character where ``~`` sorts before everything
(even the end of the string), letters before non-letters, and digit runs compared as numbers.
"""

from __future__ import annotations

import functools
import re

from hullguard.vulndb.versions._base import KeyedScheme, SortItem, SortKey, invalid

__all__ = ["DPKG", "PLUGINS", "dpkg_key"]

_MAX_EPOCH = 2**31 - 1  # dpkg refuses epochs that overflow an int ("epoch is too big")
_UPSTREAM = re.compile(r"[0-9][A-Za-z0-9.+~:-]*")
_REVISION = re.compile(r"[A-Za-z0-9.+~]*")
_RUNS = re.compile(r"([^0-9]*)([0-9]*)")
_EMPTY_PAIR: tuple[SortItem, ...] = ((0,), 0)


def _char_order(char: str) -> int:
    """dpkg's ``order()``: ``~`` first, then the end (0), then letters, then everything else."""
    if char == "~":
        return -1
    if char.isascii() and char.isalpha():
        return ord(char)
    return ord(char) + 256


def _verrevcmp_key(part: str) -> SortKey:
    """A key that orders like ``verrevcmp`` on upstream versions or revisions.

    Each (non-digit run, digit run) pair becomes ``(char orders + (0,), int)``. The trailing 0
    stands for the end of the run, which sorts after ``~`` and before any other character, so a
    shorter run compares exactly as dpkg's padded loop does. Trailing empty pairs (``"0"`` is
    the same as ``""``) are dropped and one is appended as the terminator.
    """
    pairs: list[SortItem] = []
    for match in _RUNS.finditer(part):
        text, digits = match.group(1), match.group(2)
        if not text and not digits:
            continue
        pairs.append(((*(_char_order(c) for c in text), 0), int(digits or "0")))
    while pairs and pairs[-1] == _EMPTY_PAIR:
        pairs.pop()
    pairs.append(_EMPTY_PAIR)
    return tuple(pairs)


@functools.lru_cache(maxsize=65536)
def dpkg_key(version: str) -> SortKey:
    """Sort key of a Debian version; raises InvalidVersionError like dpkg's ``parseversion``.

    dpkg only warns about an upstream version that does not start with a digit or that holds
    characters outside ``[A-Za-z0-9.+~:-]``; we refuse them, since such strings in advisory data
    are typos, not versions.
    """
    text = version.strip()
    if not text or any(c.isspace() for c in text):
        raise invalid("dpkg", version, "empty or contains whitespace")
    epoch = 0
    head, colon, rest = text.partition(":")
    if colon:
        if not head.isdigit() or not head.isascii():
            raise invalid("dpkg", version, "epoch is not a number")
        epoch = int(head)
        if epoch > _MAX_EPOCH:
            raise invalid("dpkg", version, "epoch is too big")
        text = rest
    upstream, hyphen, revision = text.rpartition("-")
    if not hyphen:
        upstream, revision = text, ""
    if not _UPSTREAM.fullmatch(upstream):
        raise invalid("dpkg", version, "upstream version must start with a digit and use [A-Za-z0-9.+~:-]")
    if not _REVISION.fullmatch(revision):
        raise invalid("dpkg", version, "revision may only use [A-Za-z0-9.+~]")
    return (epoch, _verrevcmp_key(upstream), _verrevcmp_key(revision))


DPKG = KeyedScheme(id="dpkg", ecosystems=("Debian", "Debian-ELTS", "Ubuntu"), parse=dpkg_key)
"""Debian, Debian ELTS and Ubuntu advisories."""

PLUGINS = [DPKG]
