"""RFC 822-style stanzas as dpkg's ``status`` file writes them (deb822)."""

from __future__ import annotations

from collections.abc import Iterator

__all__ = ["iter_stanzas"]


def iter_stanzas(text: str) -> Iterator[dict[str, str]]:
    """Yield one dict per blank-line-separated stanza; continuation lines join with newlines."""
    fields: dict[str, str] = {}
    key = ""
    for line in text.splitlines():
        if not line.strip():
            if fields:
                yield fields
            fields, key = {}, ""
        elif line[0] in " \t":
            if key:
                fields[key] += "\n" + line.strip()
        elif ":" in line:
            key, _, value = line.partition(":")
            key = key.strip()
            fields[key] = value.strip()
    if fields:
        yield fields
