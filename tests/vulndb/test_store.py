"""The SQLite store over the real OSV exports: counts, lookups, newer-wins, refusal of bad files."""

from __future__ import annotations

import json
import sqlite3
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from hullguard.vulndb import (
    DatabaseCorruptError,
    DatabaseMissingError,
    OsvRecord,
    VulnStore,
    import_into,
)
from tests.vulndb.conftest import NOW


def test_record_counts_per_source_match_the_manifest(
    full_db: Path, osv_manifest: list[dict[str, Any]]
) -> None:
    with VulnStore.open_readonly(full_db) as store:
        status = store.status()
    live = {s.name: s.live for s in status.sources}
    assert live == {d["folder"]: d["records"] for d in osv_manifest}
    assert status.records == sum(d["records"] for d in osv_manifest) == 37_613
    assert status.withdrawn == sum(d["withdrawn"] for d in osv_manifest)


def test_affected_entries_per_ecosystem_match_the_manifest(
    full_db: Path, osv_manifest: list[dict[str, Any]]
) -> None:
    expected: Counter[str] = Counter()
    for dataset in osv_manifest:
        expected.update(dataset["ecosystems"])
    with VulnStore.open_readonly(full_db) as store:
        entries = {e.ecosystem: e.entries for e in store.status().ecosystems}
    assert entries == dict(expected)


def _ids_and_aliases(records: list[OsvRecord]) -> set[str]:
    return {r.id for r in records} | {a for r in records for a in r.aliases}


LOOKUPS = [
    ("PyPI", "requests", "CVE-2018-18074"),
    ("PyPI", "Requests", "PYSEC-2018-28"),
    ("PyPI", "PyYAML", "CVE-2017-18342"),
    ("PyPI", "Django", "CVE-2019-14234"),
    ("npm", "lodash", "CVE-2018-3721"),
    ("Debian:11", "openssl", "DSA-5343-1"),
    ("Debian", "openssl", "DSA-5343-1"),
    ("Alpine:v3.11", "openssl", "ALPINE-CVE-2019-1551"),
    ("AlmaLinux:8", "openssl", "ALSA-2022:1065"),
    ("crates.io", "smallvec", "RUSTSEC-2021-0003"),
    ("Go", "github.com/gin-gonic/gin", "GO-2020-0001"),
]


@pytest.mark.parametrize(("ecosystem", "name", "expected"), LOOKUPS, ids=[f"{e}-{n}" for e, n, _ in LOOKUPS])
def test_lookup_finds_known_advisories(full_db: Path, ecosystem: str, name: str, expected: str) -> None:
    with VulnStore.open_readonly(full_db) as store:
        found = store.affected(ecosystem, name)
    assert expected in _ids_and_aliases(found)
    assert [r.id for r in found] == sorted(r.id for r in found)


def test_exact_release_does_not_match_other_releases(full_db: Path) -> None:
    with VulnStore.open_readonly(full_db) as store:
        bullseye = store.affected("Debian:11", "openssl")
        every = store.affected("Debian", "openssl")
    assert 0 < len(bullseye) < len(every)
    assert all(any(p.ecosystem == "Debian:11" for p in r.packages()) for r in bullseye)


def test_name_normalisation_is_applied_to_lookups(full_db: Path) -> None:
    with VulnStore.open_readonly(full_db) as store:
        assert [r.id for r in store.affected("PyPI", "PyYAML")] == [
            r.id for r in store.affected("PyPI", "pyyaml")
        ]
        assert [r.id for r in store.affected("PyPI", "Django")] == [
            r.id for r in store.affected("PyPI", "django")
        ]
        assert store.affected("PyPI", "no-such-package-hullguard") == []


def test_withdrawn_records_are_kept_and_flagged(full_db: Path) -> None:
    with VulnStore.open_readonly(full_db) as store:
        spin = {str(r.id): r for r in store.affected("crates.io", "spin")}
        arrayfire = {str(r.id): r for r in store.affected("PyPI", "arrayfire")}
    assert spin["RUSTSEC-2019-0031"].is_withdrawn
    assert arrayfire["PYSEC-2019-144"].is_withdrawn


def test_thousand_lookups_are_fast(full_db: Path) -> None:
    with VulnStore.open_readonly(full_db) as store:
        names = [
            "requests",
            "django",
            "pyyaml",
            "jinja2",
            "flask",
            "urllib3",
            "pillow",
            "numpy",
            "lxml",
            "paramiko",
        ]
        start = time.perf_counter()
        for i in range(1000):
            store.affected("PyPI", names[i % len(names)] + ("" if i < 500 else "-missing"))
        elapsed = time.perf_counter() - start
    assert elapsed < 2.0, f"1000 lookups took {elapsed:.2f} s"


def _record(record_id: str, modified: str, name: str) -> bytes:
    return json.dumps(
        {
            "id": record_id,
            "modified": modified,
            "affected": [{"package": {"ecosystem": "PyPI", "name": name}}],
        }
    ).encode()


def test_same_id_from_two_sources_newer_modified_wins(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    (old / "X-1.json").write_bytes(_record("X-1", "2024-01-01T00:00:00Z", "alpha"))
    (new / "X-1.json").write_bytes(_record("X-1", "2024-06-01T00:00:00Z", "beta"))
    db = tmp_path / "db" / "vulns.sqlite"
    import_into(db, [new], http=None, progress=None, now=NOW)
    [result] = import_into(db, [old], http=None, progress=None, now=NOW)
    assert (result.stored, result.superseded) == (0, 1)
    with VulnStore.open_readonly(db) as store:
        assert store.affected("PyPI", "alpha") == []
        assert [r.id for r in store.affected("PyPI", "beta")] == ["X-1"]


def test_reimporting_a_source_drops_records_it_no_longer_has(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "A-1.json").write_bytes(_record("A-1", "2024-01-01T00:00:00Z", "alpha"))
    (src / "A-2.json").write_bytes(_record("A-2", "2024-01-01T00:00:00Z", "alpha"))
    db = tmp_path / "vulns.sqlite"
    import_into(db, [src], http=None, progress=None, now=NOW)
    (src / "A-2.json").unlink()
    import_into(db, [src], http=None, progress=None, now=NOW)
    with VulnStore.open_readonly(db) as store:
        assert [r.id for r in store.affected("PyPI", "alpha")] == ["A-1"]


def test_missing_database_says_how_to_get_one(tmp_path: Path) -> None:
    with pytest.raises(DatabaseMissingError) as caught:
        VulnStore.open_readonly(tmp_path / "vulns.sqlite")
    assert caught.value.hint is not None and "db update" in caught.value.hint


def test_foreign_or_old_files_are_refused(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not sqlite at all" * 100)
    with pytest.raises(DatabaseCorruptError):
        VulnStore.open_readonly(junk)
    old = tmp_path / "old.sqlite"
    with sqlite3.connect(old) as conn:
        conn.execute("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT)")
        conn.execute("INSERT INTO meta VALUES ('schema_version', '0')")
    conn.close()
    with pytest.raises(DatabaseCorruptError, match="schema version 0"):
        VulnStore.open_readonly(old)
