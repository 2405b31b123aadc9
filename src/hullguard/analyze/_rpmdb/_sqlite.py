"""Header blobs from rpm's SQLite database, ``rpmdb.sqlite`` (rpm 4.16+, Fedora 33+, RHEL 9).

rpm keeps one row per package in ``Packages(hnum INTEGER PRIMARY KEY, blob BLOB)``; every other
table is an index we do not need. The file's bytes are loaded into an in-memory connection with
``deserialize``: nothing is written to disk and the image's file is never opened.

The database comes from an untrusted image, so before querying we check that ``Packages`` is a
plain table (a view could hide a runaway recursive query), stop any statement that runs longer
than the file's size justifies, cap every value and all values together at the file's size (a
corrupt file can point many cells at one overflow list), and keep the connection read-only.
"""

from __future__ import annotations

import sqlite3

from hullguard.analyze._rpmdb._records import Blob, ByteBudget, Record, RpmdbError, Unreadable

__all__ = ["is_sqlite", "read_sqlite"]

_MAGIC = b"SQLite format 3\x00"
_WAL = 2
"""File format read/write versions at bytes 18 and 19: 1 = rollback journal, 2 = WAL."""
_STEPS_PER_CALLBACK = 1000
_CALLBACKS_PER_PAGE = 8
"""Budget of virtual-machine steps, in thousands, per database page: a scan of a sane table
costs a few steps per row, so only a hostile schema or a corrupt b-tree gets near it."""


def is_sqlite(data: bytes) -> bool:
    """True when the bytes start with the SQLite 3 file magic."""
    return data[:16] == _MAGIC


def _memory_image(data: bytes) -> bytes:
    """The file with WAL mode switched off in its header.

    rpm runs SQLite in WAL mode, and SQLite's in-memory backend cannot open a WAL database. The
    main file is complete without the ``-wal`` file once rpm has checkpointed (it does on close);
    the ``-wal`` file is not handed to us, so switching the header to rollback mode loses nothing
    we could have read.
    """
    if len(data) < 100:
        raise RpmdbError(f"SQLite file of {len(data)} bytes is truncated")
    if data[18] != _WAL and data[19] != _WAL:
        return data
    return data[:18] + bytes((1, 1)) + data[20:]


def _guard(conn: sqlite3.Connection, pages: int) -> None:
    """Refuse anything but a plain ``Packages`` table and bound the work of later statements."""
    budget = [max(pages, 1) * _CALLBACKS_PER_PAGE]

    def spend() -> int:
        budget[0] -= 1
        return 1 if budget[0] < 0 else 0

    conn.set_progress_handler(spend, _STEPS_PER_CALLBACK)
    conn.execute("PRAGMA query_only = ON")
    conn.execute("PRAGMA trusted_schema = OFF")
    row = conn.execute("SELECT type, sql FROM sqlite_master WHERE name = 'Packages'").fetchone()
    if row is None:
        raise RpmdbError("SQLite database has no Packages table: not an rpm database")
    kind, sql = row
    if kind != "table" or not isinstance(sql, str) or sql.lstrip().upper().startswith("CREATE VIRTUAL"):
        raise RpmdbError(f"Packages is a {kind}, not a plain table")


def _rows(conn: sqlite3.Connection, budget: ByteBudget) -> list[tuple[object, object]]:
    """All ``(hnum, blob)`` rows, charging each value to the budget as it arrives."""
    rows: list[tuple[object, object]] = []
    for hnum, blob in conn.execute("SELECT hnum, blob FROM Packages ORDER BY hnum"):
        budget.spend(len(blob) if isinstance(blob, bytes | str) else 0)
        rows.append((hnum, blob))
    return rows


def read_sqlite(data: bytes) -> list[Record]:
    """Every header blob of the ``Packages`` table, by ``hnum``."""
    image = _memory_image(data)
    page_size = int.from_bytes(image[16:18], "big") or 1
    page_size = 65536 if page_size == 1 else page_size
    conn = sqlite3.connect(":memory:")
    try:
        conn.deserialize(image)
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, max(len(image), 1))
        _guard(conn, len(image) // page_size)
        rows = _rows(conn, ByteBudget(len(image)))
    except sqlite3.Error as exc:
        raise RpmdbError(f"SQLite: {exc}") from exc
    finally:
        conn.close()
    records: list[Record] = []
    for hnum, blob in rows:
        number = hnum if isinstance(hnum, int) else None
        if isinstance(blob, bytes) and number is not None:
            records.append(Blob(number, blob))
        else:
            records.append(Unreadable(number, f"row holds a {type(blob).__name__}, not a header blob"))
    return records
