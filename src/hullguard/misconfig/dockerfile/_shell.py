"""The shell commands a RUN instruction runs, as a flat list of simple commands.

Checks ask questions like "does any ``apt-get install`` lack ``-y``?", so they need every simple
command (including those inside ``$(...)``, subshells, ``if``/``for`` bodies and pipelines) with
its name and arguments, quotes removed. bashlex gives a real parse; when it cannot (``case``
statements, which bashlex does not implement, odd quoting, other shells) a token-based reader
(:mod:`._shell_tokens`) gives the same model more coarsely. Nothing here raises on bad input.

Commands come in pre-order (a command before the commands of its substitutions), the order
ShellCheck's AST walk gives, which hadolint's "clean after install" rules compare.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import bashlex  # type: ignore[import-untyped]

from hullguard.misconfig.dockerfile._shell_tokens import ShellCommand, tokenize_commands

__all__ = ["ParsedShell", "ShellCommand", "parse_shell"]

_TESTS = frozenset({"[", "[["})
"""Test brackets are conditions, not commands, in ShellCheck's AST (which hadolint counts)."""
_BARE_VAR = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


@dataclass(frozen=True, slots=True)
class ParsedShell:
    """A shell script reduced to what the checks read."""

    text: str
    commands: tuple[ShellCommand, ...]
    has_pipe: bool
    """A pipeline of two or more commands appears anywhere (``||`` is not a pipe)."""
    exact: bool
    """bashlex parsed the script; False when the token-based reading was used."""

    def names(self) -> tuple[str, ...]:
        """The command names, in order."""
        return tuple(command.name for command in self.commands)

    def uses(self, name: str) -> bool:
        """Whether a command with exactly this name runs."""
        return any(command.name == name for command in self.commands)

    def index_of(self, predicate: Callable[[ShellCommand], bool]) -> int | None:
        """Position of the first command matching ``predicate``."""
        return next((i for i, command in enumerate(self.commands) if predicate(command)), None)


EMPTY = ParsedShell(text="", commands=(), has_pipe=False, exact=True)


@lru_cache(maxsize=8192)
def parse_shell(text: str) -> ParsedShell:
    """Parse ``text`` as POSIX/bash shell; cached because image families repeat RUN bodies.

    The cache holds immutable results of a pure function, so sharing it is safe.
    """
    if not text.strip():
        return EMPTY
    try:
        trees = bashlex.parse(text)
    except Exception:  # bashlex raises bare Exception subclasses and NotImplementedError (case)
        commands, has_pipe = tokenize_commands(text)
        return ParsedShell(text=text, commands=tuple(commands), has_pipe=has_pipe, exact=False)
    walker = _Walker()
    for tree in trees:
        walker.visit(tree)
    return ParsedShell(text=text, commands=tuple(walker.commands), has_pipe=walker.has_pipe, exact=True)


def _simplify(word: str) -> str:
    """``$NAME`` becomes ``${NAME}``, as hadolint's simplification spells every expansion."""
    return _BARE_VAR.sub(r"${\1}", word) if "$" in word else word


class _Walker:
    """Pre-order walk over bashlex nodes collecting simple commands and pipes."""

    def __init__(self) -> None:
        self.commands: list[ShellCommand] = []
        self.has_pipe = False

    def visit(self, node: object) -> None:
        kind = getattr(node, "kind", "")
        if kind == "command":
            self._command(node)
            return
        if kind == "pipeline":
            parts = getattr(node, "parts", [])
            if sum(1 for part in parts if getattr(part, "kind", "") == "pipe") > 0:
                self.has_pipe = True
        if kind in {"commandsubstitution", "processsubstitution"}:
            self.visit(getattr(node, "command", None))
            return
        for attr in ("parts", "list"):
            for child in getattr(node, attr, None) or ():
                self.visit(child)

    def _command(self, node: object) -> None:
        words: list[str] = []
        nested: list[object] = []
        for part in getattr(node, "parts", []):
            kind = getattr(part, "kind", "")
            if kind == "word":
                words.append(_simplify(getattr(part, "word", "")))
                nested.extend(getattr(part, "parts", []))
            elif kind == "assignment":
                if words:  # `cmd a=b`: an argument, not a prefix assignment
                    words.append(_simplify(getattr(part, "word", "")))
                nested.extend(getattr(part, "parts", []))
            elif kind == "redirect":
                output = getattr(part, "output", None)
                nested.extend(getattr(output, "parts", []) or [])
            else:
                nested.append(part)
        if words and words[0] not in _TESTS:
            self.commands.append(ShellCommand(name=words[0], args=tuple(words[1:])))
        for child in nested:
            self.visit(child)
