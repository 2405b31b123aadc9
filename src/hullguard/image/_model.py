"""One ``Image`` model for every source: manifest, config, layers and a way to read blobs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hullguard.errors import BadInputError
from hullguard.image._digest import parse_digest

__all__ = [
    "MEDIA_DOCKER_CONFIG",
    "MEDIA_DOCKER_LAYER",
    "MEDIA_DOCKER_LIST",
    "MEDIA_DOCKER_MANIFEST",
    "MEDIA_OCI_CONFIG",
    "MEDIA_OCI_INDEX",
    "MEDIA_OCI_LAYER",
    "MEDIA_OCI_LAYER_GZIP",
    "MEDIA_OCI_LAYER_ZSTD",
    "MEDIA_OCI_MANIFEST",
    "BlobOpener",
    "HistoryEntry",
    "Image",
    "ImageConfig",
    "LayerRef",
    "RunConfig",
    "parse_config",
]

MEDIA_OCI_INDEX = "application/vnd.oci.image.index.v1+json"
MEDIA_OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MEDIA_OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
MEDIA_OCI_LAYER = "application/vnd.oci.image.layer.v1.tar"
MEDIA_OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
MEDIA_OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd"
MEDIA_DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
MEDIA_DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
MEDIA_DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
MEDIA_DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)


class HistoryEntry(_Lenient):
    """One ``history`` entry of the image config; ``empty_layer`` entries made no layer."""

    created: str | None = None
    created_by: str = ""
    author: str | None = None
    comment: str | None = None
    empty_layer: bool = False


class RunConfig(_Lenient):
    """The ``config`` object of an image config: how a container of the image runs."""

    User: str = ""
    Env: list[str] | None = None
    Cmd: list[str] | None = None
    Entrypoint: list[str] | None = None
    WorkingDir: str = ""
    ExposedPorts: dict[str, Any] | None = None
    Volumes: dict[str, Any] | None = None
    Labels: dict[str, str] | None = None
    StopSignal: str | None = None
    Healthcheck: dict[str, Any] | None = None


class _RootFS(_Lenient):
    type: str = "layers"
    diff_ids: list[str] = Field(default_factory=list)


class ImageConfig(_Lenient):
    """The image configuration (OCI image-spec ``config.md``; Docker's is a superset)."""

    architecture: str = ""
    os: str = ""
    variant: str | None = None
    created: str | None = None
    author: str | None = None
    config: RunConfig = Field(default_factory=RunConfig)
    rootfs: _RootFS = Field(default_factory=_RootFS)
    history: list[HistoryEntry] = Field(default_factory=list)


def parse_config(data: bytes, *, where: str) -> ImageConfig:
    """Parse and validate an image config; bad JSON becomes a one-line BadInputError."""
    try:
        raw = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadInputError(f"image config in {where} is not JSON: {exc}") from exc
    except RecursionError:
        raise BadInputError(f"image config in {where} is nested too deeply") from None
    if not isinstance(raw, dict):
        raise BadInputError(f"image config in {where} is not a JSON object")
    try:
        return ImageConfig.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise BadInputError(f"image config in {where} is invalid at {loc}: {first['msg']}") from exc


@dataclass(frozen=True, slots=True)
class LayerRef:
    """One layer: the blob that carries it and the uncompressed digest the config names."""

    index: int
    diff_id: str
    digest: str | None
    """Digest of the blob as stored (compressed); None when the source has no blob digest."""
    media_type: str
    size: int
    """Size of the stored blob in bytes (-1 when unknown)."""
    created_by: str = ""


class BlobOpener(Protocol):
    """How an image's source hands out layer streams: raw blob bytes, verified as they stream."""

    def open_layer(self, layer: LayerRef) -> AbstractContextManager[BinaryIO]:
        """Open the stored (possibly compressed) bytes of one layer."""
        ...

    def close(self) -> None:
        """Release files, sockets or temporary state."""
        ...


@dataclass(slots=True)
class Image:
    """An image from any source, with its layers in order (base first)."""

    name: str
    """The reference as the user gave it, resolved (e.g. ``docker-archive:/tmp/x.tar``)."""
    source: str
    """Which source produced it: docker-archive, oci-layout, registry, docker, podman, rootfs."""
    config: ImageConfig
    config_digest: str | None
    layers: tuple[LayerRef, ...]
    blobs: BlobOpener
    manifest_digest: str | None = None
    manifest_media_type: str = ""
    repo_tags: tuple[str, ...] = ()
    repo_digests: tuple[str, ...] = ()
    config_bytes: bytes = b""
    manifest_bytes: bytes = b""
    notes: list[str] = field(default_factory=list)
    """What the resolver decided, shown to the user (e.g. "resolved to local docker engine")."""

    @property
    def digest(self) -> str | None:
        """The image's identity: manifest digest when known, else config digest (image id)."""
        return self.manifest_digest or self.config_digest

    def iter_layers(self) -> Iterator[LayerRef]:
        """Layers in order, base first."""
        return iter(self.layers)

    def close(self) -> None:
        """Release the source's resources."""
        self.blobs.close()

    def __enter__(self) -> Image:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def layers_from_config(
    config: ImageConfig,
    blobs: list[tuple[str | None, str, int]],
    *,
    where: str,
) -> tuple[LayerRef, ...]:
    """Pair the config's diff_ids and history with the stored blobs ``(digest, media_type, size)``.

    ``created_by`` comes from the non-empty history entries in order (image-spec: history entries
    with ``empty_layer`` made no layer). A count mismatch is malformed input.
    """
    diff_ids = config.rootfs.diff_ids
    if len(diff_ids) != len(blobs):
        raise BadInputError(
            f"{where}: manifest lists {len(blobs)} layers but the config has {len(diff_ids)} diff_ids"
        )
    steps = [h.created_by for h in config.history if not h.empty_layer]
    if len(steps) != len(diff_ids):
        steps = [""] * len(diff_ids)
    return tuple(
        LayerRef(
            index=i,
            diff_id=parse_digest(diff_id, where=f"{where} config rootfs.diff_ids[{i}]"),
            digest=None if digest is None else parse_digest(digest, where=f"{where} layer {i}"),
            media_type=media_type,
            size=size,
            created_by=steps[i],
        )
        for i, (diff_id, (digest, media_type, size)) in enumerate(zip(diff_ids, blobs, strict=True))
    )
