"""JSON for signed documents: strict reading (no duplicate keys) and Go-compatible writing.

c/image reads signature payloads with a "paranoid" decoder that rejects duplicate keys, so a
payload cannot say two things at once; we do the same. Writing mimics Go's ``encoding/json``
(compact, UTF-8, ``<``, ``>``, ``&``, U+2028 and U+2029 escaped) so that our payloads are byte
for byte what cosign writes for the same content.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

__all__ = ["DuplicateKeyError", "go_json", "loads_strict"]


class DuplicateKeyError(ValueError):
    """A JSON object names the same key twice."""


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result: dict[str, object] = {}
    for key, value in pairs:
        if key in result:
            raise DuplicateKeyError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _no_constants(name: str) -> object:
    raise ValueError(f"{name} is not valid JSON")


def loads_strict(data: bytes | str) -> object:
    """Parse JSON rejecting duplicate keys and NaN/Infinity; raises ``ValueError``."""
    return json.loads(data, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)


_GO_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def go_json(value: Mapping[str, object] | list[object]) -> bytes:
    """Compact JSON with sorted keys, escaped as Go's ``json.Marshal`` escapes it."""
    text = json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    for char, escaped in _GO_ESCAPES.items():
        text = text.replace(char, escaped)
    return text.encode("utf-8")
