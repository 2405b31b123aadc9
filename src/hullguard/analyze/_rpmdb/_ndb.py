"""Header blobs from rpm's own "ndb" package database, ``Packages.db`` (SUSE since SLE 15).

Layout (rpm ``lib/backend/ndb/rpmpkg.c``; all integers little-endian):

* a 32-byte file header: magic ``RpmP``, version 0, generation, number of slot pages, next
  package index;
* slot pages of 4 KiB right after it (the header takes the first two 16-byte slots); each slot
  is magic ``Slot``, package index, block offset, block count, with blocks of 16 bytes and a
  zero block offset marking a free slot;
* at each used slot's block offset, a blob: head (``BlbS``, package index, generation, length),
  the header blob, zero padding, and a tail (Adler-32 of head, blob and padding; length;
  ``BlbE``) that ends exactly at the slot's last block.

Slots are read in slot order, which is the order rpm and go-rpmdb list the packages in. A slot
page with a bad magic means the file is not what it claims, so the whole database is refused;
a bad blob costs only its own package.
"""

from __future__ import annotations

import struct
import zlib

from hullguard.analyze._rpmdb._records import Blob, ByteBudget, Record, RpmdbError, Unreadable

__all__ = ["is_ndb", "read_ndb"]

_DB_MAGIC = b"RpmP"
_SLOT_MAGIC = b"Slot"
_HEAD_MAGIC = b"BlbS"
_TAIL_MAGIC = b"BlbE"
_PAGE = 4096
_SLOT = 16
_BLOCK = 16
_HEAD = struct.Struct("<4sIII")
_TAIL = struct.Struct("<II4s")
_FIRST_SLOT = 2
"""The 32-byte file header occupies the first two slots of the first page."""
_MAX_SLOT_PAGES = 2048
"""Half a million packages; more is a hostile header, not a system (go-rpmdb uses the same cap)."""


def is_ndb(data: bytes) -> bool:
    """True when the bytes start with rpm's NDB file magic."""
    return data[:4] == _DB_MAGIC


def _slot_pages(data: bytes) -> int:
    """Check the file header and return how many slot pages follow it."""
    if len(data) < 32 or not is_ndb(data):
        raise RpmdbError("not an rpm NDB database")
    version, _generation, pages = struct.unpack_from("<III", data, 4)
    if version != 0:
        raise RpmdbError(f"unsupported NDB version {version}")
    if not 0 < pages <= _MAX_SLOT_PAGES:
        raise RpmdbError(f"NDB header names an implausible {pages} slot pages")
    if pages * _PAGE > len(data):
        raise RpmdbError(f"truncated: NDB header names {pages} slot pages, file holds {len(data)} bytes")
    return int(pages)


def _blob(data: bytes, index: int, *, offset: int, count: int, budget: ByteBudget) -> Record:
    """The header blob of one used slot, after checking head, tail, length and checksum."""
    start, end = offset * _BLOCK, (offset + count) * _BLOCK
    if end > len(data) or count * _BLOCK < _HEAD.size + _TAIL.size:
        return Unreadable(index, f"blob at block {offset} (+{count}) lies outside the file (truncated?)")
    try:
        budget.spend(end - start)
    except RpmdbError as exc:
        return Unreadable(index, str(exc))
    magic, owner, _generation, length = _HEAD.unpack_from(data, start)
    if magic != _HEAD_MAGIC or owner != index:
        return Unreadable(index, f"slot points at block {offset}, which holds no blob of this package")
    if count != (_HEAD.size + length + _TAIL.size + _BLOCK - 1) // _BLOCK:
        return Unreadable(index, f"blob length {length} does not fill its {count} blocks")
    checksum, tail_length, tail_magic = _TAIL.unpack_from(data, end - _TAIL.size)
    if tail_magic != _TAIL_MAGIC or tail_length != length:
        return Unreadable(index, "blob tail is missing or disagrees with its head")
    if zlib.adler32(data[start : end - _TAIL.size]) != checksum:
        return Unreadable(index, "blob checksum (Adler-32) does not match")
    return Blob(index, data[start + _HEAD.size : start + _HEAD.size + length])


def read_ndb(data: bytes) -> list[Record]:
    """Every header blob of the database, in slot order."""
    pages = _slot_pages(data)
    first_blob_block = pages * _PAGE // _BLOCK
    budget = ByteBudget(len(data))
    records: list[Record] = []
    slots = struct.iter_unpack("<4sIII", data[_FIRST_SLOT * _SLOT : pages * _PAGE])
    for slot, (magic, index, offset, count) in enumerate(slots, start=_FIRST_SLOT):
        if magic != _SLOT_MAGIC:
            raise RpmdbError(f"slot {slot} has no slot magic: not an NDB slot page")
        if offset == 0:
            continue
        if index == 0 or offset < first_blob_block:
            records.append(Unreadable(index or None, f"slot {slot} points into the slot pages"))
            continue
        records.append(_blob(data, index, offset=offset, count=count, budget=budget))
    return records
