"""The Dockerfile as the checks see it: BuildKit's parse, plus stages, comments and shell bodies.

Parsing is BuildKit's own (the ``dockerfile`` package wraps moby/buildkit's parser), so we read
a file exactly as ``docker build`` does: line continuations, the escape directive, heredocs.
This module only adds what BuildKit's AST leaves out: which stage each instruction belongs to,
the comment lines (for ignore pragmas), and the parsed shell of each RUN.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

import dockerfile  # type: ignore[import-not-found]

from hullguard.errors import HullguardError
from hullguard.misconfig.dockerfile._shell import EMPTY, ParsedShell, ShellCommand, parse_shell

__all__ = ["Dockerfile", "DockerfileError", "Instruction", "Stage", "parse_dockerfile"]

MAX_DOCKERFILE_BYTES = 4 * 1024 * 1024
"""Larger inputs are refused: real Dockerfiles are a few KiB, and the parser holds it all."""

_NON_POSIX_SHELLS = ("pwsh", "powershell", "cmd")
_POSIX_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh"})
_KNOWN = frozenset(
    [
        "ADD",
        "ARG",
        "CMD",
        "COPY",
        "ENTRYPOINT",
        "ENV",
        "EXPOSE",
        "FROM",
        "HEALTHCHECK",
        "LABEL",
        "MAINTAINER",
        "ONBUILD",
        "RUN",
        "SHELL",
        "STOPSIGNAL",
        "USER",
        "VOLUME",
        "WORKDIR",
    ]
)


def _shell_body(body: str) -> bool:
    """A heredoc body without a shebang, or with one naming a POSIX shell."""
    if not body.startswith("#!"):
        return True
    words = body[2:].split("\n", 1)[0].split()
    program = words[-1] if words and words[0].endswith("/env") else (words[0] if words else "")
    return program.rsplit("/", 1)[-1] in _POSIX_SHELLS


class DockerfileError(HullguardError):
    """A Dockerfile that BuildKit's parser rejects, or one too large to read."""


@dataclass(frozen=True, slots=True)
class Stage:
    """One ``FROM`` and what follows it."""

    index: int
    image: str
    """The base image as written (``ubuntu:22.04``, ``builder``, ``$BASE``)."""
    name: str | None
    """The ``AS`` name, lower-cased as BuildKit compares it."""
    platform: str | None
    line: int

    @property
    def label(self) -> str:
        """How findings name the stage: ``stage builder`` or ``stage 0``."""
        return f"stage {self.name}" if self.name else f"stage {self.index}"


@dataclass(frozen=True, slots=True)
class Instruction:
    """One instruction as BuildKit parsed it, with its place in the file."""

    keyword: str
    """Upper case: ``RUN``, ``COPY``, ..."""
    args: tuple[str, ...]
    flags: tuple[str, ...]
    """``--from=builder``, ``--mount=type=cache,target=/root/.cache``, as written."""
    original: str
    start_line: int
    end_line: int
    json_form: bool
    heredocs: tuple[str, ...]
    stage: int
    """Index of the stage it belongs to; -1 before the first FROM."""
    shell: ParsedShell = field(default=EMPTY, compare=False)
    """The parsed shell of a RUN in shell form (empty otherwise, and for non-POSIX shells)."""
    inner: Instruction | None = None
    """For ``ONBUILD``: the instruction it schedules."""

    def flag(self, name: str) -> str | None:
        """The value of ``--name=value`` (or ``""`` for a bare ``--name``), if present."""
        for flag in self.flags:
            key, _, value = flag.removeprefix("--").partition("=")
            if key.lower() == name:
                return value
        return None

    def mounts(self) -> tuple[dict[str, str], ...]:
        """Each ``--mount`` of a RUN as a key/value mapping."""
        found = []
        for flag in self.flags:
            key, _, value = flag.removeprefix("--").partition("=")
            if key.lower() == "mount":
                pairs = (part.partition("=") for part in value.split(","))
                found.append({k.strip().lower(): v.strip() for k, _, v in pairs})
        return tuple(found)

    def declared_names(self) -> tuple[str, ...]:
        """Variable names an ARG or ENV declares (``ARG A=1 B`` gives ``A``, ``B``)."""
        if self.keyword == "ARG":
            return tuple(arg.split("=", 1)[0] for arg in self.args)
        if self.keyword == "ENV":
            return self.args[::2]
        return ()

    @property
    def script(self) -> str:
        """The shell text a RUN runs: the command line, plus heredoc bodies a shell reads.

        ``RUN <<EOF`` and ``RUN bash <<EOF`` run the body as shell; ``RUN python3 <<EOF`` or a
        body starting with a non-shell ``#!`` line is another language, so only the command
        line counts.
        """
        if not self.heredocs:
            return " ".join(self.args)
        head = re.sub(r"<<-?['\"]?\w+['\"]?", "", self.args[0] if self.args else "").strip()
        interpreter = head.split(maxsplit=1)[0].rsplit("/", 1)[-1] if head else ""
        bodies = [
            body
            for body in self.heredocs
            if (not interpreter or interpreter in _POSIX_SHELLS) and _shell_body(body)
        ]
        return "\n".join(([head] if head else []) + bodies)


