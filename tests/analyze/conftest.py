"""Shared fixtures for analyzer tests: the real package databases under ``../shared``."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def pkgdb_dir() -> Path:
    """The real package databases (``<repo>/../shared/data/pkgdb``).

    Parsers are tested on real files, so a missing checkout of the shared data is an error
    of the test setup and fails the run instead of silently skipping the tests.
    """
    shared = Path(__file__).resolve().parents[2] / ".." / "shared"
    pkgdb = (shared / "data" / "pkgdb").resolve()
    if not (pkgdb / "MANIFEST.json").is_file():
        pytest.fail(f"shared test data missing: expected {pkgdb}/MANIFEST.json", pytrace=False)
    return pkgdb
