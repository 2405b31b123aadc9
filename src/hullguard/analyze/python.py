"""Python packages: installed distributions and the lockfiles of poetry, pipenv and uv.

Installed distributions are found by their core metadata (``*.dist-info/METADATA`` from wheels,
``*.egg-info/PKG-INFO`` or a bare ``*.egg-info`` file from setuptools, ``EGG-INFO/PKG-INFO``
inside an unzipped egg), anywhere in the image: site-packages, Debian's dist-packages, vendored
trees. Core metadata is RFC 822 headers (https://packaging.python.org/specifications/core-metadata/)
and is read with :mod:`email.parser`, as ``importlib.metadata`` reads it. Names and versions are
kept as written, like syft: the package URL builder normalises names, and advisories match on
normalised names anyway.

Lockfiles say what a project resolved, not what is installed, so they get their own analyzer id.
A project's own entry (uv marks it ``virtual`` or ``editable``) is not a dependency and is left
out, as the npm analyzer leaves out the root and workspace entries.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable, Iterator, Mapping
from email.message import Message
from email.parser import HeaderParser
from email.policy import compat32
from types import MappingProxyType

from hullguard.analyze._base import AnalyzerResult, FileInput, ParserAnalyzer, packages_result
from hullguard.inventory import Package, PackageType

__all__ = [
    "PLUGINS",
    "parse_core_metadata",
    "parse_pipfile_lock",
    "parse_poetry_lock",
    "parse_python_lock",
    "parse_uv_lock",
]

_METADATA_SUFFIXES = (".dist-info/METADATA", ".egg-info/PKG-INFO", ".egg/EGG-INFO/PKG-INFO", ".egg-info")
_MAX_LICENSE_FIELD = 100
"""A ``License:`` value longer than this is the license text pasted in, not a name."""
_UNKNOWN = frozenset({"", "UNKNOWN", "None"})
"""What old setuptools wrote when the author gave no license."""
_LOCK_SUFFIXES = ("/poetry.lock", "/Pipfile.lock", "/uv.lock")
_SITE_DIRS = ("/site-packages/", "/dist-packages/")
_LOCAL_UV_SOURCES = frozenset({"virtual", "editable"})


def _package(
    name: str, version: str, *, file: FileInput, found_by: str, licenses: tuple[str, ...] = ()
) -> Package:
    return Package(
        name=name,
        version=version,
        type=PackageType.PYTHON,
        location=file.location,
        found_by=found_by,
        licenses=licenses,
    )


def _header(message: Message, key: str) -> str:
    value = message.get(key)
    return "" if value is None else str(value).strip()


def _metadata_licenses(message: Message) -> tuple[str, ...]:
    """License names from core metadata, best source first.

    ``License-Expression`` (PEP 639, metadata 2.4) is an SPDX expression and wins. The older
    free-text ``License`` field is used when it is a short single line; many projects pasted
    the whole license text there. Trove classifiers (``License :: OSI Approved :: MIT License``)
    are the fallback; their last segment names the license.
    """
    expression = _header(message, "License-Expression")
    if expression:
        return (expression,)
    text = _header(message, "License")
    if text not in _UNKNOWN and "\n" not in text and len(text) <= _MAX_LICENSE_FIELD:
        return (text,)
    classifiers = (str(c) for c in message.get_all("Classifier", ()))
    names = (c.rpartition("::")[2].strip() for c in classifiers if c.startswith("License ::"))
    return tuple(dict.fromkeys(n for n in names if n and n != "OSI Approved"))


def parse_core_metadata(file: FileInput) -> AnalyzerResult:
    """One package from a ``METADATA``/``PKG-INFO`` file; no ``Name`` or ``Version`` is malformed."""
    text = file.content.decode("utf-8", "replace")
    message = HeaderParser(policy=compat32).parsestr(text, headersonly=True)
    name, version = _header(message, "Name"), _header(message, "Version")
    if not name or not version:
        raise ValueError("core metadata has no Name or no Version header")
    return packages_result(
        [_package(name, version, file=file, found_by="python", licenses=_metadata_licenses(message))]
    )


def _toml(file: FileInput) -> dict[str, object]:
    """The TOML document of ``file``; nesting deep enough to exhaust the stack is malformed too."""
    try:
        return tomllib.loads(file.content.decode("utf-8"))
    except RecursionError as exc:
        raise ValueError("TOML nested too deeply") from exc


def _toml_packages(document: dict[str, object]) -> Iterator[dict[str, object]]:
    """The ``[[package]]`` tables that poetry.lock and uv.lock share."""
    tables = document.get("package", [])
    if not isinstance(tables, list):
        raise ValueError("'package' is not an array of tables")
    for table in tables:
        if not isinstance(table, dict):
            raise ValueError("a 'package' entry is not a table")
        yield table


def _name_version(table: Mapping[str, object]) -> tuple[str, str] | None:
    """``name`` and ``version`` of a lock entry; None when the version is absent (a git or path pin)."""
    name, version = table.get("name"), table.get("version")
    if not isinstance(name, str) or not isinstance(version, str | None):
        raise ValueError(f"package entry {name!r} has a name or version that is not a string")
    return (name, version) if name and version else None


def parse_poetry_lock(file: FileInput) -> AnalyzerResult:
    """Every ``[[package]]`` of a ``poetry.lock``; poetry never lists the project itself."""
    pairs = (_name_version(table) for table in _toml_packages(_toml(file)))
    return packages_result(
        _package(name, version, file=file, found_by="python-lock") for name, version in filter(None, pairs)
    )


def parse_uv_lock(file: FileInput) -> AnalyzerResult:
    """Every ``[[package]]`` of a ``uv.lock`` except the project's own (source ``virtual``/``editable``)."""
    found = []
    for table in _toml_packages(_toml(file)):
        source = table.get("source")
        if isinstance(source, dict) and _LOCAL_UV_SOURCES.intersection(source):
            continue
        pair = _name_version(table)
        if pair is not None:
            found.append(_package(*pair, file=file, found_by="python-lock"))
    return packages_result(found)


