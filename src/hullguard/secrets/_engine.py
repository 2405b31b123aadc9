"""The hyperscan prefilter: one database for every rule, compiled once per process and pack.

Each rule's regex (or its explicit ``trigger``) is compiled in hyperscan's prefilter mode, which
accepts every construct (lookarounds, back-references) by approximating it and guarantees a
superset of the real matches. One scan of a file's bytes returns, per rule, the end offsets of
candidate matches; only the lines around them are handed to Python's ``re`` for verification.
A rule whose pattern hyperscan refuses falls back to its keywords as case-insensitive literals.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import hyperscan

from hullguard.secrets._model import Rule, RulePack, SecretRuleError

__all__ = ["MAX_CALLBACKS", "Candidates", "TriggerEngine", "trigger_engine"]

logger = logging.getLogger(__name__)

MAX_CALLBACKS = 4096
"""Beyond this many candidate offsets in one file, stop collecting offsets and verify the rules
that fired over the whole file instead (bounded work on pathological inputs)."""


@dataclass(frozen=True, slots=True)
class Candidates:
    """What the prefilter found in one buffer."""

    ends: dict[int, list[int]]
    """Rule index -> end offsets of candidate matches (unsorted, possibly repeated)."""
    whole_file: frozenset[int] = frozenset()
    """Rules to verify over the whole buffer (the offset budget ran out)."""


_BOUNDED = re.compile(r"\{(\d+),(\d*)\}|\{(\d+)\}")


def _relax_repeat(match: re.Match[str]) -> str:
    low = int(match.group(1) or match.group(3))
    high = match.group(2) if match.group(1) else match.group(3)
    if low < 8 and high and int(high) < 8:
        return match.group(0)
    return f"{{{min(low, 16)},}}"


def relaxed(pattern: str) -> str:
    """The pattern with long counted repeats loosened (``{20,64}`` -> ``{16,}``).

    Large bounded repeats dominate hyperscan's compile time; loosening them only widens the
    candidate set (the verification regex keeps the real bounds), and cuts compiling in half.
    """
    return _BOUNDED.sub(_relax_repeat, pattern)


def _expressions(rules: Sequence[Rule]) -> tuple[list[bytes], list[int], list[int]]:
    """Hyperscan expressions for the rules; refused patterns fall back to their keywords."""
    patterns: list[bytes] = []
    ids: list[int] = []
    flags: list[int] = []
    for index, rule in enumerate(rules):
        pattern = relaxed(rule.trigger or rule.regex).encode()
        if _compiles(pattern):
            patterns.append(pattern)
            ids.append(index)
            flags.append(hyperscan.HS_FLAG_PREFILTER)
            continue
        if not rule.keywords:
            raise SecretRuleError(
                f"secret rule {rule.id}: hyperscan cannot compile its regex and it has no keywords",
                hint="add keywords (literals every match contains) to the rule",
            )
        logger.info("secret rule %s: prefiltering by keywords", rule.id)
        for keyword in rule.keywords:
            patterns.append(re.escape(keyword).encode())
            ids.append(index)
            flags.append(hyperscan.HS_FLAG_CASELESS)
    return patterns, ids, flags


def _compiles(pattern: bytes) -> bool:
    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    try:
        db.compile(expressions=[pattern], ids=[0], elements=1, flags=[hyperscan.HS_FLAG_PREFILTER])
    except hyperscan.error:
        return False
    return True


def _database(patterns: list[bytes], ids: list[int], flags: list[int]) -> hyperscan.Database:
    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    db.compile(expressions=patterns, ids=ids, elements=len(patterns), flags=flags)
    return db


class TriggerEngine:
    """A compiled prefilter for one rule pack; safe to share between threads (scratch per thread)."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        patterns = [relaxed(r.trigger or r.regex).encode() for r in rules]
        ids = list(range(len(rules)))
        flags = [hyperscan.HS_FLAG_PREFILTER] * len(rules)
        try:  # the usual case: one compile; refused patterns are looked for one by one only on failure
            self._db = _database(patterns, ids, flags)
        except hyperscan.error:
            patterns, ids, flags = _expressions(rules)
            self._db = _database(patterns, ids, flags)
        single = [f | hyperscan.HS_FLAG_SINGLEMATCH for f in flags]
        self._single_spec = (patterns, ids, single)
        self._single: hyperscan.Database | None = None
        self._local = threading.local()
        self._lock = threading.Lock()

    def _scratch(self, db: hyperscan.Database, name: str) -> hyperscan.Scratch:
        scratch = getattr(self._local, name, None)
        if scratch is None:
            scratch = hyperscan.Scratch(db)
            setattr(self._local, name, scratch)
        return scratch

    def _single_db(self) -> hyperscan.Database:
        with self._lock:
            if self._single is None:
                self._single = _database(*self._single_spec)
            return self._single

    def scan(self, data: bytes) -> Candidates:
        """Candidate end offsets per rule for one buffer."""
        ends: dict[int, list[int]] = {}
        budget = [MAX_CALLBACKS]

        def on_match(rule: int, _start: int, end: int, _flags: int, _ctx: object) -> bool:
            found = ends.get(rule)
            if found is None:
                ends[rule] = [end]
            else:
                found.append(end)
            budget[0] -= 1
            return budget[0] <= 0

        try:
            self._db.scan(data, match_event_handler=on_match, scratch=self._scratch(self._db, "main"))
        except hyperscan.ScanTerminated:
            return Candidates({}, frozenset(self._fired(data)))
        return Candidates(ends)

    def _fired(self, data: bytes) -> set[int]:
        fired: set[int] = set()

        def on_match(rule: int, _start: int, _end: int, _flags: int, _ctx: object) -> None:
            fired.add(rule)

        db = self._single_db()
        db.scan(data, match_event_handler=on_match, scratch=self._scratch(db, "single"))
        return fired


@functools.lru_cache(maxsize=4)
def trigger_engine(pack: RulePack) -> TriggerEngine:
    """The compiled prefilter of ``pack``: compiled once per process, then shared."""
    return TriggerEngine(pack.rules)
