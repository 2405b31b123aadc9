"""npm packages: what ``node_modules`` holds, and what package-lock, yarn and pnpm lockfiles pin.

Two analyzers, as syft has two catalogers. ``npm`` reads the ``package.json`` at the top of each
installed package (``node_modules/<name>/`` or ``node_modules/@scope/<name>/``, at any nesting
depth, pnpm's ``node_modules/.pnpm/<id>/node_modules/<name>/`` included). ``npm-lock`` reads the
lockfiles of a project. When an image holds both, both report, each with its own location, as
syft does: the lockfile says what was meant to be installed, the tree says what is there.

What is left out, and why:

* ``node_modules/.package-lock.json``, npm's hidden lockfile, repeats the tree it sits in.
* Lockfiles inside ``node_modules`` belong to a dependency's own development, not to what is
  installed (the uri-js 4.4.1 tarball ships a ``yarn.lock`` of some 360 build tools), so they
  are not read; trivy skips ``package-lock.json`` there for the same reason.
* The project itself and its workspace members (the ``""`` and non-``node_modules`` keys of
  package-lock v2/v3, ``link: true`` and ``file:`` entries, yarn ``workspace:``/``link:``/
  ``portal:`` resolutions): they are the code under scan, not dependencies.
* yarn berry ``patch:`` entries: the patched package is listed unpatched next to them.

Aliases (``"legacy": "npm:ms@0.7.1"``) are reported under the real package name, which is what
advisories name.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import MappingProxyType

import yaml

from hullguard.analyze._base import AnalyzerResult, FileInput, ParserAnalyzer, packages_result
from hullguard.inventory import Package, PackageType

try:
    from yaml import CSafeLoader as _YamlLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _YamlLoader  # type: ignore[assignment]

__all__ = [
    "PLUGINS",
    "parse_npm_lock",
    "parse_package_json",
    "parse_package_lock",
    "parse_pnpm_lock",
    "parse_yarn_lock",
]

_NODE_MODULES = "/node_modules/"
_LOCAL_PROTOCOLS = ("workspace:", "link:", "portal:", "file:", "patch:")
_LOCK_SUFFIXES = ("/package-lock.json", "/npm-shrinkwrap.json", "/yarn.lock", "/pnpm-lock.yaml")
_MIN_MANIFEST_PARTS = 4
"""``"/node_modules/x/package.json".rsplit("/", 4)`` has four parts; fewer cannot be a package dir."""

_FLOW_BRACKETS = re.compile(rb"[\[\]{}]")
_MAX_YAML_NESTING = 200
"""pnpm lockfiles nest about six levels deep and indent by two spaces."""

NameVersion = tuple[str, str, tuple[str, ...]]
"""(name, version, licenses) of one lockfile entry."""


def _packages(entries: Iterable[NameVersion], file: FileInput, found_by: str) -> AnalyzerResult:
    return packages_result(
        Package(
            name=name,
            version=version,
            type=PackageType.NPM,
            location=file.location,
            found_by=found_by,
            licenses=licenses,
        )
        for name, version, licenses in entries
    )


def _json_object(content: bytes, what: str) -> dict[str, object]:
    """The top-level JSON object; stack-exhausting nesting is malformed input like any other."""
    try:
        document = json.loads(content)
    except RecursionError as exc:
        raise ValueError(f"{what} is nested too deeply") from exc
    if not isinstance(document, dict):
        raise ValueError(f"{what} is not a JSON object")
    return document


def _text(mapping: Mapping[str, object], key: str, what: str) -> str:
    """``mapping[key]`` as a string, "" when absent; any other type means the file is corrupt."""
    value = mapping.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{what}: {key!r} is a {type(value).__name__}, not a string")
    return value


def _licenses(manifest: Mapping[str, object]) -> tuple[str, ...]:
    """``license`` as a string or the legacy ``{"type": ...}`` object, or the legacy ``licenses`` list.

    A license of another shape is dropped rather than failing the package: it names no license.
    """
    value = manifest.get("license", manifest.get("licenses"))
    items = value if isinstance(value, list) else [value]
    names = (item.get("type") if isinstance(item, dict) else item for item in items)
    return tuple(name for name in names if isinstance(name, str) and name)


def _split_spec(spec: str) -> tuple[str, str]:
    """``name@range`` into its two parts; the ``@`` of a scope (``@babel/core@^7``) is not a separator."""
    at = spec.find("@", 1)
    if at < 0:
        raise ValueError(f"{spec!r} has no version part")
    return spec[:at], spec[at + 1 :]


def _unalias(name: str, wanted: str) -> tuple[str, str]:
    """An alias (``npm:real@1.2.3``) stands for ``real`` at ``1.2.3``; berry's ``npm:1.2.3`` is no alias."""
    target = wanted.removeprefix("npm:")
    if target != wanted and "@" in target[1:]:
        return _split_spec(target)
    return name, wanted


