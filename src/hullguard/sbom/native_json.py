"""hullguard's own JSON inventory format (``--format json``).

Unlike CycloneDX and SPDX it keeps every fact of the inventory model in plain fields, for
scripts and for diffing two scans. The schema is stable: fields are only added, every key is
always present (``null`` or ``[]`` when unknown), and ``schemaVersion`` changes its major number
if a field ever changes meaning. Version ``1.0``::

    {
      "schemaVersion": "1.0",
      "tool": {"name": "hullguard", "version": str},
      "image": {"name": str, "digest": str|null, "configDigest": str|null,
                "repoTags": [str], "repoDigests": [str], "os": str, "architecture": str,
                "layers": [{"index": int, "diffID": str, "digest": str|null,
                            "mediaType": str, "size": int, "createdBy": str}],
                "extra": {str: str}},
      "os": {"id": str, "versionID": str, "versionCodename": str, "prettyName": str,
             "idLike": [str]} | null,
      "packages": [{"name": str, "version": str, "type": str, "purl": str,
                    "namespace": str|null, "licenses": [str], "sourceName": str|null,
                    "sourceVersion": str|null, "arch": str|null, "foundBy": str,
                    "location": {"path": str, "layerDiffID": str|null,
                                 "layerIndex": int|null, "createdBy": str|null},
                    "fileCount": int}],
      "skipped": [{"path": str, "reason": str, "analyzer": str, "layerDiffID": str|null}]
    }

Packages are sorted by type, name, version and path; skipped files by path. ``fileCount`` is the
number of files the package manager says the package owns (the list itself is too long to be
useful here).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TextIO

from hullguard.inventory import Inventory, LayerInfo, OSInfo, Package, Skipped

__all__ = ["PLUGINS", "SCHEMA_VERSION", "NativeJsonWriter"]

SCHEMA_VERSION = "1.0"
Json = dict[str, object]


def _layer(layer: LayerInfo) -> Json:
    return {
        "index": layer.index,
        "diffID": layer.diff_id,
        "digest": layer.digest,
        "mediaType": layer.media_type,
        "size": layer.size,
        "createdBy": layer.created_by,
    }


def _image(inventory: Inventory) -> Json:
    return {
        "name": inventory.image_name,
        "digest": inventory.image_digest,
        "configDigest": inventory.config_digest,
        "repoTags": list(inventory.repo_tags),
        "repoDigests": list(inventory.repo_digests),
        "os": inventory.os_name,
        "architecture": inventory.architecture,
        "layers": [_layer(layer) for layer in sorted(inventory.layers, key=lambda item: item.index)],
        "extra": dict(sorted(inventory.extra.items())),
    }


def _os(os: OSInfo | None) -> Json | None:
    if os is None:
        return None
    return {
        "id": os.id,
        "versionID": os.version_id,
        "versionCodename": os.version_codename,
        "prettyName": os.pretty_name,
        "idLike": list(os.id_like),
    }


def _package(package: Package, inventory: Inventory) -> Json:
    layer = inventory.layer(package.location.diff_id)
    return {
        "name": package.name,
        "version": package.version,
        "type": package.type.value,
        "purl": package.purl,
        "namespace": package.namespace,
        "licenses": list(package.licenses),
        "sourceName": package.source_name,
        "sourceVersion": package.source_version,
        "arch": package.arch,
        "foundBy": package.found_by,
        "location": {
            "path": package.location.path,
            "layerDiffID": package.location.diff_id,
            "layerIndex": layer.index if layer else None,
            "createdBy": layer.created_by if layer else None,
        },
        "fileCount": len(package.files),
    }


def _skipped(skipped: Skipped) -> Json:
    return {
        "path": skipped.path,
        "reason": skipped.reason,
        "analyzer": skipped.analyzer,
        "layerDiffID": skipped.diff_id,
    }


@dataclass(frozen=True, slots=True)
class NativeJsonWriter:
    """Writes the native JSON inventory; the output has no volatile fields."""

    id: str = "json"
    aliases: tuple[str, ...] = ()
    media_type: str = "application/json"

    def document(self, inventory: Inventory, *, tool_version: str) -> Json:
        """The document as a JSON-ready dict, in the documented key order."""
        packages = sorted(inventory.packages, key=lambda p: (p.sort_key(), p.location.diff_id or ""))
        skipped = sorted(inventory.skipped, key=lambda s: (s.path, s.analyzer, s.reason))
        return {
            "schemaVersion": SCHEMA_VERSION,
            "tool": {"name": "hullguard", "version": tool_version},
            "image": _image(inventory),
            "os": _os(inventory.os),
            "packages": [_package(package, inventory) for package in packages],
            "skipped": [_skipped(item) for item in skipped],
        }

    def write(self, inventory: Inventory, out: TextIO, *, tool_version: str) -> None:
        """Serialise as indented JSON, ending with a newline."""
        json.dump(self.document(inventory, tool_version=tool_version), out, indent=2, ensure_ascii=False)
        out.write("\n")


PLUGINS = [NativeJsonWriter()]
