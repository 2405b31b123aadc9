"""Fixtures for the rpmdb format readers: the real databases, as bytes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

REAL_FILES = {
    "sqlite-cbl-mariner-2.0": "rpmdb.sqlite",
    "bdb-libuuid": "Packages",
    "ndb-sle15-bci": "Packages.db",
}


@pytest.fixture(scope="session")
def rpmdb_file(pkgdb_dir: Path) -> Callable[[str], bytes]:
    """Bytes of one real rpm database under ``pkgdb/rpm``, by its directory name."""

    def read(name: str) -> bytes:
        return (pkgdb_dir / "rpm" / name / REAL_FILES[name]).read_bytes()

    return read
