"""CycloneDX 1.6 JSON, built with cyclonedx-python-lib.

Layout (CycloneDX 1.6, "metadata" and "components"), close to what syft emits so the two diff well:

* ``metadata.component`` is the image, a ``container`` component whose version is the image
  digest; tags, repo digests, platform and layers are ``hullguard:image:*`` properties;
* the distribution is an ``operating-system`` component;
* every package is a ``library`` component with its purl, licenses and ``hullguard:*`` properties
  for type, analyzer, source package and location (``hullguard:location:0:path`` /
  ``hullguard:location:0:layerDiffID``, after syft's ``syft:location:0:layerID``);
* files we skipped are ``hullguard:skipped:<n>:*`` properties of the BOM itself, so an SBOM
  consumer can see what the scan could not read;
* the image depends on every other component, which completes the dependency graph.

Bom-refs are derived from purl and location, so equal scans give equal documents up to the
serial number and timestamp; both come from injectable callables.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TextIO

from cyclonedx.contrib.license.factories import LicenseFactory
from cyclonedx.model import Property
from cyclonedx.model.bom import Bom, BomMetaData
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.license import DisjunctiveLicense, License, LicenseExpression
from cyclonedx.model.tool import ToolRepository
from cyclonedx.output.json import JsonV1Dot6
from packageurl import PackageURL

from hullguard.errors import SbomError
from hullguard.inventory import Inventory, OSInfo, Package
from hullguard.sbom import _common as names
from hullguard.sbom._licenses import join_expressions, spdx_form

__all__ = ["PLUGINS", "CycloneDxJsonWriter"]

_LEADING_KEYS = ("$schema", "bomFormat", "specVersion", "serialNumber", "version", "metadata")


def _props(pairs: Iterable[tuple[str, str | None]]) -> list[Property]:
    """Properties for the pairs with a value; empty facts are left out rather than written blank."""
    return [Property(name=name, value=value) for name, value in pairs if value]


def _licenses(values: Iterable[str]) -> list[License]:
    """CycloneDX licenses for a package's declared licenses.

    The 1.6 schema allows either a list of ``license`` objects or exactly one ``expression``, never
    both, and the library silently keeps only the expression when given both. So when a compound
    expression is among several licenses, all of them are conjoined into one expression if each is
    SPDX; if some are free text, the expressions are kept as license names instead.
    """
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


def _image_properties(inventory: Inventory) -> Iterator[tuple[str, str | None]]:
    yield from (("hullguard:image:repoTag", tag) for tag in inventory.repo_tags)
    yield from (("hullguard:image:repoDigest", digest) for digest in inventory.repo_digests)
    yield ("hullguard:image:configDigest", inventory.config_digest)
    yield ("hullguard:image:architecture", inventory.architecture)
    yield ("hullguard:image:os", inventory.os_name)
    for layer in inventory.layers:
        prefix = f"hullguard:image:layer:{layer.index}"
        yield (f"{prefix}:diffID", layer.diff_id)
        yield (f"{prefix}:digest", layer.digest)
        yield (f"{prefix}:mediaType", layer.media_type)
        yield (f"{prefix}:size", str(layer.size))
        yield (f"{prefix}:createdBy", layer.created_by)
    yield from ((f"hullguard:image:extra:{key}", value) for key, value in sorted(inventory.extra.items()))


def _image(inventory: Inventory) -> Component:
    """The image as the BOM's subject: a ``container`` component versioned by its digest."""
    return Component(
        type=ComponentType.CONTAINER,
        name=inventory.image_name or "image",
        version=inventory.image_digest,
        bom_ref=f"image:{inventory.image_digest or inventory.image_name or 'unknown'}",
        properties=_props(_image_properties(inventory)),
    )


def _operating_system(os: OSInfo) -> Component:
    return Component(
        type=ComponentType.OPERATING_SYSTEM,
        name=os.id,
        version=os.version_id or None,
        description=os.pretty_name or None,
        bom_ref=f"os:{os.id}@{os.version_id}",
        properties=_props(
            [
                ("hullguard:os:codename", os.version_codename),
                *(("hullguard:os:idLike", like) for like in os.id_like),
            ]
        ),
    )


def _purl(package: Package) -> PackageURL | None:
    try:
        return PackageURL.from_string(package.purl) if package.purl else None
    except ValueError as exc:
        raise SbomError(f"package {package.name} {package.version} has an invalid purl: {exc}") from exc


def _package(package: Package, ref: str) -> Component:
    return Component(
        type=ComponentType.LIBRARY,
        name=package.name,
        version=package.version,
        group=package.namespace,
        purl=_purl(package),
        bom_ref=ref,
        licenses=_licenses(package.licenses),
        properties=_props(
            [
                (names.PROP_TYPE, package.type.value),
                (names.PROP_FOUND_BY, package.found_by),
                (names.PROP_ARCH, package.arch),
                (names.PROP_SOURCE_NAME, package.source_name),
                (names.PROP_SOURCE_VERSION, package.source_version),
                (names.PROP_PATH, package.location.path),
                (names.PROP_LAYER, package.location.diff_id),
            ]
        ),
    )


def _skipped_properties(inventory: Inventory) -> Iterator[tuple[str, str | None]]:
    for index, skipped in enumerate(sorted(inventory.skipped, key=lambda s: (s.path, s.analyzer, s.reason))):
        prefix = f"hullguard:skipped:{index}"
        yield (f"{prefix}:path", skipped.path)
        yield (f"{prefix}:reason", skipped.reason)
        yield (f"{prefix}:analyzer", skipped.analyzer)
        yield (f"{prefix}:layerDiffID", skipped.diff_id)


@dataclass(frozen=True, slots=True)
class CycloneDxJsonWriter:
    """Writes CycloneDX 1.6 JSON; ``clock`` and ``new_serial`` exist so tests get fixed values."""

    id: str = "cyclonedx-json"
    aliases: tuple[str, ...] = ("cyclonedx",)
    media_type: str = "application/vnd.cyclonedx+json"
    clock: Callable[[], datetime] = names.utc_now
    new_serial: Callable[[], uuid.UUID] = uuid.uuid4

    def bom(self, inventory: Inventory, *, tool_version: str) -> Bom:
        """The library's BOM model for ``inventory``, before serialisation."""
        tool = Component(type=ComponentType.APPLICATION, name="hullguard", version=tool_version)
        image = _image(inventory)
        bom = Bom(
            serial_number=self.new_serial(),
            metadata=BomMetaData(
                timestamp=self.clock(), tools=ToolRepository(components=[tool]), component=image
            ),
            properties=_props(_skipped_properties(inventory)),
        )
        refs = names.package_refs(inventory.packages)
        components = [_package(package, ref) for package, ref in refs.items()]
        if inventory.os is not None:
            components.append(_operating_system(inventory.os))
        bom.components = components
        bom.register_dependency(image, components)
        return bom

    def write(self, inventory: Inventory, out: TextIO, *, tool_version: str) -> None:
        """Serialise the BOM as indented JSON, ending with a newline.

        The library emits the identifying keys last; they are moved to the front, where readers
        (and syft's output) have them.
        """
        generated = JsonV1Dot6(self.bom(inventory, tool_version=tool_version)).output_as_string()
        document: dict[str, object] = json.loads(generated)
        ordered = {key: document.pop(key) for key in _LEADING_KEYS if key in document}
        json.dump({**ordered, **document}, out, indent=2, ensure_ascii=False)
        out.write("\n")


PLUGINS = [CycloneDxJsonWriter()]
