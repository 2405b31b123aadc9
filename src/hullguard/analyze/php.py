"""PHP packages: Composer's record of what it installed, and ``composer.lock``.

``vendor/composer/installed.json`` is what ``composer install`` put on disk: a JSON list in
Composer 1, ``{"packages": [...]}`` in Composer 2. ``composer.lock`` pins the ``packages`` and
``packages-dev`` of a project. Both describe each package the same way (``name`` as
``vendor/name``, ``version`` as written, often ``v1.2.3``, ``license`` as a list), so one entry
reader serves both. Names and versions are kept as written; advisories (FriendsOfPHP, GitHub)
key on ``vendor/name``.

A ``composer.lock`` under ``vendor/`` was shipped inside an installed package and records that
package's own development, so it is not read.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType

from hullguard.analyze._base import AnalyzerResult, FileInput, ParserAnalyzer, packages_result
from hullguard.inventory import Package, PackageType

__all__ = ["PLUGINS", "parse_composer", "parse_composer_lock", "parse_installed_json"]

_INSTALLED_SUFFIX = "/composer/installed.json"


def _document(file: FileInput) -> object:
    """The JSON value of the file; stack-exhausting nesting is malformed input like any other."""
    try:
        return json.loads(file.content)
    except RecursionError as exc:
        raise ValueError("JSON nested too deeply") from exc


def _licenses(entry: Mapping[str, object]) -> tuple[str, ...]:
    """``license`` is a list of SPDX ids; a bare string also occurs. Other shapes name nothing."""
    value = entry.get("license")
    items = value if isinstance(value, list) else [value]
    return tuple(item for item in items if isinstance(item, str) and item)


def _packages(entries: object, file: FileInput) -> Iterable[Package]:
    if not isinstance(entries, list):
        raise ValueError("the package list is not a JSON array")
    for entry in entries:
        name = entry.get("name") if isinstance(entry, dict) else None
        version = entry.get("version") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not isinstance(version, str) or not name or not version:
            raise ValueError(f"a package entry has no string name and version: {entry!r:.80}")
        yield Package(
            name=name,
            version=version,
            type=PackageType.COMPOSER,
            location=file.location,
            found_by="php",
            licenses=_licenses(entry),
        )


def parse_installed_json(file: FileInput) -> AnalyzerResult:
    """``installed.json`` of Composer 1 (a list) or Composer 2 (an object with ``packages``)."""
    document = _document(file)
    entries = document.get("packages") if isinstance(document, dict) else document
    return packages_result(_packages(entries, file))


def parse_composer_lock(file: FileInput) -> AnalyzerResult:
    """``packages`` and ``packages-dev`` of a ``composer.lock``."""
    document = _document(file)
    if not isinstance(document, dict):
        raise ValueError("composer.lock is not a JSON object")
    found = [
        *_packages(document.get("packages", []), file),
        *_packages(document.get("packages-dev", []), file),
    ]
    return packages_result(found)


_PARSERS: Mapping[str, Callable[[FileInput], AnalyzerResult]] = MappingProxyType(
    {"installed.json": parse_installed_json, "composer.lock": parse_composer_lock}
)


def parse_composer(file: FileInput) -> AnalyzerResult:
    """Hand the file to the parser of its format, chosen by base name."""
    return _PARSERS[file.path.rpartition("/")[2]](file)


def _wants(path: str) -> bool:
    if path.endswith(_INSTALLED_SUFFIX):
        return True
    return path.endswith("/composer.lock") and "/vendor/" not in path


PLUGINS = [
    ParserAnalyzer(
        id="php",
        version=1,
        parse=parse_composer,
        suffixes=(_INSTALLED_SUFFIX, "/composer.lock"),
        predicate=_wants,
    )
]
