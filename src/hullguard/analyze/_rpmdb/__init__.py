"""Pure-Python readers for rpm's package databases and header blobs.

rpm has stored its database in three formats: Berkeley DB hash (``Packages``, up to rpm 4.15),
its own NDB (``Packages.db``, SUSE) and SQLite (``rpmdb.sqlite``, rpm 4.16+). We pick the reader
from the file's magic rather than its name, so a database moved or renamed by a distribution is
still read by the right code. Nothing here runs rpm or touches the filesystem.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from hullguard.analyze._rpmdb._bdb import is_bdb, read_bdb
from hullguard.analyze._rpmdb._header import RpmHeader, Tag
from hullguard.analyze._rpmdb._ndb import is_ndb, read_ndb
from hullguard.analyze._rpmdb._records import Blob, Record, RpmdbError, Unreadable
from hullguard.analyze._rpmdb._sqlite import is_sqlite, read_sqlite

__all__ = [
    "FORMATS",
    "Blob",
    "DatabaseFormat",
    "Record",
    "RpmHeader",
    "RpmdbError",
    "Tag",
    "Unreadable",
    "detect_format",
]


@dataclass(frozen=True, slots=True)
class DatabaseFormat:
    """One on-disk format: how to recognise it and how to read its header blobs."""

    id: str
    sniff: Callable[[bytes], bool]
    read: Callable[[bytes], list[Record]]


FORMATS = (
    DatabaseFormat("sqlite", is_sqlite, read_sqlite),
    DatabaseFormat("ndb", is_ndb, read_ndb),
    DatabaseFormat("bdb", is_bdb, read_bdb),
)
"""Every format we read, tried in this order (the magics cannot overlap)."""


def detect_format(data: bytes) -> DatabaseFormat:
    """The format whose magic the bytes carry; :class:`RpmdbError` when none does."""
    for candidate in FORMATS:
        if candidate.sniff(data):
            return candidate
    raise RpmdbError("not an rpm database: no SQLite, NDB or Berkeley DB hash magic")
