"""Shared fixtures for the vulnerability database tests: the real OSV exports under ``../shared``."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from hullguard.vulndb import import_into

NOW = datetime(2026, 9, 1, tzinfo=UTC)
"""A fixed clock for imports, so timestamps in the database are deterministic."""


@pytest.fixture(scope="session")
def osv_dir() -> Path:
    """``<repo>/../shared/data/osv``: the real advisories; missing data fails the run, never skips."""
    shared = Path(__file__).resolve().parents[2] / ".." / "shared"
    osv = (shared / "data" / "osv").resolve()
    if not (osv / "MANIFEST.json").is_file():
        pytest.fail(f"shared test data missing: expected {osv}/MANIFEST.json", pytrace=False)
    return osv


@pytest.fixture(scope="session")
def osv_manifest(osv_dir: Path) -> list[dict[str, Any]]:
    """The ``datasets`` of MANIFEST.json: folder, records, withdrawn, affected entries per ecosystem."""
    datasets: list[dict[str, Any]] = json.loads((osv_dir / "MANIFEST.json").read_text())["datasets"]
    return datasets


@pytest.fixture(scope="session")
def full_db(osv_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every shared ``all.zip`` imported once per session (the import itself is under test too)."""
    db = tmp_path_factory.mktemp("fulldb") / "vulns.sqlite"
    import_into(db, sorted(osv_dir.glob("*/all.zip")), http=None, progress=None, now=NOW)
    return db
