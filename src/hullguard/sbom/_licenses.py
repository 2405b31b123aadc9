"""Telling SPDX license ids and expressions apart from free-text license names.

Packages declare licenses however their ecosystem lets them: ``MIT``, ``GPL-2.0-or-later``,
``MIT OR Apache-2.0``, but also ``BSD License`` or ``GPL2``. SBOM formats want SPDX where it is
SPDX, and something clearly marked otherwise (a CycloneDX license ``name``, an SPDX
``LicenseRef-``). The SPDX list and expression grammar come with cyclonedx-python-lib
(:mod:`cyclonedx.spdx`), which is a dependency already.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from cyclonedx.spdx import fixup_id, is_expression

from hullguard.sbom._common import sanitize_id

__all__ = ["join_expressions", "license_ref", "spdx_form", "split_conjunction"]

_TOKENS = re.compile(r"(\s+|\(|\))")
_OPERATORS = frozenset({"AND", "OR", "WITH"})


def spdx_form(value: str) -> str | None:
    """The canonical SPDX form of ``value``, or None when it is a free-text name.

    Ids are fixed up to their canonical case (``mit`` -> ``MIT``); in expressions the operators are
    upper-cased and known ids fixed up, because validators compare case-sensitively.
    """
    text = value.strip()
    if not text:
        return None
    fixed = fixup_id(text)
    if fixed is not None:
        return fixed
    if not is_expression(text):
        return None
    parts = []
    for token in _TOKENS.split(text):
        if token.upper() in _OPERATORS:
            parts.append(token.upper())
        else:
            parts.append(fixup_id(token) or token)
    return "".join(parts)


def _compound(expression: str) -> bool:
    return any(ch.isspace() for ch in expression)


def join_expressions(expressions: Iterable[str]) -> str:
    """Conjoin several SPDX expressions with ``AND``, parenthesising compound ones."""
    items = list(expressions)
    if len(items) == 1:
        return items[0]
    return " AND ".join(f"({item})" if _compound(item) else item for item in items)


def _wrapped(text: str) -> bool:
    """True when one pair of parentheses encloses the whole text."""
    if not (text.startswith("(") and text.endswith(")")):
        return False
    depth = 0
    for index, ch in enumerate(text):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0 and index < len(text) - 1:
            return False
    return True


def split_conjunction(expression: str) -> tuple[str, ...]:
    """Undo :func:`join_expressions`: split at top-level ``AND`` and drop enclosing parentheses."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for token in _TOKENS.split(expression.strip()):
        depth += {"(": 1, ")": -1}.get(token, 0)
        if depth == 0 and token.upper() == "AND":
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(token)
    parts.append("".join(current).strip())
    return tuple(part[1:-1].strip() if _wrapped(part) else part for part in parts if part)


def license_ref(name: str) -> str:
    """An SPDX ``LicenseRef-`` id for a free-text license name (SPDX 2.3, 10.1)."""
    body = sanitize_id(name) or hashlib.sha256(name.encode()).hexdigest()[:12]
    return f"LicenseRef-{body}"
