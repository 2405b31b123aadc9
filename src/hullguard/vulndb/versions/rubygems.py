"""RubyGems versions, ordered as ``Gem::Version#<=>``.

Follows rubygems ``lib/rubygems/version.rb``: a version matches
``[0-9]+(\\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?``; a ``-`` means ``.pre.``. Segments
are the runs of digits and of letters. Trailing zeros are dropped separately from the numeric
part and from the part that starts at the first letter ("canonical segments"). Two versions
compare segment by segment with a missing segment counting as 0; a string segment sorts before
any number (it marks a pre-release), strings compare byte-wise and numbers as numbers.
"""

from __future__ import annotations

import functools
import re

from hullguard.vulndb.versions._base import KeyedScheme, SortItem, SortKey, invalid, padded_items

__all__ = ["PLUGINS", "RUBYGEMS", "rubygems_key"]

_VERSION = re.compile(r"[0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?", re.ASCII)
_SEGMENT = re.compile(r"[0-9]+|[a-zA-Z]+")


def _drop_trailing_zeros(segments: list[int | str]) -> list[int | str]:
    end = len(segments)
    while end > 0 and segments[end - 1] == 0:
        end -= 1
    return segments[:end]


def _canonical_segments(version: str) -> list[int | str]:
    """``Gem::Version#canonical_segments``: trailing zeros go from both halves."""
    segments: list[int | str] = [
        int(s) if s.isdigit() else s for s in _SEGMENT.findall(version.replace("-", ".pre."))
    ]
    first_string = next((i for i, s in enumerate(segments) if isinstance(s, str)), len(segments))
    return _drop_trailing_zeros(segments[:first_string]) + _drop_trailing_zeros(segments[first_string:])


@functools.lru_cache(maxsize=65536)
def rubygems_key(version: str) -> SortKey:
    """Sort key of a gem version; raises InvalidVersionError where ``Gem::Version.correct?`` fails.

    RubyGems reads a blank string as ``"0"``; an advisory with a blank version is broken, so
    we refuse it.
    """
    text = version.strip()
    if not _VERSION.fullmatch(text):
        raise invalid("rubygems", version, "not a Gem::Version")
    items: list[SortItem] = []
    signs: list[int] = []
    for segment in _canonical_segments(text):
        if isinstance(segment, str):
            items.append((0, 0, segment))
            signs.append(-1)
        else:
            items.append((1, segment, ""))
            signs.append(1 if segment else 0)
    return padded_items(items, signs)


RUBYGEMS = KeyedScheme(id="rubygems", ecosystems=("RubyGems",), parse=rubygems_key)
"""RubyGems advisories."""

PLUGINS = [RUBYGEMS]
