"""A token-based reading of shell text: the fallback when bashlex cannot parse a RUN body.

It knows quoting, escapes, ``$(...)``/backticks (read recursively), ``${...}``, operators,
redirections (their targets are not arguments), here-documents, comments, prefix assignments
and the compound-command keywords, including ``case`` patterns. It never fails: whatever it
cannot place becomes a word. The result is the same :class:`ShellCommand` model bashlex gives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["ShellCommand", "tokenize_commands"]

_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=")
_OPERATORS = ("&&", "||", ";;&", ";;", ";&", "|&", "|", ";", "&", "(", ")")
_REDIRECTS = ("<<<", "<<-", "<<", ">>", ">&", "<&", "&>>", "&>", ">|", "<>", ">", "<")
_PREFIX_KEYWORDS = frozenset({"if", "then", "elif", "else", "do", "while", "until", "!", "{", "time"})
_END_KEYWORDS = frozenset({"fi", "done", "}"})
_MAX_DEPTH = 20


@dataclass(frozen=True, slots=True)
class ShellCommand:
    """One simple command: its name and its arguments, quotes removed, expansions kept as text."""

    name: str
    args: tuple[str, ...]

    def flags(self) -> tuple[tuple[str, int], ...]:
        """Each option letter or long option name with the index of the argument it came from.

        ``-qy`` gives ``q`` and ``y``; ``--target=x`` gives ``target``; ``-`` and ``--`` are
        not options (hadolint's reading, which ``-y``/``--no-cache`` checks build on).
        """
        found: list[tuple[str, int]] = []
        for index, arg in enumerate(self.args):
            if arg in ("-", "--") or not arg.startswith("-"):
                continue
            if arg.startswith("--"):
                found.append((arg[2:].split("=", 1)[0], index))
            else:
                found.extend((letter, index) for letter in arg[1:])
        return tuple(found)

    def has_flag(self, *names: str) -> bool:
        """Whether any of the option ``names`` is given."""
        return any(flag in names for flag, _ in self.flags())

    def count_flag(self, name: str) -> int:
        """How often option ``name`` is given (``-qq`` counts two)."""
        return sum(1 for flag, _ in self.flags() if flag == name)

    def has_any_arg(self, *values: str) -> bool:
        """Whether any argument equals one of ``values``."""
        return any(arg in values for arg in self.args)

    def is_(self, name: str, *subcommands: str) -> bool:
        """``name`` with one of ``subcommands`` anywhere in its arguments (hadolint's cmdHasArgs)."""
        return self.name == name and (not subcommands or self.has_any_arg(*subcommands))

    def flag_values(self, *names: str) -> tuple[str, ...]:
        """The arguments right after the options ``names`` (``useradd -u 1000`` gives ``1000``)."""
        indexes = {index + 1 for flag, index in self.flags() if flag in names}
        return tuple(self.args[i] for i in sorted(indexes) if i < len(self.args))

    def operands(self, *, value_flags: tuple[str, ...] = ()) -> tuple[str, ...]:
        """Arguments that are not options, minus the values of ``value_flags`` given as separate words."""
        flags = self.flags()
        flag_indexes = {index for _, index in flags}
        dropped = {index + 1 for flag, index in flags if flag in value_flags and "=" not in self.args[index]}
        return tuple(arg for i, arg in enumerate(self.args) if i not in flag_indexes and i not in dropped)


@dataclass(slots=True)
class _Token:
    kind: str
    """``word``, ``op``, ``redirect`` or ``newline``."""
    text: str
    nested: list[ShellCommand]


class _Lexer:
    """Splits shell text into tokens; substitutions are read recursively into ``nested``."""

    def __init__(self, text: str, depth: int) -> None:
        self.text = text
        self.pos = 0
        self.depth = depth
        self.tokens: list[_Token] = []
        self.has_pipe = False
        self.heredocs: list[str] = []

    def run(self) -> list[_Token]:
        word: list[str] = []
        nested: list[ShellCommand] = []
        started = False
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char in " \t\r":
                started = self._flush(word, nested, started)
                self.pos += 1
            elif char == "\n":
                started = self._flush(word, nested, started)
                self.tokens.append(_Token("newline", "\n", []))
                self.pos += 1
                self._skip_heredocs()
            elif char == "#" and not started:
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            elif char == "\\":
                if self.pos + 1 < len(text) and text[self.pos + 1] != "\n":
                    word.append(text[self.pos + 1])
                    started = True
                self.pos += 2
            elif char == "'":
                self._single_quoted(word)
                started = True
            elif char == '"':
                self._double_quoted(word, nested)
                started = True
            elif char in {"$", "`"}:
                self._expansion(word, nested)
                started = True
            elif (redirect := self._redirect_ahead()) is not None:
                if started and "".join(word).isdigit():
                    word.clear()  # the file descriptor of `2>`
                    started = False
                started = self._flush(word, nested, started)
                self.tokens.append(_Token("redirect", redirect, []))
                self.pos += len(redirect)
                if redirect in ("<<", "<<-"):
                    self._remember_heredoc()
            elif (op := self._operator_ahead()) is not None:
                started = self._flush(word, nested, started)
                self.tokens.append(_Token("op", op, []))
                self.pos += len(op)
            else:
                word.append(char)
                started = True
                self.pos += 1
        self._flush(word, nested, started)
        return self.tokens

    def _flush(self, word: list[str], nested: list[ShellCommand], started: bool) -> bool:
        if started:
            self.tokens.append(_Token("word", "".join(word), list(nested)))
        word.clear()
        nested.clear()
        return False

    def _operator_ahead(self) -> str | None:
        return next((op for op in _OPERATORS if self.text.startswith(op, self.pos)), None)

    def _redirect_ahead(self) -> str | None:
        if self.text[self.pos] not in "<>&":
            return None
        return next((r for r in _REDIRECTS if self.text.startswith(r, self.pos)), None)

    def _remember_heredoc(self) -> None:
        match = re.match(r"\s*(['\"]?)([A-Za-z0-9_.-]+)\1", self.text[self.pos :])
        if match:
            self.heredocs.append(match.group(2))

    def _skip_heredocs(self) -> None:
        while self.heredocs:
            delimiter = self.heredocs.pop(0)
            while self.pos < len(self.text):
                end = self.text.find("\n", self.pos)
                end = len(self.text) if end < 0 else end
                line = self.text[self.pos : end]
                self.pos = end + 1
                if line.strip() == delimiter:
                    break

    def _single_quoted(self, word: list[str]) -> None:
        end = self.text.find("'", self.pos + 1)
        end = len(self.text) if end < 0 else end
        word.append(self.text[self.pos + 1 : end])
        self.pos = end + 1

    def _double_quoted(self, word: list[str], nested: list[ShellCommand]) -> None:
        text = self.text
        self.pos += 1
        while self.pos < len(text) and text[self.pos] != '"':
            char = text[self.pos]
            if char == "\\" and self.pos + 1 < len(text):
                following = text[self.pos + 1]
                word.append(following if following in '"\\$`' else "\\" + following)
                self.pos += 2
            elif char in "$`":
                self._expansion(word, nested)
            else:
                word.append(char)
                self.pos += 1
        self.pos += 1

    def _expansion(self, word: list[str], nested: list[ShellCommand]) -> None:
        text = self.text
        start = self.pos
        if text.startswith("$((", start):
            self.pos = _matching(text, start + 1, "(", ")")
            word.append("${VAR}")
        elif text.startswith("$(", start) or text[start] == "`":
            if text[start] == "`":
                end = text.find("`", start + 1)
                end = len(text) if end < 0 else end
                inner, self.pos = text[start + 1 : end], end + 1
            else:
                self.pos = _matching(text, start + 1, "(", ")")
                inner = text[start + 2 : self.pos - 1]
            spelled = text[start : self.pos]
            if self.depth < _MAX_DEPTH:
                commands, pipe = _tokenize(inner, self.depth + 1)
                nested.extend(commands)
                self.has_pipe = self.has_pipe or pipe
            word.append(spelled)
        elif text.startswith("${", start):
            self.pos = _matching(text, start + 1, "{", "}")
            word.append(text[start : self.pos])
        elif text.startswith("$'", start):
            end = text.find("'", start + 2)
            end = len(text) if end < 0 else end
            word.append(text[start + 2 : end])
            self.pos = end + 1
        else:
            match = re.match(r"\$(?:([A-Za-z_][A-Za-z0-9_]*)|[0-9@*#?$!-])", text[start:])
            if match:
                word.append("${" + match.group(1) + "}" if match.group(1) else match.group(0))
                self.pos = start + match.end()
            else:
                word.append("$")
                self.pos = start + 1


def _matching(text: str, open_at: int, opening: str, closing: str) -> int:
    """Index just past the bracket that closes the one at ``open_at``, skipping quoted text."""
    depth = 0
    pos = open_at
    quote = ""
    while pos < len(text):
        char = text[pos]
        if quote:
            if char == "\\" and quote == '"':
                pos += 1
            elif char == quote:
                quote = ""
        elif char == "\\":
            pos += 1
        elif char in "'\"":
            quote = char
        elif char == opening:
            depth += 1
        elif char == closing:
            depth -= 1
            if depth == 0:
                return pos + 1
        pos += 1
    return len(text)


class _Assembler:
    """Groups tokens into simple commands, skipping keywords, case patterns and for-lists."""

    def __init__(self) -> None:
        self.commands: list[ShellCommand] = []
        self.words: list[str] = []
        self.pending: list[ShellCommand] = []
        self.case_depth = 0
        self.in_pattern = False
        self.skipping = ""
        """``for`` (a for-list, up to ``;``/newline) or ``case`` (up to ``in``)."""
        self.function_header = False
        self.in_condition = False
        self.redirect_target = False
        self.has_pipe = False
        """A ``|`` between commands (not one separating ``case`` patterns)."""

    def feed(self, tokens: list[_Token]) -> list[ShellCommand]:
        for token in tokens:
            self._token(token)
        self._end()
        return self.commands

    def _token(self, token: _Token) -> None:
        self.pending.extend(token.nested)
        if token.kind == "redirect":
            self.redirect_target = True
            return
        if token.kind == "word":
            if self.redirect_target:
                self.redirect_target = False
                return
            self._word(token.text)
            return
        self._separator(token.text)

    def _word(self, word: str) -> None:
        if self.in_condition:
            if word == "]]":
                self.in_condition = False
            return
        if self.skipping:
            if word == "in" and self.skipping == "case":
                self.skipping = ""
                self.in_pattern = True
            return
        if self.in_pattern:
            if word == "esac":
                self.case_depth -= 1
                self.in_pattern = False
            return
        if not self.words:
            if word in _PREFIX_KEYWORDS or word in _END_KEYWORDS:
                return
            if word == "[[":
                self.in_condition = True
                return
            if word in ("for", "select"):
                self.skipping = "for"
                return
            if word == "case":
                self.case_depth += 1
                self.skipping = "case"
                return
            if word == "esac":
                self.case_depth = max(0, self.case_depth - 1)
                return
            if _ASSIGNMENT.match(word):
                return
        self.words.append(word)

    def _separator(self, op: str) -> None:
        if self.in_condition:
            return
        if self.skipping == "for" and op in (";", "\n"):
            self.skipping = ""
            return
        if self.in_pattern:
            if op == ")":
                self.in_pattern = False
            return
        if op in ("|", "|&"):
            self.has_pipe = True
        if op in (";;", ";&", ";;&") and self.case_depth:
            self._end()
            self.in_pattern = True
            return
        if op == "(" and self.words:
            self.function_header = True  # `name()`: a definition, not a command
            return
        if op == ")" and self.function_header:
            self.function_header = False
            self.words = []
            return
        self._end()

    def _end(self) -> None:
        if self.words:
            name, *args = self.words
            if name not in ("(", ")", "["):
                self.commands.append(ShellCommand(name=name, args=tuple(args)))
        self.words = []
        self.commands.extend(self.pending)
        self.pending = []
        self.redirect_target = False


def _tokenize(text: str, depth: int) -> tuple[list[ShellCommand], bool]:
    lexer = _Lexer(text, depth)
    tokens = lexer.run()
    assembler = _Assembler()
    commands = assembler.feed(tokens)
    return commands, assembler.has_pipe or lexer.has_pipe


def tokenize_commands(text: str) -> tuple[list[ShellCommand], bool]:
    """Simple commands of ``text`` in order, and whether a pipe appears; never raises."""
    return _tokenize(text, 0)
