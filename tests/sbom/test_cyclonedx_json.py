"""CycloneDX 1.6 JSON writer: schema validity, layout, licenses, determinism, golden output."""

from __future__ import annotations

import dataclasses
import io
import json
import warnings
from collections.abc import Callable
from typing import Any

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from hullguard.errors import SbomError
from hullguard.inventory import Inventory, Location, Package, PackageType
from hullguard.sbom.cyclonedx_json import CycloneDxJsonWriter
from tests.sbom.conftest import TOOL_VERSION

Json = dict[str, Any]


def _write(writer: CycloneDxJsonWriter, inventory: Inventory) -> str:
    out = io.StringIO()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the library warns about incomplete dependency graphs
        writer.write(inventory, out, tool_version=TOOL_VERSION)
    return out.getvalue()


def _assert_valid(text: str) -> None:
    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    assert error is None, str(error)


def _components(text: str) -> list[Json]:
    document = json.loads(text)
    return list(document["components"])


def _props(component: Json) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for prop in component.get("properties", []):
        found.setdefault(prop["name"], []).append(prop["value"])
    return found


def test_alpine_output_matches_golden(
    alpine_inventory: Inventory, fixed_cyclonedx: CycloneDxJsonWriter, golden: Callable[[str, str], None]
) -> None:
    golden("alpine-3.11.5.cdx.json", _write(fixed_cyclonedx, alpine_inventory))


@pytest.mark.parametrize("name", ["alpine_inventory", "debian_inventory"])
def test_output_is_valid_cyclonedx_1_6(name: str, request: pytest.FixtureRequest) -> None:
    inventory: Inventory = request.getfixturevalue(name)
    text = _write(CycloneDxJsonWriter(), inventory)
    _assert_valid(text)
    assert json.loads(text)["specVersion"] == "1.6"


def test_empty_inventory_is_valid() -> None:
    _assert_valid(_write(CycloneDxJsonWriter(), Inventory(os=None, packages=())))


def test_image_is_the_container_subject_and_depends_on_everything(debian_inventory: Inventory) -> None:
    document = json.loads(_write(CycloneDxJsonWriter(), debian_inventory))
    image = document["metadata"]["component"]
    assert (image["type"], image["name"], image["version"]) == (
        "container",
        debian_inventory.image_name,
        debian_inventory.image_digest,
    )
    depends = next(d for d in document["dependencies"] if d["ref"] == image["bom-ref"])
    refs = {c["bom-ref"] for c in document["components"]}
    assert set(depends["dependsOn"]) == refs
    assert document["metadata"]["tools"]["components"][0]["version"] == TOOL_VERSION


def test_os_is_an_operating_system_component(debian_inventory: Inventory) -> None:
    systems = [
        c
        for c in _components(_write(CycloneDxJsonWriter(), debian_inventory))
        if c["type"] == "operating-system"
    ]
    assert [(c["name"], c["version"], c["description"]) for c in systems] == [
        ("debian", "10", "Debian GNU/Linux 10 (buster)")
    ]


def test_every_package_has_purl_location_and_layer(debian_inventory: Inventory) -> None:
    libraries = [
        c for c in _components(_write(CycloneDxJsonWriter(), debian_inventory)) if c["type"] == "library"
    ]
    assert len(libraries) == len(debian_inventory.packages)
    by_name = {(c["name"], c["version"]): c for c in libraries}
    for package in debian_inventory.packages:
        component = by_name[(package.name, package.version)]
        props = _props(component)
        assert component["purl"] == package.purl
        assert props["hullguard:location:0:path"] == [package.location.path]
        assert props["hullguard:location:0:layerDiffID"] == [package.location.diff_id]
        assert props["hullguard:package:foundBy"] == [package.found_by]


def test_login_names_its_source_package(debian_inventory: Inventory) -> None:
    login = next(
        c for c in _components(_write(CycloneDxJsonWriter(), debian_inventory)) if c["name"] == "login"
    )
    assert _props(login)["hullguard:package:sourceName"] == ["shadow"]
    assert login["purl"] == "pkg:deb/debian/login@1:4.5-1.1?arch=amd64&distro=debian-10&upstream=shadow"


