"""Rust crates pinned by ``Cargo.lock``.

Every ``[[package]]`` is reported, as syft does, workspace members and path crates (no
``source``) included: the lockfile cannot tell a first-party crate from a vendored third-party
one, and a crate name with a version is what advisories (RustSec) match. Lockfiles of
downloaded crates (``$CARGO_HOME/registry/src/...``, ``$CARGO_HOME/git/checkouts/...``) belong to
those crates' own development and are not read. Compiled binaries are the ``rust_binary``
analyzer's job.
"""

from __future__ import annotations

import tomllib

from hullguard.analyze._base import AnalyzerResult, FileInput, ParserAnalyzer
from hullguard.inventory import Package, PackageType

__all__ = ["PLUGINS", "parse_cargo_lock"]

_CARGO_CACHES = ("/.cargo/registry/", "/.cargo/git/", "/cargo/registry/", "/cargo/git/")
"""``$CARGO_HOME`` caches; the official rust images set ``CARGO_HOME=/usr/local/cargo``."""


def parse_cargo_lock(file: FileInput) -> AnalyzerResult:
    """One crate per ``[[package]]`` table; all lockfile versions (1 to 4) share that layout."""
    try:
        document = tomllib.loads(file.content.decode("utf-8"))
    except RecursionError as exc:
        raise ValueError("TOML nested too deeply") from exc
    tables = document.get("package", [])
    if not isinstance(tables, list):
        raise ValueError("'package' is not an array of tables")
    found = set()
    for table in tables:
        name = table.get("name") if isinstance(table, dict) else None
        version = table.get("version") if isinstance(table, dict) else None
        if not isinstance(name, str) or not isinstance(version, str) or not name or not version:
            raise ValueError(f"a [[package]] entry has no string name and version: {table!r:.80}")
        found.add(
            Package(
                name=name, version=version, type=PackageType.CARGO, location=file.location, found_by="rust"
            )
        )
    return AnalyzerResult(packages=tuple(sorted(found, key=Package.sort_key)))


def _wants(path: str) -> bool:
    return path.endswith("/Cargo.lock") and not any(cache in path for cache in _CARGO_CACHES)


PLUGINS = [
    ParserAnalyzer(id="rust", version=1, parse=parse_cargo_lock, suffixes=("/Cargo.lock",), predicate=_wants)
]
