"""Run hadolint and compare its DL findings with ours, rule by rule, on (file, line) pairs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from hullguard.misconfig.dockerfile import Dockerfile, parse_dockerfile, read_dockerfile
from hullguard.misconfig.dockerfile._parse import Instruction
from hullguard.misconfig.dockerfile._rules_apt import removes_apt_lists
from hullguard.misconfig.dockerfile._shell import ShellCommand
from hullguard.report import MisconfigFinding


def find_hadolint() -> Path | None:
    """``$HULLGUARD_HADOLINT``, PATH, then ``~/.cache/hullguard-bench/peers/bin/hadolint``."""
    peers = Path.home() / ".cache" / "hullguard-bench" / "peers" / "bin" / "hadolint"
    for candidate in (os.environ.get("HULLGUARD_HADOLINT"), shutil.which("hadolint"), str(peers)):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return Path(candidate)
    return None


def run_hadolint(binary: Path, files: Sequence[Path]) -> list[dict[str, object]]:
    """hadolint's JSON findings for ``files``, one process for all of them."""
    done = subprocess.run(
        [str(binary), "--no-fail", "-f", "json", *map(str, files)],
        capture_output=True,
        check=True,
        timeout=600,
    )
    found: list[dict[str, object]] = json.loads(done.stdout)
    return found


@dataclass(frozen=True)
class RuleAgreement:
    """One hadolint rule: the (file, line) places each tool reports."""

    rule: str
    both: frozenset[tuple[str, int]]
    only_hadolint: frozenset[tuple[str, int]]
    only_ours: frozenset[tuple[str, int]]

    @property
    def ratio(self) -> float:
        """Places both report over places either reports (1.0 when neither reports any)."""
        union = len(self.both) + len(self.only_hadolint) + len(self.only_ours)
        return len(self.both) / union if union else 1.0


def agreement(
    ours: Iterable[MisconfigFinding], theirs: Iterable[dict[str, object]]
) -> tuple[dict[str, RuleAgreement], set[str]]:
    """Per-rule agreement on DL rules, leaving out files hadolint cannot parse (DL1000).

    Returns the table and the left-out files.
    """
    theirs = list(theirs)
    unparsed = {str(x["file"]) for x in theirs if x["code"] == "DL1000"}
    their_places: dict[str, set[tuple[str, int]]] = defaultdict(set)
    our_places: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for item in theirs:
        code, path = str(item["code"]), str(item["file"])
        if code.startswith("DL") and path not in unparsed:
            their_places[code].add((path, int(str(item["line"]))))
    for finding in ours:
        rule = finding.check.mapped("hadolint")
        if rule and finding.location.path not in unparsed:
            our_places[rule].add((finding.location.path, finding.location.start_line or 0))
    table = {
        rule: RuleAgreement(
            rule,
            frozenset(their_places[rule] & our_places[rule]),
            frozenset(their_places[rule] - our_places[rule]),
            frozenset(our_places[rule] - their_places[rule]),
        )
        for rule in sorted(set(their_places) | set(our_places))
    }
    return table, unparsed


@dataclass(frozen=True)
class Explanation:
    """A systematic difference, and a test that tells whether it is behind one disagreement."""

    rule: str
    side: str
    """``only_ours`` or ``only_hadolint``."""
    why: str
    applies: Callable[[Instruction], bool]


def _has(predicate: Callable[[ShellCommand], bool]) -> Callable[[Instruction], bool]:
    return lambda instruction: any(predicate(c) for c in _commands(instruction))


def _commands(instruction: Instruction) -> tuple[ShellCommand, ...]:
    """The shell commands of a RUN, or of the RUN an ONBUILD schedules."""
    return (instruction.inner or instruction).shell.commands


EXPLAINED = (
    Explanation(
        "DL3009",
        "only_hadolint",
        "theirs wrong: `apt-get dist-clean` (apt >= 2.7) deletes /var/lib/apt/lists; hadolint predates it",
        _has(lambda c: c.name in ("apt-get", "apt") and "dist-clean" in c.args),
    ),
    Explanation(
        "DL3009",
        "only_ours",
        "theirs wrong: hadolint takes any `rm -rf` (e.g. of /tmp/*) as removing the apt lists",
        lambda i: (
            any(c.name == "rm" for c in i.shell.commands)
            and not any(map(removes_apt_lists, i.shell.commands))
        ),
    ),
    Explanation(
        "DL3003",
        "only_ours",
        "ours right: `cd` in an ONBUILD RUN is the same smell; hadolint's DL3003 skips ONBUILD",
        lambda i: i.keyword == "ONBUILD",
    ),
)


def explain(
    table: dict[str, RuleAgreement], explanations: Sequence[Explanation] = EXPLAINED
) -> dict[str, tuple[float, dict[str, int]]]:
    """Per rule: agreement once explained places count as agreeing, and how many each explanation covers."""
    parsed: dict[str, Dockerfile] = {}

    def instruction_at(path: str, line: int) -> Instruction | None:
        if path not in parsed:
            parsed[path] = parse_dockerfile(read_dockerfile(Path(path)), path)
        found = [i for i in parsed[path].instructions if i.start_line == line]
        return found[-1] if found else None

    result: dict[str, tuple[float, dict[str, int]]] = {}
    for rule, row in table.items():
        counts: dict[str, int] = {}
        explained = 0
        for side in ("only_ours", "only_hadolint"):
            for path, line in getattr(row, side):
                instruction = instruction_at(path, line)
                reason = next(
                    (
                        e.why
                        for e in explanations
                        if e.rule == rule and e.side == side and instruction and e.applies(instruction)
                    ),
                    None,
                )
                if reason:
                    explained += 1
                    counts[reason] = counts.get(reason, 0) + 1
        union = len(row.both) + len(row.only_ours) + len(row.only_hadolint)
        result[rule] = ((len(row.both) + explained) / union if union else 1.0, counts)
    return result
