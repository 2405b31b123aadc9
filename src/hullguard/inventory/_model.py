"""The inventory model: what an image contains, as every scanner after the layer pass sees it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from hullguard.image._model import ImageConfig

__all__ = [
    "CacheUsage",
    "FactKind",
    "FileFact",
    "FileFacts",
    "Inventory",
    "LayerInfo",
    "Location",
    "OSInfo",
    "Package",
    "PackageType",
    "SecretHit",
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
class SecretHit:
    """A secret one rule found in one file: never the secret itself, only a preview and a fingerprint."""

    rule_id: str
    path: str
    line: int
    """1-based line of the start of the secret."""
    column: int
    """1-based column (in bytes) of the start of the secret on its line."""
    redacted: str
    """The line with every secret on it masked except a few leading characters."""
    fingerprint: str
    """``sha256:`` of rule id and secret value: stable across scans, usable in ignore files."""
    diff_id: str | None = None
    """The layer holding the file (None for a directory)."""
    removed_in: str | None = None
    """The later layer that deleted or replaced the file; the secret is still extractable."""


class FactKind(StrEnum):
    """Why a filesystem entry is worth remembering (CIS Docker 4.8, Dockle CIS-DI-0008 and kin)."""

    SETUID = "setuid"
    SETGID = "setgid"
    WORLD_WRITABLE = "world-writable"
    NOTABLE = "notable"
    """A path whose mere presence matters, such as ``/usr/sbin/sshd`` or ``/usr/bin/sudo``."""


@dataclass(frozen=True, slots=True)
class FileFact:
    """One notable entry of the final filesystem, as its tar header described it."""

    path: str
    kind: FactKind
    mode: int
    """Permission bits including setuid (0o4000), setgid (0o2000) and sticky (0o1000)."""
    size: int
    uid: int
    gid: int
    is_dir: bool
    diff_id: str | None = None
    """The layer whose entry is visible at this path (None for a directory source)."""

    @property
    def sticky(self) -> bool:
        """A sticky directory (``/tmp``'s 1777): world-writable but entries are owner-deletable only."""
        return bool(self.mode & 0o1000)


@dataclass(frozen=True, slots=True)
class CacheUsage:
    """Files left under one package-manager cache directory in the final filesystem."""

    prefix: str
    """The cache directory, e.g. ``/var/cache/apt/archives``."""
    files: int
    bytes: int
    diff_ids: tuple[str, ...] = ()
    """Layers that contributed the remaining files, base first."""


@dataclass(frozen=True, slots=True)
class FileFacts:
    """Facts from the tar headers of every entry, merged across layers with whiteouts applied."""

    facts: tuple[FileFact, ...] = ()
    """Sorted by path, then kind."""
    caches: tuple[CacheUsage, ...] = ()
    """Only caches holding at least one file; sorted by prefix."""
    truncated: bool = False
    """True when a layer had more notable entries than the walker keeps (memory bound)."""

    def of_kind(self, kind: FactKind) -> tuple[FileFact, ...]:
        """The facts of one kind, in path order."""
        return tuple(f for f in self.facts if f.kind is kind)

    def has(self, path: str) -> bool:
        """Whether a notable path (``/usr/bin/sudo``) exists in the final filesystem."""
        return any(f.path == path for f in self.facts if f.kind is FactKind.NOTABLE)


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
    secrets: tuple[SecretHit, ...] = ()
    """Secrets found in files of every layer (empty unless the secret analyzer ran); sorted by
    path, line, rule. Hits in deleted or replaced files carry ``removed_in``."""
    file_facts: FileFacts = field(default_factory=FileFacts)
    config: ImageConfig | None = None
    """The image configuration (None for directories and SBOM inputs)."""

    def layer(self, diff_id: str | None) -> LayerInfo | None:
        """The layer with this diff_id, if it is part of the image."""
        for info in self.layers:
            if info.diff_id == diff_id:
                return info
        return None
