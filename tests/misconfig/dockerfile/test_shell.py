"""Reading RUN bodies: bashlex when it can, the token reader when it cannot, one model for both."""

from __future__ import annotations

from pathlib import Path

import pytest

from hullguard.misconfig.dockerfile import DockerfileError, parse_dockerfile, read_dockerfile
from hullguard.misconfig.dockerfile._shell import parse_shell
from hullguard.misconfig.dockerfile._shell_tokens import ShellCommand, tokenize_commands


def names(text: str) -> list[str]:
    return list(parse_shell(text).names())


def test_commands_inside_substitutions_subshells_and_bodies_in_preorder() -> None:
    text = 'X=1 a "$(b | c)" && (d) || { e; }; if f; then g; fi; for i in 1 2; do h "$i"; done'
    assert names(text) == ["a", "b", "c", "d", "e", "f", "g", "h"]
    shell = parse_shell(text)
    assert shell.exact and shell.has_pipe


def test_quotes_removed_redirect_targets_are_not_arguments() -> None:
    command = parse_shell("apt-get install -y 'curl=7.1' \"git\" > /dev/null 2>&1").commands[0]
    assert command == ShellCommand("apt-get", ("install", "-y", "curl=7.1", "git"))


def test_or_is_not_a_pipe() -> None:
    assert not parse_shell("a || b").has_pipe


@pytest.mark.parametrize(
    ("text", "expected", "pipe"),
    [
        (
            'case "$a" in x86_64|amd64) u="x" ;; *) echo no; exit 1 ;; esac; wget -q u',
            ["echo", "exit", "wget"],
            False,
        ),
        ("case $a in\n  arm) apk add b ;;\nesac\ncurl x | sh", ["apk", "curl", "sh"], True),
        ("f() { cd /x; }; f", ["cd", "f"], False),
        ("cat <<EOF > /etc/x\nrm -rf /\nEOF\necho done", ["cat", "echo"], False),
        ("a `b c` $(( 1 + 2 )) ${X:-y}", ["a", "b"], False),
        ("[[ -n $X ]] && sudo y", ["sudo"], False),
    ],
    ids=["case-patterns", "case-newlines", "function", "heredoc", "expansions", "double-bracket"],
)
def test_token_reader_handles_what_bashlex_cannot(text: str, expected: list[str], pipe: bool) -> None:
    commands, has_pipe = tokenize_commands(text)
    assert [c.name for c in commands] == expected
    assert has_pipe is pipe


def test_case_statements_fall_back_without_losing_commands() -> None:
    shell = parse_shell('case "$(uname -m)" in aarch64) A=arm64 ;; esac; apt-get install -y x')
    assert not shell.exact
    assert shell.names() == ("uname", "apt-get")


def test_broken_shell_never_raises() -> None:
    for text in ["'unterminated", 'echo "$(', "((((", "a |", "case x in", "<<", "\\", "$"]:
        parse_shell(text)


def test_flags_and_operands_read_like_hadolint() -> None:
    command = ShellCommand("apk", ("add", "-qt", ".deps", "--no-cache", "--repository=x", "--", "curl"))
    assert [f for f, _ in command.flags()] == ["q", "t", "no-cache", "repository"]
    assert command.operands(value_flags=("t",)) == ("add", "--", "curl")
    assert ShellCommand("useradd", ("-u", "123456", "x")).flag_values("u") == ("123456",)


def test_token_reader_agrees_with_bashlex_on_the_corpus(corpus_dockerfiles: list[Path]) -> None:
    bodies: set[str] = set()
    for path in corpus_dockerfiles:
        try:
            dockerfile = parse_dockerfile(read_dockerfile(path), str(path))
        except DockerfileError:  # the empty corpus file; parse errors are tested elsewhere
            continue
        bodies.update(run.script for run in dockerfile.runs() if not run.json_form)
    exact = [parse_shell(b) for b in bodies if parse_shell(b).exact]
    same = sum(1 for s in exact if [c.name for c in tokenize_commands(s.text)[0]] == list(s.names()))
    assert len(exact) > 1000
    assert same / len(exact) > 0.98
