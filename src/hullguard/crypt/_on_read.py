"""Decrypt encrypted layers while an image is read, for ``scan --decryption-key``.

The scan reads each layer once and never writes it, so the ciphertext is decrypted as it
streams and its HMAC is checked when the stream ends; the scan's layer pass drains every layer
stream before it accepts a layer's results. Plaintext therefore reaches the analyzers before
the HMAC is known to match: acceptable only because on a mismatch the error fails the whole
scan and every finding of that pass is discarded (nothing is cached or reported). Copying
tools (:func:`hullguard.crypt.decrypt_image`) instead check first and release after.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import BinaryIO

from hullguard.crypt._cipher import DecryptingReader
from hullguard.crypt._errors import EncryptedImageError
from hullguard.crypt._keys import DecryptionKey
from hullguard.crypt._layer import open_layer_key
from hullguard.crypt._options import is_encrypted
from hullguard.image._json import parse_document
from hullguard.image._manifest import Manifest
from hullguard.image._model import BlobOpener, Image, LayerRef

__all__ = ["decrypt_layers_on_read", "layer_annotations"]


def layer_annotations(image: Image) -> list[dict[str, str]]:
    """Each layer's descriptor annotations, from the manifest when the source has one."""
    if image.source in ("registry", "oci-layout") and image.manifest_bytes:
        manifest = parse_document(Manifest, image.manifest_bytes, what=f"{image.name} manifest")
        if len(manifest.layers) == len(image.layers):
            return [dict(d.annotations or {}) for d in manifest.layers]
    return [{} for _ in image.layers]


class _DecryptingBlobs:
    """Wraps a source's blob opener: encrypted layers come out as their plaintext blobs."""

    def __init__(
        self,
        inner: BlobOpener,
        annotations: Sequence[Mapping[str, str]],
        keys: Sequence[DecryptionKey],
        name: str,
    ) -> None:
        self._inner = inner
        self._annotations = annotations
        self._keys = keys
        self._name = name

    @contextmanager
    def open_layer(self, layer: LayerRef) -> Iterator[BinaryIO]:
        """The stored bytes, or for an encrypted layer the plaintext blob (HMAC checked at EOF)."""
        if not is_encrypted(layer.media_type):
            with self._inner.open_layer(layer) as raw:
                yield raw
            return
        where = f"{self._name} layer {layer.index}"
        if not self._keys:
            raise EncryptedImageError(
                f"{where} is encrypted ({layer.media_type})",
                hint="pass the private key of a recipient with --decryption-key KEY.pem",
            )
        key, public, _ = open_layer_key(self._annotations[layer.index], self._keys, where=where)
        with self._inner.open_layer(layer) as raw:
            yield DecryptingReader(raw, key, public.hmac, where=where)  # type: ignore[misc]

    def close(self) -> None:
        """Close the wrapped source."""
        self._inner.close()


def decrypt_layers_on_read(image: Image, keys: Sequence[DecryptionKey]) -> None:
    """Make ``image`` hand out decrypted layers (or refuse them clearly when ``keys`` is empty)."""
    image.blobs = _DecryptingBlobs(image.blobs, layer_annotations(image), tuple(keys), image.name)
    if keys:
        image.notes.append(f"{image.name}: encrypted layers are decrypted as they are read")
