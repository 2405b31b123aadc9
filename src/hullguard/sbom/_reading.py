"""What the CycloneDX and SPDX readers share: turning a document's package facts into a Package.

A document element we cannot type (no purl, a purl type we do not model, a broken purl) is not
an error of the whole document: it becomes a :class:`Skipped` entry naming the element, so the
report says what was left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from packageurl import PackageURL
from pydantic import BaseModel, ConfigDict, ValidationError

from hullguard.errors import SbomError
from hullguard.inventory import Location, Package, PackageType, Skipped
from hullguard.inventory.purl import package_type_for_purl_type

__all__ = ["UNKNOWN_PATH", "DocumentModel", "PackageFacts", "invalid_document", "to_package"]

_MAX_LOC = 8
UNKNOWN_PATH = "/"
"""Location path of a package whose document does not say where in the image it was found."""


class DocumentModel(BaseModel):
    """Base of the validated document models: fields we do not model are ignored, not refused,
    because both formats allow extensions and newer minor versions add fields."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


@dataclass(frozen=True, slots=True)
class PackageFacts:
    """Package facts as a document states them, before they are checked and typed."""

    name: str
    version: str
    purl: str
    found_by: str
    path: str | None = None
    diff_id: str | None = None
    type_hint: str | None = None
    """A package type stated outside the purl (``hullguard:package:type``, ``syft:package:type``)."""
    namespace: str | None = None
    licenses: tuple[str, ...] = ()
    source_name: str | None = None
    source_version: str | None = None
    arch: str | None = None


def _type_of(facts: PackageFacts, purl: PackageURL | None) -> PackageType | None:
    if purl is not None and (found := package_type_for_purl_type(purl.type)) is not None:
        return found
    known = {kind.value: kind for kind in PackageType}
    return known.get(facts.type_hint or "")


def to_package(facts: PackageFacts, *, where: str) -> Package | Skipped:
    """A Package when the facts can be typed, else a Skipped entry saying which element and why."""
    label = f"{facts.name}@{facts.version}" if facts.version else facts.name
    if not facts.name.strip():
        return Skipped(where, f"a package without a name (purl {facts.purl!r})", analyzer=facts.found_by)
    purl: PackageURL | None = None
    if facts.purl:
        try:
            purl = PackageURL.from_string(facts.purl)
        except ValueError as exc:
            return Skipped(
                where, f"package {label}: invalid purl {facts.purl!r}: {exc}", analyzer=facts.found_by
            )
    package_type = _type_of(facts, purl)
    if package_type is None:
        reason = f"purl type {purl.type!r} is not supported" if purl else "no purl and no known package type"
        return Skipped(where, f"package {label}: {reason}", analyzer=facts.found_by)
    namespace = facts.namespace
    if namespace is None and package_type is PackageType.JAVA and purl is not None:
        namespace = purl.namespace
    path = facts.path if facts.path and facts.path.startswith("/") else UNKNOWN_PATH
    return Package(
        name=facts.name,
        version=facts.version,
        type=package_type,
        location=Location(path, facts.diff_id or None),
        found_by=facts.found_by,
        namespace=namespace,
        source_name=facts.source_name or None,
        source_version=facts.source_version or None,
        arch=facts.arch or None,
        licenses=facts.licenses,
        purl=facts.purl,
    )


def invalid_document(kind: str, where: str, exc: ValidationError) -> SbomError:
    """A one-line error naming the file and the first offending field."""
    first = exc.errors()[0]
    loc = [str(part) for part in first["loc"]]
    if len(loc) > _MAX_LOC:  # a deeply nested document would otherwise give a kilobyte-long path
        loc = [*loc[:2], "...", *loc[-2:]]
    field = ".".join(loc) or "(document)"
    more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
    return SbomError(
        f"{where}: not a valid {kind} document: {field}: {first['msg']}{more}",
        hint="check that the file is a complete JSON SBOM",
    )
