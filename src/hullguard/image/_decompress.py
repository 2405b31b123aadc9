"""Decompress a layer exactly once, whatever its media type claims, within the limits.

Compression is detected from the magic bytes (gzip ``1f 8b``, zstd ``28 b5 2f fd``), because
docker-archive layers carry no media type and some registries mislabel theirs. gzip goes
through ISA-L (several times faster than zlib), zstd through the zstandard bindings.
"""

from __future__ import annotations

import hashlib
import io
import queue
import threading
import zlib
from typing import BinaryIO

import zstandard
from isal import igzip_threaded

from hullguard.errors import BadInputError
from hullguard.image._entry import Readable
from hullguard.image._limits import Limits

__all__ = ["CountingReader", "DecompressionBombError", "LayerStream", "open_layer_stream", "read_into"]

_GZIP = b"\x1f\x8b"
_ZSTD = b"\x28\xb5\x2f\xfd"


class DecompressionBombError(BadInputError):
    """A layer inflates past the configured size or ratio."""


def read_into(raw: Readable, buffer: bytearray | memoryview) -> int:
    """Fill ``buffer`` from ``raw`` without an intermediate copy when ``raw`` can ``readinto``.

    Layers are hundreds of megabytes: every avoided copy is time the parser gets back.
    """
    readinto = getattr(raw, "readinto", None)
    if callable(readinto):
        return int(readinto(buffer) or 0)
    data = raw.read(len(buffer))
    buffer[: len(data)] = data
    return len(data)


class CountingReader(io.RawIOBase):
    """Counts the bytes that pass; the compressed side of the ratio check."""

    def __init__(self, raw: Readable, prefix: bytes = b"") -> None:
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
            n = read_into(self._raw, buffer)
        self.count += n
        return n


class _ZstdReader(io.RawIOBase):
    """zstd frames decoded one after another; input ending inside a frame is an error.

    ``zstandard``'s stream reader returns a short read at a truncated frame without complaint,
    so a damaged layer would pass as a shorter one; the decompression object tells us.
    """

    def __init__(self, raw: Readable) -> None:
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


_CHUNK = 16 << 20
_QUEUE_DEPTH = 3
"""Chunks in flight between the decoding thread and the tar parser (bounds memory to ~64 MiB)."""


class LayerStream:
    """The uncompressed tar stream of one layer, hashed (diff_id) and bounded as it is read.

    A background thread reads the decoder in large chunks, hashes them and checks the limits,
    while the caller parses tar headers: decompression, hashing and parsing overlap on
    separate cores (ISA-L, zstd and hashlib release the GIL). ``skip`` moves past member data
    without copying it, so bytes no analyzer asked for never become Python objects.
    """

    def __init__(
        self, inner: BinaryIO, compressed: CountingReader, *, limits: Limits, where: str, compression: str
    ) -> None:
        self._inner = inner
        self._compressed = compressed
        self._limits = limits
        self._where = where
        self._hash = hashlib.sha256()
        self.compression = compression
        self.size = 0
        self._queue: queue.Queue[bytes | BaseException] = queue.Queue(maxsize=_QUEUE_DEPTH)
        self._stop = threading.Event()
        self._chunk = memoryview(b"")
        self._pos = 0
        self._eof = False
        self._thread = threading.Thread(target=self._produce, name=f"layer-reader {where}", daemon=True)
        self._thread.start()

    def _produce(self) -> None:
        try:
            while not self._stop.is_set():
                data = self._read_inner()
                if data:
                    self.size += len(data)
                    self._hash.update(data)
                    self._check_limits()
                self._put(data)
                if not data:
                    return
        except BaseException as exc:  # handed to the consumer, which raises it in its own thread
            self._put(exc)

    def _put(self, item: bytes | BaseException) -> None:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def _read_inner(self) -> bytes:
        try:
            return self._inner.read(_CHUNK)
        except (OSError, EOFError, zlib.error, zstandard.ZstdError) as exc:
            raise BadInputError(
                f"{self._where}: {self.compression} data is corrupt or truncated ({exc})",
                hint="the layer blob is damaged; fetch or save the image again",
            ) from exc

    def _check_limits(self) -> None:
        if self.size > self._limits.max_layer_bytes:
            raise DecompressionBombError(
                f"{self._where}: layer inflates past {self._limits.max_layer_bytes} bytes",
                hint="a decompression bomb, or raise HULLGUARD_MAX_LAYER_BYTES for a trusted huge image",
            )
        if self.size > self._limits.ratio_floor and self.size > self._limits.max_ratio * max(
            self._compressed.count, 1
        ):
            raise DecompressionBombError(
                f"{self._where}: layer inflates more than {self._limits.max_ratio}:1",
                hint="a decompression bomb; real layers do not compress this well",
            )

    def _next_chunk(self) -> bool:
        """Make a new chunk current; False at the end of the stream."""
        if self._eof:
            return False
        item = self._queue.get()
        if isinstance(item, BaseException):
            self._eof = True
            raise item
        if not item:
            self._eof = True
            return False
        self._chunk = memoryview(item)
        self._pos = 0
        return True

    def read(self, n: int = -1, /) -> bytes:
        """Up to ``n`` bytes (all remaining when negative)."""
        if n < 0:
            parts = []
            while part := self.read(_CHUNK):
                parts.append(part)
            return b"".join(parts)
        if self._pos >= len(self._chunk) and not self._next_chunk():
            return b""
        end = min(self._pos + n, len(self._chunk))
        data = bytes(self._chunk[self._pos : end])
        self._pos = end
        return data

    def skip(self, n: int) -> int:
        """Move ``n`` bytes ahead without copying; returns how many were available."""
        left = n
        while left > 0:
            if self._pos >= len(self._chunk) and not self._next_chunk():
                break
            step = min(left, len(self._chunk) - self._pos)
            self._pos += step
            left -= step
        return n - left

    def drain(self) -> None:
        """Read to the end so the compressed digest and the diff_id are complete."""
        while self._next_chunk():
            pass

    @property
    def diff_id(self) -> str:
        """``sha256:`` of the whole layer; valid once drained."""
        return "sha256:" + self._hash.hexdigest()

    def close(self) -> None:
        """Stop the reader thread and release the decoder."""
        self._stop.set()
        self._thread.join(timeout=5)
        self._inner.close()

    def __enter__(self) -> LayerStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_layer_stream(raw: Readable, *, limits: Limits, where: str) -> LayerStream:
    """Wrap a stored layer blob into its uncompressed, hashed, bounded tar stream."""
    head = raw.read(4)
    counting = CountingReader(raw, head)
    buffered = io.BufferedReader(counting, buffer_size=1 << 20)
    inner: BinaryIO
    if head.startswith(_GZIP):
        inner = igzip_threaded.open(buffered, "rb", threads=1, block_size=8 << 20)  # type: ignore[no-untyped-call]
        kind = "gzip"
    elif head.startswith(_ZSTD):
        inner = io.BufferedReader(_ZstdReader(buffered), buffer_size=1 << 20)
        kind = "zstd"
    else:
        inner = buffered
        kind = "uncompressed"
    return LayerStream(inner, counting, limits=limits, where=where, compression=kind)
