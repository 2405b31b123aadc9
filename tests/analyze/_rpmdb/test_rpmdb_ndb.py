"""rpm's NDB format: the real SLE 15 BCI database, and hostile copies of it.

Debian's rpm is built without NDB, so go-rpmdb's listing of this database (``SLE15WithNDB()``, 35
packages in database order) is the reference here.
"""

from __future__ import annotations

import struct
import time
from collections.abc import Callable

import pytest

from hullguard.analyze._rpmdb import Blob, RpmdbError, RpmHeader, Unreadable
from hullguard.analyze._rpmdb._ndb import read_ndb

_FIRST_SLOT = 32
"""Byte position of the first slot (the 32-byte file header takes the first two)."""


def _headers(data: bytes) -> list[RpmHeader]:
    return [RpmHeader.from_blob(r.data) for r in read_ndb(data) if isinstance(r, Blob)]


def _slot(data: bytes, n: int) -> tuple[bytes, int, int, int]:
    magic, index, offset, count = struct.unpack_from("<4sIII", data, _FIRST_SLOT + 16 * n)
    return magic, index, offset, count


def test_ndb_lists_the_sle15_packages_in_database_order(rpmdb_file: Callable[[str], bytes]) -> None:
    headers = _headers(rpmdb_file("ndb-sle15-bci"))
    assert len(headers) == 35
    assert (headers[0].name, headers[0].version, headers[0].release, headers[0].arch) == (
        "system-user-root",
        "20190513",
        "3.3.1",
        "noarch",
    )
    assert (headers[-1].name, headers[-1].version, headers[-1].release) == ("rpm-ndb", "4.14.3", "40.1")
    glibc = next(h for h in headers if h.name == "glibc")
    assert (glibc.version, glibc.release, glibc.size) == ("2.31", "9.3.2", 6183407)
    assert all(h.epoch is None for h in headers)


def _patched(at: int | Callable[[bytes], int], value: int | bytes) -> Callable[[bytes], bytes]:
    """Overwrite bytes at a fixed or computed position: an int as a little-endian u32, bytes as is."""

    def patch(data: bytes) -> bytes:
        raw = value.to_bytes(4, "little") if isinstance(value, int) else value
        where = at if isinstance(at, int) else at(data)
        return data[:where] + raw + data[where + len(raw) :]

    return patch


def _first_blob(data: bytes) -> int:
    return _slot(data, 0)[2] * 16


def _first_tail(data: bytes) -> int:
    _, _, offset, count = _slot(data, 0)
    return (offset + count) * 16 - 4


def _flip_blob_byte(data: bytes) -> bytes:
    where = _first_blob(data) + 100
    return data[:where] + bytes((data[where] ^ 0xFF,)) + data[where + 1 :]


RECORD_DAMAGE: list[tuple[str, Callable[[bytes], bytes], str]] = [
    ("blob-byte-flipped", _flip_blob_byte, "checksum (Adler-32) does not match"),
    ("blob-magic", _patched(_first_blob, b"XXXX"), "holds no blob of this package"),
    ("blob-owner", _patched(lambda d: _first_blob(d) + 4, 999), "holds no blob of this package"),
    ("blob-length", _patched(lambda d: _first_blob(d) + 12, 0xFFFFFFF0), "does not fill its"),
    ("tail-magic", _patched(_first_tail, b"BlbX"), "blob tail is missing"),
    ("slot-past-end", _patched(_FIRST_SLOT + 8, 0x7FFFFFFF), "lies outside the file"),
    ("slot-into-slot-pages", _patched(_FIRST_SLOT + 8, 3), "points into the slot pages"),
    ("slot-huge-count", _patched(_FIRST_SLOT + 12, 0xFFFFFFFF), "lies outside the file"),
]


@pytest.mark.parametrize(("case", "damage", "reason"), RECORD_DAMAGE, ids=[c for c, _, _ in RECORD_DAMAGE])
def test_ndb_loses_only_the_damaged_package(
    rpmdb_file: Callable[[str], bytes], case: str, damage: Callable[[bytes], bytes], reason: str
) -> None:
    records = read_ndb(damage(rpmdb_file("ndb-sle15-bci")))
    assert isinstance(records[0], Unreadable) and reason in records[0].reason, (case, records[0])
    assert [isinstance(r, Blob) for r in records[1:]] == [True] * 34


FILE_DAMAGE: list[tuple[str, Callable[[bytes], bytes], str]] = [
    ("not-ndb", lambda d: b"RpmQ" + d[4:], "not an rpm NDB database"),
    ("version", _patched(4, 1), "unsupported NDB version 1"),
    ("no-slot-pages", _patched(12, 0), "implausible 0 slot pages"),
    ("slot-pages-4-billion", _patched(12, 0xFFFFFFFF), "implausible 4294967295 slot pages"),
    ("slot-pages-past-end", _patched(12, 2000), "truncated"),
    ("slot-magic", _patched(_FIRST_SLOT + 16 * 40, b"Slob"), "slot 42 has no slot magic"),
    ("header-only", lambda d: d[:20], "not an rpm NDB database"),
]


@pytest.mark.parametrize(("case", "damage", "reason"), FILE_DAMAGE, ids=[c for c, _, _ in FILE_DAMAGE])
def test_ndb_refuses_a_damaged_file_quickly(
    rpmdb_file: Callable[[str], bytes], case: str, damage: Callable[[bytes], bytes], reason: str
) -> None:
    data = damage(rpmdb_file("ndb-sle15-bci"))
    started = time.perf_counter()
    with pytest.raises(RpmdbError, match=reason):
        read_ndb(data)
    assert time.perf_counter() - started < 1.0, case


def test_ndb_will_not_hand_out_one_blob_many_times(rpmdb_file: Callable[[str], bytes]) -> None:
    data = bytearray(rpmdb_file("ndb-sle15-bci"))
    largest = max(range(35), key=lambda n: _slot(bytes(data), n)[3])
    copy = data[_FIRST_SLOT + 16 * largest : _FIRST_SLOT + 16 * (largest + 1)]
    for free in range(35, 254):  # every free slot of the first page now names the largest blob
        data[_FIRST_SLOT + 16 * free : _FIRST_SLOT + 16 * (free + 1)] = copy
    started = time.perf_counter()
    records = read_ndb(bytes(data))
    assert time.perf_counter() - started < 1.0
    assert sum(len(r.data) for r in records if isinstance(r, Blob)) <= len(data)
    refused = [r for r in records if isinstance(r, Unreadable)]
    assert len(refused) > 200
    assert all("records claim more bytes than the file holds" in r.reason for r in refused)
