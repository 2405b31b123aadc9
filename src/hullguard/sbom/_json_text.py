"""Indented JSON text for documents made of dicts, lists, strings and integers, twice as fast as json.

``json.dump(value, out, indent=2, ensure_ascii=False)`` uses the pure-Python encoder whenever
``indent`` is set (CPython 3.11 ``json/encoder.py``: the C encoder only serves ``indent=None``),
and yields one token at a time: about 26 ms for an 865-package CycloneDX document.
:func:`indented` writes the same text, byte for byte, by appending to one list: about 10 ms.
Strings still go through the json module's C escaper.
"""

from __future__ import annotations

from json.encoder import encode_basestring
from typing import TypeAlias

__all__ = ["JsonObject", "JsonValue", "indented"]

JsonValue: TypeAlias = "str | int | list[JsonValue] | dict[str, JsonValue]"
JsonObject: TypeAlias = dict[str, JsonValue]

_STEP = "  "


def indented(value: JsonValue) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False)``, without a trailing newline."""
    parts: list[str] = []
    _append(value, "", parts)
    return "".join(parts)


def _append(value: JsonValue, indent: str, parts: list[str]) -> None:
    if isinstance(value, str):
        parts.append(encode_basestring(value))
    elif isinstance(value, dict):
        _append_object(value, indent, parts)
    elif isinstance(value, list):
        _append_array(value, indent, parts)
    elif isinstance(value, bool):
        parts.append("true" if value else "false")
    else:
        parts.append(int.__repr__(value))


# Objects and arrays have one loop each rather than one shared loop over (label, item) pairs:
# the generator that sharing needs costs 4 ms of the 10 ms an 865-package document takes.


def _append_object(value: JsonObject, indent: str, parts: list[str]) -> None:
    if not value:
        parts.append("{}")
        return
    inner = indent + _STEP
    separator = ",\n" + inner
    lead = "{\n" + inner
    for key, item in value.items():
        if isinstance(item, str):  # most values: one append, no call
            parts.append(lead + encode_basestring(key) + ": " + encode_basestring(item))
        else:
            parts.append(lead + encode_basestring(key) + ": ")
            _append(item, inner, parts)
        lead = separator
    parts.append("\n" + indent + "}")


def _append_array(value: list[JsonValue], indent: str, parts: list[str]) -> None:
    if not value:
        parts.append("[]")
        return
    inner = indent + _STEP
    separator = ",\n" + inner
    lead = "[\n" + inner
    for item in value:
        if isinstance(item, str):
            parts.append(lead + encode_basestring(item))
        else:
            parts.append(lead)
            _append(item, inner, parts)
        lead = separator
    parts.append("\n" + indent + "]")
