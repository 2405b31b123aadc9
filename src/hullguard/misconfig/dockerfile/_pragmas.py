"""Inline ignores: ``# hadolint ignore=DL3008,DL3009`` and ``# hullguard:ignore=HG-DF-008``.

hadolint's pragma covers exactly the line after the comment (its instruction must start there);
``# hadolint global ignore=...`` covers the whole file. Ours covers the next instruction even
across other comment lines, names our ids or mapped ones, and ``# hullguard:ignore-file=...``
covers the file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from hullguard.misconfig.dockerfile._parse import Dockerfile

__all__ = ["Ignores", "read_ignores"]

_HADOLINT = re.compile(r"^\s*hadolint\s+(global\s+|stage\s+)?ignore\s*=\s*([A-Za-z0-9 ,]+?)\s*(#.*)?$")
_OURS = re.compile(r"^\s*hullguard:ignore(-file)?\s*=\s*([A-Za-z0-9_, -]+?)\s*(#.*)?$", re.IGNORECASE)


def _ids(text: str) -> frozenset[str]:
    return frozenset(part.strip().upper() for part in text.split(",") if part.strip())


@dataclass(frozen=True, slots=True)
class Ignores:
    """Rule ids ignored per instruction start line, and for the whole file."""

    by_line: Mapping[int, frozenset[str]]
    whole_file: frozenset[str]

    def ignored(self, names: set[str], start_line: int, stage_line: int | None) -> bool:
        """Whether any of ``names`` (a check's ids) is ignored at ``start_line``."""
        if names & self.whole_file:
            return True
        if names & self.by_line.get(start_line, frozenset()):
            return True
        return stage_line is not None and bool(names & self.by_line.get(-stage_line, frozenset()))


def read_ignores(dockerfile: Dockerfile) -> Ignores:
    """Collect the pragmas of a parsed file."""
    starts = sorted(i.start_line for i in (*dockerfile.instructions, *dockerfile.unknown))
    comment_lines = {line for line, _ in dockerfile.comments}
    by_line: dict[int, frozenset[str]] = {}
    whole: set[str] = set()
    for line, text in dockerfile.comments:
        if match := _HADOLINT.match(text):
            ids = _ids(match.group(2))
            scope = (match.group(1) or "").strip()
            if scope == "global":
                whole |= ids
            elif scope == "stage":
                by_line[-(line + 1)] = by_line.get(-(line + 1), frozenset()) | ids
            else:
                by_line[line + 1] = by_line.get(line + 1, frozenset()) | ids
        elif match := _OURS.match(text):
            ids = _ids(match.group(2))
            if match.group(1):
                whole |= ids
                continue
            target = next((s for s in starts if s > line), None)
            between = range(line + 1, target or line + 1)
            if target is not None and all(
                n in comment_lines or not dockerfile.lines[n - 1].strip() for n in between
            ):
                by_line[target] = by_line.get(target, frozenset()) | ids
    return Ignores(by_line=by_line, whole_file=frozenset(whole))
