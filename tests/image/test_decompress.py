"""Decompression once, by magic bytes, bounded: real gzip/zstd streams and bombs made here."""

from __future__ import annotations

import gzip
import hashlib
import io

import pytest
import zstandard

from hullguard.errors import BadInputError
from hullguard.image import DecompressionBombError, Limits
from hullguard.image._decompress import open_layer_stream

PAYLOAD = b"".join(b"line %d of a real-looking layer\n" % i for i in range(20000))


@pytest.mark.parametrize(
    ("blob", "kind"),
    [
        (gzip.compress(PAYLOAD), "gzip"),
        (zstandard.ZstdCompressor().compress(PAYLOAD), "zstd"),
        (PAYLOAD, "uncompressed"),
    ],
    ids=["gzip", "zstd", "plain"],
)
def test_detects_compression_and_hashes_the_diff_id(blob: bytes, kind: str) -> None:
    stream = open_layer_stream(io.BytesIO(blob), limits=Limits(), where="t")
    assert stream.read() == PAYLOAD
    assert stream.compression == kind
    assert stream.diff_id == "sha256:" + hashlib.sha256(PAYLOAD).hexdigest()


def test_truncated_gzip_is_bad_input() -> None:
    stream = open_layer_stream(io.BytesIO(gzip.compress(PAYLOAD)[:-20]), limits=Limits(), where="img layer 3")
    with pytest.raises(BadInputError, match="img layer 3"):
        stream.drain()


def test_truncated_zstd_cannot_pass_for_the_layer() -> None:
    """zstd's reader stops quietly at a cut frame; the diff_id the caller checks then differs."""
    blob = zstandard.ZstdCompressor().compress(PAYLOAD)[:-20]
    stream = open_layer_stream(io.BytesIO(blob), limits=Limits(), where="t")
    data = stream.read()
    stream.drain()
    assert len(data) < len(PAYLOAD)
    assert stream.diff_id != "sha256:" + hashlib.sha256(PAYLOAD).hexdigest()


def test_size_bomb_stops_at_the_limit() -> None:
    bomb = gzip.compress(b"\0" * (64 * 1024 * 1024))
    stream = open_layer_stream(io.BytesIO(bomb), limits=Limits(max_layer_bytes=8 * 1024 * 1024), where="t")
    with pytest.raises(DecompressionBombError, match="inflates past"):
        stream.drain()


def test_ratio_bomb_stops_early() -> None:
    bomb = zstandard.ZstdCompressor(level=19).compress(b"\0" * (64 * 1024 * 1024))
    limits = Limits(max_ratio=100, ratio_floor=1024 * 1024)
    stream = open_layer_stream(io.BytesIO(bomb), limits=limits, where="t")
    with pytest.raises(DecompressionBombError, match="100:1"):
        stream.drain()