def test_image_facts_are_properties(alpine_inventory: Inventory) -> None:
    image = json.loads(_write(CycloneDxJsonWriter(), alpine_inventory))["metadata"]["component"]
    props = _props(image)
    assert props["hullguard:image:repoTag"] == ["alpine:3.11", "alpine:3.11.5"]
    assert props["hullguard:image:layer:0:diffID"] == [alpine_inventory.layers[0].diff_id]
    assert props["hullguard:image:extra:source"] == ["docker-archive"]


def test_skipped_files_are_bom_properties(alpine_inventory: Inventory) -> None:
    props = _props(json.loads(_write(CycloneDxJsonWriter(), alpine_inventory)))
    assert props["hullguard:skipped:0:path"] == ["/usr/lib/os-release"]
    assert props["hullguard:skipped:0:analyzer"] == ["os-release"]


LICENSE_CASES = [
    pytest.param(("MIT",), [{"license": {"id": "MIT"}}], id="spdx-id"),
    pytest.param(("mit",), [{"license": {"id": "MIT"}}], id="id-case-fixed"),
    pytest.param(("GPL2",), [{"license": {"name": "GPL2"}}], id="free-text-name"),
    pytest.param(("MIT OR Apache-2.0",), [{"expression": "MIT OR Apache-2.0"}], id="expression"),
    pytest.param(
        ("MIT", "BSD-3-Clause OR Apache-2.0"),
        [{"expression": "MIT AND (BSD-3-Clause OR Apache-2.0)"}],
        id="id-and-expression-conjoined",
    ),
    pytest.param(
        ("GPL2", "MIT OR Apache-2.0"),
        [{"license": {"name": "GPL2"}}, {"license": {"name": "MIT OR Apache-2.0"}}],
        id="name-and-expression-as-names",
    ),
    pytest.param(
        ("MIT", "BSD"), [{"license": {"id": "MIT"}}, {"license": {"name": "BSD"}}], id="id-and-name"
    ),
]


@pytest.mark.parametrize(("licenses", "expected"), LICENSE_CASES)
def test_licenses_follow_the_schema_choice(licenses: tuple[str, ...], expected: list[Json]) -> None:
    package = Package(
        "zlib", "1.2.11-r3", PackageType.APK, Location("/lib/apk/db/installed"), "apk", licenses=licenses
    )
    text = _write(CycloneDxJsonWriter(), Inventory(os=None, packages=(package,)))
    _assert_valid(text)
    found = _components(text)[0]["licenses"]
    assert sorted(found, key=json.dumps) == sorted(expected, key=json.dumps)


def test_bom_refs_do_not_depend_on_package_order(alpine_inventory: Inventory) -> None:
    reordered = dataclasses.replace(alpine_inventory, packages=tuple(reversed(alpine_inventory.packages)))
    first = {c["name"]: c["bom-ref"] for c in _components(_write(CycloneDxJsonWriter(), alpine_inventory))}
    second = {c["name"]: c["bom-ref"] for c in _components(_write(CycloneDxJsonWriter(), reordered))}
    assert first == second
    assert len(set(first.values())) == len(first)


def test_same_package_in_two_layers_gets_two_refs(alpine_inventory: Inventory) -> None:
    musl = next(p for p in alpine_inventory.packages if p.name == "musl")
    upper = dataclasses.replace(musl, location=Location(musl.location.path, "sha256:" + "1" * 64))
    text = _write(CycloneDxJsonWriter(), Inventory(os=None, packages=(musl, upper)))
    _assert_valid(text)
    assert len({c["bom-ref"] for c in _components(text)}) == 2


def test_serial_number_and_timestamp_vary_only_through_the_seams(
    alpine_inventory: Inventory, fixed_cyclonedx: CycloneDxJsonWriter
) -> None:
    assert _write(fixed_cyclonedx, alpine_inventory) == _write(fixed_cyclonedx, alpine_inventory)
    first = json.loads(_write(CycloneDxJsonWriter(), alpine_inventory))
    second = json.loads(_write(CycloneDxJsonWriter(), alpine_inventory))
    assert first["serialNumber"] != second["serialNumber"]
    for document in (first, second):
        del document["serialNumber"], document["metadata"]["timestamp"]
    assert first == second


def test_an_invalid_purl_is_an_sbom_error() -> None:
    package = Package("x", "1", PackageType.NPM, Location("/app/package.json"), "npm", purl="pkg:")
    with pytest.raises(SbomError, match="package x 1 has an invalid purl"):
        _write(CycloneDxJsonWriter(), Inventory(os=None, packages=(package,)))