def parse_package_json(file: FileInput) -> AnalyzerResult:
    """The package an installed ``package.json`` describes.

    One without a name or version is no package declaration (placeholders, private stubs) and
    yields nothing, as in syft; a name or version of the wrong type means a corrupt file.
    """
    manifest = _json_object(file.content, "package.json")
    name, version = _text(manifest, "name", "package.json"), _text(manifest, "version", "package.json")
    if not name or not version:
        return AnalyzerResult()
    return _packages([(name, version, _licenses(manifest))], file, "npm")


def _lock_v2(packages: Mapping[str, object]) -> Iterator[NameVersion]:
    """npm 7+ ``packages``, keyed by install path; the real name is ``name`` for aliases."""
    for key, entry in packages.items():
        if "node_modules/" not in key:
            continue  # "" is the project, "packages/x" a workspace member
        if not isinstance(entry, dict):
            raise ValueError(f"packages[{key!r}] is not an object")
        version = _text(entry, "version", key)
        if entry.get("link") is True or not version:
            continue
        name = _text(entry, "name", key) or key.rpartition("node_modules/")[2]
        yield name, version, _licenses(entry)


def _lock_v1(dependencies: object) -> Iterator[NameVersion]:
    """npm 5/6 ``dependencies``, a tree nested by install location; walked without recursion."""
    pending = [dependencies]
    while pending:
        level = pending.pop()
        if not isinstance(level, dict):
            raise ValueError("'dependencies' is not an object")
        for key, entry in level.items():
            if not isinstance(entry, dict):
                raise ValueError(f"dependencies[{key!r}] is not an object")
            pending.append(entry.get("dependencies", {}))
            version = _text(entry, "version", key)
            if version and not version.startswith(_LOCAL_PROTOCOLS):
                yield (*_unalias(key, version), ())


def parse_package_lock(file: FileInput) -> AnalyzerResult:
    """``package-lock.json`` or ``npm-shrinkwrap.json``: v2/v3 ``packages``, else the v1 tree."""
    lock = _json_object(file.content, "package-lock.json")
    packages = lock.get("packages")
    if packages is None:
        return _packages(_lock_v1(lock.get("dependencies", {})), file, "npm-lock")
    if not isinstance(packages, dict):
        raise ValueError("'packages' is not an object")
    return _packages(_lock_v2(packages), file, "npm-lock")


def _yarn_blocks(text: str) -> Iterator[tuple[str, dict[str, str]]]:
    """(header, fields) per top-level block; fields are the two-space-indented ``key value`` lines.

    Classic (v1) writes ``version "1.2.3"``, berry writes YAML ``version: 1.2.3``; both fit here.
    """
    header = ""
    fields: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not line[0].isspace():
            if header:
                yield header, fields
            header, fields = line.rstrip().removesuffix(":"), {}
        elif line.startswith("  ") and not line[2].isspace():
            key, _, value = line.strip().partition(" ")
            fields.setdefault(key.removesuffix(":"), value.strip().strip('"'))
    if header:
        yield header, fields


def _yarn_entries(text: str) -> Iterator[NameVersion]:
    """Releases of a yarn.lock; berry's ``resolution`` names the real package behind an alias."""
    for header, fields in _yarn_blocks(text):
        if header == "__metadata" or not fields.get("version"):
            continue
        first = header.split(",", 1)[0].strip().strip('"')
        name, wanted = _split_spec(first)
        resolution = fields.get("resolution")  # berry: "ms@npm:0.7.1"
        if resolution:
            name, wanted = _split_spec(resolution)
        if wanted.startswith(_LOCAL_PROTOCOLS):
            continue
        yield _unalias(name, wanted)[0], fields["version"], ()


def parse_yarn_lock(file: FileInput) -> AnalyzerResult:
    """A ``yarn.lock`` of yarn classic (v1) or berry (v2+)."""
    return _packages(_yarn_entries(file.content.decode("utf-8")), file, "npm-lock")


def _check_yaml_nesting(content: bytes) -> None:
    """Refuse YAML that nests deeper than any lockfile could, before PyYAML sees it.

    PyYAML's C loader recurses once per nesting level and overflows the C stack, killing the
    process with a segfault rather than raising, at some 20,000 levels: a 60 KB file of ``[``
    or ``- `` does it. Flow nesting is bounded by the bracket depth; block nesting needs a
    deeper column per level, so it is bounded by how far a line's indentation and leading
    ``-``/``?`` indicators reach. Both are over-estimates, which is safe.
    """
    depth = deepest = 0
    for match in _FLOW_BRACKETS.finditer(content):
        depth += 1 if match[0] in b"[{" else -1
        deepest = max(deepest, depth)
    if deepest > _MAX_YAML_NESTING:
        raise ValueError(f"YAML flow collections nest {deepest} deep (limit {_MAX_YAML_NESTING})")
    for line in content.splitlines():
        if len(line) - len(line.lstrip(b" -?")) > _MAX_YAML_NESTING:
            raise ValueError(f"YAML block structure starts past column {_MAX_YAML_NESTING}")


