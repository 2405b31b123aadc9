"""One layer at a time: encrypt, decrypt or copy a stored blob into a staged file.

Each function reads the source blob once (the source verifies its digest as it streams) and
returns the staged file with the descriptor that will name it in the new manifest.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from hullguard.crypt._cipher import LayerKey, decrypt_stream, encrypt_stream
from hullguard.crypt._errors import DecryptionError, EncryptedLayerError, UnsupportedLayerError
from hullguard.crypt._jwe import unwrap_options, wrap_options
from hullguard.crypt._keys import DecryptionKey, Recipient
from hullguard.crypt._options import (
    ANNOTATION_JWE,
    ANNOTATION_PUBOPTS,
    ENC_ANNOTATION_PREFIX,
    PrivateOptions,
    PublicOptions,
    decrypted_media_type,
    encrypted_media_type,
    oci_layer_type,
    other_schemes,
)
from hullguard.image._decompress import open_layer_stream
from hullguard.image._digest import DigestMismatchError
from hullguard.image._entry import Readable
from hullguard.image._limits import Limits
from hullguard.image._manifest import Descriptor
from hullguard.image._model import LayerRef

__all__ = [
    "SourceLayer",
    "StagedBlob",
    "copy_layer",
    "decrypt_layer",
    "encrypt_layer",
    "open_layer_key",
    "staged_file",
]

_COPY_CHUNK = 4 << 20


@dataclass(frozen=True, slots=True)
class SourceLayer:
    """A layer of the source image with what its manifest descriptor says beyond ``LayerRef``."""

    ref: LayerRef
    annotations: Mapping[str, str] = field(default_factory=dict)

    @property
    def where(self) -> str:
        """How messages name the layer."""
        return f"layer {self.ref.index}"


@dataclass(frozen=True, slots=True)
class StagedBlob:
    """A finished blob file and the descriptor that names it."""

    path: Path
    descriptor: Descriptor
    notes: tuple[str, ...] = ()


def staged_file(staging: Path) -> tuple[Path, BinaryIO]:
    """A new private file in ``staging`` (mode 0600), open for writing."""
    fd, name = tempfile.mkstemp(dir=staging, prefix="blob-")
    return Path(name), os.fdopen(fd, "wb", buffering=0)


def _check_plain_digest(layer: SourceLayer, computed: str | None) -> None:
    """Sources without blob digests (docker-archive) hold uncompressed tars: digest = diff_id."""
    if layer.ref.digest is None and computed is not None and computed != layer.ref.diff_id:
        raise DigestMismatchError(
            f"{layer.where}: the stored tar is {computed}, the config says {layer.ref.diff_id}",
            hint="the archive is corrupt or was tampered with",
        )


def encrypt_layer(
    layer: SourceLayer,
    raw: Readable,
    recipients: Sequence[Recipient],
    staging: Path,
    *,
    on_read: Callable[[int], None] | None = None,
) -> StagedBlob:
    """Encrypt one layer blob for ``recipients`` (interop doc B3-B5)."""
    media_type = encrypted_media_type(layer.ref.media_type, where=layer.where)
    key = LayerKey.generate()
    path, out = staged_file(staging)
    with out:
        result = encrypt_stream(raw, out, key, hash_input=layer.ref.digest is None, on_read=on_read)
    plain_digest = layer.ref.digest or result.in_digest or ""
    _check_plain_digest(layer, result.in_digest)
    private = PrivateOptions(symkey=key.symkey, nonce=key.nonce, digest=plain_digest)
    public = PublicOptions(hmac=result.hmac)
    annotations = {
        **{k: v for k, v in layer.annotations.items() if not k.startswith(ENC_ANNOTATION_PREFIX)},
        ANNOTATION_JWE: wrap_options(private.to_json(), recipients),
        ANNOTATION_PUBOPTS: public.to_annotation(),
    }
    descriptor = Descriptor(
        mediaType=media_type, digest=result.out_digest, size=result.out_size, annotations=annotations
    )
    return StagedBlob(path, descriptor)


def copy_layer(
    layer: SourceLayer, raw: Readable, staging: Path, *, on_read: Callable[[int], None] | None = None
) -> StagedBlob:
    """Copy a layer that stays as it is (unselected for encryption), under its OCI media type."""
    media_type = layer.ref.media_type
    if not media_type.endswith("+encrypted"):
        media_type = oci_layer_type(media_type, where=layer.where)
    digest = hashlib.sha256()
    size = 0
    path, out = staged_file(staging)
    with out:
        while chunk := raw.read(_COPY_CHUNK):
            digest.update(chunk)
            out.write(chunk)
            size += len(chunk)
            if on_read is not None:
                on_read(len(chunk))
    computed = "sha256:" + digest.hexdigest()
    _check_plain_digest(layer, computed)
    annotations = dict(layer.annotations) or None
    return StagedBlob(
        path, Descriptor(mediaType=media_type, digest=computed, size=size, annotations=annotations)
    )


def open_layer_key(
    annotations: Mapping[str, str], keys: Sequence[DecryptionKey], *, where: str
) -> tuple[LayerKey, PublicOptions, PrivateOptions]:
    """Unwrap a layer's key with one of ``keys``; the nonce is taken from the public options first."""
    if ANNOTATION_JWE not in annotations:
        schemes = other_schemes(annotations)
        if schemes:
            raise UnsupportedLayerError(
                f"{where} is wrapped only for {', '.join(schemes)}; hullguard supports jwe keys",
                hint="re-encrypt the image with --recipient jwe:PUBLIC_KEY.pem",
            )
    public = PublicOptions.from_annotation(annotations.get(ANNOTATION_PUBOPTS), where=where)
    private = PrivateOptions.from_json(
        unwrap_options(annotations.get(ANNOTATION_JWE), keys, where=where), where=where
    )
    nonce = public.nonce or private.nonce
    if nonce is None:
        raise EncryptedLayerError(f"{where}: the layer options carry no nonce")
    return LayerKey(private.symkey, nonce), public, private


