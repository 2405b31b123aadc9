"""COPY and ADD: sources, destinations, stages, archives, remote URLs, the whole build context."""

from __future__ import annotations

from collections.abc import Iterator

from hullguard.misconfig.dockerfile._check import Check, Hit, info, with_stage_flag
from hullguard.misconfig.dockerfile._parse import Dockerfile, Instruction
from hullguard.report import Severity

__all__ = ["CHECKS"]

ARCHIVE_SUFFIXES = (
    ".tar",
    ".Z",
    ".bz2",
    ".gz",
    ".lz",
    ".lzma",
    ".tZ",
    ".tb2",
    ".tbz",
    ".tbz2",
    ".tgz",
    ".tlz",
    ".tpz",
    ".txz",
    ".xz",
)
_UNPACKERS = frozenset({"unzip", "gunzip", "bunzip2", "unlzma", "unxz", "zgz", "uncompress", "zcat", "gzcat"})


def _unquote(text: str) -> str:
    return text.strip("\"'")


def _sources(instruction: Instruction) -> tuple[str, ...]:
    return tuple(a for a in instruction.args[:-1] if not a.startswith("<<"))


def _target(instruction: Instruction) -> str:
    return instruction.args[-1] if instruction.args else ""


def _is_url(path: str) -> bool:
    return _unquote(path).startswith(("https://", "http://"))


def _is_archive(path: str) -> bool:
    return _unquote(path).endswith(ARCHIVE_SUFFIXES)


def _basename(path: str) -> str:
    return _unquote(path).replace("\\", "/").rsplit("/", 1)[-1]


def _add_for_files(dockerfile: Dockerfile) -> Iterator[Hit]:
    for instruction in dockerfile.instructions:
        if instruction.keyword == "ADD" and instruction.args and not instruction.heredocs:
            plain = [s for s in _sources(instruction) if not (_is_archive(s) or _is_url(s))]
            if plain:
                yield Hit(instruction, f"ADD of local files ({plain[0]}); COPY says what it does")


def _copy_target_slash(dockerfile: Dockerfile) -> Iterator[Hit]:
    for instruction in dockerfile.instructions:
        if instruction.keyword == "COPY" and len(_sources(instruction)) > 1:
            target = _unquote(_target(instruction))
            if not target.endswith("/"):
                yield Hit(instruction, "COPY of several sources needs a destination ending in /")


def _copy_from_unknown(dockerfile: Dockerfile) -> Iterator[Hit]:
    names: set[str] = set()
    count = 0
    for instruction in dockerfile.instructions:
        if instruction.keyword == "FROM":
            stage = dockerfile.stage_of(instruction)
            count += 1
            if stage and stage.name:
                names.add(stage.name)
        elif instruction.keyword == "COPY":
            source = instruction.flag("from")
            if source is None or ":" in _unquote(source) or source.lower() in names:
                continue
            if source.isdigit() and int(source) < count:
                continue
            yield Hit(instruction, f"COPY --from={source} names no earlier stage")


def _copy_from_itself(dockerfile: Dockerfile) -> Iterator[Hit]:
    for instruction in dockerfile.instructions:
        source = instruction.flag("from") if instruction.keyword == "COPY" else None
        stage = dockerfile.stage_of(instruction)
        if source is not None and stage is not None and stage.name == source.lower():
            yield Hit(instruction, f"COPY --from={source} inside stage {stage.name} copies from itself")


def _relative_copy(dockerfile: Dockerfile) -> Iterator[Hit]:
    for instruction, workdir_set in with_stage_flag(dockerfile, lambda i: i.keyword == "WORKDIR"):
        if instruction.keyword == "COPY" and not workdir_set:
            dest = _unquote(_target(instruction))
            windows = len(dest) > 1 and dest[0].isalpha() and dest[1] == ":"
            if not (dest.startswith(("/", "$")) or windows):
                yield Hit(instruction, f"COPY to relative `{dest}` before any WORKDIR")


def _copy_whole_stage(dockerfile: Dockerfile) -> Iterator[Hit]:
    for instruction in dockerfile.instructions:
        if (
            instruction.keyword == "COPY"
            and instruction.flag("from") is not None
            and (
                any(_unquote(s) == "/" for s in _sources(instruction))
                and _unquote(_target(instruction)) == "/"
            )
        ):
            yield Hit(instruction, "COPY --from copies a whole filesystem over this one")