def _yaml_documents(content: bytes) -> list[object]:
    _check_yaml_nesting(content)
    try:
        return list(yaml.load_all(content, Loader=_YamlLoader))
    except yaml.YAMLError as exc:
        raise ValueError(f"not YAML: {exc}") from exc
    except RecursionError as exc:
        raise ValueError("YAML nested too deeply") from exc


def _pnpm_key(key: str, major: int) -> tuple[str, str]:
    """Name and version from a ``packages`` key of each pnpm lockfile generation.

    v5 (pnpm 6-7): ``/name/1.2.3`` or ``/@scope/name/1.2.3_peer@4.5.6``; v6 (pnpm 8):
    ``/name@1.2.3(peer@4.5.6)``; v9 (pnpm 9+): ``name@1.2.3``, peers only in ``snapshots``.
    """
    key = key.removeprefix("/").split("(", 1)[0]
    if major < 6:
        name, _, version = key.rpartition("/")
        return name, version.split("_", 1)[0]
    at = key.rfind("@")
    return (key[:at], key[at + 1 :]) if at > 0 else ("", "")


def _pnpm_major(lock: Mapping[str, object]) -> int:
    major = str(lock.get("lockfileVersion", "")).split(".", 1)[0]
    if not major.isdigit():
        raise ValueError(f"unknown pnpm lockfileVersion {lock.get('lockfileVersion')!r}")
    return int(major)


def _pnpm_entries(lock: Mapping[str, object]) -> Iterator[NameVersion]:
    major, packages = _pnpm_major(lock), lock.get("packages") or {}
    if not isinstance(packages, dict):
        raise ValueError("'packages' is not a mapping")
    for key, entry in packages.items():
        if not isinstance(key, str) or not isinstance(entry, dict | None):
            raise ValueError(f"packages entry {key!r} is malformed")
        name, version = _pnpm_key(key, major)
        details = entry or {}  # tarball and git dependencies carry their name and version here
        name, version = _text(details, "name", key) or name, _text(details, "version", key) or version
        if name and version:
            yield name, version, ()


def parse_pnpm_lock(file: FileInput) -> AnalyzerResult:
    """``pnpm-lock.yaml``; of several YAML documents, the last one that is a lockfile counts."""
    locks = [d for d in _yaml_documents(file.content) if isinstance(d, dict) and "lockfileVersion" in d]
    if not locks:
        raise ValueError("no pnpm lockfile document (lockfileVersion missing)")
    return _packages(_pnpm_entries(locks[-1]), file, "npm-lock")


_LOCK_PARSERS: Mapping[str, Callable[[FileInput], AnalyzerResult]] = MappingProxyType(
    {
        "package-lock.json": parse_package_lock,
        "npm-shrinkwrap.json": parse_package_lock,
        "yarn.lock": parse_yarn_lock,
        "pnpm-lock.yaml": parse_pnpm_lock,
    }
)


def parse_npm_lock(file: FileInput) -> AnalyzerResult:
    """Hand the file to the parser of its lockfile format, chosen by base name."""
    return _LOCK_PARSERS[file.path.rpartition("/")[2]](file)


def _is_installed_manifest(path: str) -> bool:
    """``.../node_modules/<name>/package.json`` or ``.../node_modules/@scope/<name>/package.json``.

    Deeper ``package.json`` files (``node_modules/x/lib/esm/package.json``) only set module
    options for a sub-folder and are not packages.
    """
    if not path.endswith("/package.json") or _NODE_MODULES not in path:
        return False
    parts = path.rsplit("/", 4)
    if len(parts) < _MIN_MANIFEST_PARTS:
        return False
    if parts[-3] == "node_modules":
        return not parts[-2].startswith((".", "@"))
    return len(parts) > _MIN_MANIFEST_PARTS and parts[-4] == "node_modules" and parts[-3].startswith("@")


def _is_project_lock(path: str) -> bool:
    return path.endswith(_LOCK_SUFFIXES) and _NODE_MODULES not in path


PLUGINS = [
    ParserAnalyzer(
        id="npm",
        version=1,
        parse=parse_package_json,
        suffixes=("/package.json",),
        predicate=_is_installed_manifest,
    ),
    ParserAnalyzer(
        id="npm-lock",
        version=1,
        parse=parse_npm_lock,
        suffixes=_LOCK_SUFFIXES,
        predicate=_is_project_lock,
    ),
]