def _diff_id_of(path: Path, *, limits: Limits, where: str) -> str:
    """The uncompressed digest of a (possibly compressed) layer file."""
    with path.open("rb") as raw:
        stream = open_layer_stream(raw, limits=limits, where=where)
        with stream:
            stream.drain()
        return stream.diff_id


def decrypt_layer(
    layer: SourceLayer,
    raw: Readable,
    keys: Sequence[DecryptionKey],
    staging: Path,
    *,
    limits: Limits,
    on_read: Callable[[int], None] | None = None,
) -> StagedBlob:
    """Decrypt one layer into a private staged file; the result is released only once verified.

    Steps: (1) unwrap the layer key; (2) decrypt into the staged file while MACing the
    ciphertext; (3) compare the HMAC; (4) compare the plaintext digest with the private
    options' (a hint: c/image may record the digest from before it compressed); (5) compare the
    uncompressed digest with the config's diff_id, the anchor that really binds the layer.
    """
    where = layer.where
    plain_type = decrypted_media_type(layer.ref.media_type, where=where)
    key, public, private = open_layer_key(layer.annotations, keys, where=where)  # (1)
    path, out = staged_file(staging)
    try:
        with out:
            result = decrypt_stream(raw, out, key, public.hmac, where=where, on_read=on_read)  # (2) (3)
        notes: list[str] = []
        if private.digest and private.digest != result.out_digest:  # (4)
            notes.append(
                f"{where}: decrypted blob is {result.out_digest}, the key options named {private.digest}"
            )
        diff_id = (
            result.out_digest
            if plain_type.endswith(".tar")
            else _diff_id_of(path, limits=limits, where=where)
        )
        if diff_id != layer.ref.diff_id:  # (5)
            raise DecryptionError(
                f"{where}: the decrypted layer is {diff_id}, but the image config says {layer.ref.diff_id}",
                hint="the encrypted layer does not belong to this image; nothing was written",
            )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    annotations = {k: v for k, v in layer.annotations.items() if not k.startswith(ENC_ANNOTATION_PREFIX)}
    descriptor = Descriptor(
        mediaType=plain_type, digest=result.out_digest, size=result.out_size, annotations=annotations or None
    )
    return StagedBlob(path, descriptor, tuple(notes))
