"""RPM versions (``[epoch:]version-release``), ordered as ``rpmvercmp`` and ``rpmVersionCompare``.

Follows rpm's ``rpmio/rpmvercmp.c``: separators (anything but ASCII letters, digits, ``~`` and
``^``) are skipped; the rest splits into all-digit and all-letter segments. ``~`` sorts before
everything, even the end of the string (``1.0~rc1 < 1.0``); ``^`` sorts after the end but
before any further segment (``1.0 < 1.0^git1 < 1.0.1``); a numeric segment is newer than an
alphabetic one; numbers compare as numbers, letters byte-wise. The epoch defaults to 0 and is
compared first, then the version, then the release.
"""

from __future__ import annotations

import functools
import re

from hullguard.vulndb.versions._base import KeyedScheme, SortItem, SortKey, invalid

__all__ = ["PLUGINS", "RPM", "rpm_key"]

# Segment kinds, in their mutual order.
_TILDE, _END, _CARET, _ALPHA, _NUMBER = range(5)
_SEGMENT = re.compile(r"~|\^|[0-9]+|[A-Za-z]+")
_END_ITEM: SortItem = (_END, 0)


def _rpmvercmp_key(text: str) -> SortKey:
    """A key that orders like ``rpmvercmp``: one ``(kind, value)`` per segment, then the end."""
    items: list[SortItem] = []
    for segment in _SEGMENT.findall(text):
        if segment == "~":
            items.append((_TILDE, 0))
        elif segment == "^":
            items.append((_CARET, 0))
        elif segment[0].isdigit():
            items.append((_NUMBER, int(segment)))
        else:
            items.append((_ALPHA, segment))
    items.append(_END_ITEM)
    return tuple(items)


@functools.lru_cache(maxsize=65536)
def rpm_key(version: str) -> SortKey:
    """Sort key of an EVR string; a missing release orders like an empty one."""
    if not version or any(c.isspace() for c in version):
        raise invalid("rpm", version, "empty or contains whitespace")
    epoch = 0
    head, colon, rest = version.partition(":")
    if colon:
        if not (head.isascii() and head.isdigit()):
            raise invalid("rpm", version, "epoch is not a number")
        epoch = int(head)
    else:
        rest = version
    upstream, hyphen, release = rest.rpartition("-")
    if not hyphen:
        upstream, release = rest, ""
    if not upstream or (hyphen and not release):
        raise invalid("rpm", version, "empty version or release")
    if not _SEGMENT.search(upstream):
        raise invalid("rpm", version, "version has no letters or digits")
    return (epoch, _rpmvercmp_key(upstream), _rpmvercmp_key(release))


RPM = KeyedScheme(
    id="rpm",
    ecosystems=(
        "AlmaLinux",
        "Azure Linux",
        "Mageia",
        "Mariner",
        "openEuler",
        "openSUSE",
        "Photon OS",
        "Red Hat",
        "Rocky Linux",
        "SUSE",
    ),
    parse=rpm_key,
)
"""The RPM-based distributions OSV lists."""

PLUGINS = [RPM]