@dataclass(frozen=True, slots=True)
class Dockerfile:
    """A parsed Dockerfile: instructions, stages and comment lines."""

    path: str
    lines: tuple[str, ...]
    instructions: tuple[Instruction, ...]
    stages: tuple[Stage, ...]
    comments: tuple[tuple[int, str], ...]
    """``(line, text after '#')`` for every comment line outside an instruction."""
    unknown: tuple[Instruction, ...] = ()
    """Instructions BuildKit parses but no builder knows (``docker build`` fails on them)."""

    def stage_of(self, instruction: Instruction) -> Stage | None:
        """The stage an instruction belongs to."""
        index = instruction.stage
        return self.stages[index] if 0 <= index < len(self.stages) else None

    def resource(self, instruction: Instruction) -> str:
        """The finding ``resource`` of an instruction: its stage label."""
        stage = self.stage_of(instruction)
        return stage.label if stage else "global"

    def runs(self) -> tuple[Instruction, ...]:
        """RUN instructions, including those scheduled by ONBUILD (which run in child builds)."""
        found: list[Instruction] = []
        for instruction in self.instructions:
            if instruction.keyword == "RUN":
                found.append(instruction)
            elif instruction.inner is not None and instruction.inner.keyword == "RUN":
                found.append(instruction.inner)
        return tuple(found)


def _raw_commands(text: str) -> list[object]:
    try:
        return list(dockerfile.parse_string(text))
    except dockerfile.GoParseError as exc:
        message = str(exc).strip() or "unparseable Dockerfile"
        raise DockerfileError(message, hint="fix the syntax; `docker build` rejects it too") from exc
    except (UnicodeError, ValueError) as exc:
        raise DockerfileError(f"not a text Dockerfile: {exc}") from exc


def _stage_of_from(args: tuple[str, ...], flags: tuple[str, ...], index: int, line: int) -> Stage:
    image = args[0] if args else ""
    name = args[2].lower() if len(args) >= 3 and args[1].lower() == "as" else None
    platform = next((f.partition("=")[2] for f in flags if f.lower().startswith("--platform")), None)
    return Stage(index=index, image=image, name=name, platform=platform, line=line)


def _is_non_posix(shell_args: tuple[str, ...]) -> bool:
    return bool(shell_args) and any(name in shell_args[0].lower() for name in _NON_POSIX_SHELLS)


