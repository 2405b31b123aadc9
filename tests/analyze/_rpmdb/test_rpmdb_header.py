"""rpm header blobs: the tags we read from real packages, and hostile blobs made from a real one."""

from __future__ import annotations

import struct
import time
from collections.abc import Callable

import pytest

from hullguard.analyze._rpmdb import Blob, RpmdbError, RpmHeader, Tag, detect_format


def _blobs(data: bytes) -> list[bytes]:
    return [record.data for record in detect_format(data).read(data) if isinstance(record, Blob)]


@pytest.fixture(scope="module")
def libuuid_blob(rpmdb_file: Callable[[str], bytes]) -> bytes:
    """The one header of the real RHEL 8 database (76 tags, a region, seven files)."""
    (blob,) = _blobs(rpmdb_file("bdb-libuuid"))
    return blob


def test_header_reads_libuuid_as_go_rpmdb_does(libuuid_blob: bytes) -> None:
    header = RpmHeader.from_blob(libuuid_blob)
    assert (header.name, header.epoch, header.version, header.release, header.arch) == (
        "libuuid",
        None,
        "2.32.1",
        "42.el8_8",
        "x86_64",
    )
    assert (header.source_rpm, header.license, header.vendor, header.size) == (
        "util-linux-2.32.1-42.el8_8.src.rpm",
        "BSD",
        "Red Hat, Inc.",
        35104,
    )
    assert "/usr/lib64/libuuid.so.1" in header.files
    assert list(header.files) == sorted(header.files)


def test_header_reads_curl_of_cbl_mariner(rpmdb_file: Callable[[str], bytes]) -> None:
    headers = {h.name: h for h in map(RpmHeader.from_blob, _blobs(rpmdb_file("sqlite-cbl-mariner-2.0")))}
    curl = headers["curl"]
    assert (curl.version, curl.release, curl.epoch, curl.arch) == ("7.76.0", "6.cm2", None, "x86_64")
    assert (curl.vendor, curl.size, curl.source_rpm) == (
        "Microsoft Corporation",
        326023,
        "curl-7.76.0-6.cm2.src.rpm",
    )
    assert headers["ca-certificates-base"].epoch == 1


def test_header_accepts_a_blob_with_the_header_magic(libuuid_blob: bytes) -> None:
    with_magic = b"\x8e\xad\xe8\x01\x00\x00\x00\x00" + libuuid_blob
    assert RpmHeader.from_blob(with_magic) == RpmHeader.from_blob(libuuid_blob)


def _entry_at(blob: bytes, tag: int) -> int:
    """Byte position of a tag's index entry."""
    (count,) = struct.unpack_from(">I", blob, 0)
    for position in range(8, 8 + 16 * count, 16):
        if struct.unpack_from(">i", blob, position)[0] == tag:
            return position
    raise AssertionError(f"tag {tag} not in header")


def _set(blob: bytes, at: int, *, value: int, fmt: str = ">I") -> bytes:
    patched = bytearray(blob)
    struct.pack_into(fmt, patched, at, value)
    return bytes(patched)


_FIELDS = ("tag", "type", "offset", "count")
"""The four 32-bit fields of an index entry, in order."""


def _patch(entry_of: Tag, /, **fields: int) -> Callable[[bytes], bytes]:
    """Rewrite fields of a tag's index entry, e.g. ``_patch(Tag.NAME, offset=-16)``."""

    def patch(blob: bytes) -> bytes:
        entry = _entry_at(blob, entry_of)
        for name, value in fields.items():
            blob = _set(blob, entry + 4 * _FIELDS.index(name), value=value, fmt=">i")
        return blob

    return patch


def _data_length(blob: bytes) -> int:
    return int(struct.unpack_from(">I", blob, 4)[0])


def _store_start(blob: bytes) -> int:
    return 8 + 16 * int(struct.unpack_from(">I", blob, 0)[0])


def _unterminated_name(blob: bytes) -> bytes:
    """NAME points at the last byte of the data store, which is made non-zero."""
    blob = _patch(Tag.NAME, offset=_data_length(blob) - 1)(blob)
    return blob[:-1] + b"x"


def _bad_directory_index(blob: bytes) -> bytes:
    (offset,) = struct.unpack_from(">i", blob, _entry_at(blob, Tag.DIRINDEXES) + 8)
    return _set(blob, _store_start(blob) + offset, value=9999)


HOSTILE: list[tuple[str, Callable[[bytes], bytes], str]] = [
    ("too-short", lambda b: b[:5], "too short"),
    ("truncated-store", lambda b: b[:-100], "needs 80880 bytes"),
    ("truncated-index", lambda b: b[: 8 + 16 * 3], "needs 80880 bytes"),
    ("no-entries", lambda b: _set(b, 0, value=0), "claims 0 index entries"),
    ("huge-entry-count", lambda b: _set(b, 0, value=0xFFFFFFFF), "claims 4294967295 index entries"),
    ("huge-data-length", lambda b: _set(b, 4, value=0x7FFFFFFF), "2147483647 data bytes"),
    ("offset-past-store", _patch(Tag.NAME, offset=10_000_000), "bad index entry"),
    ("negative-offset", _patch(Tag.NAME, offset=-16), "bad index entry"),
    ("unknown-type", _patch(Tag.NAME, type=15), "bad index entry"),
    ("zero-count", _patch(Tag.NAME, count=0), "bad index entry"),
    ("name-not-terminated", _unterminated_name, "runs past the end"),
    ("name-is-a-number", _patch(Tag.NAME, type=4), "NAME has type 4"),
    ("no-name", _patch(Tag.NAME, tag=999), "lacks name"),
    ("basenames-count-huge", _patch(Tag.BASENAMES, count=0x7FFFFFFF), "cannot fit"),
    ("dirindexes-past-store", _patch(Tag.DIRINDEXES, count=0x3FFFFFFF), "run past the data store"),
    ("dirindexes-short", _patch(Tag.DIRINDEXES, count=6), "7 file base names but 6 directory indexes"),
    ("dirindex-out-of-range", _bad_directory_index, "directory index 9999 out of range"),
]


@pytest.mark.parametrize(("case", "damage", "reason"), HOSTILE, ids=[case for case, _, _ in HOSTILE])
def test_header_refuses_hostile_blobs(
    libuuid_blob: bytes, case: str, damage: Callable[[bytes], bytes], reason: str
) -> None:
    blob = damage(libuuid_blob)
    started = time.perf_counter()
    with pytest.raises(RpmdbError, match=reason):
        RpmHeader.from_blob(blob)
    assert time.perf_counter() - started < 1.0, case
