"""Copy an image while encrypting or decrypting its layers: ``hullguard encrypt``/``decrypt``.

The config is copied byte for byte (its digest does not change; interop doc B7); the manifest
is written as OCI because Docker schema 2 cannot describe encrypted layers. Every output blob
is finished and checked in a private staging directory before the destination sees it, and
the manifest is written last, so a failure at any step leaves no partial image.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from hullguard.analyze._progress import LayerProgress, NoProgress
from hullguard.crypt._errors import DestinationRefusedError, EncryptedLayerError, UnsupportedLayerError
from hullguard.crypt._keys import DecryptionKey, Recipient
from hullguard.crypt._layer import (
    SourceLayer,
    StagedBlob,
    copy_layer,
    decrypt_layer,
    encrypt_layer,
    staged_file,
)
from hullguard.crypt._on_read import layer_annotations
from hullguard.crypt._options import is_encrypted
from hullguard.errors import ConfigError, ImageError
from hullguard.image._json import parse_document
from hullguard.image._manifest import Descriptor, Manifest
from hullguard.image._model import MEDIA_DOCKER_CONFIG, MEDIA_OCI_CONFIG, Image
from hullguard.image._resolve import SourceOptions, open_target
from hullguard.image._write import (
    DestinationKind,
    ImageDestination,
    OutputManifest,
    WrittenImage,
    destination,
)

__all__ = ["CopyResult", "decrypt_image", "encrypt_image", "select_layers"]


@dataclass(frozen=True, slots=True)
class CopyResult:
    """What a copy wrote and which layers it changed."""

    written: WrittenImage
    changed: tuple[int, ...]
    """Indices (base first) of the layers encrypted or decrypted."""
    layer_digests: tuple[str, ...]
    """Digest of every layer blob as written, in order."""
    notes: tuple[str, ...] = ()


def select_layers(count: int, wanted: Sequence[int]) -> tuple[int, ...]:
    """``--layer`` values (0-based, negative from the end, as skopeo's ``--encrypt-layer``)."""
    if not wanted:
        return tuple(range(count))
    chosen = set()
    for number in wanted:
        index = number + count if number < 0 else number
        if not 0 <= index < count:
            raise ConfigError(
                f"--layer {number}: the image has {count} layers", hint=f"use 0..{count - 1} or -1..-{count}"
            )
        chosen.add(index)
    return tuple(sorted(chosen))


def _open_source(text: str, options: SourceOptions) -> Image:
    target = open_target(text, dataclasses.replace(options, decryption_keys=None))
    if not isinstance(target, Image):
        raise ImageError(f"{text}: a directory is not an image", hint="use oci-layout:DIR for an OCI layout")
    if target.source in ("docker", "podman"):
        target.close()
        raise ImageError(
            f"{text}: layers of engine images cannot be read one by one",
            hint="export it first: docker save -o image.tar NAME, then use docker-archive:image.tar",
        )
    return target


def _config_descriptor(image: Image) -> Descriptor:
    media_type = MEDIA_OCI_CONFIG
    if image.source in ("registry", "oci-layout") and image.manifest_bytes:
        manifest = parse_document(Manifest, image.manifest_bytes, what=f"{image.name} manifest")
        if manifest.config.media_type not in ("", MEDIA_DOCKER_CONFIG):
            media_type = manifest.config.media_type
    assert image.config_digest is not None  # every source we accept knows it
    return Descriptor(mediaType=media_type, digest=image.config_digest, size=len(image.config_bytes))


def _copy(
    image: Image,
    dest: ImageDestination,
    transform: Callable[[SourceLayer, Path, Callable[[int], None]], StagedBlob | None],
    progress: LayerProgress,
) -> tuple[WrittenImage, list[Descriptor], list[str]]:
    """Stream every layer through ``transform`` (None = copy as is), then config and manifest."""
    annotations = layer_annotations(image)
    descriptors: list[Descriptor] = []
    notes: list[str] = []
    total = len(image.layers)
    for layer, extra in zip(image.layers, annotations, strict=True):
        source = SourceLayer(layer, extra)
        progress.begin(f"layer {layer.index + 1}/{total}", layer.size if layer.size >= 0 else None)
        try:
            staged = transform(source, dest.staging, progress.advance)
            if staged is None:
                with image.blobs.open_layer(layer) as raw:
                    staged = copy_layer(source, raw, dest.staging, on_read=progress.advance)
        finally:
            progress.end()
        notes.extend(staged.notes)
        progress.begin(f"write layer {layer.index + 1}/{total}", staged.descriptor.size)
        try:
            dest.add_blob(
                staged.path, staged.descriptor.digest, staged.descriptor.size, on_sent=progress.advance
            )
        finally:
            progress.end()
        descriptors.append(staged.descriptor)
    config = _config_descriptor(image)
    path, out = staged_file(dest.staging)
    with out:
        out.write(image.config_bytes)
    dest.add_blob(path, config.digest, config.size, on_sent=None)
    written = dest.commit(OutputManifest(config, tuple(descriptors)))
    return written, descriptors, notes


def _verify_written(written: WrittenImage, descriptors: list[Descriptor], options: SourceOptions) -> None:
    """Read back what was written: every layer must be there with the type and digest we meant.

    skopeo writes plaintext layers without a word when told to encrypt into Docker schema 2
    (interop doc B7); checking what the destination really holds catches any such surprise.
    """
    reread = _open_source(written.reference, options)
    with reread:
        got = [(layer.media_type, layer.digest) for layer in reread.layers]
    meant = [(d.media_type, d.digest) for d in descriptors]
    if got != meant:
        raise EncryptedLayerError(
            f"{written.reference}: the written image does not hold the layers that were sent",
            hint=f"expected {meant}, found {got}",
        )


def encrypt_image(
    source: str,
    target: str,
    *,
    recipients: Sequence[Recipient],
    layers: Sequence[int] = (),
    options: SourceOptions,
    progress: LayerProgress | None = None,
) -> CopyResult:
    """Copy ``source`` to ``target`` with the selected layers encrypted for ``recipients``."""
    if not recipients:
        raise ConfigError("encryption needs at least one recipient", hint="--recipient jwe:PUBLIC_KEY.pem")
    with destination(target, options) as dest:
        if dest.kind is DestinationKind.DOCKER_ARCHIVE:  # (1) refuse before any work
            raise DestinationRefusedError(
                f"{target}: a docker-archive cannot hold encrypted layers (Docker has no ocicrypt support)",
                hint="encrypt into a registry or an oci-layout:DIR instead",
            )
        with _open_source(source, options) as image:  # (2)
            chosen = select_layers(len(image.layers), layers)
            for index in chosen:
                if is_encrypted(image.layers[index].media_type):
                    raise UnsupportedLayerError(f"{source}: layer {index} is already encrypted")

            def transform(
                layer: SourceLayer, staging: Path, advance: Callable[[int], None]
            ) -> StagedBlob | None:
                if layer.ref.index not in chosen:
                    return None
                with image.blobs.open_layer(layer.ref) as raw:
                    return encrypt_layer(layer, raw, recipients, staging, on_read=advance)

            written, descriptors, notes = _copy(image, dest, transform, progress or NoProgress())  # (3)
    _verify_written(written, descriptors, options)  # (4)
    unencrypted = [d for i, d in enumerate(descriptors) if i in chosen and not is_encrypted(d.media_type)]
    if unencrypted:  # cannot happen after (4); kept as the explicit statement of the guarantee
        raise EncryptedLayerError(f"{target}: layers meant to be encrypted were written in plaintext")
    return CopyResult(written, chosen, tuple(d.digest for d in descriptors), tuple(notes))


def decrypt_image(
    source: str,
    target: str,
    *,
    keys: Sequence[DecryptionKey],
    options: SourceOptions,
    progress: LayerProgress | None = None,
) -> CopyResult:
    """Copy ``source`` to ``target`` with every encrypted layer decrypted by one of ``keys``."""
    if not keys:
        raise ConfigError("decryption needs a private key", hint="--key PRIVATE_KEY.pem")
    with destination(target, options) as dest, _open_source(source, options) as image:
        changed = tuple(layer.index for layer in image.layers if is_encrypted(layer.media_type))

        def transform(layer: SourceLayer, staging: Path, advance: Callable[[int], None]) -> StagedBlob | None:
            if not is_encrypted(layer.ref.media_type):
                return None
            with image.blobs.open_layer(layer.ref) as raw:
                return decrypt_layer(layer, raw, keys, staging, limits=options.limits, on_read=advance)

        written, descriptors, notes = _copy(image, dest, transform, progress or NoProgress())
    if not changed:
        notes.append(f"{source}: no layer was encrypted; the image was copied as it is")
    if written.manifest_digest is not None:
        _verify_written(written, descriptors, options)
    return CopyResult(written, changed, tuple(d.digest for d in descriptors), tuple(notes))
