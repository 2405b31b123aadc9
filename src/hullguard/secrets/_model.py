"""Secret rules and allowlists as plain values, checked when they are built."""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from dataclasses import dataclass, field

from hullguard.errors import ConfigError
from hullguard.report import Severity

__all__ = ["Allowlist", "Rule", "RulePack", "SecretRuleError", "shannon_entropy"]


class SecretRuleError(ConfigError):
    """A secret rule or allowlist cannot be used (bad regex, missing field, duplicate id)."""


def shannon_entropy(value: bytes) -> float:
    """Bits per byte of ``value``: random tokens score 4-6, words and placeholders well under 3.5."""
    if not value:
        return 0.0
    total = len(value)
    return -sum(n / total * math.log2(n / total) for n in Counter(value).values())


def _compile(pattern: str, *, what: str) -> re.Pattern[bytes]:
    try:
        return re.compile(pattern.encode())
    except re.error as exc:
        raise SecretRuleError(f"{what}: invalid regex {pattern!r}: {exc}") from exc


@dataclass(frozen=True, slots=True)
class Allowlist:
    """What is never reported: secret values, paths or matched lines matching these regexes."""

    values: tuple[str, ...] = ()
    """Regexes searched in the secret value (documented example keys, placeholders)."""
    paths: tuple[str, ...] = ()
    """Regexes searched in the file path (test fixtures, vendored packages, docs)."""
    lines: tuple[str, ...] = ()
    """Regexes searched in the whole matched line."""
    fingerprints: frozenset[str] = frozenset()
    """Fingerprints of accepted findings (from an ignore file)."""
    _values: tuple[re.Pattern[bytes], ...] = field(default=(), init=False, compare=False, repr=False)
    _paths: tuple[re.Pattern[str], ...] = field(default=(), init=False, compare=False, repr=False)
    _lines: tuple[re.Pattern[bytes], ...] = field(default=(), init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_values", tuple(_compile(p, what="allowlist") for p in self.values))
        object.__setattr__(self, "_lines", tuple(_compile(p, what="allowlist") for p in self.lines))
        try:
            object.__setattr__(self, "_paths", tuple(re.compile(p) for p in self.paths))
        except re.error as exc:
            raise SecretRuleError(f"allowlist: invalid path regex: {exc}") from exc

    def allows_path(self, path: str) -> bool:
        """Whether files at ``path`` are skipped entirely."""
        return any(p.search(path) for p in self._paths)

    def allows(self, value: bytes, line: bytes) -> bool:
        """Whether this secret value (or the line holding it) is a known false positive."""
        return any(p.search(value) for p in self._values) or any(p.search(line) for p in self._lines)

    def merged(self, other: Allowlist) -> Allowlist:
        """Both allowlists at once (built-in plus custom)."""
        return Allowlist(
            self.values + other.values,
            self.paths + other.paths,
            self.lines + other.lines,
            self.fingerprints | other.fingerprints,
        )


@dataclass(frozen=True, slots=True)
class Rule:
    """One secret rule: hyperscan finds candidates, ``regex`` verifies, entropy filters.

    ``regex`` uses Python ``re`` syntax on bytes and, when hyperscan can compile it (in
    prefilter mode), also serves as its trigger; otherwise ``keywords`` are the trigger.
    The secret is the ``secret`` group when the regex has one, else the whole match.
    """

    id: str
    title: str
    category: str
    severity: Severity
    regex: str
    keywords: tuple[str, ...] = ()
    """Lower-case literals one of which every match contains (the fallback prefilter)."""
    entropy: float = 0.0
    """Minimum Shannon entropy (bits per byte) of the secret value."""
    path: str | None = None
    """Only files whose path matches this regex (``\\.npmrc$``)."""
    multiline: bool = False
    """The secret spans lines (PEM blocks): verified on a window from the trigger's line on."""
    trigger: str | None = None
    """The hyperscan pattern when it should differ from ``regex`` (multi-line rules)."""
    allow: Allowlist = field(default_factory=Allowlist)
    """Allowlist of this rule only."""

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[a-z0-9][a-z0-9.-]*", self.id):
            raise SecretRuleError(f"secret rule id {self.id!r}: use lower-case letters, digits, '-' and '.'")

    def check(self) -> None:
        """Compile both regexes now (custom rules): a bad one is a one-line error naming the rule."""
        _compile(self.regex, what=f"rule {self.id}")
        if self.path is not None:
            try:
                re.compile(self.path)
            except re.error as exc:
                raise SecretRuleError(f"rule {self.id}: invalid path regex {self.path!r}: {exc}") from exc

    @property
    def compiled(self) -> re.Pattern[bytes]:
        """The verification regex (compiled on first use; ``re`` keeps it cached)."""
        return re.compile(self.regex.encode())

    def applies_to(self, path: str) -> bool:
        """Whether the rule looks at files at ``path`` (rules without ``path`` look everywhere)."""
        return self.path is None or re.search(self.path, path) is not None

    def fingerprint(self, secret: bytes) -> str:
        """``sha256:`` of rule id and secret: identifies the finding without revealing the secret."""
        return "sha256:" + hashlib.sha256(self.id.encode() + b"\0" + secret).hexdigest()


@dataclass(frozen=True, slots=True)
class RulePack:
    """The rules and the global allowlist one scan uses; ``key`` names its exact content."""

    rules: tuple[Rule, ...]
    allowlist: Allowlist = field(default_factory=Allowlist)
    key: str = ""
    """A digest of every rule and allowlist entry: part of the layer cache key."""
    _by_id: dict[str, Rule] = field(default_factory=dict, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        seen: dict[str, Rule] = {}
        for rule in self.rules:
            if rule.id in seen:
                raise SecretRuleError(f"secret rule id {rule.id!r} is defined twice", hint="rename one")
            seen[rule.id] = rule
        object.__setattr__(self, "_by_id", seen)
        if not self.key:
            material = repr((self.rules, self.allowlist)).encode()
            object.__setattr__(self, "key", hashlib.sha256(material).hexdigest())

    def __hash__(self) -> int:
        return hash(self.key)

    def rule(self, rule_id: str) -> Rule | None:
        """The rule with this id, if the pack has it."""
        return self._by_id.get(rule_id)
