"""Vulnerability scanning benchmark: database import, matching 1,000 packages, scan vs sbom.

1. ``hullguard db import`` of every zip in ../shared/data/osv (records/s);
2. matching a 1,000-package inventory (the benchmark image's 841 packages plus real Debian 10
   and Alpine 3.7 databases from ../shared/data/pkgdb, each against its own distro) in-process;
3. ``hullguard scan`` against ``hullguard sbom`` on the benchmark image's docker-archive, both
   cold (``--no-cache``), median of REPEAT runs; target: scan <= 1.2x sbom.

    python bench/run_scan.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from hullguard.analyze import FileHeader, FileInput, analyze_target, build_analyzers
from hullguard.analyze.apk import parse_apk_installed
from hullguard.analyze.dpkg import parse_dpkg_status
from hullguard.image import SourceOptions, open_target
from hullguard.inventory import Inventory, OSInfo
from hullguard.inventory.purl import with_purls
from hullguard.match import match_inventory
from hullguard.vulndb import VulnStore, db_path_in
from hullguard.vulndb.versions import build_version_schemes, scheme_for

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
BIN = Path(sys.executable).parent


def _wall(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def _file(path: Path, name: str) -> FileInput:
    data = path.read_bytes()
    return FileInput(name, FileHeader(len(data), 0o644), data, None)


def _inventories(archive: Path) -> list[Inventory]:
    image = open_target(f"docker-archive:{archive}", SourceOptions())
    bench = analyze_target(image, build_analyzers(), limits=SourceOptions().limits)
    pkgdb = SHARED / "data" / "pkgdb"
    debian = parse_dpkg_status(_file(pkgdb / "dpkg/debian-10-buster/status", "/var/lib/dpkg/status")).packages
    alpine = parse_apk_installed(
        _file(pkgdb / "apk/alpine-3.7.0/installed", "/lib/apk/db/installed")
    ).packages
    return [
        bench,
        with_purls(Inventory(os=OSInfo("debian", "10"), packages=debian)),
        with_purls(Inventory(os=OSInfo("alpine", "3.7.0"), packages=alpine)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    cache = Path(tempfile.mkdtemp(prefix="hg-scan-bench-"))
    env = {**os.environ, "HULLGUARD_CACHE_DIR": str(cache)}
    zips = [str(p) for p in sorted((SHARED / "data" / "osv").glob("*/all.zip"))]
    seconds = _wall([str(BIN / "hullguard"), "db", "import", *zips], env)
    with VulnStore.open_readonly(db_path_in(cache)) as store:
        records = store.status().records
        print(f"db import: {records} records in {seconds:.2f} s ({records / seconds:,.0f} records/s)")
        archive = Path(os.environ.get("BENCH_ARCHIVE", Path.home() / ".cache/hullguard-bench/bench.tar"))
        inventories = _inventories(archive)
        schemes = build_version_schemes()
        count = sum(len(i.packages) for i in inventories)
        runs = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            found = sum(
                len(match_inventory(i, store, lambda e: scheme_for(schemes, e)).findings) for i in inventories
            )
            runs.append(time.perf_counter() - start)
        print(f"match: {count} packages, {found} findings, median {statistics.median(runs) * 1000:.0f} ms")
    hg = str(BIN / "hullguard")
    sbom = [hg, "sbom", "-q", "--no-cache", "-f", "json", f"docker-archive:{archive}"]
    scan = [hg, "scan", "-q", "--no-cache", "-f", "json", f"docker-archive:{archive}"]
    vuln_only = [*scan[:2], "--scanners", "vuln", *scan[2:]]
    sbom_t = statistics.median(_wall(sbom, env) for _ in range(args.repeat))
    vuln_t = statistics.median(_wall(vuln_only, env) for _ in range(args.repeat))
    scan_t = statistics.median(_wall(scan, env) for _ in range(args.repeat))
    print(f"sbom {sbom_t:.2f} s, scan --scanners vuln {vuln_t:.2f} s: {vuln_t / sbom_t:.2f}x sbom")
    print(f"scan (vuln, secret, misconfig) {scan_t:.2f} s: {scan_t / sbom_t:.2f}x sbom")


if __name__ == "__main__":
    main()
