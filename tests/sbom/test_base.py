"""The writer registry behind ``--format`` and the public surface of :mod:`hullguard.sbom`."""

from __future__ import annotations

import importlib
import io
from dataclasses import dataclass
from typing import TextIO

import pytest

from hullguard._registry import DuplicatePluginError, formats_of
from hullguard.errors import ConfigError
from hullguard.inventory import Inventory
from hullguard.sbom import SbomWriter, build_sbom_writers, find_writer
from hullguard.sbom._base import _is_writer

FORMAT_IDS = ["cyclonedx-json", "json", "spdx-json", "table"]


@dataclass(frozen=True)
class _Writer:
    id: str
    aliases: tuple[str, ...] = ()
    media_type: str = "text/plain"

    def write(self, inventory: Inventory, out: TextIO, *, tool_version: str) -> None:
        out.write(self.id)


def test_registry_offers_exactly_the_format_ids() -> None:
    registry = build_sbom_writers()
    assert registry.ids() == FORMAT_IDS
    assert all(isinstance(writer, SbomWriter) for writer in registry)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("cyclonedx-json", "cyclonedx-json"),
        ("cyclonedx", "cyclonedx-json"),
        ("spdx", "spdx-json"),
        ("json", "json"),
    ],
)
def test_find_writer_resolves_ids_and_aliases(name: str, expected: str) -> None:
    assert find_writer(build_sbom_writers(), name).id == expected


def test_unknown_format_lists_every_name() -> None:
    with pytest.raises(ConfigError) as caught:
        find_writer(build_sbom_writers(), "xml")
    assert caught.value.hint == "choose one of: cyclonedx, cyclonedx-json, json, spdx, spdx-json, table"


def test_every_writer_writes_an_empty_inventory() -> None:
    for writer in build_sbom_writers():
        out = io.StringIO()
        writer.write(Inventory(os=None, packages=()), out, tool_version="0")
        assert out.getvalue().endswith("\n"), writer.id
        assert writer.media_type


def test_alias_clashing_with_an_id_is_refused() -> None:
    writers = [(_Writer("one"), "module a"), (_Writer("two", aliases=("one",)), "module b")]
    with pytest.raises(DuplicatePluginError, match="module a and in module b"):
        formats_of(writers, _is_writer, what="SBOM format")


def test_a_plugin_that_is_not_a_writer_is_refused() -> None:
    with pytest.raises(ConfigError, match="module x lists"):
        formats_of([(object(), "module x")], _is_writer, what="SBOM format")


PUBLIC_NAMES = {
    "hullguard.sbom": [
        "CycloneDxJsonWriter",
        "NativeJsonWriter",
        "SbomWriter",
        "SpdxJsonWriter",
        "TableWriter",
        "build_sbom_writers",
        "find_writer",
        "read_sbom",
    ],
    "hullguard.sbom.cyclonedx_json": ["PLUGINS", "CycloneDxJsonWriter"],
    "hullguard.sbom.spdx_json": ["PLUGINS", "SpdxJsonWriter"],
    "hullguard.sbom.native_json": ["PLUGINS", "SCHEMA_VERSION", "NativeJsonWriter"],
    "hullguard.sbom.table": ["PLUGINS", "TableWriter"],
    "hullguard.sbom.read": ["read_sbom"],
}


@pytest.mark.parametrize(("module", "names"), PUBLIC_NAMES.items(), ids=list(PUBLIC_NAMES))
def test_all_lists_the_chosen_public_names(module: str, names: list[str]) -> None:
    imported = importlib.import_module(module)
    assert imported.__all__ == names
    assert all(hasattr(imported, name) for name in names)


def test_each_writer_module_registers_its_writer() -> None:
    for writer in build_sbom_writers():
        module = importlib.import_module(type(writer).__module__)
        assert [writer] == module.PLUGINS
