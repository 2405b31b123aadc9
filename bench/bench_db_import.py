"""Import every ``all.zip`` under ``../shared/data/osv`` into a temp database; print records/s.

Then time 1,000 lookups (half hits, half misses) against the result.

    .venv/bin/python bench/bench_db_import.py [OSV_DIR]
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from hullguard.vulndb import VulnStore, import_into

DEFAULT = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "osv"
NAMES = [
    ("PyPI", "requests"),
    ("PyPI", "Django"),
    ("npm", "lodash"),
    ("Debian:11", "openssl"),
    ("Alpine:v3.11", "curl"),
    ("AlmaLinux:8", "kernel"),
    ("Go", "golang.org/x/net"),
    ("crates.io", "tokio"),
    ("RubyGems", "rails"),
    ("Packagist", "symfony/symfony"),
]


def main() -> None:
    osv = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT.resolve()
    zips = sorted(osv.glob("*/all.zip"))
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "vulns.sqlite"
        start = time.perf_counter()
        results = import_into(db, zips, http=None, progress=None, now=datetime.now(UTC))
        seconds = time.perf_counter() - start
        records = sum(r.records for r in results)
        print(
            f"import: {records} records from {len(zips)} zips in {seconds:.2f} s "
            f"= {records / seconds:,.0f} records/s; database {db.stat().st_size / 1e6:.1f} MB"
        )
        with sqlite3.connect(db) as conn:
            pairs = conn.execute(
                "SELECT DISTINCT base, name FROM affected ORDER BY random() LIMIT 1000"
            ).fetchall()
        conn.close()
        with VulnStore.open_readonly(db) as store:
            for label in ("cold: every record parsed", "warm: records from the LRU"):
                start = time.perf_counter()
                found = sum(len(store.affected(base, name)) for base, name in pairs)
                elapsed = time.perf_counter() - start
                print(
                    f"lookup ({label}): {len(pairs)} distinct packages in {elapsed * 1000:.0f} ms, "
                    f"{found} records returned"
                )
            start = time.perf_counter()
            for i in range(1000):
                store.affected(*NAMES[i % len(NAMES)])
                store.affected(NAMES[i % len(NAMES)][0], f"missing-{i}")
            elapsed = time.perf_counter() - start
            print(f"lookup (mixed hits/misses): 2000 lookups in {elapsed * 1000:.0f} ms")


if __name__ == "__main__":
    main()
