"""Side-by-side SBOM benchmark: hullguard vs Trivy vs Syft on the shared benchmark image.

Builds the image with ../shared/bench/build-bench-image.sh and the peers with
../shared/bench/install-peers.sh, then times each tool REPEAT times on the docker-archive, the
gzip OCI layout and the zstd OCI layout (hullguard and trivy only there: syft is slow): median
wall time, peak RSS from wait4; plus the floor: decompressing the OCI layout's layers with
ISA-L and nothing else. Prints a Markdown table (ratios to Trivy).

    python bench/run.py [--repeat 3] [--write bench/RESULTS.md]
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

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "bench"
BIN = Path(sys.executable).parent


def _sh(script: Path, env: dict[str, str]) -> str:
    out = subprocess.run(["bash", str(script)], check=True, capture_output=True, text=True, env=env)
    return out.stdout.strip().splitlines()[-1]


def _timed(cmd: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (MB) of one run; output discarded; failure aborts."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"benchmark command failed: {' '.join(cmd)}\n{err[-2000:]}")
    return wall, usage.ru_maxrss // 1024


def _decompress_floor(layout: Path) -> list[str]:
    code = (
        "import sys,json,pathlib\nfrom isal import igzip_threaded\n"
        "root=pathlib.Path(sys.argv[1]); idx=json.loads((root/'index.json').read_text())\n"
        "m=json.loads((root/'blobs/sha256'/idx['manifests'][0]['digest'][7:]).read_bytes())\n"
        "for l in m['layers']:\n"
        "  with igzip_threaded.open(root/'blobs/sha256'/l['digest'][7:],'rb',threads=1) as f:\n"
        "    while f.read(1<<20): pass\n"
    )
    return [sys.executable, "-c", code, str(layout)]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()
    env = dict(os.environ)
    out = Path(_sh(SHARED / "build-bench-image.sh", env).removeprefix("present: ").removeprefix("built: "))
    peers = Path(_sh(SHARED / "install-peers.sh", env))
    cache = tempfile.mkdtemp(prefix="hg-bench-cache-")
    env |= {"HULLGUARD_CACHE_DIR": cache, "TRIVY_NO_PROGRESS": "true", "SYFT_CHECK_FOR_APP_UPDATE": "false"}
    archive, oci, zstd = out / "bench.tar", out / "bench-oci-gzip", out / "bench-oci-zstd"
    hg = [str(BIN / "hullguard"), "sbom", "--quiet", "-f", "cyclonedx-json"]
    trivy = [
        str(peers / "trivy"),
        "image",
        "--quiet",
        "--format",
        "cyclonedx",
        "--scanners",
        "license",
        "--cache-backend",
        "memory",
        "--skip-db-update",
        "--skip-java-db-update",
        "--offline-scan",
        "--skip-version-check",
    ]
    syft = [str(peers / "syft"), "scan", "-q", "-o", "cyclonedx-json"]
    cases = {
        "docker-archive": {
            "hullguard (cold, --no-cache)": [*hg, "--no-cache", f"docker-archive:{archive}"],
            "hullguard (warm layer cache)": [*hg, f"docker-archive:{archive}"],
            "trivy": [*trivy, "--input", str(archive)],
            "syft": [*syft, f"docker-archive:{archive}"],
        },
        "oci-layout (gzip)": {
            "hullguard (cold, --no-cache)": [*hg, "--no-cache", f"oci-layout:{oci}:app"],
            "hullguard (warm layer cache)": [*hg, f"oci-layout:{oci}:app"],
            "trivy": [*trivy, "--input", str(oci)],
            "syft": [*syft, f"oci-dir:{oci}"],
            "isal decompress only (floor)": _decompress_floor(oci),
        },
        "oci-layout (zstd)": {
            "hullguard (cold, --no-cache)": [*hg, "--no-cache", f"oci-layout:{zstd}:app"],
            "trivy": [*trivy, "--input", str(zstd)],
        },
    }
    lines = ["| source | tool | median wall (s) | peak RSS (MB) | time / trivy |", "|---|---|---:|---:|---:|"]
    for source, tools in cases.items():
        rows = {}
        for tool, cmd in tools.items():
            if "warm" in tool:
                _timed(cmd, env)  # fill the cache
            runs = [_timed(cmd, env) for _ in range(args.repeat)]
            rows[tool] = (statistics.median(r[0] for r in runs), max(r[1] for r in runs))
        base = rows["trivy"][0]
        for tool, (wall, rss) in rows.items():
            lines.append(f"| {source} | {tool} | {wall:.2f} | {rss} | {wall / base:.2f}x |")
    table = "\n".join(lines)
    print(table)
    if args.write:
        args.write.write_text(
            args.write.read_text().split("<!-- results -->")[0] + "<!-- results -->\n" + table + "\n"
        )


if __name__ == "__main__":
    main()
