"""Lint Dockerfiles: parse, run the selected checks, drop inline-ignored hits, add ShellCheck."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from hullguard._registry import Registry
from hullguard.misconfig._options import LintOptions
from hullguard.misconfig.dockerfile import (
    _rules_apt,
    _rules_copy,
    _rules_from,
    _rules_instructions,
    _rules_langs,
    _rules_rpm,
    _rules_run,
)
from hullguard.misconfig.dockerfile._check import Check, Hit, info
from hullguard.misconfig.dockerfile._parse import Dockerfile, DockerfileError, Instruction, parse_dockerfile
from hullguard.misconfig.dockerfile._pragmas import Ignores, read_ignores
from hullguard.misconfig.dockerfile._shellcheck import ShellCheckRunner, find_shellcheck, shellcheck_findings
from hullguard.report import CheckInfo, MisconfigFinding, Severity, SourceLocation

__all__ = ["PARSE_ERROR", "UNKNOWN_INSTRUCTION", "all_checks", "lint_dockerfile", "lint_dockerfiles"]

PARSE_ERROR = info(
    900,
    "Dockerfile cannot be parsed",
    Severity.HIGH,
    "BuildKit's parser rejects the file, so `docker build` fails and no other check could run.",
    "Fix the syntax error at the reported line.",
)
UNKNOWN_INSTRUCTION = info(
    901,
    "Unknown instruction",
    Severity.HIGH,
    "The builder does not know this instruction and stops with an error.",
    "Fix the typo or remove the line.",
)

_MAX_UNKNOWN = 10
_MODULES = (_rules_from, _rules_instructions, _rules_copy, _rules_run, _rules_apt, _rules_rpm, _rules_langs)


def all_checks() -> Registry[Check]:
    """Every built-in Dockerfile check, keyed by id (duplicate ids fail here)."""
    return Registry.of((check, module.__name__) for module in _MODULES for check in module.CHECKS)


def _column(dockerfile: Dockerfile, line: int) -> int | None:
    if 0 < line <= len(dockerfile.lines):
        text = dockerfile.lines[line - 1]
        return len(text) - len(text.lstrip()) + 1
    return None


def _finding(check: CheckInfo, dockerfile: Dockerfile, hit: Hit) -> MisconfigFinding:
    instruction = hit.instruction
    location = SourceLocation(
        path=dockerfile.path,
        start_line=instruction.start_line,
        start_column=hit.column or _column(dockerfile, instruction.start_line),
        end_line=hit.end_line or instruction.end_line,
    )
    return MisconfigFinding(
        check=check, location=location, message=hit.message, resource=dockerfile.resource(instruction)
    )


def _names(check: CheckInfo) -> set[str]:
    return {check.id.upper(), *(value.upper() for _, value in check.mappings)}


def _stage_line(dockerfile: Dockerfile, instruction: Instruction) -> int | None:
    stage = dockerfile.stage_of(instruction)
    return stage.line if stage else None


def _keep(
    finding: MisconfigFinding, dockerfile: Dockerfile, ignores: Ignores, instruction: Instruction
) -> bool:
    return not ignores.ignored(
        _names(finding.check), instruction.start_line, _stage_line(dockerfile, instruction)
    )


def _parse_error_finding(error: DockerfileError, path: str) -> MisconfigFinding:
    line = _line_of(error.message)
    location = SourceLocation(path=path, start_line=line, end_line=line)
    return MisconfigFinding(check=PARSE_ERROR, location=location, message=error.message.splitlines()[0][:300])


def _line_of(message: str) -> int | None:
    marker = "line "
    at = message.find(marker)
    if at < 0:
        return None
    digits = "".join(ch for ch in message[at + len(marker) :][:10] if ch.isdigit())
    return int(digits) if digits else None


def _lint_parsed(
    dockerfile: Dockerfile, ignores: Ignores, options: LintOptions, checks: Registry[Check]
) -> list[MisconfigFinding]:
    found: list[MisconfigFinding] = []
    for check in checks:
        if not options.selects(check.info):
            continue
        for hit in check.find(dockerfile):
            finding = _finding(check.info, dockerfile, hit)
            if _keep(finding, dockerfile, ignores, hit.instruction):
                found.append(finding)
    unknown = dockerfile.unknown
    for instruction in unknown[:_MAX_UNKNOWN]:
        word = (instruction.original.split() or [instruction.keyword])[0]
        hit = Hit(instruction, f"unknown instruction {word[:40]}")
        found.append(_finding(UNKNOWN_INSTRUCTION, dockerfile, hit))
    if len(unknown) > _MAX_UNKNOWN:  # junk, not a Dockerfile: say so once instead of per line
        rest = f"{len(unknown) - _MAX_UNKNOWN} more unknown instructions (is this a Dockerfile?)"
        found.append(_finding(UNKNOWN_INSTRUCTION, dockerfile, Hit(unknown[_MAX_UNKNOWN], rest)))
    return found


def lint_dockerfiles(
    files: Iterable[tuple[str, str]],
    options: LintOptions,
    *,
    checks: Registry[Check] | None = None,
    shellcheck: ShellCheckRunner | None = None,
) -> list[MisconfigFinding]:
    """Lint ``(text, path)`` pairs; one ShellCheck process covers every RUN of every file.

    When ``options.shellcheck`` is on, ``shellcheck`` is the runner to use; None locates one with
    :func:`find_shellcheck` (no binary found: no ShellCheck findings).
    Returns findings sorted by :meth:`MisconfigFinding.sort_key`.
    """
    findings = _lint_files(list(files), options, checks, shellcheck=shellcheck)
    reported = [kept for finding in findings if (kept := options.apply(finding)) is not None]
    return sorted(reported, key=MisconfigFinding.sort_key)


def _lint_files(
    files: Sequence[tuple[str, str]],
    options: LintOptions,
    checks: Registry[Check] | None,
    *,
    shellcheck: ShellCheckRunner | None,
) -> list[MisconfigFinding]:
    """Parse every file, then run ShellCheck (in its own processes) while the Python checks run.

    (Worker processes for the Python part would not help: the Go runtime inside the
    ``dockerfile`` extension does not survive ``fork``.)
    """
    registry = checks or all_checks()
    findings: list[MisconfigFinding] = []
    parsed: list[tuple[Dockerfile, Ignores]] = []
    for text, path in files:
        try:
            dockerfile = parse_dockerfile(text, path)
        except DockerfileError as error:
            findings.append(_parse_error_finding(error, path))
            continue
        parsed.append((dockerfile, read_ignores(dockerfile)))
    runner = (shellcheck or find_shellcheck()) if options.shellcheck and parsed else None
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(lambda: list(shellcheck_findings(parsed, runner))) if runner else None
        for dockerfile, ignores in parsed:
            findings.extend(_lint_parsed(dockerfile, ignores, options, registry))
        for dockerfile, ignores, finding, instruction in pending.result() if pending else ():
            if _keep(finding, dockerfile, ignores, instruction):
                findings.append(finding)
    return findings


def lint_dockerfile(
    text: str,
    path: str,
    options: LintOptions,
    *,
    checks: Registry[Check] | None = None,
    shellcheck: ShellCheckRunner | None = None,
) -> list[MisconfigFinding]:
    """Lint one Dockerfile's text; ``path`` is what findings name. A file BuildKit rejects gives one
    ``HG-DF-900`` finding instead of an exception."""
    return lint_dockerfiles([(text, path)], options, checks=checks, shellcheck=shellcheck)


def read_dockerfile(path: Path) -> str:
    """A Dockerfile's text, undecodable bytes replaced (they still count as junk for the parser)."""
    return path.read_bytes().decode("utf-8", errors="replace")


def selected(checks: Sequence[Check], options: LintOptions) -> list[Check]:
    """The checks ``options`` selects."""
    return [check for check in checks if options.selects(check.info)]