def parse_pipfile_lock(file: FileInput) -> AnalyzerResult:
    """The ``default`` and ``develop`` sections of a ``Pipfile.lock`` (JSON; versions as ``==1.2``).

    Entries without a version are VCS, path or editable requirements; they name no release.
    """
    try:
        document = json.loads(file.content)
    except RecursionError as exc:
        raise ValueError("JSON nested too deeply") from exc
    if not isinstance(document, dict):
        raise ValueError("Pipfile.lock is not a JSON object")
    found = []
    for section in ("default", "develop"):
        entries = document.get(section, {})
        if not isinstance(entries, dict):
            raise ValueError(f"{section!r} is not an object")
        for name, entry in entries.items():
            if not isinstance(entry, dict):
                raise ValueError(f"entry {name!r} is not an object")
            pair = _name_version({"name": name, "version": entry.get("version")})
            if pair is not None:
                found.append(_package(name, pair[1].removeprefix("=="), file=file, found_by="python-lock"))
    return packages_result(found)


_LOCK_PARSERS: Mapping[str, Callable[[FileInput], AnalyzerResult]] = MappingProxyType(
    {"poetry.lock": parse_poetry_lock, "Pipfile.lock": parse_pipfile_lock, "uv.lock": parse_uv_lock}
)


def parse_python_lock(file: FileInput) -> AnalyzerResult:
    """Hand the file to the parser of its lockfile format, chosen by base name."""
    return _LOCK_PARSERS[file.path.rpartition("/")[2]](file)


def _is_project_lock(path: str) -> bool:
    """A lockfile outside site-packages: one shipped inside an installed package is its own dev setup."""
    return path.endswith(_LOCK_SUFFIXES) and not any(d in path for d in _SITE_DIRS)


PLUGINS = [
    ParserAnalyzer(id="python", version=1, parse=parse_core_metadata, suffixes=_METADATA_SUFFIXES),
    ParserAnalyzer(
        id="python-lock",
        version=1,
        parse=parse_python_lock,
        suffixes=_LOCK_SUFFIXES,
        predicate=_is_project_lock,
    ),
]