def _archive_extracted(dockerfile: Dockerfile) -> Iterator[Hit]:
    archives: list[tuple[Instruction, str]] = []
    extracted: dict[int, Instruction] = {}
    for instruction in dockerfile.instructions:
        if instruction.keyword == "FROM":
            archives, extracted = [], {}
        elif instruction.keyword == "COPY" and instruction.flag("from") is None and instruction.args:
            target = _target(instruction)
            if _is_archive(target):
                archives.append((instruction, _basename(target)))
            else:
                archives.extend((instruction, _basename(s)) for s in _sources(instruction) if _is_archive(s))
        elif instruction.keyword == "RUN":
            for command in instruction.shell.commands:
                tar = command.name == "tar" and any(
                    a in ("--extract", "--get") or (a.startswith("-") and "x" in a) for a in command.args
                )
                if not (tar or command.name in _UNPACKERS):
                    continue
                names = {_basename(a) for a in command.operands()}
                for copy, archive in archives:
                    if archive in names:
                        extracted[copy.start_line] = copy
    for copy in sorted(extracted.values(), key=lambda i: i.start_line):
        yield Hit(copy, "archive copied and then extracted; ADD extracts it in one layer")


def _add_remote(dockerfile: Dockerfile) -> Iterator[Hit]:
    for instruction in dockerfile.instructions:
        if instruction.keyword == "ADD" and instruction.flag("checksum") is None:
            remote = [s for s in _sources(instruction) if _is_url(s) or _unquote(s).startswith("git@")]
            if remote:
                yield Hit(instruction, f"ADD downloads {remote[0]} without --checksum verification")


def _copy_context(dockerfile: Dockerfile) -> Iterator[Hit]:
    for instruction in dockerfile.instructions:
        if instruction.keyword in ("COPY", "ADD") and instruction.flag("from") is None:
            whole = [s for s in _sources(instruction) if _unquote(s) in (".", "./", "*", "./*")]
            if whole:
                yield Hit(
                    instruction,
                    f"{instruction.keyword} {whole[0]} copies the whole build context (.git, .env, keys)"
                    " unless .dockerignore excludes them",
                )


CHECKS: tuple[Check, ...] = (
    Check(
        info(
            10,
            "Archive copied then extracted",
            Severity.LOW,
            "COPY of an archive followed by tar/unzip keeps the archive in a layer.",
            "Use ADD, which extracts local archives, or extract in a build stage.",
            hadolint="DL3010",
        ),
        _archive_extracted,
    ),
    Check(
        info(
            20,
            "ADD used for plain files",
            Severity.MEDIUM,
            "ADD also fetches URLs and unpacks archives; for plain files that magic only surprises.",
            "Use COPY.",
            hadolint="DL3020",
        ),
        _add_for_files,
    ),
    Check(
        info(
            21,
            "COPY of several sources to a non-directory",
            Severity.HIGH,
            "With more than one source the destination must be a directory ending in /; the build fails.",
            "End the destination with /.",
            hadolint="DL3021",
        ),
        _copy_target_slash,
    ),
    Check(
        info(
            22,
            "COPY --from names no earlier stage",
            Severity.MEDIUM,
            "A name that is not a previous stage is pulled as an image, which is rarely what was meant.",
            "Reference a stage defined earlier, or a full image reference with a tag.",
            hadolint="DL3022",
        ),
        _copy_from_unknown,
    ),
    Check(
        info(
            23,
            "COPY --from its own stage",
            Severity.HIGH,
            "A stage cannot copy from itself.",
            "Name another stage.",
            hadolint="DL3023",
        ),
        _copy_from_itself,
    ),
    Check(
        info(
            45,
            "COPY to a relative path without WORKDIR",
            Severity.MEDIUM,
            "The destination then depends on the base image's working directory.",
            "Set WORKDIR first or use an absolute destination.",
            hadolint="DL3045",
        ),
        _relative_copy,
    ),
    Check(
        info(
            67,
            "COPY of a whole filesystem from another stage",
            Severity.MEDIUM,
            "`COPY --from=x / /` overwrites the image with everything from the other stage.",
            "Copy only the paths needed.",
            hadolint="DL3067",
        ),
        _copy_whole_stage,
    ),
    Check(
        info(
            202,
            "ADD from a remote URL without checksum",
            Severity.MEDIUM,
            "ADD downloads at build time without verifying what it got (CIS Docker 4.9).",
            "Use `ADD --checksum=sha256:...`, or download with curl and verify the checksum.",
        ),
        _add_remote,
    ),
    Check(
        info(
            203,
            "COPY of the whole build context",
            Severity.LOW,
            "`COPY . .` brings in everything in the context: .git, .env files, keys, unless .dockerignore"
            " excludes them; secrets then live in a layer.",
            "Copy only what the image needs, and keep a .dockerignore.",
        ),
        _copy_context,
    ),
)
