"""ShellCheck on RUN bodies with the real binary: mapping, batching, ignores, shells it cannot read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hullguard.misconfig import LintOptions
from hullguard.misconfig.dockerfile import (
    ShellCheckError,
    ShellCheckRunner,
    find_shellcheck,
    lint_dockerfile,
    lint_dockerfiles,
)

F = "FROM debian:12\n"


def sc(findings: list, code: str) -> list[int]:  # type: ignore[type-arg]
    return sorted(f.location.start_line for f in findings if f.check.mapped("shellcheck") == code)


def test_shellcheck_findings_are_mapped_and_placed(shellcheck: ShellCheckRunner) -> None:
    text = F + "ARG VERSION\nRUN echo $1 && echo $VERSION\n"
    findings = lint_dockerfile(text, "Dockerfile", LintOptions(), shellcheck=shellcheck)
    assert sc(findings, "SC2086") == [3]
    finding = next(f for f in findings if f.check.mapped("shellcheck") == "SC2086")
    assert finding.check.id == "HG-DF-SC2086"
    assert finding.message.startswith("SC2086: ")
    assert finding.resource == "stage 0"


def test_heredoc_findings_point_into_the_body(shellcheck: ShellCheckRunner) -> None:
    text = F + "RUN <<EOF\nset -e\necho $1\nEOF\n"
    assert sc(lint_dockerfile(text, "D", LintOptions(), shellcheck=shellcheck), "SC2086") == [4]


def test_one_batch_covers_many_files_and_identical_bodies(shellcheck: ShellCheckRunner) -> None:
    files = [(F + f"RUN echo $1 {i % 3}\n", f"d{i}") for i in range(30)]
    findings = lint_dockerfiles(files, LintOptions(), shellcheck=shellcheck)
    assert sorted(f.location.path for f in findings if f.check.mapped("shellcheck") == "SC2086") == sorted(
        p for _, p in files
    )


def test_ignores_and_options_apply_to_shellcheck(shellcheck: ShellCheckRunner) -> None:
    text = F + "# hadolint ignore=SC2086\nRUN echo $1\n"
    assert sc(lint_dockerfile(text, "D", LintOptions(), shellcheck=shellcheck), "SC2086") == []
    off = LintOptions(exclude=frozenset({"HG-DF-300"}))
    assert sc(lint_dockerfile(F + "RUN echo $1\n", "D", off, shellcheck=shellcheck), "SC2086") == []
    no_sc = LintOptions(shellcheck=False)
    assert sc(lint_dockerfile(F + "RUN echo $1\n", "D", no_sc, shellcheck=shellcheck), "SC2086") == []


def test_non_posix_shells_are_not_shellchecked(shellcheck: ShellCheckRunner) -> None:
    text = F + 'SHELL ["powershell", "-Command"]\nRUN echo $1\n'
    assert sc(lint_dockerfile(text, "D", LintOptions(), shellcheck=shellcheck), "SC2086") == []


def test_locating_shellcheck_by_environment(shellcheck: ShellCheckRunner) -> None:
    found = find_shellcheck({"HULLGUARD_SHELLCHECK": str(shellcheck.binary)})
    assert found is not None and found.binary == shellcheck.binary


def test_a_broken_binary_is_a_clear_error(tmp_path: Path) -> None:
    fake = tmp_path / "shellcheck"
    fake.write_text("#!/bin/sh\necho boom >&2\nexit 3\n")
    os.chmod(fake, 0o755)
    with pytest.raises(ShellCheckError, match="exit 3"):
        lint_dockerfile(F + "RUN echo $1\n", "D", LintOptions(), shellcheck=ShellCheckRunner(fake))
