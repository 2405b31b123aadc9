"""``registry:REF``: an image pulled from an OCI distribution registry, one layer at a time.

Nothing is written to disk: the manifest and config are fetched and verified up front, and each
layer is streamed from the registry when the layer pass asks for it, verified against its digest
as the bytes go by. Decompression happens downstream, on the stored bytes handed out here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import BinaryIO

from hullguard.errors import ImageError
from hullguard.image._json import parse_document
from hullguard.image._manifest import (
    INDEX_TYPES,
    MANIFEST_TYPES,
    Descriptor,
    Index,
    Manifest,
    select_platform,
)
from hullguard.image._model import (
    MEDIA_DOCKER_LAYER,
    MEDIA_OCI_LAYER,
    MEDIA_OCI_LAYER_GZIP,
    MEDIA_OCI_LAYER_ZSTD,
    Image,
    LayerRef,
    layers_from_config,
    parse_config,
)
from hullguard.image._reference import Reference
from hullguard.image._registry_client import ManifestResponse, RegistryClient, UnsupportedManifestError

__all__ = ["ENCRYPTED_LAYER_TYPES", "SUPPORTED_LAYER_TYPES", "UnsupportedLayerError", "open_registry_image"]

SUPPORTED_LAYER_TYPES = frozenset(
    {
        MEDIA_OCI_LAYER,
        MEDIA_OCI_LAYER_GZIP,
        MEDIA_OCI_LAYER_ZSTD,
        MEDIA_DOCKER_LAYER,
        "application/vnd.docker.image.rootfs.diff.tar",
    }
)
"""Layer blobs we can read: plain, gzip or zstd tars (the decompressor sniffs which)."""
ENCRYPTED_LAYER_TYPES = frozenset(f"{t}+encrypted" for t in SUPPORTED_LAYER_TYPES if ".oci." in t)
"""ocicrypt layers: readable once decrypted (``open_target`` wraps the blobs per its options)."""
_MAX_INDEX_DEPTH = 4
"""Indexes may nest (an index of indexes); a loop or a deep chain is hostile input."""


class UnsupportedLayerError(ImageError):
    """A layer we cannot read from the registry: encrypted, foreign, or not a tar at all."""


def _why_unsupported(media_type: str) -> str:
    if media_type.endswith("+encrypted"):
        return "is encrypted (ocicrypt); it needs the decryption key (--decryption-key)"
    if "foreign" in media_type or "nondistributable" in media_type:
        return "is a foreign (non-distributable) layer that the registry does not serve"
    return "has a media type that is not an image layer"


def _check_layers(manifest: Manifest, ref: Reference, layer_types: frozenset[str]) -> None:
    for i, layer in enumerate(manifest.layers):
        if layer.media_type not in layer_types:
            raise UnsupportedLayerError(
                f"{ref}: layer {i} ({layer.digest}, {layer.media_type or 'no media type'}) "
                f"{_why_unsupported(layer.media_type)}",
                hint="hullguard reads plain, gzip and zstd tar layers",
            )


class _RegistryBlobs:
    """Opens layer blobs of one repository; ``on_close`` runs when the image is closed."""

    def __init__(self, client: RegistryClient, ref: Reference, on_close: Callable[[], object] | None) -> None:
        self._client = client
        self._ref = ref
        self._on_close = on_close

    @contextmanager
    def open_layer(self, layer: LayerRef) -> Iterator[BinaryIO]:
        """The layer's stored bytes, streamed and verified against its digest."""
        if layer.digest is None:
            raise ImageError(f"{self._ref}: layer {layer.index} has no blob digest")
        stream = self._client.open_blob(self._ref, layer.digest, layer.size)
        try:
            yield stream
        finally:
            stream.close()

    def close(self) -> None:
        """Each layer stream closes itself; the client is released only if the caller asked."""
        if self._on_close is not None:
            on_close, self._on_close = self._on_close, None
            on_close()


def _resolve_manifest(
    ref: Reference, top: ManifestResponse, client: RegistryClient, platform: str | None
) -> tuple[ManifestResponse, list[str]]:
    """Follow indexes from ``top`` down to one image manifest for ``platform``, with notes."""
    fetched = top
    notes: list[str] = []
    for _ in range(_MAX_INDEX_DEPTH):
        if fetched.media_type not in INDEX_TYPES:
            break
        index = parse_document(Index, fetched.data, what=f"index {fetched.digest} of {ref}")
        chosen: Descriptor = select_platform(index, platform, where=str(ref))
        label = chosen.platform.label() if chosen.platform else "its only image"
        notes.append(f"{ref}: index {fetched.digest} resolved to {label} manifest {chosen.digest}")
        fetched = client.get_manifest(ref.with_digest(chosen.digest))
    if fetched.media_type not in MANIFEST_TYPES:
        raise UnsupportedManifestError(
            f"{ref}: {fetched.media_type or 'untyped'} manifest {fetched.digest} is not an image",
            hint="point at an image manifest or an index of images",
        )
    return fetched, notes


def open_registry_image(
    ref: Reference,
    *,
    client: RegistryClient,
    platform: str | None,
    on_close: Callable[[], object] | None = None,
    layer_types: frozenset[str] = SUPPORTED_LAYER_TYPES,
) -> Image:
    """Open ``ref`` from its registry; ``platform`` (``os/arch[/variant]``) picks from an index.

    The client stays the caller's; pass ``on_close=client.close`` to hand its lifetime to the
    image. The repo digest is the digest of what ``ref`` resolves to at the top (an index for a
    multi-arch image), as Docker records it; ``manifest_digest`` is the platform manifest's.
    ``layer_types`` are the layer media types accepted (add :data:`ENCRYPTED_LAYER_TYPES` when
    the caller decrypts or copies ciphertext).
    """
    top = client.get_manifest(ref)
    fetched, notes = _resolve_manifest(ref, top, client, platform)
    where = str(ref.with_digest(top.digest))
    manifest = parse_document(Manifest, fetched.data, what=f"manifest {fetched.digest} of {ref}")
    _check_layers(manifest, ref, layer_types)
    config_bytes = client.read_blob(ref, manifest.config.digest, manifest.config.size)
    config = parse_config(config_bytes, where=where)
    layers = layers_from_config(
        config, [(d.digest, d.media_type, d.size) for d in manifest.layers], where=where
    )
    return Image(
        name=str(ref),
        source="registry",
        config=config,
        config_digest=manifest.config.digest,
        layers=layers,
        blobs=_RegistryBlobs(client, ref, on_close),
        manifest_digest=fetched.digest,
        manifest_media_type=fetched.media_type,
        repo_tags=(f"{ref.name}:{ref.tag}",) if ref.tag else (),
        repo_digests=(f"{ref.name}@{top.digest}",),
        config_bytes=config_bytes,
        manifest_bytes=fetched.data,
        notes=notes,
    )
