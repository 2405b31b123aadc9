"""Maven artifact versions, ordered as Maven's ``ComparableVersion``.

Follows ``org.apache.maven.artifact.versioning.ComparableVersion`` (maven-artifact) and the POM
reference's "Version Order Specification": the lower-cased version splits into items at ``.``,
at ``-`` (which opens a sub-list) and at every letter/digit transition (which also opens a
sub-list); empty items are 0. A letter ``a``/``b``/``m`` directly followed by digits means
alpha/beta/milestone; ``ga``, ``final`` and ``release`` are the empty qualifier and ``cr`` is ``rc``.
Qualifiers order ``alpha < beta < milestone < rc < snapshot < "" < sp`` and unknown ones come
after those, alphabetically. Null items (0, ``""``, empty lists) are trimmed from the end of every
list. Item kinds order qualifier < list < number, and a missing item compares like a null one.

Maven's own ``compareTo`` is not transitive in a few contrived cases (a null item followed by
more items, e.g. ``1.0.alpha`` against ``1.sp``); this key is a total order that agrees with it
everywhere else.
"""

from __future__ import annotations

import functools
import re

from hullguard.vulndb.versions._base import KeyedScheme, SortItem, SortKey, invalid, padded_items

__all__ = ["MAVEN", "PLUGINS", "maven_key"]

_QUALIFIERS = ("alpha", "beta", "milestone", "rc", "snapshot", "", "sp")
_RELEASE_INDEX = _QUALIFIERS.index("")
_UNKNOWN_INDEX = len(_QUALIFIERS)
_ALIASES = {"ga": "", "final": "", "release": "", "cr": "rc"}
_SHORT = {"a": "alpha", "b": "beta", "m": "milestone"}
_STRING, _LIST, _NUMBER = range(3)
_TOKEN = re.compile(r"[0-9]+|[^0-9.-]+|[.-]")

Node = int | str | list["Node"]


def _parse(version: str) -> list[Node]:
    """Maven's ``parseVersion``: nested lists of numbers and (aliased) qualifiers."""
    root: list[Node] = []
    current = root
    after_separator = True  # Maven's ``i == startIndex``
    tokens = _TOKEN.findall(version)
    for index, token in enumerate(tokens):
        if token in (".", "-"):
            if after_separator:
                current.append(0)
            if token == "-":  # noqa: S105 - a separator, not a secret
                sub: list[Node] = []
                current.append(sub)
                current = sub
            after_separator = True
            continue
        if not after_separator:  # a letter/digit transition opens a sub-list
            sub = []
            current.append(sub)
            current = sub
        if token.isdigit():
            current.append(int(token))
        else:
            followed_by_digit = index + 1 < len(tokens) and tokens[index + 1].isdigit()
            name = _SHORT.get(token, token) if followed_by_digit else token
            current.append(_ALIASES.get(name, name))
        after_separator = False
    return root


def _is_null(node: Node) -> bool:
    """Maven's ``isNull``: 0, the release qualifier and the empty list end a list for nothing."""
    return node in (0, "", [])


def _normalize(items: list[Node]) -> list[Node]:
    """Trim null items from the end, looking past trailing non-null sub-lists (``ListItem.normalize``)."""
    out = [_normalize(item) if isinstance(item, list) else item for item in items]
    index = len(out) - 1
    while index >= 0:
        if _is_null(out[index]):
            del out[index]
        elif not isinstance(out[index], list):
            break
        index -= 1
    return out


def _qualifier(name: str) -> tuple[int, str]:
    if name in _QUALIFIERS:
        return (_QUALIFIERS.index(name), "")
    return (_UNKNOWN_INDEX, name)


def _encode(items: list[Node]) -> tuple[SortKey, int]:
    """The padded key of a list and its sign against a missing item."""
    encoded: list[SortItem] = []
    signs: list[int] = []
    for item in items:
        if isinstance(item, list):
            key, sign = _encode(item)
            encoded.append((_LIST, key))
        elif isinstance(item, int):
            encoded.append((_NUMBER, item))
            sign = 1 if item else 0
        else:
            index, name = _qualifier(item)
            encoded.append((_STRING, (index, name)))
            sign = (index > _RELEASE_INDEX) - (index < _RELEASE_INDEX)
        signs.append(sign)
    key = padded_items(encoded, signs)
    first = next((s for s in signs if s), 0)
    return key, first


@functools.lru_cache(maxsize=65536)
def maven_key(version: str) -> SortKey:
    """Sort key of a Maven version; only blank strings (and whitespace) are refused."""
    if not version or any(c.isspace() for c in version):
        raise invalid("maven", version, "empty or contains whitespace")
    key, _ = _encode(_normalize(_parse(version.lower())))
    return key


MAVEN = KeyedScheme(id="maven", ecosystems=("Maven",), parse=maven_key)
"""Maven advisories."""

PLUGINS = [MAVEN]
