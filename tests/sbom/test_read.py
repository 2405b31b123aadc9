"""Reading CycloneDX and SPDX JSON: round trips through our writers, other producers, bad input."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from hullguard.errors import SbomError
from hullguard.inventory import Inventory, LayerInfo, Location, OSInfo, Package, PackageType
from hullguard.sbom import CycloneDxJsonWriter, SbomWriter, SpdxJsonWriter, read_sbom
from tests.sbom.conftest import TOOL_VERSION

WRITERS = [pytest.param(CycloneDxJsonWriter(), id="cyclonedx"), pytest.param(SpdxJsonWriter(), id="spdx")]
INVENTORIES = ["alpine_inventory", "debian_inventory"]
Json = dict[str, Any]


def _round_trip(writer: SbomWriter, inventory: Inventory) -> Inventory:
    out = io.StringIO()
    writer.write(inventory, out, tool_version=TOOL_VERSION)
    return read_sbom(out.getvalue().encode(), where="test.json")


def _identities(inventory: Inventory) -> set[tuple[str, str, PackageType, str]]:
    return {(p.name, p.version, p.type, p.purl) for p in inventory.packages}


def _cyclonedx(*components: Json) -> bytes:
    return json.dumps(
        {"bomFormat": "CycloneDX", "specVersion": "1.6", "components": list(components)}
    ).encode()


@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize("name", INVENTORIES)
def test_round_trip_keeps_package_identities(
    writer: SbomWriter, name: str, request: pytest.FixtureRequest
) -> None:
    inventory: Inventory = request.getfixturevalue(name)
    read = _round_trip(writer, inventory)
    assert _identities(read) == _identities(inventory)
    assert len(read.packages) == len(inventory.packages)


@pytest.mark.parametrize("writer", WRITERS)
def test_round_trip_keeps_locations_analyzers_and_licenses(
    writer: SbomWriter, alpine_inventory: Inventory
) -> None:
    def facts(inventory: Inventory) -> set[tuple[str, Location, str, tuple[str, ...]]]:
        return {(p.name, p.location, p.found_by, p.licenses) for p in inventory.packages}

    assert facts(_round_trip(writer, alpine_inventory)) == facts(alpine_inventory)


@pytest.mark.parametrize("writer", WRITERS)
def test_round_trip_keeps_os_and_image_name(writer: SbomWriter, debian_inventory: Inventory) -> None:
    read = _round_trip(writer, debian_inventory)
    assert read.os is not None and debian_inventory.os is not None
    assert (read.os.id, read.os.version_id, read.os.pretty_name) == (
        debian_inventory.os.id,
        debian_inventory.os.version_id,
        debian_inventory.os.pretty_name,
    )
    assert (read.image_name, read.image_digest) == (
        debian_inventory.image_name,
        debian_inventory.image_digest,
    )


def test_cyclonedx_round_trip_keeps_image_facts_and_skipped_files(alpine_inventory: Inventory) -> None:
    read = _round_trip(CycloneDxJsonWriter(), alpine_inventory)
    assert read.layers == alpine_inventory.layers
    assert read.skipped == alpine_inventory.skipped
    assert read.repo_tags == alpine_inventory.repo_tags
    assert read.extra == alpine_inventory.extra
    assert read.os == alpine_inventory.os
    assert {(p.name, p.source_name, p.arch) for p in read.packages} == {
        (p.name, p.source_name, p.arch) for p in alpine_inventory.packages
    }


def test_spdx_license_refs_become_their_names_again() -> None:
    package = Package(
        "ca",
        "1",
        PackageType.APK,
        Location("/lib/apk/db/installed"),
        "apk",
        licenses=("MPL-2.0 GPL-2.0-or-later", "MIT OR Apache-2.0", "MIT"),
        purl="pkg:apk/alpine/ca@1",
    )
    read = _round_trip(SpdxJsonWriter(), Inventory(os=None, packages=(package,)))
    assert read.packages[0].licenses == package.licenses


def test_syft_properties_give_type_and_location() -> None:
    component = {
        "type": "library",
        "name": "requests",
        "version": "2.31.0",
        "properties": [
            {"name": "syft:package:foundBy", "value": "python-installed-package-cataloger"},
            {"name": "syft:package:type", "value": "python"},
            {"name": "syft:location:0:layerID", "value": "sha256:" + "a" * 64},
            {
                "name": "syft:location:0:path",
                "value": "/usr/lib/python3/dist-packages/requests-2.31.0.dist-info/METADATA",
            },
        ],
    }
    (package,) = read_sbom(_cyclonedx(component), where="syft.json").packages
    assert package.type is PackageType.PYTHON
    assert package.found_by == "python-installed-package-cataloger"
    assert package.location.diff_id == "sha256:" + "a" * 64
    assert package.location.path.endswith("requests-2.31.0.dist-info/METADATA")


def test_components_without_a_location_get_the_root_path() -> None:
    component = {"type": "library", "name": "lodash", "version": "4.17.21", "purl": "pkg:npm/lodash@4.17.21"}
    (package,) = read_sbom(_cyclonedx(component), where="x.json").packages
    assert (package.type, package.location, package.found_by) == (
        PackageType.NPM,
        Location("/"),
        "sbom-cyclonedx",
    )


def test_nested_components_are_read() -> None:
    inner = {"type": "library", "name": "core", "version": "7.0.0", "purl": "pkg:npm/%40babel/core@7.0.0"}
    outer = {
        "type": "application",
        "name": "app",
        "version": "1",
        "purl": "pkg:npm/app@1",
        "components": [inner],
    }
    read = read_sbom(_cyclonedx(outer), where="x.json")
    assert sorted(p.name for p in read.packages) == ["app", "core"]


@pytest.mark.parametrize(
    ("component", "reason"),
    [
        pytest.param(
            {"purl": "pkg:generic/openssl@3.0.2"}, "odd@1: purl type 'generic' is not supported", id="generic"
        ),
        pytest.param({"purl": "not a purl"}, "odd@1: invalid purl 'not a purl'", id="broken-purl"),
        pytest.param({}, "odd@1: no purl and no known package type", id="no-purl"),
        pytest.param({"name": " ", "purl": "pkg:npm/x@1"}, "without a name", id="no-name"),
    ],
)
def test_untypable_components_are_skipped_not_fatal(component: Json, reason: str) -> None:
    good = {
        "type": "library",
        "name": "zlib",
        "version": "1.2.11-r3",
        "purl": "pkg:apk/alpine/zlib@1.2.11-r3",
    }
    read = read_sbom(
        _cyclonedx(good, {"type": "library", "name": "odd", "version": "1", **component}), where="in.json"
    )
    assert [p.name for p in read.packages] == ["zlib"]
    (skipped,) = read.skipped
    assert skipped.path == "in.json" and reason in skipped.reason


def test_files_and_devices_are_not_packages() -> None:
    read = read_sbom(
        _cyclonedx({"type": "file", "name": "/etc/passwd"}, {"type": "device", "name": "x"}), where="f"
    )
    assert read.packages == () and read.skipped == ()


def test_a_byte_order_mark_is_accepted() -> None:
    assert read_sbom(b"\xef\xbb\xbf" + _cyclonedx(), where="bom.json").packages == ()


def test_rebuilt_layers_follow_their_index() -> None:
    image = {
        "type": "container",
        "name": "x",
        "version": "sha256:" + "b" * 64,
        "properties": [
            {"name": "hullguard:image:layer:1:diffID", "value": "sha256:" + "2" * 64},
            {"name": "hullguard:image:layer:0:diffID", "value": "sha256:" + "1" * 64},
            {"name": "hullguard:image:layer:0:size", "value": "12"},
        ],
    }
    document = {"bomFormat": "CycloneDX", "specVersion": "1.5", "metadata": {"component": image}}
    layers = read_sbom(json.dumps(document).encode(), where="x").layers
    assert layers == (
        LayerInfo(0, "sha256:" + "1" * 64, None, "", 12),
        LayerInfo(1, "sha256:" + "2" * 64, None, "", 0),
    )


def test_spdx_packages_without_source_info_still_read() -> None:
    document = {
        "spdxVersion": "SPDX-2.2",
        "SPDXID": "SPDXRef-DOCUMENT",
        "packages": [
            {
                "SPDXID": "SPDXRef-os",
                "name": "Ubuntu",
                "versionInfo": "22.04",
                "primaryPackagePurpose": "OPERATING-SYSTEM",
            },
            {
                "SPDXID": "SPDXRef-1",
                "name": "bash",
                "versionInfo": "5.1-6ubuntu1",
                "licenseDeclared": "NOASSERTION",
                "externalRefs": [
                    {
                        "referenceCategory": "PACKAGE_MANAGER",
                        "referenceType": "purl",
                        "referenceLocator": "pkg:deb/ubuntu/bash@5.1-6ubuntu1?arch=amd64",
                    }
                ],
            },
        ],
    }
    read = read_sbom(json.dumps(document).encode(), where="trivy.spdx.json")
    assert read.os == OSInfo("ubuntu", "22.04")
    (bash,) = read.packages
    assert (bash.type, bash.licenses, bash.location.path, bash.found_by) == (
        PackageType.DEB,
        (),
        "/",
        "sbom-spdx",
    )


MALFORMED = [
    pytest.param(b"\xff\xfe{", "not UTF-8 text", id="not-utf8"),
    pytest.param(b"{", "not JSON", id="truncated"),
    pytest.param(b"[]", "expected a JSON object, found list", id="array"),
    pytest.param(
        b'{"name": "x"}', "not a CycloneDX (bomFormat) or SPDX 2 (spdxVersion)", id="unknown-format"
    ),
    pytest.param(b'{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"}', "SPDX 3", id="spdx3"),
    pytest.param(b'{"bomFormat": "SWID", "specVersion": "1.6"}', "bomFormat", id="wrong-bom-format"),
    pytest.param(b'{"bomFormat": "CycloneDX", "specVersion": "2"}', "specVersion", id="bad-spec-version"),
    pytest.param(
        b'{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": {}}', "components", id="not-list"
    ),
    pytest.param(
        b'{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"type": "library"}]}',
        "components.0.name",
        id="component-without-name",
    ),
    pytest.param(b'{"spdxVersion": "SPDX-2.3"}', "SPDXID", id="spdx-without-id"),
    pytest.param(
        b'{"spdxVersion": "SPDX-2.3", "SPDXID": "x", "packages": [{"name": "a"}]}',
        "packages.0.SPDXID",
        id="spdx-package-without-id",
    ),
    pytest.param(b"[" * 100_000 + b"]" * 100_000, "nested too deeply", id="deep-json"),
]


@pytest.mark.parametrize(("data", "message"), MALFORMED)
def test_malformed_documents_raise_one_line_errors_naming_the_file(data: bytes, message: str) -> None:
    with pytest.raises(SbomError) as caught:
        read_sbom(data, where="/tmp/sbom.json")
    text = str(caught.value)
    assert text.startswith("/tmp/sbom.json: ")
    assert message in text
    assert "\n" not in text


def test_deeply_nested_components_raise_a_short_sbom_error() -> None:
    depth = 300  # within what json parses, beyond what the validating models follow
    opening = b'{"type": "library", "name": "n", "components": ['
    nested = opening * depth + b'{"type": "library", "name": "leaf"}' + b"]}" * depth
    data = b'{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [' + nested + b"]}"
    with pytest.raises(SbomError, match="depth exceeded") as caught:
        read_sbom(data, where="deep.json")
    assert len(str(caught.value)) < 200
