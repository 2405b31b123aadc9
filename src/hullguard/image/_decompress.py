"""Decompress a layer exactly once, whatever its media type claims, within the limits.

Compression is detected from the magic bytes (gzip ``1f 8b``, zstd ``28 b5 2f fd``), because
docker-archive layers carry no media type and some registries mislabel theirs. gzip goes
through ISA-L (several times faster than zlib), zstd through the zstandard bindings.
"""

from __future__ import annotations

import hashlib
import io
import zlib
from collections.abc import Callable
from typing import BinaryIO

import zstandard
from isal import igzip_threaded

from hullguard.errors import BadInputError
from hullguard.image._limits import Limits

__all__ = ["CountingReader", "DecompressionBombError", "LayerStream", "open_layer_stream"]

_GZIP = b"\x1f\x8b"
_ZSTD = b"\x28\xb5\x2f\xfd"


class DecompressionBombError(BadInputError):
    """A layer inflates past the configured size or ratio."""


class CountingReader(io.RawIOBase):
    """Counts the bytes that pass; the compressed side of the ratio check."""

    def __init__(self, raw: BinaryIO, prefix: bytes = b"") -> None:
        self._raw = raw
        self._prefix = prefix
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._prefix:
            n = min(len(buffer), len(self._prefix))
            buffer[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
        else:
            data = self._raw.read(len(buffer))
            n = len(data)
            buffer[:n] = data
        self.count += n
        return n


class _ZstdReader(io.RawIOBase):
    """zstd frames decoded one after another; input ending inside a frame is an error.

    ``zstandard``'s stream reader returns a short read at a truncated frame without complaint,
    so a damaged layer would pass as a shorter one; the decompression object tells us.
    """

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._dctx = zstandard.ZstdDecompressor()
        self._obj = self._dctx.decompressobj()
        self._pending = b""
        self._in_frame = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            chunk = self._raw.read(1 << 20)
            if not chunk:
                if self._in_frame:
                    raise zstandard.ZstdError("input ends inside a zstd frame")
                return 0
            self._pending = self._feed(chunk)
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n

    def _feed(self, chunk: bytes) -> bytes:
        out = []
        while chunk:
            self._in_frame = True
            out.append(self._obj.decompress(chunk))
            if not self._obj.eof:
                break
            self._in_frame = False
            chunk = self._obj.unused_data
            self._obj = self._dctx.decompressobj()
        return b"".join(out)


class LayerStream(io.RawIOBase):
    """The uncompressed tar stream of one layer, hashed (diff_id) and bounded as it is read."""

    def __init__(
        self,
        inner: BinaryIO,
        compressed: CountingReader,
        *,
        limits: Limits,
        where: str,
        compression: str,
        on_close: Callable[[], None] | None = None,
    ) -> None:
        self._inner = inner
        self._compressed = compressed
        self._limits = limits
        self._where = where
        self._hash = hashlib.sha256()
        self._on_close = on_close
        self.compression = compression
        self.size = 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        try:
            data = self._inner.read(n)
        except (OSError, EOFError, zlib.error, zstandard.ZstdError) as exc:
            raise BadInputError(
                f"{self._where}: {self.compression} data is corrupt or truncated ({exc})",
                hint="the layer blob is damaged; fetch or save the image again",
            ) from exc
        if data:
            self.size += len(data)
            self._hash.update(data)
            self._check_limits()
        return data

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def _check_limits(self) -> None:
        if self.size > self._limits.max_layer_bytes:
            raise DecompressionBombError(
                f"{self._where}: layer inflates past {self._limits.max_layer_bytes} bytes",
                hint="a decompression bomb, or raise --max-layer-size for a trusted huge image",
            )
        if self.size > self._limits.ratio_floor and self.size > self._limits.max_ratio * max(
            self._compressed.count, 1
        ):
            raise DecompressionBombError(
                f"{self._where}: layer inflates more than {self._limits.max_ratio}:1",
                hint="a decompression bomb; real layers do not compress this well",
            )

    def drain(self) -> None:
        """Read to the end so the compressed digest and the diff_id are complete."""
        while self.read(1 << 20):
            pass

    @property
    def diff_id(self) -> str:
        """``sha256:`` of everything read so far (the diff_id once drained)."""
        return "sha256:" + self._hash.hexdigest()

    def close(self) -> None:
        try:
            self._inner.close()
        finally:
            if self._on_close is not None:
                self._on_close()
            super().close()


def open_layer_stream(raw: BinaryIO, *, limits: Limits, where: str) -> LayerStream:
    """Wrap a stored layer blob into its uncompressed, hashed, bounded tar stream."""
    head = raw.read(4)
    counting = CountingReader(raw, head)
    buffered = io.BufferedReader(counting, buffer_size=1 << 20)
    inner: BinaryIO
    if head.startswith(_GZIP):
        inner = igzip_threaded.open(buffered, "rb", threads=1, block_size=1 << 20)  # type: ignore[assignment]
        kind = "gzip"
    elif head.startswith(_ZSTD):
        inner = io.BufferedReader(_ZstdReader(buffered), buffer_size=1 << 20)  # type: ignore[assignment]
        kind = "zstd"
    else:
        inner = buffered
        kind = "uncompressed"
    return LayerStream(inner, counting, limits=limits, where=where, compression=kind)
