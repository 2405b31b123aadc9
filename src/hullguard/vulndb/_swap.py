"""Build a new database beside the live one and swap it in atomically, or not at all.

Every write (import, update, bundle import) goes through here. The steps:

1. take an exclusive ``flock`` on the database directory (one writer at a time; readers never
   lock, they keep reading the file they opened);
2. delete temp files a killed writer left behind (only a lock holder creates them, so any that
   exist now are stale);
3. build the new file as ``.<name>.<pid>.<random>.tmp`` next to the live one (same filesystem,
   so the rename is atomic), starting from a copy of the live file;
4. verify it, fsync it, ``os.replace`` it onto the live path and fsync the directory.

Any exception before step 4 deletes the temp file and leaves the live file byte-for-byte as it was.
"""

from __future__ import annotations

import fcntl
import logging
import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hullguard.errors import VulnDBError
from hullguard.vulndb._store import DatabaseCorruptError, VulnStore

__all__ = ["DatabaseBusyError", "new_temp_path", "publish", "staged_store", "writer_lock"]


class DatabaseBusyError(VulnDBError):
    """Another hullguard process is writing the database."""


_log = logging.getLogger(__name__)


def new_temp_path(db_path: Path, suffix: str = "") -> Path:
    """A fresh temp name next to ``db_path``, removed by the next writer if we get killed."""
    return db_path.with_name(f".{db_path.name}.{os.getpid()}.{secrets.token_hex(4)}{suffix}.tmp")


def _remove_stale(db_path: Path) -> None:
    for leftover in db_path.parent.glob(f".*{db_path.name}.*.tmp*"):
        leftover.unlink(missing_ok=True)


@contextmanager
def writer_lock(db_path: Path) -> Iterator[None]:
    """Steps 1-2: hold the directory lock, then clear what a killed writer left."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(db_path.parent, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DatabaseBusyError(
                f"another hullguard process is writing {db_path}", hint="wait for it to finish"
            ) from None
        _remove_stale(db_path)
        yield
    finally:
        os.close(fd)


def publish(temp: Path, db_path: Path) -> None:
    """Step 4: make the finished file durable, then atomically put it in place."""
    with temp.open("rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(temp, db_path)
    dir_fd = os.open(db_path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _start_from(db_path: Path, temp: Path) -> VulnStore:
    """Step 3: copy the live file; an unreadable or older-schema one is rebuilt from scratch
    (its sources are then downloaded again, as they have no stored validators any more)."""
    if db_path.exists():
        shutil.copyfile(db_path, temp)
        try:
            return VulnStore.open_build(temp)
        except DatabaseCorruptError as exc:
            _log.warning("starting a new database: %s", exc)
            temp.unlink()
    return VulnStore.create(temp)


@contextmanager
def staged_store(db_path: Path) -> Iterator[VulnStore]:
    """A writable copy of the live database (or a new one); published only if the block succeeds.

    Must be entered inside :func:`writer_lock`.
    """
    temp = new_temp_path(db_path)
    try:
        with _start_from(db_path, temp) as store:
            yield store
            store.verify()
        publish(temp, db_path)
    finally:
        for path in (temp, temp.with_name(temp.name + "-journal")):
            path.unlink(missing_ok=True)
