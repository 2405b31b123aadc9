"""Names and identifiers the SBOM writers and readers must agree on.

Whatever a writer puts into a document and a reader takes back out (property names, the
``sourceInfo`` sentence, stable element ids) is defined once, here.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import UTC, datetime

from hullguard.inventory import Package

__all__ = [
    "PROP_ARCH",
    "PROP_FOUND_BY",
    "PROP_LAYER",
    "PROP_PATH",
    "PROP_SOURCE_NAME",
    "PROP_SOURCE_VERSION",
    "PROP_TYPE",
    "SOURCE_INFO",
    "package_refs",
    "sanitize_id",
    "source_info",
    "utc_now",
]

# CycloneDX properties, named like syft's ``syft:package:foundBy`` / ``syft:location:0:layerID``
# (CycloneDX 1.6 "properties": names are free-form, a tool prefix avoids clashes).
PROP_TYPE = "hullguard:package:type"
PROP_FOUND_BY = "hullguard:package:foundBy"
PROP_ARCH = "hullguard:package:arch"
PROP_SOURCE_NAME = "hullguard:package:sourceName"
PROP_SOURCE_VERSION = "hullguard:package:sourceVersion"
PROP_PATH = "hullguard:location:0:path"
PROP_LAYER = "hullguard:location:0:layerDiffID"

SOURCE_INFO = re.compile(
    r"^found by analyzer (?P<found_by>\S+) in (?P<path>/.*?)(?: \(layer (?P<layer>\S+)\))?$"
)
"""Parses what :func:`source_info` writes into an SPDX package's ``sourceInfo``."""

_NOT_ID = re.compile(r"[^A-Za-z0-9.-]+")


def source_info(package: Package) -> str:
    """SPDX 2.3 ``sourceInfo`` (7.19: background on where package data came from), machine-readable."""
    text = f"found by analyzer {package.found_by or 'unknown'} in {package.location.path}"
    if package.location.diff_id:
        text += f" (layer {package.location.diff_id})"
    return text


def sanitize_id(text: str) -> str:
    """Reduce text to the characters SPDX allows in ids and LicenseRefs (letters, digits, ``.``, ``-``)."""
    return _NOT_ID.sub("-", text).strip("-")


def _digest(package: Package) -> str:
    """Hash of what identifies a package in an image: its purl (or coordinates) and its location."""
    coordinates = package.purl or f"{package.type.value}/{package.name}@{package.version}"
    key = "\0".join((coordinates, package.location.path, package.location.diff_id or ""))
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def package_refs(packages: Iterable[Package]) -> dict[Package, str]:
    """A stable, document-unique reference (CycloneDX bom-ref, SPDXID) for each package.

    References depend only on the package, never on its position, so adding a package does not
    renumber the others and two scans of one image give identical documents. Packages that share
    purl and location but differ otherwise get a numeric suffix in sort order; equal packages are
    the same fact and share one reference.
    """
    refs: dict[Package, str] = {}
    used: set[str] = set()
    for package in sorted(set(packages), key=lambda p: (p.sort_key(), repr(p))):
        base = f"{sanitize_id(package.type.value)}-{sanitize_id(package.name)}-{_digest(package)}"
        ref, n = base, 1
        while ref in used:
            n += 1
            ref = f"{base}-{n}"
        used.add(ref)
        refs[package] = ref
    return refs


def utc_now() -> datetime:
    """The default clock of the writers; tests pass a fixed one."""
    return datetime.now(UTC).replace(microsecond=0)
