"""``docker:NAME`` / ``podman:NAME``: images held by a container engine, through its API.

The engine streams ``docker save`` output (Podman's compatible API writes the same format with
layers named ``<diff_id>.tar``); we parse that tar as it arrives, with no temporary copy. Its
layer members come in the order of their v1 ids, not the image's order, so each one is
identified by the diff_id we compute while reading it. The config inside the stream is
verified against the image id and replaces the summary built from ``inspect``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO

from hullguard.errors import BadInputError, ImageError
from hullguard.image._entry import Readable
from hullguard.image._limits import Limits
from hullguard.image._model import Image, ImageConfig, LayerRef, RunConfig, parse_config
from hullguard.image._tar import TarReader

__all__ = ["EngineBlobs", "LayerStreamItem", "open_engine_image"]

_LAYER_TAR = "application/vnd.docker.image.rootfs.diff.tar"


class _ChunkReader:
    """A file-like view of the engine's chunk iterator."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = b""

    def read(self, n: int = -1) -> bytes:
        while n < 0 or len(self._buffer) < n:
            try:
                self._buffer += next(self._chunks)
            except StopIteration:
                break
        if n < 0:
            data, self._buffer = self._buffer, b""
        else:
            data, self._buffer = self._buffer[:n], self._buffer[n:]
        return data


class _MemberStream:
    """The current tar member's bytes as a stream (a layer.tar inside the save stream)."""

    def __init__(self, reader: TarReader) -> None:
        self._reader = reader

    def read(self, n: int = -1) -> bytes:
        return self._reader.read_chunk(n if n >= 0 else 1 << 62)


LayerStreamItem = tuple[str, Readable]
"""(member path in the save stream, the layer's stored bytes)."""


class EngineBlobs:
    """Streams layers in the engine's order; :func:`scan_layers` identifies them by diff_id."""

    def __init__(self, client: Any, name: str, image_id: str, limits: Limits, where: str) -> None:
        self._client = client
        self._name = name
        self._image_id = image_id
        self._limits = limits
        self._where = where
        self.config_bytes: bytes | None = None
        self.aliases: dict[str, str] = {}
        """Legacy saves store a repeated layer once and link the others: path → target path."""

    @contextmanager
    def open_layer(self, layer: LayerRef) -> Iterator[BinaryIO]:
        """Random access is not what an engine offers; use :meth:`stream_layers`."""
        raise ImageError(f"{self._where}: layers of an engine image are streamed, not opened one by one")
        yield  # pragma: no cover

    def stream_layers(self) -> Iterator[LayerStreamItem]:
        """Yield each ``layer.tar`` of the save stream as it arrives; capture the config."""
        try:
            chunks = self._client.api.get_image(self._name, chunk_size=1 << 20)
        except Exception as exc:  # the SDK raises requests/docker errors of several kinds
            raise ImageError(f"{self._where}: the engine could not export the image: {exc}") from exc
        reader = TarReader(_ChunkReader(iter(chunks)), limits=self._limits, where=self._where)
        for member in reader:
            path = member.path
            if path.endswith(".tar") or path.startswith("/blobs/sha256/"):
                # docker < 25: <v1 id>/layer.tar; podman: <diff_id hex>.tar; docker 25+: blobs/
                if member.header.linkname:
                    self.aliases[path] = member.header.linkname
                    continue
                if path.startswith("/blobs/") and member.header.size < self._limits.max_metadata_bytes:
                    data = reader.read_member()
                    if self._is_config(data) or data[:1] == b"{":
                        continue  # config, manifest or index blob of a Docker 25+ save
                    yield path, _BytesStream(data)
                    continue
                yield path, _MemberStream(reader)
            elif path.endswith(".json") and path.count("/") == 1 and path != "/manifest.json":
                self._is_config(reader.read_member(self._limits.max_metadata_bytes))

    def _is_config(self, data: bytes) -> bool:
        if "sha256:" + hashlib.sha256(data).hexdigest() == self._image_id:
            self.config_bytes = data
            return True
        return False

    def close(self) -> None:
        """The HTTP stream ends with the iteration."""


class _BytesStream:
    def __init__(self, data: bytes) -> None:
        self._data = memoryview(data)
        self._pos = 0

    def read(self, n: int = -1) -> bytes:
        end = len(self._data) if n < 0 else self._pos + n
        chunk = bytes(self._data[self._pos : end])
        self._pos += len(chunk)
        return chunk


def _summary_config(info: dict[str, Any], history: list[dict[str, Any]]) -> ImageConfig:
    """A config from ``inspect`` + ``history`` for when every layer is cached and no save runs."""
    diff_ids = list(info.get("RootFS", {}).get("Layers") or [])
    steps = [
        h for h in reversed(history) if int(h.get("Size") or 0) > 0 or "#(nop)" not in h.get("CreatedBy", "")
    ]
    entries = [{"created_by": h.get("CreatedBy", ""), "empty_layer": False} for h in steps]
    if len(entries) != len(diff_ids):
        entries = []
    cfg = info.get("Config") or {}
    return ImageConfig.model_validate(
        {
            "architecture": info.get("Architecture", ""),
            "os": info.get("Os", ""),
            "created": info.get("Created"),
            "config": RunConfig.model_validate(cfg).model_dump(),
            "rootfs": {"type": "layers", "diff_ids": diff_ids},
            "history": entries,
        }
    )


def open_engine_image(client: Any, name: str, *, source: str, limits: Limits) -> Image:
    """Describe an engine image from ``inspect``; layers stream later through :class:`EngineBlobs`."""
    where = f"{source}:{name}"
    try:
        info = client.api.inspect_image(name)
        history = client.api.history(name)
    except Exception as exc:  # docker.errors.ImageNotFound, APIError, requests errors
        status = getattr(exc, "status_code", None)
        if status == 404:
            raise ImageError(
                f"{where}: the engine has no such image", hint=f"pull it first ({source} pull {name})"
            ) from exc
        raise ImageError(
            f"{where}: the engine could not be asked: {exc}", hint="is the engine running?"
        ) from exc
    image_id = str(info.get("Id", ""))
    if not image_id.startswith("sha256:"):
        raise BadInputError(f"{where}: the engine reports an image id {image_id!r}")
    config = _summary_config(info, history)
    steps = [h.created_by for h in config.history] or [""] * len(config.rootfs.diff_ids)
    layers = tuple(
        LayerRef(index=i, diff_id=d, digest=None, media_type=_LAYER_TAR, size=-1, created_by=steps[i])
        for i, d in enumerate(config.rootfs.diff_ids)
    )
    return Image(
        name=where,
        source=source,
        config=config,
        config_digest=image_id,
        layers=layers,
        blobs=EngineBlobs(client, name, image_id, limits, where),
        repo_tags=tuple(info.get("RepoTags") or ()),
        repo_digests=tuple(info.get("RepoDigests") or ()),
    )


def adopt_streamed_config(image: Image, config_bytes: bytes) -> None:
    """Replace the inspect summary with the verified config captured from the save stream."""
    config = parse_config(config_bytes, where=image.name)
    image.config = config
    image.config_bytes = config_bytes
    steps = [h.created_by for h in config.history if not h.empty_layer]
    if len(steps) == len(image.layers):
        image.layers = tuple(
            LayerRef(x.index, x.diff_id, x.digest, x.media_type, x.size, steps[x.index]) for x in image.layers
        )
