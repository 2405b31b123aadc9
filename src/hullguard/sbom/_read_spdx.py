"""Reading SPDX 2.x JSON back into an inventory.

Packages are typed by their purl external reference (``PACKAGE-MANAGER``, or 2.2's
``PACKAGE_MANAGER``). The package with ``primaryPackagePurpose: CONTAINER`` is the image, the
one with ``OPERATING-SYSTEM`` the distribution. ``LicenseRef-`` ids are turned back into the
license names ``hasExtractedLicensingInfos`` gives for them, and the ``sourceInfo`` sentence our
writer leaves is parsed for analyzer, path and layer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from pydantic import Field, ValidationError

from hullguard.inventory import Inventory, OSInfo, Package, Skipped
from hullguard.sbom import _common as names
from hullguard.sbom._licenses import split_conjunction
from hullguard.sbom._reading import DocumentModel, PackageFacts, invalid_document, to_package

__all__ = ["read_spdx"]

_FOUND_BY = "sbom-spdx"
_PURL_CATEGORIES = frozenset({"PACKAGE-MANAGER", "PACKAGE_MANAGER"})
_NO_LICENSE = frozenset({"NOASSERTION", "NONE"})


class _ExternalRef(DocumentModel):
    referenceCategory: str
    referenceType: str
    referenceLocator: str


class _Package(DocumentModel):
    SPDXID: str
    name: str
    versionInfo: str = ""
    description: str | None = None
    licenseDeclared: str | None = None
    sourceInfo: str | None = None
    primaryPackagePurpose: str | None = None
    externalRefs: list[_ExternalRef] = []

    def purl(self) -> str:
        refs = (
            ref.referenceLocator
            for ref in self.externalRefs
            if ref.referenceCategory in _PURL_CATEGORIES and ref.referenceType == "purl"
        )
        return next(refs, "")


class _ExtractedLicense(DocumentModel):
    licenseId: str
    name: str | None = None
    extractedText: str = ""


class _Document(DocumentModel):
    spdxVersion: str = Field(pattern=r"^SPDX-2\.\d+$")
    SPDXID: str
    name: str = ""
    packages: list[_Package] = []
    hasExtractedLicensingInfos: list[_ExtractedLicense] = []


def _licenses(declared: str | None, refs: Mapping[str, str]) -> tuple[str, ...]:
    if not declared or declared.strip() in _NO_LICENSE:
        return ()
    return tuple(refs.get(part, part) for part in split_conjunction(declared))


def _facts(package: _Package, refs: Mapping[str, str]) -> PackageFacts:
    origin = names.SOURCE_INFO.match(package.sourceInfo or "")
    return PackageFacts(
        name=package.name,
        version=package.versionInfo,
        purl=package.purl(),
        found_by=origin.group("found_by") if origin else _FOUND_BY,
        path=origin.group("path") if origin else None,
        diff_id=origin.group("layer") if origin else None,
        licenses=_licenses(package.licenseDeclared, refs),
    )


def _os(package: _Package) -> OSInfo:
    return OSInfo(
        id=package.name.lower(), version_id=package.versionInfo, pretty_name=package.description or ""
    )


def read_spdx(document: dict[str, object], *, where: str) -> Inventory:
    """The inventory an SPDX 2.x JSON document describes; SbomError if it is malformed."""
    try:
        spdx = _Document.model_validate(document)
    except ValidationError as exc:
        raise invalid_document("SPDX", where, exc) from exc
    refs = {item.licenseId: item.name or item.extractedText for item in spdx.hasExtractedLicensingInfos}
    image: _Package | None = None
    os: OSInfo | None = None
    packages: list[Package] = []
    skipped: list[Skipped] = []
    for package in spdx.packages:
        if package.primaryPackagePurpose == "CONTAINER" and image is None:
            image = package
        elif package.primaryPackagePurpose == "OPERATING-SYSTEM" and os is None:
            os = _os(package)
        else:
            result = to_package(_facts(package, refs), where=where)
            if isinstance(result, Package):
                packages.append(result)
            else:
                skipped.append(result)
    packages.sort(key=Package.sort_key)
    inventory = Inventory(os=os, packages=tuple(packages), skipped=tuple(skipped))
    if image is None:
        return inventory
    return replace(inventory, image_name=image.name, image_digest=image.versionInfo or None)
