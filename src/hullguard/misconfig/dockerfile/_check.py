"""What a Dockerfile check is: metadata plus a pure function from a parsed file to hits."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from hullguard.misconfig.dockerfile._parse import Dockerfile, Instruction
from hullguard.misconfig.dockerfile._shell import ParsedShell
from hullguard.report import CheckInfo, Severity

__all__ = ["Check", "Hit", "info", "run_check", "shell_of_runs", "with_stage_flag"]

HADOLINT_DOCS = "https://github.com/hadolint/hadolint/wiki/"


@dataclass(frozen=True, slots=True)
class Hit:
    """One place a check fails: the instruction (for line and stage) and what is wrong there."""

    instruction: Instruction
    message: str
    column: int | None = None
    end_line: int | None = None


@dataclass(frozen=True, slots=True)
class Check:
    """A check's metadata and the function finding its hits."""

    info: CheckInfo
    find: Callable[[Dockerfile], Iterable[Hit]]

    @property
    def id(self) -> str:
        """Our id, the registry key."""
        return self.info.id


def info(
    number: int,
    title: str,
    severity: Severity,
    description: str,
    remediation: str,
    *,
    hadolint: str | None = None,
    references: tuple[str, ...] = (),
) -> CheckInfo:
    """Metadata of check ``HG-DF-<number>``; ``hadolint`` is the DL id it mirrors."""
    mappings = (("hadolint", hadolint),) if hadolint else ()
    refs = ((HADOLINT_DOCS + hadolint,) if hadolint else ()) + references
    return CheckInfo(
        id=f"HG-DF-{number:03d}",
        title=title,
        severity=severity,
        kind="dockerfile",
        description=description,
        remediation=remediation,
        references=refs,
        mappings=mappings,
    )


def with_stage_flag(
    dockerfile: Dockerfile, sets: Callable[[Instruction], bool]
) -> Iterator[tuple[Instruction, bool]]:
    """Each instruction with whether ``sets`` held earlier in its stage or in the stage it builds on.

    A stage is known by its name (or its image when unnamed) and ``FROM name`` inherits that
    stage's flag: hadolint's reading for WORKDIR (DL3045) and ``PIP_NO_CACHE_DIR`` (DL3042).
    """
    flags: dict[str | None, bool] = {}
    current: str | None = None
    for instruction in dockerfile.instructions:
        if instruction.keyword == "FROM":
            stage = dockerfile.stage_of(instruction)
            image = stage.image if stage else ""
            current = stage.name if stage and stage.name else image
            flags[current] = flags.get(image, False)
        elif sets(instruction):
            flags[current] = True
        yield instruction, flags.get(current, False)


def shell_of_runs(dockerfile: Dockerfile) -> Iterator[tuple[Instruction, ParsedShell]]:
    """Each RUN (ONBUILD ones included) with its parsed shell."""
    for run in dockerfile.runs():
        yield run, run.shell


def run_check(check_info: CheckInfo, failing: Callable[[ParsedShell], str | None]) -> Check:
    """A check that looks at one RUN at a time: ``failing`` returns a message or None."""

    def find(dockerfile: Dockerfile) -> Iterator[Hit]:
        for run, shell in shell_of_runs(dockerfile):
            message = failing(shell)
            if message is not None:
                yield Hit(run, message)

    return Check(check_info, find)
