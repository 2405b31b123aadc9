"""hullguard audit vs docker-bench-security on the same daemon and the same containers.

Self-contained: starts a fixed set of insecure and hardened containers (named ``hgbench-*``),
runs docker-bench-security (restricted to them with ``-i hgbench`` and to the checks we map in
``hullguard.audit.DOCKER_BENCH_IDS``) and ``hullguard audit docker -f json``, compares the two
per check and per container, then times a full audit of 50 running containers, and removes
everything it started. docker-bench-security is never copied into this repository: give the
path of a checkout with ``--dbs`` or ``DOCKER_BENCH_SECURITY`` (it needs root and the docker CLI).

    sudo python bench/bench_audit.py --dbs /tmp/dbs [--scale 50] [--write /tmp/hg-notes/harden-bench.md]

Status mapping: our PASS <-> PASS, FAIL/WARN <-> WARN, INFO <-> INFO/NOTE; SKIP is not compared.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

IMAGE = "hullguard-test/sample:1"
PREFIX = "hgbench-"
BIN = Path(sys.executable).parent
SLEEP = ("sleep", "900")

# --privileged runs as uid 1000 (the image's USER): this dockerd refuses root privileged containers.
ROLES: dict[str, tuple[str, ...]] = {
    "root": ("--user", "root"),
    "privileged": ("--privileged",),
    "sysadmin": ("--user", "root", "--cap-add", "SYS_ADMIN"),
    "dockersock": ("-v", "/var/run/docker.sock:/var/run/docker.sock"),
    "pidhost": ("--pid", "host"),
    "nethost": ("--network", "host"),
    "ssh-all-ifaces": ("-p", "0.0.0.0:22:22"),
    "hardened": (
        "--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges", "--user", "1000",
        "--memory", "64m", "--cpu-shares", "512", "--pids-limit", "100", "--restart", "on-failure:5",
        "--health-cmd", "true", "--health-interval", "2s",
    ),
}  # fmt: skip
_OURS_TO_THEIRS = {"PASS": "PASS", "FAIL": "WARN", "WARN": "WARN", "INFO": "INFO"}


@dataclass(frozen=True)
class Row:
    """One check on one target, as each tool sees it."""

    check_id: str
    bench_id: str
    target: str
    ours: str
    theirs: str

    @property
    def agree(self) -> bool:
        theirs = "INFO" if self.theirs == "NOTE" else self.theirs
        return _OURS_TO_THEIRS.get(self.ours, self.ours) == theirs


def _docker(*args: str, check: bool = True) -> str:
    done = subprocess.run(["docker", *args], capture_output=True, text=True, check=False)
    if check and done.returncode != 0:
        raise SystemExit(f"docker {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


def _hardened_by_harden() -> tuple[str, ...]:
    """The options ``hullguard harden`` proposes for the sample image (a second hardened container)."""
    out = subprocess.run(
        [str(BIN / "hullguard"), "harden", f"docker:{IMAGE}", "-f", "json", "-q"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return tuple(json.loads(out.stdout)["docker"]["args"])


def start_containers(network: str) -> list[str]:
    """The fixed comparison set, on our own network unless the role picks one."""
    names = []
    roles = dict(ROLES)
    roles["harden-proposal"] = _hardened_by_harden()
    for role, options in roles.items():
        name = f"{PREFIX}{role}"
        net = () if "--network" in options else ("--network", network)
        _docker("run", "-d", "--name", name, *net, *options, IMAGE, *SLEEP)
        names.append(name)
    time.sleep(3)  # let health checks report
    return names


def run_docker_bench(dbs: Path, functions: list[str], workdir: Path) -> tuple[dict[str, Any], float]:
    """Run docker-bench-security on our containers and checks; its JSON log and the wall time."""
    log = workdir / "dbs.log"
    command = [
        "sh",
        "docker-bench-security.sh",
        "-b",
        "-l",
        str(log),
        "-i",
        PREFIX,
        "-c",
        ",".join(functions),
    ]
    started = time.perf_counter()
    subprocess.run(command, cwd=dbs, capture_output=True, check=True)
    elapsed = time.perf_counter() - started
    return json.loads(Path(f"{log}.json").read_text()), elapsed


def run_hullguard(*extra: str) -> tuple[dict[str, Any], float]:
    """``hullguard audit docker -f json`` and its wall time (a fresh process, as a user runs it)."""
    command = [str(BIN / "hullguard"), "audit", "docker", "-f", "json", *extra]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"hullguard audit failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    document: dict[str, Any] = json.loads(done.stdout)
    return document, elapsed


def bench_functions(dbs: Path, mapping: dict[str, str]) -> list[str]:
    """Mapped docker-bench functions that exist in this checkout."""
    defined: set[str] = set()
    for script in (dbs / "tests").glob("*.sh"):
        defined.update(
            line.split("(")[0] for line in script.read_text().splitlines() if line.startswith("check_")
        )
    return sorted({f for f in mapping.values() if f in defined})


def compare(
    ours: dict[str, Any], theirs: dict[str, Any], mapping: dict[str, str], names: list[str]
) -> list[Row]:
    """Per check and per target: container checks compare per container, the rest per target."""
    bench: dict[str, dict[str, Any]] = {}
    for entry in theirs.get("tests", []):  # sections with results, or results alone (with -c)
        for result in entry.get("results", [entry]):
            if "result" in result:
                bench["check_" + str(result["id"]).replace(".", "_")] = result
    rows = []
    for result in ours["results"]:
        function = mapping.get(result["check_id"])
        if function not in bench or result["status"] == "SKIP":
            continue
        target = result["target"]
        if result.get("target_kind", "container") == "container" and target not in names:
            continue  # another user's container on the same engine
        theirs_result = bench[function]
        status = theirs_result["result"]
        items = theirs_result.get("items")
        if status != "PASS" and items is not None and target in names:  # items: "name" or "name:port"
            listed = any(item == target or item.startswith(target + ":") for item in items)
            status = status if listed else "PASS"
        rows.append(Row(result["check_id"], function, target, result["status"], status))
    return sorted(rows, key=lambda r: (r.bench_id, r.target))


def scale(count: int, network: str) -> float:
    """Wall time of a full ``hullguard audit docker`` with ``count`` more running containers."""
    names = [f"{PREFIX}scale-{i:02d}" for i in range(count)]
    try:
        for name in names:
            _docker("run", "-d", "--name", name, "--network", network, IMAGE, *SLEEP)
        run_hullguard()  # warm the page cache and the SDK import
        times = sorted(run_hullguard()[1] for _ in range(3))
        return times[1]
    finally:
        _docker("rm", "-f", *names, check=False)


def markdown(
    rows: list[Row], *, t_ours: float, t_theirs: float, t_scale: float, count: int, command: str
) -> str:
    per_check: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        per_check[f"{row.check_id} ({row.bench_id})"].append(row)
    lines = [
        "## hullguard audit vs docker-bench-security",
        "",
        f"Command: `{command}`",
        "",
        "| check (docker-bench id) | targets | agree | disagreements (target: ours/theirs) |",
        "|---|---:|---:|---|",
    ]
    for check, group in sorted(per_check.items()):
        bad = [f"{r.target}: {r.ours}/{r.theirs}" for r in group if not r.agree]
        lines.append(f"| {check} | {len(group)} | {len(group) - len(bad)} | {'; '.join(bad)} |")
    agree = sum(r.agree for r in rows)
    lines += [
        "",
        f"Agreement: {agree}/{len(rows)} check-target pairs ({100 * agree / max(1, len(rows)):.1f} %).",
        "",
        "| run | wall time |",
        "|---|---:|",
        f"| docker-bench-security (mapped checks, {PREFIX}* containers) | {t_theirs:.2f} s |",
        f"| hullguard audit docker (all checks, all containers) | {t_ours:.2f} s |",
        f"| ratio docker-bench / hullguard | {t_theirs / t_ours:.1f}x |",
        f"| hullguard audit docker, {count} more running containers (median of 3) "
        f"| {t_scale:.2f} s (target < 5 s) |",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dbs", type=Path, default=os.environ.get("DOCKER_BENCH_SECURITY"))
    parser.add_argument("--scale", type=int, default=50)
    parser.add_argument("--write", type=Path)
    parser.add_argument("--rows", type=Path, help="also write every compared pair as JSON")
    args = parser.parse_args()
    if args.dbs is None or not (args.dbs / "docker-bench-security.sh").is_file():
        raise SystemExit("give a docker-bench-security checkout with --dbs or DOCKER_BENCH_SECURITY")
    from hullguard.audit import DOCKER_BENCH_IDS  # noqa: PLC0415 - after the argument check

    mapping = dict(DOCKER_BENCH_IDS)
    network = f"hgbench-{uuid.uuid4().hex[:8]}"
    _docker("network", "create", network)
    workdir = Path(tempfile.mkdtemp(prefix="hgbench-"))
    names: list[str] = []
    try:
        names = start_containers(network)
        theirs, t_theirs = run_docker_bench(args.dbs, bench_functions(args.dbs, mapping), workdir)
        ours, t_ours = run_hullguard()
        rows = compare(ours, theirs, mapping, names)
        t_scale = scale(args.scale, network)
    finally:
        if names:
            _docker("rm", "-f", *names, check=False)
        _docker("network", "rm", network, check=False)
        shutil.rmtree(workdir, ignore_errors=True)
    command = f"python bench/bench_audit.py --dbs {args.dbs} --scale {args.scale}"
    text = markdown(
        rows, t_ours=t_ours, t_theirs=t_theirs, t_scale=t_scale, count=args.scale, command=command
    )
    print(text)
    if args.write:
        args.write.write_text(text)
    if args.rows:
        args.rows.write_text(json.dumps([r.__dict__ | {"agree": r.agree} for r in rows], indent=1))


if __name__ == "__main__":
    main()
