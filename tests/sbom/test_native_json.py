"""Native JSON writer: the documented schema, ordering, layer lookup, golden output."""

from __future__ import annotations

import dataclasses
import io
import json
from collections.abc import Callable
from typing import Any

from hullguard.inventory import Inventory
from hullguard.sbom.native_json import SCHEMA_VERSION, NativeJsonWriter
from tests.sbom.conftest import TOOL_VERSION

PACKAGE_KEYS = {
    "name",
    "version",
    "type",
    "purl",
    "namespace",
    "licenses",
    "sourceName",
    "sourceVersion",
    "arch",
    "foundBy",
    "location",
    "fileCount",
}
IMAGE_KEYS = {
    "name",
    "digest",
    "configDigest",
    "repoTags",
    "repoDigests",
    "os",
    "architecture",
    "layers",
    "extra",
}


def _document(inventory: Inventory) -> dict[str, Any]:
    out = io.StringIO()
    NativeJsonWriter().write(inventory, out, tool_version=TOOL_VERSION)
    document: dict[str, Any] = json.loads(out.getvalue())
    return document


def test_alpine_output_matches_golden(
    alpine_inventory: Inventory, golden: Callable[[str, str], None]
) -> None:
    out = io.StringIO()
    NativeJsonWriter().write(alpine_inventory, out, tool_version=TOOL_VERSION)
    golden("alpine-3.11.5.native.json", out.getvalue())


def test_every_documented_key_is_present(debian_inventory: Inventory) -> None:
    document = _document(debian_inventory)
    assert list(document) == ["schemaVersion", "tool", "image", "os", "packages", "skipped"]
    assert document["schemaVersion"] == SCHEMA_VERSION
    assert set(document["image"]) == IMAGE_KEYS
    packages = document["packages"]
    assert isinstance(packages, list)
    assert all(set(package) == PACKAGE_KEYS for package in packages)
    assert len(packages) == len(debian_inventory.packages)


def test_packages_are_sorted_and_locations_name_their_layer(debian_inventory: Inventory) -> None:
    reordered = dataclasses.replace(debian_inventory, packages=tuple(reversed(debian_inventory.packages)))
    packages = _document(reordered)["packages"]
    assert isinstance(packages, list)
    keys = [(p["type"], p["name"], p["version"], p["location"]["path"]) for p in packages]
    assert keys == sorted(keys)
    pythons = [p for p in packages if p["type"] == "python"]
    assert pythons and {p["location"]["layerIndex"] for p in pythons} == {1}
    assert {p["location"]["createdBy"] for p in pythons} == {"RUN pip install"}


def test_unknown_os_and_empty_image_are_null_and_empty() -> None:
    document = _document(Inventory(os=None, packages=()))
    assert document["os"] is None
    assert document["packages"] == [] and document["skipped"] == []
    assert document["image"] == {
        "name": "",
        "digest": None,
        "configDigest": None,
        "repoTags": [],
        "repoDigests": [],
        "os": "",
        "architecture": "",
        "layers": [],
        "extra": {},
    }


def test_skipped_files_are_listed(alpine_inventory: Inventory) -> None:
    skipped = _document(alpine_inventory)["skipped"]
    assert skipped == [
        {
            "path": "/usr/lib/os-release",
            "reason": alpine_inventory.skipped[0].reason,
            "analyzer": "os-release",
            "layerDiffID": alpine_inventory.layers[0].diff_id,
        }
    ]