def _build(
    raw: object,
    stage: int,
    *,
    shell_form_ok: bool,
    line: int | None = None,
    inner: Instruction | None = None,
) -> Instruction:
    keyword = str(getattr(raw, "cmd", "")).upper()
    instruction = Instruction(
        keyword=keyword,
        args=tuple(getattr(raw, "value", ())),
        flags=tuple(getattr(raw, "flags", ())),
        original=str(getattr(raw, "original", "")),
        start_line=line or int(getattr(raw, "start_line", 0)),
        end_line=line or int(getattr(raw, "end_line", 0)),
        json_form=bool(getattr(raw, "json", False)),
        heredocs=tuple(doc.content for doc in getattr(raw, "heredocs", ())),
        stage=stage,
        inner=inner,
    )
    if keyword == "RUN" and shell_form_ok:
        return dataclasses.replace(instruction, shell=_run_shell(instruction))
    return instruction


def _run_shell(run: Instruction) -> ParsedShell:
    """Shell form is parsed; exec form is one command, unless it is ``sh -c SCRIPT``."""
    if not run.json_form:
        return parse_shell(run.script)
    args = run.args
    if not args:
        return EMPTY
    if args[0].rsplit("/", 1)[-1] in _POSIX_SHELLS and "-c" in args[:-1]:
        return parse_shell(args[args.index("-c") + 1])
    command = ShellCommand(name=args[0], args=tuple(args[1:]))
    return ParsedShell(text=" ".join(args), commands=(command,), has_pipe=False, exact=True)


def _onbuild_inner(raw: object, stage: int, *, shell_form_ok: bool) -> Instruction | None:
    original = str(getattr(raw, "original", ""))
    body = re.sub(r"^\s*onbuild\s+", "", original, flags=re.IGNORECASE)
    try:
        parsed = list(dockerfile.parse_string(body))
    except (dockerfile.GoParseError, UnicodeError, ValueError):
        return None
    if not parsed:
        return None
    return _build(parsed[0], stage, shell_form_ok=shell_form_ok, line=int(getattr(raw, "start_line", 0)))


def _comments(lines: tuple[str, ...], spans: list[tuple[int, int]]) -> tuple[tuple[int, str], ...]:
    inside: set[int] = set()
    for start, end in spans:
        inside.update(range(start, end + 1))
    found = []
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped.startswith("#") and number not in inside:
            found.append((number, stripped[1:]))
    return tuple(found)


def parse_dockerfile(text: str, path: str) -> Dockerfile:
    """Parse ``text``; raise :class:`DockerfileError` when BuildKit would not accept it."""
    if len(text) > MAX_DOCKERFILE_BYTES:
        raise DockerfileError(
            f"{path}: {len(text)} characters is too large for a Dockerfile",
            hint=f"the limit is {MAX_DOCKERFILE_BYTES} characters",
        )
    if "\x00" in text:
        raise DockerfileError(f"{path}: binary content (NUL bytes), not a Dockerfile")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:  # lone surrogates: the Go parser would crash on them
        raise DockerfileError(f"{path}: not valid UTF-8 text ({exc.reason} at {exc.start})") from exc
    raws = _raw_commands(text)
    instructions: list[Instruction] = []
    unknown: list[Instruction] = []
    stages: list[Stage] = []
    posix_shell = True
    for raw in raws:
        keyword = str(getattr(raw, "cmd", "")).upper()
        if keyword == "FROM":
            stage = _stage_of_from(
                tuple(getattr(raw, "value", ())),
                tuple(getattr(raw, "flags", ())),
                len(stages),
                int(getattr(raw, "start_line", 0)),
            )
            stages.append(stage)
            posix_shell = True
        elif keyword == "SHELL":
            posix_shell = not _is_non_posix(tuple(getattr(raw, "value", ())))
        inner = (
            _onbuild_inner(raw, len(stages) - 1, shell_form_ok=posix_shell) if keyword == "ONBUILD" else None
        )
        instruction = _build(raw, len(stages) - 1, shell_form_ok=posix_shell, inner=inner)
        (instructions if keyword in _KNOWN else unknown).append(instruction)
    lines = tuple(text.splitlines())
    spans = [(i.start_line, i.end_line) for i in (*instructions, *unknown)]
    return Dockerfile(
        path=path,
        lines=lines,
        instructions=tuple(instructions),
        stages=tuple(stages),
        comments=_comments(lines, spans),
        unknown=tuple(unknown),
    )
