"""Verification around prefilter hits: regex, entropy, allowlists, redaction, fingerprint.

Python only looks at the lines hyperscan pointed to (or, for multi-line rules, a window from
the trigger's line on); the whole buffer is walked by Python only when a file produced more
candidates than :data:`~hullguard.secrets._engine.MAX_CALLBACKS`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from hullguard.inventory import SecretHit
from hullguard.secrets._engine import trigger_engine
from hullguard.secrets._model import Rule, RulePack, shannon_entropy

__all__ = ["BINARY_PROBE", "IgnoreComments", "is_binary", "scan_bytes"]

BINARY_PROBE = 8192
"""Bytes looked at by the binary test: a NUL byte there means "not text"."""

_WINDOW = 70_000
_IGNORE = re.compile(rb"hullguard:ignore(?::([\w.,-]+))?")


def is_binary(data: bytes) -> bool:
    """The cheap test git and grep use: text has no NUL bytes near its start."""
    return b"\0" in data[:BINARY_PROBE]


@dataclass(frozen=True, slots=True)
class IgnoreComments:
    """Whether inline ``hullguard:ignore`` / ``hullguard:ignore:rule-a,rule-b`` comments count.

    They do for directories (the author's own source tree), not for images, whose content
    the scanning party does not control.
    """

    honoured: bool


@dataclass(frozen=True, slots=True)
class _Found:
    order: int
    rule: Rule
    start: int
    end: int
    anchor: int
    """Where the reported line starts: the secret itself, or the trigger line for multi-line rules."""


def _line_bounds(data: bytes, offset: int) -> tuple[int, int]:
    start = data.rfind(b"\n", 0, offset) + 1
    end = data.find(b"\n", offset)
    return start, len(data) if end < 0 else end


def _windows(data: bytes, rule: Rule, ends: list[int]) -> Iterator[tuple[int, int]]:
    seen: set[int] = set()
    for end in sorted(set(ends)):
        start, line_end = _line_bounds(data, max(end - 1, 0))
        if start in seen:
            continue
        seen.add(start)
        yield start, (min(len(data), start + _WINDOW) if rule.multiline else line_end)


def _verify(data: bytes, order: int, rule: Rule, spans: Iterator[tuple[int, int]]) -> Iterator[_Found]:
    pattern = rule.compiled
    group = "secret" if "secret" in pattern.groupindex else 0
    for lo, hi in spans:
        matches = [pattern.search(data, lo, hi)] if rule.multiline else pattern.finditer(data, lo, hi)
        for m in matches:
            if m is None or m.start(group) < 0 or m.end(group) <= m.start(group):
                continue
            anchor = m.start() if rule.multiline else m.start(group)
            yield _Found(order, rule, m.start(group), m.end(group), anchor)


def _plausible(pack: RulePack, found: _Found, data: bytes, ignore: IgnoreComments) -> bool:
    secret = data[found.start : found.end]
    rule = found.rule
    if rule.entropy and shannon_entropy(secret) < rule.entropy:
        return False
    if not rule.multiline and len(set(secret)) < 4:
        return False
    lo, hi = _line_bounds(data, found.anchor)
    line = data[lo:hi]
    if pack.allowlist.allows(secret, line) or rule.allow.allows(secret, line):
        return False
    if ignore.honoured and b"hullguard:ignore" in line:
        for m in _IGNORE.finditer(line):
            if m.group(1) is None or rule.id in m.group(1).decode().split(","):
                return False
    fingerprint = rule.fingerprint(secret)
    return fingerprint not in pack.allowlist.fingerprints


def _mask(secret: bytes) -> bytes:
    keep = min(4, len(secret) // 5)
    return secret[:keep] + b"*****"


def _redact(data: bytes, found: _Found, accepted: list[_Found]) -> str:
    lo, hi = _line_bounds(data, found.anchor)
    pieces: list[bytes] = []
    cursor = lo
    for other in sorted(accepted, key=lambda f: f.start):
        if other.start >= hi or other.end <= lo or other.start < cursor:
            continue
        pieces += [data[cursor : other.start], _mask(data[other.start : min(other.end, hi)])]
        cursor = min(other.end, hi)
    if cursor < hi:
        pieces.append(data[cursor:hi])
    if found.start >= hi:
        pieces.append(b" *****")
    text = b"".join(pieces).decode("utf-8", "replace").strip()
    column = found.start - lo
    if len(text) > 160:
        begin = max(0, column - 60)
        text = text[begin : begin + 160]
    return text


def scan_bytes(
    pack: RulePack, data: bytes, *, path: str, diff_id: str | None, ignore: IgnoreComments
) -> tuple[SecretHit, ...]:
    """Every verified secret in ``data`` (a file at ``path``), sorted by line, column and rule.

    Two rules matching overlapping bytes report once, by the earlier rule (packs list specific
    rules before generic ones).
    """
    candidates = trigger_engine(pack).scan(data)
    found: list[_Found] = []
    for index, ends in candidates.ends.items():
        rule = pack.rules[index]
        if rule.applies_to(path):
            found.extend(_verify(data, index, rule, _windows(data, rule, ends)))
    for index in candidates.whole_file:
        rule = pack.rules[index]
        if rule.applies_to(path):
            found.extend(_verify(data, index, rule, iter([(0, len(data))])))
    accepted: list[_Found] = []
    for item in sorted(found, key=lambda f: (f.order, f.start)):
        if any(item.start < a.end and a.start < item.end for a in accepted):
            continue
        if _plausible(pack, item, data, ignore):
            accepted.append(item)
    hits = []
    for item in accepted:
        lo, _ = _line_bounds(data, item.anchor)
        hits.append(
            SecretHit(
                rule_id=item.rule.id,
                path=path,
                line=data.count(b"\n", 0, item.anchor) + 1,
                column=item.anchor - lo + 1,
                redacted=_redact(data, item, accepted),
                fingerprint=item.rule.fingerprint(data[item.start : item.end]),
                diff_id=diff_id,
            )
        )
    return tuple(sorted(hits, key=lambda h: (h.line, h.column, h.rule_id)))
