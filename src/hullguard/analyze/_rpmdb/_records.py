"""What every rpmdb backend hands back: stored header blobs, or notes on the ones it could not read.

The three on-disk formats (SQLite, Berkeley DB hash, NDB) differ only in how they file the same
thing: one rpm header blob per installed package, under a number rpm calls the header instance.
Backends are pure functions from the file's bytes to a list of :data:`Record` values, in database
order; a problem with one record becomes an :class:`Unreadable` so the other packages survive.
"""

from __future__ import annotations

from dataclasses import dataclass

from hullguard.errors import AnalysisError

__all__ = ["Blob", "ByteBudget", "Record", "RpmdbError", "Unreadable"]


class RpmdbError(AnalysisError):
    """The database or a header blob is malformed.

    Raised inside the rpm analyzer only: it is caught there and becomes a ``Skipped`` note, so a
    hostile image can cost us a package, never the scan.
    """


@dataclass(frozen=True, slots=True)
class Blob:
    """One stored rpm header blob and the instance number the database filed it under."""

    number: int
    """Header instance (``hnum`` in SQLite, the key in BDB, ``pkgidx`` in NDB)."""
    data: bytes
    """The header as rpm stores it: index count, data length, index, data store."""


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A record the backend found but could not read, and why."""

    number: int | None
    """Header instance, or None when the problem is not tied to one record (e.g. truncation)."""
    reason: str


Record = Blob | Unreadable
"""One entry of a backend's answer."""


class ByteBudget:
    """How many more blob bytes a backend may hand out for one file.

    Live records never share storage, so together they cannot hold more bytes than the file.
    A hostile file can point many records at the same bytes (slots at one blob, overflow items
    at one chain, corrupt SQLite cells at one overflow list) to multiply a small file into
    gigabytes; charging every record to this budget before copying it caps memory and time at
    the file's size.
    """

    __slots__ = ("_left",)

    def __init__(self, total: int) -> None:
        self._left = total

    def spend(self, size: int) -> None:
        """Charge ``size`` bytes, or raise :class:`RpmdbError` when the file cannot hold them."""
        if size > self._left:
            raise RpmdbError(
                f"records claim more bytes than the file holds ({size} more wanted, {self._left} left)"
            )
        self._left -= size
