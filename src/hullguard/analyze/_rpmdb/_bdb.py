"""Header blobs from a Berkeley DB hash database, rpm's ``Packages`` file up to rpm 4.15.

Layout (libdb ``dbinc/db_page.h``; rpm reads the same subset in ``lib/backend/bdb_ro.c``):

* page 0 is the hash metadata page: magic ``0x061561`` at byte 12 (its byte order is the
  database's byte order), version, page size, encryption, page type 8, flags, last page number;
* every page starts with a 26-byte header: LSN, page number, previous and next page, entry
  count, high free offset, level, page type;
* hash pages (type 2, 13) carry an array of 2-byte item offsets right after the header, in
  key/value pairs; items grow down from the page end, so an item runs to the start of the item
  before it. An item is ``H_KEYDATA`` (1, bytes inline) or ``H_OFFPAGE`` (3, pointing at a
  chain of overflow pages, type 7, each holding ``high free offset`` bytes).

We scan the pages in file order instead of walking bucket chains: every live hash page is
visited once whatever its bucket links say, so a looping bucket chain cannot trap us. The only
chains we follow are overflow chains, bounded by the page count and checked for cycles. rpm's
key is the header instance number; key 0 holds rpm's instance counter, not a package.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass

from hullguard.analyze._rpmdb._records import Blob, ByteBudget, Record, RpmdbError, Unreadable

__all__ = ["is_bdb", "read_bdb"]

_HASH_MAGIC = 0x00061561
_HASH_META_PAGE = 8
_HASH_PAGES = frozenset({2, 13})
"""``P_HASH_UNSORTED`` (libdb < 4.6, e.g. RHEL 5) and ``P_HASH``."""
_OVERFLOW_PAGE = 7
_KEYDATA = 1
_OFFPAGE = 3
_PAGE_HEADER = 26
_CHECKSUMMED = 0x01
"""``DBMETA_CHKSUM``: pages then carry a checksum that shifts the item array; rpm never sets it."""
_PAGE_SIZES = frozenset(1 << n for n in range(9, 17))


def is_bdb(data: bytes) -> bool:
    """True when the bytes start with a Berkeley DB hash metadata page in either byte order."""
    return len(data) >= 16 and data[12:16] in (
        _HASH_MAGIC.to_bytes(4, "little"),
        _HASH_MAGIC.to_bytes(4, "big"),
    )


@dataclass(frozen=True, slots=True)
class _Database:
    """The file and what its metadata page says about it."""

    data: bytes
    order: str
    """``<`` or ``>``: struct byte order of every page and of rpm's keys."""
    page_size: int
    last_page: int

    @classmethod
    def open(cls, data: bytes) -> _Database:
        """Check the metadata page and refuse what we cannot read correctly."""
        if not is_bdb(data) or len(data) < 512:
            raise RpmdbError("not a Berkeley DB hash database")
        order = "<" if data[12:16] == _HASH_MAGIC.to_bytes(4, "little") else ">"
        version, page_size = struct.unpack_from(order + "II", data, 16)
        encryption, page_type, flags = data[24], data[25], data[26]
        (last_page,) = struct.unpack_from(order + "I", data, 32)
        if not 8 <= version <= 10 or page_type != _HASH_META_PAGE:
            raise RpmdbError(f"unsupported Berkeley DB hash version {version} (page type {page_type})")
        if page_size not in _PAGE_SIZES or len(data) < page_size:
            raise RpmdbError(f"bad Berkeley DB page size {page_size} for a file of {len(data)} bytes")
        if encryption or flags & _CHECKSUMMED:
            raise RpmdbError("encrypted or checksummed Berkeley DB databases are not supported")
        return cls(data, order, page_size, last_page)

    @property
    def pages_present(self) -> int:
        """Pages the file really holds, which a truncated file makes fewer than the metadata says."""
        return min(self.last_page + 1, len(self.data) // self.page_size)

    def page(self, number: int) -> bytes:
        """One page, after checking that it exists and knows its own number."""
        if not 0 < number < self.pages_present:
            raise RpmdbError(f"page {number} is outside the database ({self.pages_present} pages)")
        start = number * self.page_size
        page = self.data[start : start + self.page_size]
        if struct.unpack_from(self.order + "I", page, 8)[0] != number:
            raise RpmdbError(f"page {number} carries a different page number")
        return page

    def overflow(self, first: int, length: int, *, budget: ByteBudget) -> bytes:
        """Concatenate an overflow chain, refusing loops, short chains and oversized claims."""
        if length > len(self.data):
            raise RpmdbError(f"overflow item claims {length} bytes, more than the file holds")
        budget.spend(length)
        chunks: list[bytes] = []
        seen: set[int] = set()
        number, remaining = first, length
        while remaining > 0:
            if number in seen:
                raise RpmdbError(f"overflow chain loops back to page {number}")
            seen.add(number)
            page = self.page(number)
            next_page, size = struct.unpack_from(self.order + "I2xH", page, 16)
            if page[25] != _OVERFLOW_PAGE or not 0 < size <= min(remaining, self.page_size - _PAGE_HEADER):
                raise RpmdbError(f"page {number} is not a valid overflow page of this item")
            chunks.append(page[_PAGE_HEADER : _PAGE_HEADER + size])
            number, remaining = next_page, remaining - size
        return b"".join(chunks)


def _items(db: _Database, page: bytes) -> Iterator[tuple[bytes, bytes]]:
    """The (key item, value item) byte ranges of one hash page, each starting with its type."""
    (count,) = struct.unpack_from(db.order + "H", page, 20)
    if count % 2 or _PAGE_HEADER + 2 * count > db.page_size:
        raise RpmdbError(f"hash page holds an impossible {count} items")
    offsets = struct.unpack_from(f"{db.order}{count}H", page, _PAGE_HEADER)
    floor = _PAGE_HEADER + 2 * count
    for index in range(0, count, 2):
        key_end = db.page_size if index == 0 else offsets[index - 1]
        key_start, value_start = offsets[index], offsets[index + 1]
        if not floor <= value_start < key_start < key_end <= db.page_size:
            raise RpmdbError(f"hash item {index} has offsets out of order or out of the page")
        yield page[key_start:key_end], page[value_start:key_start]


def _item_bytes(db: _Database, item: bytes, *, budget: ByteBudget) -> bytes:
    """The bytes an item stands for: inline data, or the overflow chain it points at."""
    if item[0] == _KEYDATA:
        return item[1:]
    if item[0] == _OFFPAGE and len(item) >= 12:
        first, length = struct.unpack_from(db.order + "II", item, 4)
        return db.overflow(first, length, budget=budget)
    raise RpmdbError(f"unsupported hash item type {item[0]} (duplicate sets are not used by rpm)")


def _page_records(db: _Database, number: int, *, budget: ByteBudget) -> Iterator[Record]:
    """The package records of one hash page; a bad item costs only its own record."""
    for key_item, value_item in _items(db, db.page(number)):
        try:
            key = _item_bytes(db, key_item, budget=budget)
        except RpmdbError as exc:
            yield Unreadable(None, f"page {number}: key: {exc}")
            continue
        instance = int.from_bytes(key, "little" if db.order == "<" else "big") if len(key) == 4 else None
        if instance == 0:
            continue
        try:
            yield Blob(instance or 0, _item_bytes(db, value_item, budget=budget))
        except RpmdbError as exc:
            yield Unreadable(instance, f"page {number}: {exc}")


def read_bdb(data: bytes) -> list[Record]:
    """Every header blob of the database, in page order; a truncated file is noted, not fatal."""
    db = _Database.open(data)
    budget = ByteBudget(len(data))
    records: list[Record] = []
    for number in range(1, db.pages_present):
        if db.data[number * db.page_size + 25] not in _HASH_PAGES:
            continue
        try:
            records.extend(_page_records(db, number, budget=budget))
        except RpmdbError as exc:
            records.append(Unreadable(None, f"page {number}: {exc}"))
    if db.pages_present < db.last_page + 1:
        claimed, held = db.last_page + 1, db.pages_present
        records.append(Unreadable(None, f"truncated: metadata names {claimed} pages, file holds {held}"))
    return records
