"""Secret scanning benchmark: hullguard vs ``trivy image --scanners secret`` on the benchmark image.

Both read the same docker-archive (``~/.cache/hullguard-bench/bench.tar`` or ``$BENCH_ARCHIVE``),
cold (no layer cache), REPEAT times each, interleaved; reported as medians and their ratio
(target: hullguard <= 0.5x trivy). Peak RSS comes from ``/usr/bin/time``-style rusage.

    python bench/bench_secrets.py [--repeat 3] [--out /tmp/hg-notes/secrets-bench.md]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent
PEERS = Path.home() / ".cache/hullguard-bench/peers/bin"

_OURS = """
import sys, json, time
from hullguard.analyze import analyze_target, build_analyzers
from hullguard.analyze.secrets import SecretAnalyzer
from hullguard.image import SourceOptions, open_target
from hullguard.secrets import load_rules, secret_findings
start = time.perf_counter()
rules = load_rules()
with open_target("docker-archive:" + sys.argv[1], SourceOptions()) as image:
    inventory = analyze_target(image, [SecretAnalyzer(rules)], limits=SourceOptions().limits)
found = secret_findings(inventory, rules)
print(json.dumps([[f.rule_id, f.location.path, f.location.start_line, bool(f.removed_in)] for f in found]))
"""


def _run(cmd: list[str]) -> tuple[float, int, str]:
    """Wall seconds, peak RSS of the child in KiB, stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before), done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("bench/secrets-bench.md"))
    args = parser.parse_args()
    archive = Path(os.environ.get("BENCH_ARCHIVE", Path.home() / ".cache/hullguard-bench/bench.tar"))
    ours_cmd = [str(BIN / "python"), "-c", _OURS, str(archive)]
    trivy_cmd = [
        str(PEERS / "trivy"),
        "image",
        "--scanners",
        "secret",
        "--cache-backend",
        "memory",
        "--input",
        str(archive),
        "-f",
        "json",
        "-q",
    ]
    ours: list[float] = []
    theirs: list[float] = []
    ours_out = trivy_out = ""
    rss = 0
    for _ in range(args.repeat):
        wall, rss, ours_out = _run(ours_cmd)
        ours.append(wall)
        wall, _, trivy_out = _run(trivy_cmd)
        theirs.append(wall)
    mine = json.loads(ours_out)
    trivy = [s for r in json.loads(trivy_out).get("Results", []) for s in r.get("Secrets", [])]
    ratio = statistics.median(ours) / statistics.median(theirs)
    lines = [
        "# Secret scan benchmark",
        "",
        f"Command: `.venv/bin/python bench/bench_secrets.py --repeat {args.repeat}` on {archive}"
        f" ({archive.stat().st_size / 1e6:.0f} MB docker-archive), {os.cpu_count()} CPUs.",
        "",
        "| tool | median wall (s) | runs (s) | findings |",
        "|---|---|---|---|",
        f"| hullguard | {statistics.median(ours):.2f} | {', '.join(f'{x:.2f}' for x in ours)}"
        f" | {len(mine)} |",
        f"| trivy `image --scanners secret --cache-backend memory` | {statistics.median(theirs):.2f}"
        f" | {', '.join(f'{x:.2f}' for x in theirs)} | {len(trivy)} |",
        "",
        f"Ratio hullguard/trivy: **{ratio:.2f}x** (target <= 0.5x)."
        f" Peak RSS of the children: {rss / 1024:.0f} MiB.",
        "",
        "hullguard findings (rule, path, line, in a deleted file):",
        "",
        *(f"- {r} {p}:{ln or ''}{' (removed by a later layer)' if gone else ''}" for r, p, ln, gone in mine),
        "",
        "trivy findings:",
        "",
        *(f"- {s['RuleID']} {s.get('Target', '')}" for s in trivy),
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)


if __name__ == "__main__":
    main()
