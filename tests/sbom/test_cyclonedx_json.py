"""CycloneDX 1.6 JSON writer: schema validity, layout, licenses, determinism, golden output.

The writer builds plain dicts; the documents cyclonedx-python-lib made of the same inventories are
the oracle for everything the library used to decide (order, duplicates, license shape, purl
spelling, dependency graph). ``_json_text``, the indented-JSON helper the writer uses, is
checked here against :func:`json.dumps` too.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from cyclonedx.contrib.license.factories import LicenseFactory
from cyclonedx.model import Property
from cyclonedx.model.bom import Bom, BomMetaData
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.license import DisjunctiveLicense, License, LicenseExpression
from cyclonedx.model.tool import ToolRepository
from cyclonedx.output.json import JsonV1Dot6
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from packageurl import PackageURL

from hullguard.analyze import FileHeader, FileInput
from hullguard.analyze.dpkg import parse_dpkg_status
from hullguard.errors import SbomError
from hullguard.inventory import Inventory, LayerInfo, Location, OSInfo, Package, PackageType, Skipped
from hullguard.inventory.purl import with_purls
from hullguard.sbom import _common as names
from hullguard.sbom._json_text import JsonValue, indented
from hullguard.sbom._licenses import join_expressions, spdx_form
from hullguard.sbom.cyclonedx_json import (
    CycloneDxJsonWriter,
    _image_properties,
    _os_properties,
    _package_properties,
    _skipped_properties,
)
from tests.sbom.conftest import FIXED_TIME, FIXED_UUID, TOOL_VERSION

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


# The writer as it was built on cyclonedx-python-lib, kept as the oracle for document parity.
# Which facts become properties comes from the writer's own generators; every choice the library
# made (order, duplicates, license shape, purl spelling, dependency graph) comes from the library.


def _lib_props(pairs: Iterable[tuple[str, str | None]]) -> list[Property]:
    return [Property(name=name, value=value) for name, value in pairs if value]


def _lib_licenses(values: Iterable[str]) -> list[License]:
    factory = LicenseFactory()
    made = [factory.make_from_string(value.strip()) for value in values if value.strip()]
    if len(made) < 2 or not any(isinstance(item, LicenseExpression) for item in made):
        return made
    forms = [spdx_form(item.value if isinstance(item, LicenseExpression) else item.id or "") for item in made]
    if all(forms):
        return [LicenseExpression(join_expressions(form for form in forms if form))]
    return [
        item if isinstance(item, DisjunctiveLicense) else factory.make_with_name(item.value) for item in made
    ]


def _lib_os(os: OSInfo) -> Component:
    return Component(
        type=ComponentType.OPERATING_SYSTEM,
        name=os.id,
        version=os.version_id or None,
        description=os.pretty_name or None,
        bom_ref=f"os:{os.id}@{os.version_id}",
        properties=_lib_props(_os_properties(os)),
    )


def _lib_package(package: Package, ref: str) -> Component:
    return Component(
        type=ComponentType.LIBRARY,
        name=package.name,
        version=package.version,
        group=package.namespace,
        purl=PackageURL.from_string(package.purl) if package.purl else None,
        bom_ref=ref,
        licenses=_lib_licenses(package.licenses),
        properties=_lib_props(_package_properties(package)),
    )


def _lib_bom(inventory: Inventory) -> Bom:
    tool = Component(type=ComponentType.APPLICATION, name="hullguard", version=TOOL_VERSION)
    image = Component(
        type=ComponentType.CONTAINER,
        name=inventory.image_name or "image",
        version=inventory.image_digest,
        bom_ref=f"image:{inventory.image_digest or inventory.image_name or 'unknown'}",
        properties=_lib_props(_image_properties(inventory)),
    )
    bom = Bom(
        serial_number=FIXED_UUID,
        metadata=BomMetaData(timestamp=FIXED_TIME, tools=ToolRepository(components=[tool]), component=image),
        properties=_lib_props(_skipped_properties(inventory)),
    )
    components = [_lib_package(p, ref) for p, ref in names.package_refs(inventory.packages).items()]
    if inventory.os is not None:
        components.append(_lib_os(inventory.os))
    bom.components = components
    bom.register_dependency(image, components)
    return bom


def _library_text(inventory: Inventory) -> str:
    """What the library-based writer wrote: the library's JSON, identifying keys moved first."""
    document: Json = json.loads(JsonV1Dot6(_lib_bom(inventory)).output_as_string())
    leading = ("$schema", "bomFormat", "specVersion", "serialNumber", "version", "metadata")
    ordered = {key: document.pop(key) for key in leading if key in document}
    return json.dumps({**ordered, **document}, indent=2, ensure_ascii=False) + "\n"


def _layer_id(seed: str) -> str:
    return "sha256:" + hashlib.sha256(seed.encode()).hexdigest()


