"""SPDX 2.3 JSON, written as a plain dict (no SPDX library at run time).

Layout (SPDX 2.3 spec, clauses 6 document, 7 package, 10 other licensing, 11 relationships):

* the document ``DESCRIBES`` the image package (``primaryPackagePurpose: CONTAINER``, version =
  image digest), which ``CONTAINS`` the operating system (``OPERATING-SYSTEM``) and every package;
* each package has a sanitised, stable ``SPDXID`` (``SPDXRef-Package-<type>-<name>-<hash>``), its
  purl as a ``PACKAGE-MANAGER`` external reference, ``downloadLocation: NOASSERTION`` and
  ``filesAnalyzed: false`` (we list packages, not their files), and a ``sourceInfo`` naming the
  analyzer, the path and the layer;
* ``licenseDeclared`` is a valid SPDX expression or ``NOASSERTION``; license names that are not
  SPDX become ``LicenseRef-`` ids explained in ``hasExtractedLicensingInfos``.

``documentNamespace`` must be unique per document (clause 6.5), so it ends in a fresh UUID; the
UUID and the creation time come from injectable callables so tests can pin them.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TextIO

from hullguard.inventory import Inventory, OSInfo, Package
from hullguard.sbom import _common as names
from hullguard.sbom._licenses import join_expressions, license_ref, spdx_form

__all__ = ["PLUGINS", "SpdxJsonWriter"]

_DOCUMENT = "SPDXRef-DOCUMENT"
_NOASSERTION = "NOASSERTION"
Json = dict[str, object]


class _LicenseRefs:
    """Hands out ``LicenseRef-`` ids for free-text license names, one per name, never two alike."""

    def __init__(self) -> None:
        self._by_name: dict[str, str] = {}

    def ref(self, name: str) -> str:
        if name not in self._by_name:
            base = license_ref(name)
            # Tools may compare LicenseRefs without regard to case; keep them apart that way too.
            taken = {ref.lower() for ref in self._by_name.values()}
            ref, n = base, 1
            while ref.lower() in taken:
                n += 1
                ref = f"{base}-{n}"
            self._by_name[name] = ref
        return self._by_name[name]

    def extracted(self) -> list[Json]:
        """``hasExtractedLicensingInfos``: the original text is all we know about such a license."""
        return [
            {"licenseId": ref, "name": name, "extractedText": name}
            for name, ref in sorted(self._by_name.items(), key=lambda item: item[1])
        ]

    def expression(self, licenses: Iterable[str]) -> str:
        """All of a package's licenses conjoined, or NOASSERTION when it declares none."""
        forms = [spdx_form(value) or self.ref(value.strip()) for value in licenses if value.strip()]
        return join_expressions(forms) if forms else _NOASSERTION


def _base_package(spdx_id: str, name: str, version: str | None) -> Json:
    """The fields every package of ours has; the spec requires downloadLocation (7.7)."""
    package: Json = {"name": name, "SPDXID": spdx_id}
    if version:
        package["versionInfo"] = version
    package.update(downloadLocation=_NOASSERTION, filesAnalyzed=False)
    return package


def _image(inventory: Inventory) -> Json:
    name = inventory.image_name or "image"
    package = _base_package(
        f"SPDXRef-DocumentRoot-Image-{names.sanitize_id(name)}", name, inventory.image_digest
    )
    algorithm, _, value = (inventory.image_digest or "").partition(":")
    if algorithm == "sha256" and value:
        package["checksums"] = [{"algorithm": "SHA256", "checksumValue": value}]
    package.update(licenseConcluded=_NOASSERTION, licenseDeclared=_NOASSERTION)
    package["primaryPackagePurpose"] = "CONTAINER"
    return package


def _operating_system(os: OSInfo) -> Json:
    spdx_id = f"SPDXRef-OperatingSystem-{names.sanitize_id(os.id)}-{names.sanitize_id(os.version_id)}"
    package = _base_package(spdx_id.rstrip("-"), os.id, os.version_id)
    if os.pretty_name:
        package["description"] = os.pretty_name
    package.update(licenseConcluded=_NOASSERTION, licenseDeclared=_NOASSERTION)
    package["primaryPackagePurpose"] = "OPERATING-SYSTEM"
    return package


def _package(package: Package, spdx_id: str, licenses: _LicenseRefs) -> Json:
    entry = _base_package(spdx_id, package.name, package.version)
    entry.update(
        licenseConcluded=_NOASSERTION,
        licenseDeclared=licenses.expression(package.licenses),
        copyrightText=_NOASSERTION,
        sourceInfo=names.source_info(package),
    )
    if package.purl:
        entry["externalRefs"] = [
            {
                "referenceCategory": "PACKAGE-MANAGER",
                "referenceType": "purl",
                "referenceLocator": package.purl,
            }
        ]
    return entry


def _relationship(element: str, kind: str, related: str) -> Json:
    return {"spdxElementId": element, "relationshipType": kind, "relatedSpdxElement": related}


@dataclass(frozen=True, slots=True)
class SpdxJsonWriter:
    """Writes SPDX 2.3 JSON; ``clock`` and ``new_uuid`` exist so tests get fixed values."""

    id: str = "spdx-json"
    aliases: tuple[str, ...] = ("spdx",)
    media_type: str = "application/spdx+json"
    namespace_base: str = "https://hullguard.dev/spdxdocs"
    """Prefix of ``documentNamespace``; the image name and a UUID follow it."""
    clock: Callable[[], datetime] = names.utc_now
    new_uuid: Callable[[], uuid.UUID] = uuid.uuid4

    def document(self, inventory: Inventory, *, tool_version: str) -> Json:
        """The SPDX document as a JSON-ready dict."""
        image = _image(inventory)
        image_id = str(image["SPDXID"])
        licenses = _LicenseRefs()
        refs = names.package_refs(inventory.packages)
        packages = [image]
        if inventory.os is not None:
            packages.append(_operating_system(inventory.os))
        packages.extend(_package(p, f"SPDXRef-Package-{ref}", licenses) for p, ref in refs.items())
        relationships = [_relationship(_DOCUMENT, "DESCRIBES", image_id)]
        relationships.extend(_relationship(image_id, "CONTAINS", str(p["SPDXID"])) for p in packages[1:])
        document: Json = {
            "spdxVersion": "SPDX-2.3",
            "dataLicense": "CC0-1.0",
            "SPDXID": _DOCUMENT,
            "name": str(image["name"]),
            "documentNamespace": self._namespace(str(image["name"])),
            "creationInfo": {
                "created": self.clock().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "creators": [f"Tool: hullguard-{tool_version}"],
            },
            "packages": packages,
            "relationships": relationships,
        }
        if extracted := licenses.extracted():
            document["hasExtractedLicensingInfos"] = extracted
        return document

    def _namespace(self, name: str) -> str:
        return f"{self.namespace_base.rstrip('/')}/{names.sanitize_id(name) or 'image'}-{self.new_uuid()}"

    def write(self, inventory: Inventory, out: TextIO, *, tool_version: str) -> None:
        """Serialise the document as indented JSON, ending with a newline."""
        json.dump(self.document(inventory, tool_version=tool_version), out, indent=2, ensure_ascii=False)
        out.write("\n")


PLUGINS = [SpdxJsonWriter()]
