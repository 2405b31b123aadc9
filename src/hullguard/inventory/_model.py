"""The inventory model: what an image contains, as every scanner after the layer pass sees it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "Inventory",
    "LayerInfo",
    "Location",
    "OSInfo",
    "Package",
    "PackageType",
    "Skipped",
]


class PackageType(StrEnum):
    """Kinds of package; the values follow syft's names so SBOMs compare one to one."""

    DEB = "deb"
    APK = "apk"
    RPM = "rpm"
    PYTHON = "python"
    NPM = "npm"
    GO_MODULE = "go-module"
    JAVA = "java-archive"
    GEM = "gem"
    CARGO = "rust-crate"
    COMPOSER = "php-composer"
    NUGET = "dotnet"


@dataclass(frozen=True, slots=True)
class Location:
    """Where a package was declared: a path inside the image and the layer that holds it."""

    path: str
    """Absolute path inside the image filesystem, always starting with ``/``."""
    diff_id: str | None = None
    """The uncompressed digest of the layer that holds the file (None for a plain directory)."""


@dataclass(frozen=True, slots=True)
class Package:
    """One installed or declared package.

    ``version`` is written as the ecosystem writes it (dpkg ``epoch:upstream-revision``, rpm
    ``epoch:version-release``), because that is what advisories compare against.
    """

    name: str
    """Name as the ecosystem spells it (npm scope included, e.g. ``@babel/core``)."""
    version: str
    type: PackageType
    location: Location
    found_by: str
    """Id of the analyzer that produced it."""
    namespace: str | None = None
    """Maven groupId; left None elsewhere (the purl carries distro namespaces)."""
    source_name: str | None = None
    """Source package (dpkg ``Source:``, apk origin, rpm source rpm name): advisories key on it."""
    source_version: str | None = None
    arch: str | None = None
    licenses: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    """Files the package manager says it owns (dpkg ``info/*.list``, rpm file lists)."""
    purl: str = ""
    """Package URL; filled by the inventory builder once the distro is known."""

    def sort_key(self) -> tuple[str, str, str, str]:
        """Reports sort packages by type, name, version, then path."""
        return (self.type.value, self.name, self.version, self.location.path)


@dataclass(frozen=True, slots=True)
class OSInfo:
    """The distribution of an image, from os-release and distro-specific files."""

    id: str
    """os-release ``ID`` (debian, ubuntu, alpine, rhel, ...)."""
    version_id: str = ""
    version_codename: str = ""
    pretty_name: str = ""
    id_like: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file that could not be used, and why; it reaches the report instead of vanishing."""

    path: str
    reason: str
    diff_id: str | None = None
    analyzer: str = ""


@dataclass(frozen=True, slots=True)
class LayerInfo:
    """What the inventory keeps of each layer: enough to name it in a report."""

    index: int
    diff_id: str
    digest: str | None
    media_type: str
    size: int
    created_by: str = ""


@dataclass(frozen=True, slots=True)
class Inventory:
    """Everything the layer pass found in the final filesystem view of one image."""

    os: OSInfo | None
    packages: tuple[Package, ...]
    layers: tuple[LayerInfo, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    image_name: str = ""
    image_digest: str | None = None
    """Manifest digest when the source has one; else the config digest."""
    config_digest: str | None = None
    repo_tags: tuple[str, ...] = ()
    repo_digests: tuple[str, ...] = ()
    architecture: str = ""
    os_name: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    """Free-form image facts shown in reports (created date, source kind); strings only."""

    def layer(self, diff_id: str | None) -> LayerInfo | None:
        """The layer with this diff_id, if it is part of the image."""
        for info in self.layers:
            if info.diff_id == diff_id:
                return info
        return None
