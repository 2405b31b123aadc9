"""rpm's SQLite database: the real CBL-Mariner file, and hostile databases built with sqlite3."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable

import pytest

from hullguard.analyze._rpmdb import Blob, RpmdbError, RpmHeader, Unreadable
from hullguard.analyze._rpmdb._sqlite import _guard, read_sqlite

RPM_SCHEMA = "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)"
"""The table as rpm 4.16+ creates it (``lib/backend/sqlite.c``)."""


def _database(*statements: str, rows: tuple[tuple[int, object], ...] = ()) -> bytes:
    """An SQLite file built in memory, as bytes."""
    conn = sqlite3.connect(":memory:")
    try:
        for statement in statements:
            conn.execute(statement)
        if rows:
            conn.executemany("INSERT INTO Packages (hnum, blob) VALUES (?, ?)", rows)
        conn.commit()
        return conn.serialize()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def mariner(rpmdb_file: Callable[[str], bytes]) -> bytes:
    return rpmdb_file("sqlite-cbl-mariner-2.0")


def test_sqlite_reads_rows_by_hnum(mariner: bytes) -> None:
    records = read_sqlite(mariner)
    assert [r.number for r in records] == list(range(1, 130))
    first = records[0]
    assert isinstance(first, Blob) and RpmHeader.from_blob(first.data).name == "mariner-release"


def test_sqlite_reads_wal_and_rollback_files_alike(mariner: bytes) -> None:
    assert mariner[18:20] == b"\x02\x02"  # rpm writes WAL-mode databases
    rollback = mariner[:18] + b"\x01\x01" + mariner[20:]
    assert read_sqlite(rollback) == read_sqlite(mariner)


def test_sqlite_notes_rows_that_hold_no_blob(mariner: bytes) -> None:
    (good,) = [r for r in read_sqlite(mariner)[:1] if isinstance(r, Blob)]
    data = _database(RPM_SCHEMA, rows=((1, good.data), (2, "a text value"), (3, 42)))
    records = read_sqlite(data)
    assert records == [
        good,
        Unreadable(2, "row holds a str, not a header blob"),
        Unreadable(3, "row holds a int, not a header blob"),
    ]


HOSTILE: list[tuple[str, Callable[[bytes], bytes], str]] = [
    ("truncated", lambda d: d[: len(d) // 3], "SQLite: database disk image is malformed"),
    ("header-only", lambda d: d[:100], "SQLite:"),
    ("too-short", lambda d: d[:50], "truncated"),
    (
        "recursive-view",
        lambda d: _database(
            "CREATE VIEW Packages AS WITH RECURSIVE n(hnum) AS (SELECT 1 UNION ALL SELECT hnum + 1 FROM n) "
            "SELECT hnum, zeroblob(16) AS blob FROM n"
        ),
        "Packages is a view, not a plain table",
    ),
    (
        "virtual-table",
        lambda d: _database("CREATE VIRTUAL TABLE Packages USING fts5(hnum, blob)"),
        "not a plain table",
    ),
    ("no-packages-table", lambda d: _database("CREATE TABLE Names (key TEXT)"), "no Packages table"),
    ("not-sqlite", lambda d: b"SQLite format 3\x00" + bytes(200), "SQLite:"),
]


@pytest.mark.parametrize(("case", "damage", "reason"), HOSTILE, ids=[c for c, _, _ in HOSTILE])
def test_sqlite_refuses_hostile_databases_quickly(
    mariner: bytes, case: str, damage: Callable[[bytes], bytes], reason: str
) -> None:
    data = damage(mariner)
    started = time.perf_counter()
    with pytest.raises(RpmdbError, match=reason):
        read_sqlite(data)
    assert time.perf_counter() - started < 2.0, case


def test_sqlite_work_budget_lets_a_dense_table_through() -> None:
    # the budget scales with the file's pages; even 200,000 rows in a 3 MB file stay well inside it
    data = _database(RPM_SCHEMA, rows=tuple((n, b"") for n in range(1, 200_001)))
    assert len(data) < 4 * 1024 * 1024
    records = read_sqlite(data)
    assert len(records) == 200_000


def test_sqlite_guard_interrupts_a_runaway_statement() -> None:
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute(RPM_SCHEMA)
        _guard(conn, pages=10)
        endless = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n"
        started = time.perf_counter()
        with pytest.raises(sqlite3.OperationalError, match="interrupted"):
            conn.execute(endless).fetchall()
        assert time.perf_counter() - started < 2.0
    finally:
        conn.close()
