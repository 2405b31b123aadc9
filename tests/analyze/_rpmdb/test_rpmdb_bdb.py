"""Berkeley DB hash databases: the real RHEL 8 file, rebuilt variants checked by rpm, hostile pages.

rpm ships a read-only Berkeley DB reader (``bdb_ro``) but can no longer write the format, so the
variants real images hold and our one real file does not (other page sizes, big-endian metadata,
values stored inside the hash page) are written by :func:`build_bdb` below, and rpm's own reader
is asked what it sees in each before we compare with ours.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal

import pytest

from hullguard.analyze._rpmdb import Blob, RpmHeader, Unreadable, detect_format
from hullguard.analyze._rpmdb._bdb import read_bdb

_PAGE_HEADER = "IIIHHBB"
"""Page number, previous, next, entry count, high free offset, level, type (after the 8-byte LSN)."""


def _overflow_pages(value: bytes, first: int, *, page_size: int, order: str) -> list[bytearray]:
    chunk = page_size - 26
    parts = [value[i : i + chunk] for i in range(0, len(value), chunk)]
    pages = []
    for n, part in enumerate(parts):
        page = bytearray(page_size)
        following = first + n + 1 if n + 1 < len(parts) else 0
        struct.pack_into(
            order + _PAGE_HEADER, page, 8, first + n, first + n - 1 if n else 0, following, 1, len(part), 0, 7
        )
        page[26 : 26 + len(part)] = part
        pages.append(page)
    return pages


def build_bdb(
    values: Sequence[bytes], *, page_size: int = 4096, order: str = "<", inline_up_to: int = 0
) -> bytes:
    """A hash database as rpm's Packages: key 0 holds the instance counter, keys 1.. the headers.

    One bucket; each key/value pair sits on its own hash page, chained through ``next``, and a
    value longer than ``inline_up_to`` goes to overflow pages after the hash pages.
    """
    byteorder: Literal["little", "big"] = "little" if order == "<" else "big"
    pairs = [(0, (len(values) + 1).to_bytes(4, byteorder)), *enumerate(values, start=1)]
    hash_pages: list[bytearray] = []
    overflow: list[bytearray] = []
    for n, (key, value) in enumerate(pairs):
        number = n + 1
        if len(value) <= inline_up_to:
            value_item = b"\x01" + value
        else:
            first = 1 + len(pairs) + len(overflow)
            overflow += _overflow_pages(value, first, page_size=page_size, order=order)
            value_item = struct.pack(order + "B3xII", 3, first, len(value))
        key_item = b"\x01" + key.to_bytes(4, byteorder)
        key_at = page_size - len(key_item)
        value_at = key_at - len(value_item)
        page = bytearray(page_size)
        following = number + 1 if number < len(pairs) else 0
        struct.pack_into(order + _PAGE_HEADER, page, 8, number, number - 1, following, 2, value_at, 0, 13)
        struct.pack_into(order + "HH", page, 26, key_at, value_at)
        page[value_at:key_at], page[key_at:] = value_item, key_item
        hash_pages.append(page)
    meta = bytearray(page_size)
    last_page = len(hash_pages) + len(overflow)
    struct.pack_into(order + "IIII", meta, 8, 0, 0x00061561, 9, page_size)
    meta[25] = 8
    struct.pack_into(order + "II", meta, 28, 0, last_page)
    struct.pack_into(order + "I", meta, 96, 1)  # spares[0]: bucket 0 lives on page 1
    return b"".join([meta, *hash_pages, *overflow])


def _rpm_names(data: bytes, folder: Path) -> list[str]:
    """What rpm's own read-only Berkeley DB backend lists in a Packages file."""
    if shutil.which("rpm") is None:
        pytest.fail("rpm is not installed (Debian package 'rpm')", pytrace=False)
    folder.mkdir()
    (folder / "Packages").write_bytes(data)
    command = ["rpm", "--dbpath", str(folder), "--define", "_db_backend bdb_ro", "-qa", "--qf", "%{NVRA}\\n"]
    return sorted(subprocess.run(command, check=True, capture_output=True, text=True).stdout.split())


def _our_names(data: bytes) -> list[str]:
    records = read_bdb(data)
    assert all(isinstance(r, Blob) for r in records), records
    headers = [RpmHeader.from_blob(r.data) for r in records if isinstance(r, Blob)]
    return sorted(f"{h.name}-{h.version}-{h.release}.{h.arch}" for h in headers)


@pytest.fixture(scope="module")
def mariner_blobs(rpmdb_file: Callable[[str], bytes]) -> list[bytes]:
    """Ten real header blobs (6 to 47 KB) to fill rebuilt databases with."""
    data = rpmdb_file("sqlite-cbl-mariner-2.0")
    return [r.data for r in detect_format(data).read(data)[:10] if isinstance(r, Blob)]


def test_bdb_reads_the_real_rhel8_database(rpmdb_file: Callable[[str], bytes], tmp_path: Path) -> None:
    data = rpmdb_file("bdb-libuuid")
    (record,) = read_bdb(data)
    assert isinstance(record, Blob) and record.number == 1 and len(record.data) == 80880
    assert _our_names(data) == _rpm_names(data, tmp_path / "db") == ["libuuid-2.32.1-42.el8_8.x86_64"]


