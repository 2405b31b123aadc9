"""``oci-layout:PATH[:tag|@digest]``: an OCI image layout, as a directory or a tar of one.

Blobs are addressed only through validated digests (``blobs/<alg>/<hex>``), so no name from the
layout is ever joined onto a host path unchecked, and each blob is verified as it streams.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from hullguard.errors import BadInputError, ImageError
from hullguard.image._archive_index import ArchiveIndex
from hullguard.image._digest import VerifyingReader, parse_digest
from hullguard.image._json import parse_document
from hullguard.image._limits import Limits
from hullguard.image._manifest import INDEX_TYPES, Descriptor, Index, Manifest, select_platform
from hullguard.image._model import Image, LayerRef, layers_from_config, parse_config

__all__ = ["open_oci_layout", "split_layout_reference"]

_REF_NAME = "org.opencontainers.image.ref.name"


def split_layout_reference(text: str) -> tuple[Path, str | None, str | None]:
    """``PATH[:tag|@digest]`` → (path, tag, digest); an existing path wins over a split."""
    if "@" in text:
        path, _, digest = text.rpartition("@")
        return Path(path), None, parse_digest(digest, where=f"oci-layout:{text}")
    if os.path.exists(text) or ":" not in text:
        return Path(text), None, None
    path, _, tag = text.rpartition(":")
    return Path(path), tag, None


class _Store:
    """Blobs of a layout directory or tar, read by digest."""

    def __init__(self, root: Path, limits: Limits, where: str) -> None:
        self._where = where
        self._limits = limits
        self._dir = root if root.is_dir() else None
        self._tar = None if self._dir else ArchiveIndex(root, limits=limits, where=where)

    def _open_raw(self, name: str) -> BinaryIO:
        if self._tar is not None:
            return self._tar.open(name)
        assert self._dir is not None
        path = self._dir / name
        try:
            if path.is_symlink() or not path.resolve().is_relative_to(self._dir.resolve()):
                raise BadInputError(f"{self._where}: {name} is a link out of the layout")
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                os.close(fd)
                raise BadInputError(f"{self._where}: {name} is not a regular file")
            return os.fdopen(fd, "rb")
        except FileNotFoundError:
            raise BadInputError(f"{self._where}: missing blob {name}") from None

    def read_file(self, name: str) -> bytes:
        with self._open_raw(name) as f:
            data = f.read(self._limits.max_metadata_bytes + 1)
        if len(data) > self._limits.max_metadata_bytes:
            raise BadInputError(f"{self._where}: {name} exceeds {self._limits.max_metadata_bytes} bytes")
        return data

    def open_blob(self, digest: str, size: int | None) -> VerifyingReader:
        algo, _, hexval = parse_digest(digest, where=self._where).partition(":")
        return VerifyingReader(
            self._open_raw(f"blobs/{algo}/{hexval}"), digest, size=size, what=f"{self._where} blob {digest}"
        )

    def read_blob(self, desc: Descriptor) -> bytes:
        if desc.size > self._limits.max_metadata_bytes:
            raise BadInputError(f"{self._where}: {desc.digest} is too large for a manifest or config")
        reader = self.open_blob(desc.digest, desc.size if desc.size >= 0 else None)
        with reader:
            data = reader.read(self._limits.max_metadata_bytes + 1)
            if len(data) > self._limits.max_metadata_bytes:
                raise BadInputError(f"{self._where}: {desc.digest} is too large for a manifest or config")
            reader.drain()
            return data


class _LayoutBlobs:
    def __init__(self, store: _Store) -> None:
        self._store = store

    @contextmanager
    def open_layer(self, layer: LayerRef) -> Iterator[BinaryIO]:
        assert layer.digest is not None
        reader = self._store.open_blob(layer.digest, layer.size if layer.size >= 0 else None)
        try:
            yield reader  # type: ignore[misc]
        finally:
            reader.close()

    def close(self) -> None:
        """Blob files are closed per layer."""


def _find_manifest(index: Index, tag: str | None, digest: str | None, where: str) -> Descriptor:
    if digest is not None:
        for desc in index.manifests:
            if desc.digest == digest:
                return desc
        raise ImageError(f"{where}: no manifest {digest}")
    if tag is not None:
        for desc in index.manifests:
            if (desc.annotations or {}).get(_REF_NAME) == tag:
                return desc
        tags = sorted({(d.annotations or {}).get(_REF_NAME, "") for d in index.manifests} - {""})
        raise ImageError(
            f"{where}: no image tagged {tag!r}", hint=f"tags in the layout: {', '.join(tags) or 'none'}"
        )
    if len(index.manifests) != 1:
        tags = sorted({(d.annotations or {}).get(_REF_NAME, d.digest) for d in index.manifests})
        raise ImageError(
            f"{where} holds {len(index.manifests)} images", hint=f"add :TAG or @DIGEST: {', '.join(tags)}"
        )
    return index.manifests[0]


def open_oci_layout(text: str, *, platform: str | None, limits: Limits) -> Image:
    """Open the image named by ``PATH[:tag|@digest]`` in an OCI layout directory or tar."""
    root, tag, digest = split_layout_reference(text)
    where = f"oci-layout:{text}"
    if not root.exists():
        raise ImageError(f"{where}: no such directory or file")
    store = _Store(root, limits, where)
    index = parse_document(Index, store.read_file("index.json"), what=f"{where} index.json")
    desc = _find_manifest(index, tag, digest, where)
    for _ in range(4):  # nested indexes: bounded depth
        if desc.media_type not in INDEX_TYPES:
            break
        nested = parse_document(Index, store.read_blob(desc), what=f"{where} index {desc.digest}")
        desc = select_platform(nested, platform, where=where)
    manifest_bytes = store.read_blob(desc)
    manifest = parse_document(Manifest, manifest_bytes, what=f"{where} manifest {desc.digest}")
    config_bytes = store.read_blob(manifest.config)
    config = parse_config(config_bytes, where=where)
    layers = layers_from_config(
        config, [(d.digest, d.media_type, d.size) for d in manifest.layers], where=where
    )
    return Image(
        name=where,
        source="oci-layout",
        config=config,
        config_digest=manifest.config.digest,
        layers=layers,
        blobs=_LayoutBlobs(store),
        manifest_digest=desc.digest,
        manifest_media_type=manifest.media_type or desc.media_type,
        repo_tags=(tag,) if tag else (),
        config_bytes=config_bytes,
        manifest_bytes=manifest_bytes,
    )
