"""The parser adapter: stages, ONBUILD, comments, and hostile or broken input without tracebacks."""

from __future__ import annotations

import pytest

from hullguard.misconfig.dockerfile import DockerfileError, parse_dockerfile
from tests.misconfig.dockerfile.conftest import lint


def test_stages_comments_and_onbuild() -> None:
    text = (
        "# syntax=docker/dockerfile:1\nARG V=1\nFROM --platform=$BUILDPLATFORM golang:1.22 AS Build\n"
        "# a comment\nRUN go build \\\n  # inside\n  ./...\nFROM scratch\nONBUILD COPY --from=build /a /b\n"
    )
    parsed = parse_dockerfile(text, "x")
    assert [(s.index, s.image, s.name, s.platform) for s in parsed.stages] == [
        (0, "golang:1.22", "build", "$BUILDPLATFORM"),
        (1, "scratch", None, None),
    ]
    assert [line for line, _ in parsed.comments] == [1, 4]
    onbuild = parsed.instructions[-1]
    assert onbuild.inner is not None and onbuild.inner.flag("from") == "build"
    assert parsed.instructions[0].stage == -1


def test_heredoc_run_is_read_as_its_script() -> None:
    findings = lint("FROM debian:12\nRUN <<EOF\nsudo true\napt-get install -y curl\nEOF\n")
    assert {f.check.id for f in findings} >= {"HG-DF-004", "HG-DF-008"}


@pytest.mark.parametrize(
    ("text", "sudo"),
    [
        ("RUN python3 <<EOF\nimport os\nsudo = 1\nEOF\n", False),
        ("RUN <<EOF\n#!/usr/bin/env python3\nsudo = 1\nEOF\n", False),
        ("RUN bash -e <<EOF\nsudo true\nEOF\n", True),
        ("RUN <<EOF\n#!/bin/sh\nsudo true\nEOF\n", True),
    ],
    ids=["python-interpreter", "python-shebang", "bash", "sh-shebang"],
)
def test_heredoc_in_another_language_is_not_read_as_shell(text: str, sudo: bool) -> None:
    findings = lint("FROM debian:12\n" + text)
    assert ("HG-DF-004" in {f.check.id for f in findings}) is sudo


def test_exec_form_run_is_one_command() -> None:
    findings = lint('FROM debian:12\nRUN ["apt-get", "install", "-y", "curl"]\n')
    assert "HG-DF-008" in {f.check.id for f in findings}


def test_powershell_stage_is_not_read_as_posix_shell() -> None:
    text = (
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
        'SHELL ["powershell", "-Command"]\nRUN cd C:\\x | Out-Null\n'
    )
    assert not {"HG-DF-003", "HG-DF-106"} & {f.check.id for f in lint(text)}


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n# only a comment\n",
        "FROM debian:12\nRUN <<EOF\nnever closed\n",
        "\x00\x01\x02binary\xff junk",
        "FROM debian:12\nRUN echo " + "a" * 300_000 + "\n",
        "\ud800FROM x\n",
        'FROM debian:12\nLABEL a="unterminated\nUSER me\n',
        "FROM debian:12\nRUN " + "$(" * 500 + "\n",
        "FROM debian:12\n" + "RUN true\n" * 5000,
    ],
    ids=[
        "empty",
        "comment-only",
        "unterminated-heredoc",
        "binary",
        "huge-line",
        "surrogate",
        "open-quote",
        "nesting",
        "many",
    ],
)
def test_bad_input_gives_findings_never_a_traceback(text: str) -> None:
    findings = lint(text)
    for finding in findings:
        assert finding.check.id.startswith("HG-DF-")
        assert finding.message


def test_unparseable_file_is_one_parse_error_finding() -> None:
    findings = lint("")
    assert [f.check.id for f in findings] == ["HG-DF-900"]
    assert "no instructions" in findings[0].message


def test_unknown_instruction_is_reported() -> None:
    findings = lint("FROM debian:12\nWRITE /x\n")
    assert [(f.check.id, f.location.start_line) for f in findings if f.check.id == "HG-DF-901"] == [
        ("HG-DF-901", 2)
    ]


def test_too_large_or_binary_input_raises_a_clear_error() -> None:
    with pytest.raises(DockerfileError, match="NUL"):
        parse_dockerfile("FROM a\x00", "x")
    with pytest.raises(DockerfileError, match="too large"):
        parse_dockerfile("#" * (5 * 1024 * 1024), "x")
