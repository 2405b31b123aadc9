"""The embedded vulnerability store: one SQLite file, records as compressed OSV JSON.

Why this shape: the matcher asks one question, "which records affect package N in ecosystem E",
thousands of times per scan. ``affected`` answers it from an index on (base, name) or
(ecosystem, name); the full records stay zlib-compressed JSON (a third of the size) and are
parsed only when asked for, with a small LRU because base images share packages.

Writes only ever happen on a private copy (see ``_swap.staged_store``), so the live file is
never modified in place: readers need no locking and a crash cannot leave it half written. That
is also why the rollback journal lives in memory and WAL is off (one file to copy and replace).
"""

from __future__ import annotations

import sqlite3
import zlib
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType

from hullguard.errors import VulnDBError
from hullguard.vulndb._names import ecosystem_base, normalize_name
from hullguard.vulndb._osv import OsvRecord, format_timestamp

__all__ = [
    "SCHEMA_VERSION",
    "DatabaseCorruptError",
    "DatabaseMissingError",
    "DbStatus",
    "EcosystemCount",
    "PreparedRecord",
    "SourceInfo",
    "SourceStatus",
    "VulnStore",
    "prepare_record",
]

SCHEMA_VERSION = 1
"""Bump when tables change; an old file is then refused and rebuilt by ``db update``."""

_LRU_SIZE = 2048
_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sources(name TEXT PRIMARY KEY, url TEXT NOT NULL, etag TEXT, last_modified TEXT,
                     imported_at TEXT NOT NULL, records INTEGER NOT NULL);
CREATE TABLE records(id TEXT PRIMARY KEY, modified TEXT NOT NULL, published TEXT, withdrawn TEXT,
                     source TEXT NOT NULL, data BLOB NOT NULL);
CREATE TABLE affected(ecosystem TEXT NOT NULL, base TEXT NOT NULL, name TEXT NOT NULL,
                      record_id TEXT NOT NULL);
