"""``docker-archive:PATH``: the tar that ``docker save`` writes, one or several images.

Legacy layout (Docker < 25): ``manifest.json`` lists ``Config`` (``<hex>.json``) and ``Layers``
(``<v1 id>/layer.tar``, uncompressed, so each one's digest is its diff_id). Docker 25+ writes
an OCI layout inside the same tar; ``manifest.json`` then names ``blobs/sha256/<hex>`` paths.
Both read the same way here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from pydantic import BaseModel, ConfigDict, Field

from hullguard.errors import BadInputError, ImageError
from hullguard.image._archive_index import ArchiveIndex
from hullguard.image._json import parse_document
from hullguard.image._limits import Limits
from hullguard.image._model import Image, LayerRef, layers_from_config, parse_config

__all__ = ["open_docker_archive"]

_LAYER_TAR = "application/vnd.docker.image.rootfs.diff.tar"


class _Entry(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    config: str = Field(alias="Config")
    repo_tags: list[str] | None = Field(default=None, alias="RepoTags")
    layers: list[str] = Field(alias="Layers")


class _Manifest(BaseModel):
    entries: list[_Entry]


class _ArchiveBlobs:
    def __init__(self, index: ArchiveIndex, paths: dict[int, str]) -> None:
        self._index = index
        self._paths = paths

    @contextmanager
    def open_layer(self, layer: LayerRef) -> Iterator[BinaryIO]:
        stream = self._index.open(self._paths[layer.index])
        try:
            yield stream
        finally:
            stream.close()

    def close(self) -> None:
        """Nothing stays open between layers."""


def _pick(entries: list[_Entry], selector: str | None, where: str) -> _Entry:
    if not entries:
        raise BadInputError(f"{where}: manifest.json lists no images")
    if selector is None:
        if len(entries) > 1:
            tags = ", ".join(t for e in entries for t in (e.repo_tags or [e.config]))
            raise ImageError(f"{where} holds {len(entries)} images", hint=f"pick one with --image: {tags}")
        return entries[0]
    for entry in entries:
        if selector in (entry.repo_tags or []) or entry.config.removesuffix(".json").endswith(
            selector.removeprefix("sha256:")
        ):
            return entry
    if selector.isdigit() and int(selector) < len(entries):
        return entries[int(selector)]
    raise ImageError(
        f"{where}: no image {selector!r} in the archive", hint="use a RepoTag, config id or index"
    )


def open_docker_archive(path: Path, *, selector: str | None, limits: Limits) -> Image:
    """Open a ``docker save`` tar; ``selector`` picks one image (tag, id or index) when several."""
    where = f"docker-archive:{path}"
    if not path.is_file():
        raise ImageError(
            f"{where}: no such file", hint="check the path, or drop the prefix to let hullguard look"
        )
    index = ArchiveIndex(path, limits=limits, where=where)
    if "manifest.json" not in index:
        raise BadInputError(f"{where}: manifest.json is missing (not a docker save archive?)")
    raw = index.read("manifest.json", max_bytes=limits.max_metadata_bytes)
    entries = parse_document(_Manifest, b'{"entries":' + raw + b"}", what=f"{where} manifest.json").entries
    entry = _pick(entries, selector, where)
    config_bytes = index.read(entry.config, max_bytes=limits.max_metadata_bytes)
    config_digest = "sha256:" + hashlib.sha256(config_bytes).hexdigest()
    expected = entry.config.rpartition("/")[2].removesuffix(".json")
    if len(expected) == 64 and expected != config_digest[7:]:
        raise BadInputError(f"{where}: config {entry.config} does not match its digest {config_digest}")
    config = parse_config(config_bytes, where=where)
    layers = layers_from_config(
        config, [(None, _LAYER_TAR, index.size_of(name)) for name in entry.layers], where=where
    )
    return Image(
        name=where,
        source="docker-archive",
        config=config,
        config_digest=config_digest,
        layers=layers,
        blobs=_ArchiveBlobs(index, dict(enumerate(entry.layers))),
        repo_tags=tuple(entry.repo_tags or ()),
        config_bytes=config_bytes,
        manifest_bytes=raw,
    )
