"""The order cyclonedx-python-lib gives a BOM, reproduced for documents built as plain dicts.

Our CycloneDX writer used to serialise the library's model, so our goldens and every diff a
consumer has made of two scans rely on that order. The library keeps components, properties,
licenses and dependencies in ``SortedSet``s ordered by "comparable tuples"
(``cyclonedx/_internal/compare.py`` ``ComparableTuple``, 11.x): fields compared left to right,
``None`` after any value, equal items kept once. The keys here follow those tuples for the
fields we fill; a field the writer never sets is the same (``None``) for every item and cannot
change the order. JSON keys come out in alphabetical order, as the library writes them.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum
from typing import TypeAlias

from hullguard.sbom._json_text import JsonObject, JsonValue

__all__ = [
    "ComponentKey",
    "LicenseKind",
    "component_key",
    "dependencies",
    "licenses",
    "properties",
]

ComponentKey: TypeAlias = tuple[str, bool, str, str, bool, str, str]


class LicenseKind(IntEnum):
    """The three shapes of a CycloneDX license, numbered in the library's order.

    ``LicenseExpression`` sorts before any ``DisjunctiveLicense``; among those, the tuple
    ``(acknowledgement, id, name, ...)`` puts licenses with an ``id`` before those with only a
    ``name`` (``None`` last), each group by its text.
    """

    EXPRESSION = 0
    ID = 1
    NAME = 2


def _nullable(value: str | None) -> tuple[bool, str]:
    """``ComparableTuple``'s rule for one field: ``None`` sorts after every value."""
    return (value is None, value or "")


def component_key(
    component_type: str, group: str | None, name: str, version: str | None, ref: str
) -> ComponentKey:
    """``Component.__comparable_tuple``: type, group, name, version, then bom-ref.

    Bom-refs are unique within a document, so the fields after it never decide.
    """
    return (component_type, *_nullable(group), name, *_nullable(version), ref)


def properties(pairs: Iterable[tuple[str, str | None]]) -> list[JsonValue]:
    """Properties for the pairs with a value, by ``(name, value)``, duplicates dropped.

    Empty facts are left out rather than written blank.
    """
    kept = sorted({(name, value) for name, value in pairs if value})
    return [{"name": name, "value": value} for name, value in kept]


def licenses(items: Iterable[tuple[LicenseKind, str]]) -> list[JsonValue]:
    """CycloneDX license choices in the library's order, duplicates dropped."""
    entries: list[JsonValue] = []
    for kind, text in sorted(set(items)):
        if kind is LicenseKind.EXPRESSION:
            entries.append({"expression": text})
        else:
            entries.append({"license": {"id" if kind is LicenseKind.ID else "name": text}})
    return entries


def dependencies(root: str, refs: Iterable[str]) -> list[JsonValue]:
    """The dependency graph: ``root`` depends on every ref, and every ref has an entry of its own.

    The library registers a (possibly empty) dependency for every component and sorts entries
    and ``dependsOn`` by bom-ref; an empty ``dependsOn`` is left out.
    """
    targets = sorted(set(refs))
    depends: list[JsonValue] = list(targets)
    root_entry: JsonObject = {"dependsOn": depends, "ref": root} if targets else {"ref": root}
    return [root_entry if ref == root else {"ref": ref} for ref in sorted([root, *targets])]
