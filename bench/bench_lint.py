"""Dockerfile linting benchmark: hullguard vs hadolint on every Dockerfile of the shared corpus.

Each tool lints all files in one process (hadolint gets every path on one command line), cold,
REPEAT times, interleaved; reported as medians and ratios against hadolint's wall time. hadolint
always runs ShellCheck's checks (they are compiled in), so it is timed once, and hullguard twice:
without ShellCheck (target <= 0.2x) and with the ``shellcheck`` binary (target <= 1.0x). Our
wall time includes interpreter start-up and imports.

    python bench/bench_lint.py [--repeat 5] [--out /tmp/hg-notes/dockerfile-bench.md]

Binaries: ``$HULLGUARD_HADOLINT``/``$HULLGUARD_SHELLCHECK``, PATH, or ~/.cache/hullguard-bench/peers/bin.
(Compose and Kubernetes linting benchmarks live in their own file.)
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BIN = Path(sys.executable).parent
PEERS = Path.home() / ".cache/hullguard-bench/peers/bin"
CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus" / "dockerfiles"

_OURS = """
import sys
from pathlib import Path
from hullguard.misconfig import LintOptions
from hullguard.misconfig.dockerfile import lint_dockerfiles, read_dockerfile
use_shellcheck = sys.argv[1] == "with-shellcheck"
paths = [Path(p) for p in sys.argv[2:]]
options = LintOptions(shellcheck=use_shellcheck)
found = lint_dockerfiles([(read_dockerfile(p), str(p)) for p in paths], options)
print(len(found), sum(1 for f in found if f.check.mapped("shellcheck")))
"""


def _binary(name: str) -> str:
    for candidate in (os.environ.get(f"HULLGUARD_{name.upper()}"), shutil.which(name), str(PEERS / name)):
        if candidate and Path(candidate).is_file():
            return candidate
    sys.exit(f"{name} not found: set HULLGUARD_{name.upper()} or install {name}-py")


def _time(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
    return time.perf_counter() - start, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    files = sorted(str(p) for p in args.corpus.resolve().iterdir() if p.is_file())
    env = {**os.environ, "HULLGUARD_SHELLCHECK": _binary("shellcheck")}
    commands = {
        "hadolint (all rules, ShellCheck built in)": [_binary("hadolint"), "--no-fail", "-f", "json", *files],
        "hullguard, without ShellCheck": [str(BIN / "python"), "-c", _OURS, "without", *files],
        "hullguard, with ShellCheck": [str(BIN / "python"), "-c", _OURS, "with-shellcheck", *files],
    }
    walls: dict[str, list[float]] = {name: [] for name in commands}
    outputs: dict[str, str] = {}
    for _ in range(args.repeat):
        for name, cmd in commands.items():
            wall, outputs[name] = _time(cmd, env)
            walls[name].append(wall)
    medians = {name: statistics.median(values) for name, values in walls.items()}
    reference = medians[next(iter(commands))]
    rows = [
        f"| {name} | {medians[name]:.2f} | {min(walls[name]):.2f}-{max(walls[name]):.2f}"
        f" | {medians[name] / reference:.2f}x |"
        for name in commands
    ]
    ours_counts = {name: outputs[name].split() for name in commands if name.startswith("hullguard")}
    text = "\n".join(
        [
            f"# Dockerfile lint benchmark ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)",
            "",
            f"{len(files)} Dockerfiles of `{args.corpus}`, {args.repeat} interleaved cold runs per tool, "
            f"{platform.node()} ({os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f} at the end).",
            "",
            "```sh",
            f".venv/bin/python bench/bench_lint.py --repeat {args.repeat}"
            + (f" --out {args.out}" if args.out else ""),
            "```",
            "",
            "| tool | median wall (s) | range (s) | time / hadolint |",
            "|---|---:|---:|---:|",
            *rows,
            "",
            "Targets: hullguard without ShellCheck <= 0.2x hadolint, with ShellCheck <= 1.0x.",
            "Findings (all, of which ShellCheck): "
            + "; ".join(f"{name}: {' / '.join(counts)}" for name, counts in ours_counts.items()),
            "",
        ]
    )
    print(text)
    if args.out:
        args.out.write_text(text)


if __name__ == "__main__":
    main()