CREATE INDEX affected_base_name ON affected(base, name);
CREATE INDEX affected_ecosystem_name ON affected(ecosystem, name);
CREATE INDEX affected_record ON affected(record_id);
CREATE INDEX records_source ON records(source);
"""


class DatabaseMissingError(VulnDBError):
    """There is no database file yet."""


class DatabaseCorruptError(VulnDBError):
    """The file is not a hullguard database of this schema version, or fails its integrity check."""


@dataclass(frozen=True, slots=True)
class PreparedRecord:
    """A validated record in storage form: what ``replace_source`` writes, no parsing left."""

    id: str
    modified: str
    """``format_timestamp`` text, so that "newer wins" is a string comparison."""
    published: str | None
    withdrawn: str | None
    data: bytes
    """The original JSON, zlib-compressed (kept verbatim so new OSV fields survive)."""
    affected: tuple[tuple[str, str, str], ...]
    """(ecosystem, base, normalized name), one per ``affected`` entry that names a package."""


def prepare_record(raw: bytes, record: OsvRecord) -> PreparedRecord:
    """Turn one validated record (and its original bytes) into its storage form."""
    affected = tuple(
        (p.ecosystem, ecosystem_base(p.ecosystem), normalize_name(p.ecosystem, p.name))
        for p in record.packages()
    )
    return PreparedRecord(
        id=record.id,
        modified=format_timestamp(record.modified),
        published=format_timestamp(record.published) if record.published else None,
        withdrawn=format_timestamp(record.withdrawn) if record.withdrawn else None,
        data=zlib.compress(raw, 6),
        affected=affected,
    )


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """Where a set of records came from; a source is replaced as a whole when imported again."""

    name: str
    """Stable key, e.g. the ecosystem for osv.dev zips (``PyPI``)."""
    url: str
    etag: str | None
    last_modified: str | None
    imported_at: datetime


@dataclass(frozen=True, slots=True)
class SourceStatus:
    """One row of ``db status``: a source and how many of its records are live."""

    name: str
    url: str
    etag: str | None
    last_modified: str | None
    imported_at: str
    imported: int
    """Records accepted from the source at its last import."""
    live: int
    """Records currently stored from it (fewer when another source had a newer copy)."""


@dataclass(frozen=True, slots=True)
class EcosystemCount:
    """Records and affected entries per full ecosystem string (``Debian:11``)."""

    ecosystem: str
    records: int
    entries: int


@dataclass(frozen=True, slots=True)
class DbStatus:
    """What is in the database, for ``db status`` and for staleness warnings."""

    path: Path
    schema_version: int
    records: int
    withdrawn: int
    newest_modified: datetime | None
    """The newest ``modified`` of any record: a proxy for how current the data is."""
    sources: tuple[SourceStatus, ...]
    ecosystems: tuple[EcosystemCount, ...]

    def age(self, now: datetime) -> timedelta | None:
        """How old the newest record is, or None for an empty database."""
        return None if self.newest_modified is None else now - self.newest_modified

    def is_stale(self, now: datetime, max_age: timedelta) -> bool:
        """True when the data is older than ``max_age`` (or there is none)."""
        age = self.age(now)
        return age is None or age > max_age


class VulnStore:
    """An open vulnerability database. Use :meth:`open_readonly`, :meth:`create` or
    :meth:`open_build`; close it (or use ``with``) when done."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self._db = connection
        self._cache: OrderedDict[str, OsvRecord] = OrderedDict()

    @classmethod
    def open_readonly(cls, path: Path) -> VulnStore:
        """Open the live database for lookups; refuses a missing file or another schema version."""
        if not path.is_file():
            raise DatabaseMissingError(
                f"no vulnerability database at {path}",
                hint="run `hullguard db update` (online) or `hullguard db import BUNDLE|ZIP`",
            )
        try:
            connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        except sqlite3.Error as exc:
            raise DatabaseCorruptError(f"{path}: cannot open: {exc}") from exc
        store = cls(path, connection)
        store._check_schema()
        return store

    @classmethod
    def create(cls, path: Path) -> VulnStore:
        """Create an empty database at a new path (never an existing one)."""
        if path.exists():
            raise VulnDBError(f"{path} already exists")
        store = cls(path, cls._connect_writable(path))
        with store._db:
            store._db.executescript(_SCHEMA)
            store._db.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        return store

    @classmethod
    def open_build(cls, path: Path) -> VulnStore:
        """Open a private copy of a database for writing (never the live file, see module doc)."""
        store = cls(path, cls._connect_writable(path))
        store._check_schema()
        return store

    @staticmethod
    def _connect_writable(path: Path) -> sqlite3.Connection:
        try:
            connection = sqlite3.connect(path, isolation_level="DEFERRED")
            connection.execute("PRAGMA journal_mode=MEMORY")
            connection.execute("PRAGMA synchronous=OFF")
        except sqlite3.Error as exc:
            raise DatabaseCorruptError(f"{path}: cannot open for writing: {exc}") from exc
        return connection

    def _check_schema(self) -> None:
        try:
            row = self._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except sqlite3.DatabaseError as exc:
            self.close()
            raise DatabaseCorruptError(
                f"{self.path}: not a hullguard vulnerability database ({exc})",
                hint="delete it and run `hullguard db update`",
            ) from exc
        if row is None or row[0] != str(SCHEMA_VERSION):
            self.close()
            raise DatabaseCorruptError(
                f"{self.path}: schema version {row[0] if row else 'unknown'}, expected {SCHEMA_VERSION}",
                hint="run `hullguard db update` to rebuild it",
            )

    def __enter__(self) -> VulnStore:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection (idempotent)."""
        self._db.close()

    # -- writing ---------------------------------------------------------------------------

    def replace_source(self, source: SourceInfo, records: Iterable[PreparedRecord]) -> tuple[int, int]:
        """Replace every record of ``source`` with ``records`` in one transaction.

        A record id already stored from another source keeps the copy with the newer
        ``modified`` (ties go to the incoming one). Returns (stored, superseded): how many were
        written and how many lost to a newer copy. Within ``records`` the newest copy of an id wins.
        """
        incoming: dict[str, PreparedRecord] = {}
        for record in records:
            known = incoming.get(record.id)
            if known is None or record.modified >= known.modified:
                incoming[record.id] = record
        with self._db:
            self._db.execute(
                "DELETE FROM affected WHERE record_id IN (SELECT id FROM records WHERE source = ?)",
                (source.name,),
            )
            self._db.execute("DELETE FROM records WHERE source = ?", (source.name,))
            existing = dict(self._db.execute("SELECT id, modified FROM records"))
            winners = [r for r in incoming.values() if existing.get(r.id, "") <= r.modified]
            replaced = [(r.id,) for r in winners if r.id in existing]
            self._db.executemany("DELETE FROM affected WHERE record_id = ?", replaced)
            self._db.executemany(
                "INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?, ?)",
                ((r.id, r.modified, r.published, r.withdrawn, source.name, r.data) for r in winners),
            )
            self._db.executemany(
                "INSERT INTO affected VALUES (?, ?, ?, ?)",
                ((eco, base, name, r.id) for r in winners for eco, base, name in r.affected),
            )
            self._db.execute(
                "INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?, ?)",
                (
                    source.name,
                    source.url,
                    source.etag,
                    source.last_modified,
                    format_timestamp(source.imported_at),
                    len(incoming),
                ),
            )
        self._cache.clear()
        return len(winners), len(incoming) - len(winners)

    def verify(self) -> None:
        """Integrity check before a build is published: SQLite's own check, then our invariants."""
        problems = [row[0] for row in self._db.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise DatabaseCorruptError(f"{self.path}: integrity check failed: {problems[0]}")
        orphans = self._db.execute(
            "SELECT count(*) FROM affected WHERE record_id NOT IN (SELECT id FROM records)"
        ).fetchone()[0]
        if orphans:
            raise DatabaseCorruptError(f"{self.path}: {orphans} affected rows without a record")

    # -- reading ---------------------------------------------------------------------------

    def affected(self, ecosystem: str, name: str) -> list[OsvRecord]:
        """Records with an ``affected`` entry for ``name`` in ``ecosystem``, sorted by id.

        ``ecosystem`` with a release (``Debian:12``) matches that release exactly; a bare base
        (``PyPI``, ``Debian``) matches every release. Withdrawn records are included and
        flagged (``is_withdrawn``): skipping them is the matcher's decision.
        """
        column = "ecosystem" if ":" in ecosystem else "base"
        rows = self._db.execute(
            f"SELECT DISTINCT record_id FROM affected WHERE {column} = ? AND name = ? ORDER BY record_id",  # noqa: S608
            (ecosystem, normalize_name(ecosystem, name)),
        )
        return [self._record(record_id) for (record_id,) in rows.fetchall()]

    def get(self, record_id: str) -> OsvRecord | None:
        """One record by id, or None."""
        found = self._db.execute("SELECT 1 FROM records WHERE id = ?", (record_id,)).fetchone()
        return None if found is None else self._record(record_id)

    def _record(self, record_id: str) -> OsvRecord:
        cached = self._cache.get(record_id)
        if cached is not None:
            self._cache.move_to_end(record_id)
            return cached
        (blob,) = self._db.execute("SELECT data FROM records WHERE id = ?", (record_id,)).fetchone()
        try:
            record = OsvRecord.from_json(zlib.decompress(blob), where=f"{self.path}:{record_id}")
        except zlib.error as exc:
            raise DatabaseCorruptError(f"{self.path}: record {record_id} is damaged: {exc}") from exc
        self._cache[record_id] = record
        if len(self._cache) > _LRU_SIZE:
            self._cache.popitem(last=False)
        return record

    def status(self) -> DbStatus:
        """Counts per source and ecosystem, and the newest record time."""
        total, withdrawn, newest = self._db.execute(
            "SELECT count(*), count(withdrawn), max(modified) FROM records"
        ).fetchone()
        sources = tuple(
            SourceStatus(*row)
            for row in self._db.execute(
                "SELECT s.name, s.url, s.etag, s.last_modified, s.imported_at, s.records,"
                " (SELECT count(*) FROM records r WHERE r.source = s.name) FROM sources s ORDER BY s.name"
            )
        )
        ecosystems = tuple(
            EcosystemCount(*row)
            for row in self._db.execute(
                "SELECT ecosystem, count(DISTINCT record_id), count(*) FROM affected"
                " GROUP BY ecosystem ORDER BY ecosystem"
            )
        )
        return DbStatus(
            path=self.path,
            schema_version=SCHEMA_VERSION,
            records=total,
            withdrawn=withdrawn,
            newest_modified=datetime.fromisoformat(newest) if newest else None,
            sources=sources,
            ecosystems=ecosystems,
        )

    def source_validators(self, name: str) -> tuple[str | None, str | None]:
        """The (ETag, Last-Modified) stored for a source, for conditional downloads."""
        row = self._db.execute("SELECT etag, last_modified FROM sources WHERE name = ?", (name,)).fetchone()
        return (None, None) if row is None else (row[0], row[1])
