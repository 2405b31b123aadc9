"""Reading CycloneDX JSON (1.2 to 1.6) back into an inventory.

Only what the inventory model holds is taken: components with a purl (or a package-type
property) become packages, the ``operating-system`` component the OS, ``metadata.component`` the
image. Besides our own ``hullguard:*`` properties, syft's ``syft:package:*`` and
``syft:location:0:*`` are understood, so syft's SBOMs keep their locations.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from typing import Literal

from pydantic import Field, ValidationError

from hullguard.inventory import Inventory, LayerInfo, OSInfo, Package, Skipped
from hullguard.sbom import _common as names
from hullguard.sbom._reading import DocumentModel, PackageFacts, invalid_document, to_package

__all__ = ["read_cyclonedx"]

_FOUND_BY = "sbom-cyclonedx"
_PACKAGE_TYPES = frozenset({"library", "framework", "application"})
"""Component types that describe software packages; files, devices, data and the like are not."""


class _Property(DocumentModel):
    name: str
    value: str = ""


class _LicenseBody(DocumentModel):
    id: str | None = None
    name: str | None = None


class _LicenseChoice(DocumentModel):
    license: _LicenseBody | None = None
    expression: str | None = None


class _Component(DocumentModel):
    type: str
    name: str
    version: str = ""
    group: str | None = None
    description: str | None = None
    purl: str | None = None
    bom_ref: str | None = Field(default=None, alias="bom-ref")
    licenses: list[_LicenseChoice] = []
    properties: list[_Property] = []
    components: list[_Component] = []


class _Metadata(DocumentModel):
    component: _Component | None = None


class _Bom(DocumentModel):
    bom_format: Literal["CycloneDX"] = Field(alias="bomFormat")
    spec_version: str = Field(alias="specVersion", pattern=r"^1\.\d+$")
    metadata: _Metadata = _Metadata()
    components: list[_Component] = []
    properties: list[_Property] = []


class _Props:
    """Property lookup that keeps CycloneDX's repeated names (several repo tags, say)."""

    def __init__(self, properties: list[_Property]) -> None:
        self._values: dict[str, list[str]] = defaultdict(list)
        for item in properties:
            self._values[item.name].append(item.value)

    def first(self, *names: str) -> str | None:
        return next((values[0] for name in names if (values := self._values.get(name))), None)

    def all(self, name: str) -> tuple[str, ...]:
        return tuple(self._values.get(name, ()))

    def indexed(self, prefix: str) -> list[tuple[int, dict[str, str]]]:
        """Group ``<prefix>:<n>:<field>`` properties by ``n``, in index order."""
        groups: dict[int, dict[str, str]] = defaultdict(dict)
        for name, values in self._values.items():
            index, _, field = name.removeprefix(f"{prefix}:").partition(":")
            if name.startswith(f"{prefix}:") and index.isdigit() and field:
                groups[int(index)][field] = values[0]
        return sorted(groups.items())


def _walk(components: list[_Component]) -> Iterator[_Component]:
    """All components, nested ones included (CycloneDX allows assemblies)."""
    for component in components:
        yield component
        yield from _walk(component.components)


def _licenses(choices: list[_LicenseChoice]) -> tuple[str, ...]:
    found = [
        choice.expression or (choice.license.id or choice.license.name if choice.license else None)
        for choice in choices
    ]
    return tuple(value for value in found if value)


def _facts(component: _Component) -> PackageFacts:
    props = _Props(component.properties)
    return PackageFacts(
        name=component.name,
        version=component.version,
        purl=component.purl or "",
        found_by=props.first(names.PROP_FOUND_BY, "syft:package:foundBy") or _FOUND_BY,
        path=props.first(names.PROP_PATH, "syft:location:0:path"),
        diff_id=props.first(names.PROP_LAYER, "syft:location:0:layerID"),
        type_hint=props.first(names.PROP_TYPE, "syft:package:type"),
        namespace=component.group,
        licenses=_licenses(component.licenses),
        source_name=props.first(names.PROP_SOURCE_NAME),
        source_version=props.first(names.PROP_SOURCE_VERSION),
        arch=props.first(names.PROP_ARCH),
    )


def _os(component: _Component) -> OSInfo:
    props = _Props(component.properties)
    return OSInfo(
        id=component.name.lower(),
        version_id=component.version,
        version_codename=props.first("hullguard:os:codename") or "",
        pretty_name=component.description or "",
        id_like=props.all("hullguard:os:idLike"),
    )


def _layers(props: _Props) -> tuple[LayerInfo, ...]:
    layers = []
    for index, fields in props.indexed("hullguard:image:layer"):
        if "diffID" in fields:
            size = fields.get("size", "0")
            layers.append(
                LayerInfo(
                    index=index,
                    diff_id=fields["diffID"],
                    digest=fields.get("digest"),
                    media_type=fields.get("mediaType", ""),
                    size=int(size) if size.isdigit() else 0,
                    created_by=fields.get("createdBy", ""),
                )
            )
    return tuple(layers)


def _with_image(inventory: Inventory, image: _Component | None) -> Inventory:
    """Add what ``metadata.component`` (and our ``hullguard:image:*`` properties) say of the image."""
    if image is None:
        return inventory
    props = _Props(image.properties)
    prefix = "hullguard:image:extra:"
    return replace(
        inventory,
        image_name=image.name,
        image_digest=image.version or None,
        config_digest=props.first("hullguard:image:configDigest"),
        repo_tags=props.all("hullguard:image:repoTag"),
        repo_digests=props.all("hullguard:image:repoDigest"),
        architecture=props.first("hullguard:image:architecture") or "",
        os_name=props.first("hullguard:image:os") or "",
        layers=_layers(props),
        extra={
            item.name.removeprefix(prefix): item.value
            for item in image.properties
            if item.name.startswith(prefix)
        },
    )


def _skipped(bom: _Bom, where: str) -> list[Skipped]:
    """Files the producing scan skipped (our ``hullguard:skipped:<n>:*`` BOM properties)."""
    return [
        Skipped(
            path=fields.get("path", where),
            reason=fields.get("reason", ""),
            diff_id=fields.get("layerDiffID"),
            analyzer=fields.get("analyzer", ""),
        )
        for _, fields in _Props(bom.properties).indexed("hullguard:skipped")
    ]


def read_cyclonedx(document: dict[str, object], *, where: str) -> Inventory:
    """The inventory a CycloneDX JSON document describes; SbomError if it is malformed."""
    try:
        bom = _Bom.model_validate(document)
    except ValidationError as exc:
        raise invalid_document("CycloneDX", where, exc) from exc
    os: OSInfo | None = None
    packages: list[Package] = []
    skipped = _skipped(bom, where)
    for component in _walk(bom.components):
        if component.type == "operating-system" and os is None:
            os = _os(component)
        elif component.type in _PACKAGE_TYPES:
            result = to_package(_facts(component), where=where)
            if isinstance(result, Package):
                packages.append(result)
            else:
                skipped.append(result)
    packages.sort(key=Package.sort_key)
    inventory = Inventory(os=os, packages=tuple(packages), skipped=tuple(skipped))
    return _with_image(inventory, bom.metadata.component)
