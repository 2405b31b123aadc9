"""A real advisory database for matcher tests: every shared OSV zip, imported once per session."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hullguard.vulndb import VulnStore, import_into

NOW = datetime(2026, 11, 23, tzinfo=UTC)


@pytest.fixture(scope="session")
def shared_path() -> Path:
    """``<repo>/../shared``; missing data fails the run, never skips."""
    shared = (Path(__file__).resolve().parents[2] / ".." / "shared").resolve()
    if not (shared / "data" / "osv" / "MANIFEST.json").is_file():
        pytest.fail(f"shared test data missing under {shared}", pytrace=False)
    return shared


@pytest.fixture(scope="session")
def store(shared_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[VulnStore]:
    """The real advisories of every ecosystem in the shared data, in a real SQLite store."""
    db = tmp_path_factory.mktemp("matchdb") / "vulns.sqlite"
    import_into(
        db, sorted((shared_path / "data" / "osv").glob("*/all.zip")), http=None, progress=None, now=NOW
    )
    opened = VulnStore.open_readonly(db)
    yield opened
    opened.close()