@pytest.fixture(scope="module")
def texlive_inventory(pkgdb: Path, debian_inventory: Inventory) -> Inventory:
    """Ubuntu 18.04 with TeX Live (357 real dpkg records) plus this venv's Python distributions.

    The dpkg status is real; the image around it and its os-release facts are made up here.
    """
    base = _layer_id("ubuntu-18.04-texlive")
    status = (pkgdb / "dpkg" / "ubuntu-18.04-texlive" / "status").read_bytes()
    found = parse_dpkg_status(FileInput("/var/lib/dpkg/status", FileHeader(len(status), 0o644), status, base))
    python = tuple(p for p in debian_inventory.packages if p.type is PackageType.PYTHON)
    inventory = Inventory(
        os=OSInfo("ubuntu", "18.04", "bionic", "Ubuntu 18.04.4 LTS", ("debian",)),
        packages=found.packages + python,
        layers=(
            LayerInfo(0, base, None, "application/vnd.oci.image.layer.v1.tar", 4_096),
            debian_inventory.layers[1],
        ),
        image_name="registry.example/texlive:18.04",
        image_digest=_layer_id("texlive-manifest"),
    )
    return with_purls(inventory)


@pytest.fixture
def edge_inventory() -> Inventory:
    """What the real databases lack: groups, empty strings, foreign purls, license mixes, duplicates."""
    jar = Location("/app/lib/core.jar", _layer_id("app"))

    def package(name: str, version: str, purl: str, *licenses: str, **more: Any) -> Package:
        return Package(name, version, PackageType.JAVA, jar, "java", purl=purl, licenses=licenses, **more)

    packages = (
        package(
            "core", "1.0", "pkg:maven/org.example/core@1.0", "MIT", "Apache-2.0 OR MIT", namespace="org.x"
        ),
        package("core", "1.0", "pkg:maven/core@1.0", "GPL2", "mit OR apache-2.0", namespace=""),
        package("Foo_Bar", "2.0", "pkg:PyPI/Foo_Bar@2.0?b=2&a=1#sub/../p", "mit", "MIT", " BSD ", "  "),
        package("nover", "", "", "Zlib", "zlib", "Zlib OR MIT", "BSD-3-Clause", arch="noarch"),
        package("dup", "1", "pkg:generic/dup@1"),
        package("dup", "1", "pkg:generic/dup@1"),
    )
    return Inventory(
        os=OSInfo("wolfi", id_like=("alpine", "debian")),
        packages=packages,
        skipped=tuple(Skipped(f"/etc/broken-{n}", "ValueError: bad", None, "os-release") for n in range(12)),
        repo_tags=("x:1", "x:1", "x:0"),
        image_digest="",
        extra={"z": "1", "a": ""},
    )


@pytest.fixture
def empty_inventory() -> Inventory:
    """No distribution, no packages: the document is the image and its dependency entry."""
    return Inventory(os=None, packages=())


@pytest.mark.parametrize(
    "name", ["texlive_inventory", "debian_inventory", "alpine_inventory", "edge_inventory", "empty_inventory"]
)
def test_document_is_the_one_the_library_wrote(
    name: str, fixed_cyclonedx: CycloneDxJsonWriter, request: pytest.FixtureRequest
) -> None:
    inventory: Inventory = request.getfixturevalue(name)
    text = _write(fixed_cyclonedx, inventory)
    _assert_valid(text)
    expected = _library_text(inventory)
    assert json.loads(text) == json.loads(expected)
    assert text == expected  # key order and layout too


def test_large_real_inventory_fills_every_part(texlive_inventory: Inventory) -> None:
    document = json.loads(_write(CycloneDxJsonWriter(), texlive_inventory))
    assert len(texlive_inventory.packages) > 400
    assert len(document["components"]) == len(texlive_inventory.packages) + 1
    assert len(document["dependencies"]) == len(document["components"]) + 1
    assert any("licenses" in c for c in document["components"])


JSON_TEXT_CASES = [
    pytest.param({}, id="empty-object"),
    pytest.param([], id="empty-array"),
    pytest.param("plain", id="string"),
    pytest.param({"a": [], "b": {}, "c": [[], {}]}, id="nested-empties"),
    pytest.param({"q": 'quote " back \\ nl \n tab \t ctl \x01', "u": "ünï ☃ \U0001f433"}, id="escapes"),
    pytest.param({"n": [0, -3, 10**20, True, False], "s": ["x", {"k": "v"}]}, id="numbers-and-bools"),
]


@pytest.mark.parametrize("value", JSON_TEXT_CASES)
def test_json_text_is_what_json_dumps_writes(value: JsonValue) -> None:
    assert indented(value) == json.dumps(value, indent=2, ensure_ascii=False)