def test_bdb_builder_rebuilds_the_real_database_byte_for_byte_in_content(
    rpmdb_file: Callable[[str], bytes],
) -> None:
    real = read_bdb(rpmdb_file("bdb-libuuid"))
    assert read_bdb(build_bdb([r.data for r in real if isinstance(r, Blob)])) == real


LAYOUTS = [
    (512, "<", 0),
    (4096, "<", 0),
    (8192, ">", 0),
    (65536, "<", 0),
    (65536, ">", 60000),
    (16384, "<", 16000),
]


@pytest.mark.parametrize(
    ("page_size", "order", "inline_up_to"),
    LAYOUTS,
    ids=["512-le", "4k-le", "8k-be", "64k-le", "64k-be-inline", "16k-le-inline"],
)
def test_bdb_reads_every_layout_rpm_reads(
    mariner_blobs: list[bytes], tmp_path: Path, page_size: int, order: str, inline_up_to: int
) -> None:
    data = build_bdb(mariner_blobs, page_size=page_size, order=order, inline_up_to=inline_up_to)
    names = _our_names(data)
    assert len(names) == 10
    assert names == _rpm_names(data, tmp_path / "db")
    assert [r.number for r in read_bdb(data)] == list(range(1, 11))


def _set_u32(at: int, value: int) -> Callable[[bytes], bytes]:
    def patch(data: bytes) -> bytes:
        patched = bytearray(data)
        struct.pack_into("<I", patched, at, value)
        return bytes(patched)

    return patch


def _overflow_next(page: int, target: int) -> Callable[[bytes], bytes]:
    """Point an overflow page of the 4 KiB real file at another page."""
    return _set_u32(page * 4096 + 16, target)


# The real file: page 1 holds key 0, page 2 key 1 -> overflow chain 3..22; item offsets at 4096*2+26.
HOSTILE: list[tuple[str, Callable[[bytes], bytes], str]] = [
    ("chain-loops", _overflow_next(10, 5), "overflow chain loops back to page 5"),
    ("chain-points-at-itself", _overflow_next(3, 3), "loops back to page 3"),
    ("chain-points-at-metadata", _overflow_next(7, 0), "page 0 is outside the database"),
    ("chain-leaves-the-file", _overflow_next(7, 0x7FFFFFFF), "outside the database"),
    ("chain-into-hash-page", _overflow_next(7, 1), "not a valid overflow page"),
    ("item-claims-4-GiB", _set_u32(4096 * 2 + 4079 + 8, 0xFFFFFFFF), "more than the file holds"),
    ("item-offsets-swapped", _set_u32(4096 * 2 + 26, (4091 << 16) | 4079), "out of order"),
    ("odd-item-count", lambda d: d[: 4096 * 2 + 20] + b"\x03" + d[4096 * 2 + 21 :], "impossible 3 items"),
    ("page-number-lies", _set_u32(4096 * 5 + 8, 99), "page 5 carries a different page number"),
    ("truncated", lambda d: d[: 4096 * 12], "truncated: metadata names 23 pages, file holds 12"),
]


@pytest.mark.parametrize(("case", "damage", "reason"), HOSTILE, ids=[case for case, _, _ in HOSTILE])
def test_bdb_turns_hostile_pages_into_unreadable_records(
    rpmdb_file: Callable[[str], bytes], case: str, damage: Callable[[bytes], bytes], reason: str
) -> None:
    data = damage(rpmdb_file("bdb-libuuid"))
    started = time.perf_counter()
    records = read_bdb(data)
    assert time.perf_counter() - started < 1.0, case
    assert not [r for r in records if isinstance(r, Blob)]
    assert any(isinstance(r, Unreadable) and reason in r.reason for r in records), records


def test_bdb_reads_the_other_records_when_one_chain_is_broken(mariner_blobs: list[bytes]) -> None:
    data = bytearray(build_bdb(mariner_blobs[:3]))
    (first_overflow,) = struct.unpack_from("<I", data, 2 * 4096 + 4096 - 5 - 12 + 4)
    struct.pack_into("<I", data, first_overflow * 4096 + 16, first_overflow)
    records = read_bdb(bytes(data))
    assert [type(r).__name__ for r in records] == ["Unreadable", "Blob", "Blob"]
    assert records[0] == Unreadable(1, f"page 2: overflow chain loops back to page {first_overflow}")


def test_bdb_will_not_assemble_one_overflow_chain_many_times(mariner_blobs: list[bytes]) -> None:
    big = max(mariner_blobs, key=len)
    data = bytearray(build_bdb([big, *[b"tiny header"] * 40]))
    item = 4096 - 5 - 12  # each hash page ends with a 5-byte key item, then the 12-byte overflow item
    (chain, length) = struct.unpack_from("<II", data, 2 * 4096 + item + 4)
    for page in range(3, 43):  # records 2..41 now all point at record 1's chain
        struct.pack_into("<II", data, page * 4096 + item + 4, chain, length)
    assert 41 * length > len(data)
    started = time.perf_counter()
    records = read_bdb(bytes(data))
    assert time.perf_counter() - started < 1.0
    assert sum(len(r.data) for r in records if isinstance(r, Blob)) <= len(data)
    assert any(isinstance(r, Unreadable) and "records claim more bytes" in r.reason for r in records)
