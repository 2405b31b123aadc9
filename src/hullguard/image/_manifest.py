"""OCI/Docker manifests and indexes, and picking one platform from an index."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from hullguard.errors import BadInputError, ImageError
from hullguard.image._model import (
    MEDIA_DOCKER_LIST,
    MEDIA_DOCKER_MANIFEST,
    MEDIA_OCI_INDEX,
    MEDIA_OCI_MANIFEST,
)

__all__ = ["INDEX_TYPES", "MANIFEST_TYPES", "Descriptor", "Index", "Manifest", "Platform", "select_platform"]

INDEX_TYPES = frozenset({MEDIA_OCI_INDEX, MEDIA_DOCKER_LIST})
MANIFEST_TYPES = frozenset({MEDIA_OCI_MANIFEST, MEDIA_DOCKER_MANIFEST})


class _Doc(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)


class Platform(_Doc):
    """The platform object of an index entry."""

    os: str = ""
    architecture: str = ""
    variant: str | None = None

    def label(self) -> str:
        """``os/arch[/variant]`` as users write it in ``--platform``."""
        return "/".join(p for p in (self.os, self.architecture, self.variant) if p)


class Descriptor(_Doc):
    """An OCI content descriptor."""

    media_type: str = Field(default="", alias="mediaType")
    digest: str
    size: int = -1
    annotations: dict[str, str] | None = None
    platform: Platform | None = None


class Manifest(_Doc):
    """An image manifest (OCI or Docker schema 2)."""

    schema_version: int = Field(default=2, alias="schemaVersion")
    media_type: str = Field(default="", alias="mediaType")
    config: Descriptor
    layers: list[Descriptor]


class Index(_Doc):
    """An image index or Docker manifest list."""

    schema_version: int = Field(default=2, alias="schemaVersion")
    media_type: str = Field(default="", alias="mediaType")
    manifests: list[Descriptor]


def select_platform(index: Index, wanted: str | None, *, where: str) -> Descriptor:
    """The entry matching ``os/arch[/variant]`` (default ``linux/amd64``); attestations skipped."""
    images = [
        d
        for d in index.manifests
        if d.media_type in MANIFEST_TYPES or (d.platform is not None and d.platform.os != "unknown")
    ]
    if not images:
        raise BadInputError(f"{where}: the index lists no image manifests")
    if wanted is None and len(images) == 1:
        return images[0]
    target = (wanted or "linux/amd64").split("/")
    for desc in images:
        plat = desc.platform or Platform()
        have = [plat.os, plat.architecture, plat.variant or ""]
        if have[:2] == target[:2] and (len(target) < 3 or have[2] == target[2]):
            return desc
    available = ", ".join(sorted({(d.platform or Platform()).label() for d in images}))
    raise ImageError(
        f"{where}: no image for platform {'/'.join(target)}", hint=f"choose --platform from: {available}"
    )
