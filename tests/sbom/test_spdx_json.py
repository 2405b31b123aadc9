"""SPDX 2.3 JSON writer: validity per spdx-tools, layout, licenses, uniqueness, golden output."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from spdx_tools.spdx.parser.parse_anything import parse_file
from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

from hullguard.inventory import Inventory, Location, Package, PackageType
from hullguard.sbom.spdx_json import SpdxJsonWriter
from tests.sbom.conftest import TOOL_VERSION

Json = dict[str, Any]


def _write(writer: SpdxJsonWriter, inventory: Inventory) -> str:
    out = io.StringIO()
    writer.write(inventory, out, tool_version=TOOL_VERSION)
    return out.getvalue()


def _assert_valid(text: str, tmp_path: Path) -> None:
    path = tmp_path / "document.spdx.json"
    path.write_text(text, encoding="utf-8")
    messages = validate_full_spdx_document(parse_file(str(path)))
    assert [m.validation_message for m in messages] == []


def _packages(text: str) -> dict[str, Json]:
    return {str(p["SPDXID"]): p for p in json.loads(text)["packages"]}


def _apk(licenses: tuple[str, ...], name: str = "zlib") -> Package:
    return Package(
        name, "1.2.11-r3", PackageType.APK, Location("/lib/apk/db/installed"), "apk", licenses=licenses
    )


def test_alpine_output_matches_golden(
    alpine_inventory: Inventory, fixed_spdx: SpdxJsonWriter, golden: Callable[[str, str], None]
) -> None:
    golden("alpine-3.11.5.spdx.json", _write(fixed_spdx, alpine_inventory))


@pytest.mark.parametrize("name", ["alpine_inventory", "debian_inventory"])
def test_output_passes_spdx_tools_validation(
    name: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    inventory: Inventory = request.getfixturevalue(name)
    _assert_valid(_write(SpdxJsonWriter(), inventory), tmp_path)


def test_empty_inventory_is_valid(tmp_path: Path) -> None:
    _assert_valid(_write(SpdxJsonWriter(), Inventory(os=None, packages=())), tmp_path)


def test_document_describes_the_image_which_contains_everything(debian_inventory: Inventory) -> None:
    document = json.loads(_write(SpdxJsonWriter(), debian_inventory))
    image = next(p for p in document["packages"] if p.get("primaryPackagePurpose") == "CONTAINER")
    assert (image["name"], image["versionInfo"]) == (
        debian_inventory.image_name,
        debian_inventory.image_digest,
    )
    relationships = {
        (r["spdxElementId"], r["relationshipType"], r["relatedSpdxElement"])
        for r in document["relationships"]
    }
    others = {p["SPDXID"] for p in document["packages"]} - {image["SPDXID"]}
    assert ("SPDXRef-DOCUMENT", "DESCRIBES", image["SPDXID"]) in relationships
    assert {(image["SPDXID"], "CONTAINS", other) for other in others} <= relationships
    assert len(others) == len(debian_inventory.packages) + 1  # the OS


def test_creation_info_names_the_tool(alpine_inventory: Inventory) -> None:
    document = json.loads(_write(SpdxJsonWriter(), alpine_inventory))
    assert document["spdxVersion"] == "SPDX-2.3"
    assert document["creationInfo"]["creators"] == [f"Tool: hullguard-{TOOL_VERSION}"]


def test_document_namespace_is_unique_per_document(alpine_inventory: Inventory) -> None:
    first = json.loads(_write(SpdxJsonWriter(), alpine_inventory))["documentNamespace"]
    second = json.loads(_write(SpdxJsonWriter(), alpine_inventory))["documentNamespace"]
    assert first != second
    assert first.startswith("https://hullguard.dev/spdxdocs/alpine-3.11-")


def test_packages_carry_purl_and_source_info(debian_inventory: Inventory) -> None:
    packages = [
        p for p in json.loads(_write(SpdxJsonWriter(), debian_inventory))["packages"] if "sourceInfo" in p
    ]
    libc6 = next(p for p in packages if p["name"] == "libc6")
    assert libc6["externalRefs"] == [
        {
            "referenceCategory": "PACKAGE-MANAGER",
            "referenceType": "purl",
            "referenceLocator": "pkg:deb/debian/libc6@2.28-10?arch=amd64&distro=debian-10&upstream=glibc",
        }
    ]
    layer = debian_inventory.layers[0].diff_id
    assert libc6["sourceInfo"] == f"found by analyzer dpkg in /var/lib/dpkg/status (layer {layer})"
    assert (libc6["downloadLocation"], libc6["filesAnalyzed"]) == ("NOASSERTION", False)
    assert libc6["SPDXID"].startswith("SPDXRef-Package-deb-libc6-")


def test_package_ids_are_sanitised() -> None:
    package = Package("@babel/core", "7.0.0", PackageType.NPM, Location("/app/package-lock.json"), "npm")
    ids = [
        p["SPDXID"]
        for p in json.loads(_write(SpdxJsonWriter(), Inventory(os=None, packages=(package,))))["packages"]
    ]
    assert ids[1].startswith("SPDXRef-Package-npm-babel-core-")


LICENSE_CASES = [
    pytest.param(("MIT",), "MIT", [], id="spdx-id"),
    pytest.param((), "NOASSERTION", [], id="none-declared"),
    pytest.param(("GPL2",), "LicenseRef-GPL2", ["GPL2"], id="free-text"),
    pytest.param(("MIT", "BSD"), "MIT AND LicenseRef-BSD", ["BSD"], id="id-and-name"),
    pytest.param(("mit or apache-2.0",), "MIT OR Apache-2.0", [], id="expression-normalised"),
    pytest.param(
        ("MIT", "BSD-3-Clause OR Apache-2.0"), "MIT AND (BSD-3-Clause OR Apache-2.0)", [], id="conjoined"
    ),
    pytest.param(("MIT BSD GPL2+",), "LicenseRef-MIT-BSD-GPL2", ["MIT BSD GPL2+"], id="apk-list-is-text"),
]


@pytest.mark.parametrize(("licenses", "declared", "extracted"), LICENSE_CASES)
def test_license_declared_is_a_valid_expression(
    licenses: tuple[str, ...], declared: str, extracted: list[str], tmp_path: Path
) -> None:
    text = _write(SpdxJsonWriter(), Inventory(os=None, packages=(_apk(licenses),)))
    _assert_valid(text, tmp_path)
    document = json.loads(text)
    assert document["packages"][1]["licenseDeclared"] == declared
    assert [info["extractedText"] for info in document.get("hasExtractedLicensingInfos", [])] == extracted


def test_license_refs_differing_only_in_case_stay_apart(tmp_path: Path) -> None:
    inventory = Inventory(os=None, packages=(_apk(("MIT License",), "a"), _apk(("MIT license",), "b")))
    text = _write(SpdxJsonWriter(), inventory)
    _assert_valid(text, tmp_path)
    refs = [info["licenseId"] for info in json.loads(text)["hasExtractedLicensingInfos"]]
    assert len({ref.lower() for ref in refs}) == 2
