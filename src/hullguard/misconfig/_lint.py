"""``hullguard lint``: find the files under the given paths, tell their kind, run its checks.

The kind comes from the name (Dockerfiles) or the content (a YAML document with ``services:``
is a compose file; one with ``apiVersion`` and ``kind`` is a Kubernetes manifest). A file that
cannot be read or parsed becomes a note and the other files are still checked: one broken
manifest must not hide the findings of the rest of a repository.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from hullguard.errors import ConfigError, HullguardError
from hullguard.inventory import Skipped
from hullguard.misconfig._options import LintOptions
from hullguard.misconfig._yaml import Document, detect_yaml_kind, load_documents
from hullguard.misconfig.dockerfile._detect import is_dockerfile
from hullguard.report import MisconfigFinding

if TYPE_CHECKING:
    from hullguard.misconfig.rego import Policies

__all__ = ["FileKind", "LintResult", "classify", "collect_files", "lint_paths"]

MAX_FILE_SIZE = 8 * 1024 * 1024
"""Larger files are not configuration anyone writes by hand; they are skipped with a note."""

_SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox"})
_YAML_SUFFIXES = (".yaml", ".yml")


class FileKind(StrEnum):
    """The kinds of input ``lint`` understands."""

    DOCKERFILE = "dockerfile"
    COMPOSE = "compose"
    KUBERNETES = "kubernetes"


@dataclass(frozen=True, slots=True)
class LintResult:
    """Findings of every file, plus what could not be checked and why."""

    findings: tuple[MisconfigFinding, ...]
    files: tuple[tuple[str, FileKind], ...]
    """Each file checked, with the kind it was checked as."""
    notes: tuple[Skipped, ...] = field(default=())


def classify(path: str, text: str) -> FileKind | None:
    """The kind of ``path``, from its name and, for YAML/JSON, its top-level keys; None when neither."""
    name = os.path.basename(path)
    if is_dockerfile(name):
        return FileKind.DOCKERFILE
    if name.lower().endswith((*_YAML_SUFFIXES, ".json")):
        kind = detect_yaml_kind(text)
        if kind is not None:
            return FileKind(kind.value)
    return None


def _walk(root: Path) -> Iterator[Path]:
    """Regular files under ``root``, sorted, without following symlinked directories."""
    for current, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
        for name in sorted(files):
            yield Path(current, name)


def collect_files(paths: Sequence[Path]) -> Iterator[Path]:
    """Every file named, and every file under every directory named; each path once."""
    seen: set[Path] = set()
    for path in paths:
        candidates: Iterable[Path]
        if path.is_dir():
            candidates = _walk(path)
        elif path.exists() or path.is_symlink():
            candidates = (path,)
        else:
            raise ConfigError(f"{path}: no such file or directory", hint="check the path")
        for candidate in candidates:
            if candidate not in seen:
                seen.add(candidate)
                yield candidate


def _read(path: Path) -> str:
    """The file's text; refuses what is not a regular file or is too large, and binary content."""
    info = path.lstat()
    if not stat.S_ISREG(info.st_mode):
        raise ValueError("not a regular file")
    if info.st_size > MAX_FILE_SIZE:
        raise ValueError(f"larger than {MAX_FILE_SIZE // (1024 * 1024)} MiB")
    data = path.read_bytes()
    if b"\0" in data[:8192]:
        raise ValueError("binary content")
    return data.decode("utf-8", errors="replace")


def lint_paths(
    paths: Sequence[Path],
    options: LintOptions | None = None,
    *,
    forced_kind: FileKind | None = None,
    policies: Sequence[Path] = (),
    on_file: Callable[[Path], None] | None = None,
) -> LintResult:
    """Check every recognised file under ``paths``; unrecognised files in directories are ignored.

    Kubernetes manifests are checked as one set, so a NetworkPolicy in one file covers the
    workloads of another, as it would in the cluster. Custom Rego checks in ``policies`` run
    over every YAML document. A file named explicitly but of no known kind is a note, so a
    typo in CI is noticed.
    """
    from hullguard.misconfig.compose._lint import lint_compose_documents  # noqa: PLC0415
    from hullguard.misconfig.dockerfile import lint_dockerfiles  # noqa: PLC0415
    from hullguard.misconfig.kubernetes import lint_kubernetes_documents  # noqa: PLC0415

    options = options or LintOptions()
    explicit = {path for path in paths if not path.is_dir()}
    loaded_policies = [load_policy_dir(directory) for directory in policies]
    findings: list[MisconfigFinding] = []
    files: list[tuple[str, FileKind]] = []
    notes: list[Skipped] = []
    manifests: list[Document] = []
    dockerfiles: list[tuple[str, str]] = []
    yaml_documents: list[Document] = []
    for path in collect_files(paths):
        if on_file is not None:
            on_file(path)
        shown = str(path)
        try:
            text = _read(path)
        except (OSError, ValueError) as exc:
            if path in explicit or is_dockerfile(path.name) or path.name.lower().endswith(_YAML_SUFFIXES):
                notes.append(Skipped(shown, f"not read: {exc}", analyzer="lint"))
            continue
        kind = forced_kind or classify(shown, text)
        if kind is None:
            if path in explicit:
                notes.append(
                    Skipped(shown, "not a Dockerfile, compose file or Kubernetes manifest", analyzer="lint")
                )
            continue
        try:
            if kind is FileKind.DOCKERFILE:
                dockerfiles.append((text, shown))
            else:
                documents = load_documents(text, shown)
                yaml_documents.extend(documents)
                if kind is FileKind.KUBERNETES:
                    manifests.extend(documents)
                else:
                    findings.extend(lint_compose_documents(documents, options))
        except HullguardError as exc:
            notes.append(Skipped(shown, str(exc), analyzer=f"lint-{kind.value}"))
            continue
        files.append((shown, kind))
    # One call for all Dockerfiles: ShellCheck then runs as one batch, not one process per file.
    findings.extend(lint_dockerfiles(dockerfiles, options))
    findings.extend(lint_kubernetes_documents(manifests, options))
    for policy in loaded_policies:
        findings.extend(run_policy(policy, yaml_documents, options))
    return LintResult(tuple(sorted(findings, key=MisconfigFinding.sort_key)), tuple(files), tuple(notes))


def load_policy_dir(directory: Path) -> Policies:
    """Compile one directory of Rego checks (imported late: regopy is only needed with --policy)."""
    from hullguard.misconfig.rego import load_policies  # noqa: PLC0415

    return load_policies(directory)


def run_policy(
    policy: Policies, documents: Sequence[Document], options: LintOptions
) -> list[MisconfigFinding]:
    """Run compiled Rego checks over parsed YAML documents."""
    from hullguard.misconfig.rego import run_policies  # noqa: PLC0415

    return run_policies(policy, documents, options)
