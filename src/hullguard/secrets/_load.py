"""Rule packs from the built-in tables and from a user's YAML file (trivy-like field names).

A custom file may add rules, turn built-in rules off and extend the allowlist::

    rules:
      - id: acme-api-key
        title: ACME API key
        category: ACME
        severity: HIGH
        regex: '\\bacme_(?P<secret>[a-z0-9]{32})\\b'
        keywords: [acme_]
        entropy: 3.0            # optional: minimum bits per byte of the secret
        path: '\\.conf$'        # optional: only these files
    disable: [generic-token]
    allowlist:
      values: ['^acme_0{32}$']  # regexes on the secret value
      paths: ['/third_party/']  # regexes on the file path
      lines: ['nosecret']       # regexes on the whole line
      fingerprints: ['sha256:...']
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hullguard.report import Severity
from hullguard.secrets import _rules_cloud, _rules_places, _rules_saas
from hullguard.secrets._allow import DEFAULT_ALLOWLIST, GENERIC_ALLOW
from hullguard.secrets._model import Allowlist, Rule, RulePack, SecretRuleError

__all__ = ["builtin_rule_data", "load_rules", "parse_rule_file"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class _AllowSpec(_Strict):
    values: list[str] = Field(default_factory=list)
    paths: list[str] = Field(default_factory=list)
    lines: list[str] = Field(default_factory=list)
    fingerprints: list[str] = Field(default_factory=list)

    def build(self) -> Allowlist:
        return Allowlist(
            tuple(self.values), tuple(self.paths), tuple(self.lines), frozenset(self.fingerprints)
        )


class _RuleSpec(_Strict):
    id: str
    title: str
    category: str
    severity: str
    regex: str
    keywords: list[str] = Field(default_factory=list)
    entropy: float = Field(default=0.0, ge=0.0, le=8.0)
    path: str | None = None
    multiline: bool = False
    trigger: str | None = None
    allow: _AllowSpec = Field(default_factory=_AllowSpec)

    def build(self, extra_allow: Allowlist | None = None) -> Rule:
        severity = Severity.parse(self.severity)
        allow = self.allow.build()
        return Rule(
            id=self.id,
            title=self.title,
            category=self.category,
            severity=severity,
            regex=self.regex,
            keywords=tuple(k.lower() for k in self.keywords),
            entropy=self.entropy,
            path=self.path,
            multiline=self.multiline,
            trigger=self.trigger,
            allow=allow.merged(extra_allow) if extra_allow else allow,
        )


class _FileSpec(_Strict):
    rules: list[_RuleSpec] = Field(default_factory=list)
    disable: list[str] = Field(default_factory=list)
    allowlist: _AllowSpec = Field(default_factory=_AllowSpec)


def builtin_rule_data() -> tuple[dict[str, Any], ...]:
    """Every built-in rule in the YAML format, in precedence order (specific rules first)."""
    return _rules_cloud.RULES + _rules_saas.RULES + _rules_places.RULES + _rules_places.GENERIC


_NAME_BASED = {"dotenv-secret", "image-config-secret", "gradle-properties-secret", "history-export-secret"}
"""Rules that take any value assigned to a secret-sounding name: code identifiers are allowed."""


def _builtin_rules() -> list[Rule]:
    generic = {r["id"] for r in _rules_places.GENERIC} | _NAME_BASED
    rules = []
    for data in builtin_rule_data():
        spec = _RuleSpec.model_validate(data)
        rules.append(spec.build(GENERIC_ALLOW if spec.id in generic else None))
    return rules


def parse_rule_file(data: bytes, *, where: str) -> tuple[list[Rule], set[str], Allowlist]:
    """Custom rules, ids to disable and allowlist from a YAML document; errors name the place."""
    try:
        raw = yaml.safe_load(data) or {}
    except yaml.YAMLError as exc:
        raise SecretRuleError(f"{where}: not valid YAML: {exc}".splitlines()[0]) from exc
    try:
        spec = _FileSpec.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise SecretRuleError(f"{where}: invalid secret rule file at {loc}: {first['msg']}") from exc
    rules = [r.build() for r in spec.rules]
    for rule in rules:
        rule.check()
    return rules, set(spec.disable), spec.allowlist.build()


def load_rules(custom: Path | None = None) -> RulePack:
    """The built-in rule pack, extended by a custom YAML file when given.

    Custom rules come before the generic built-in ones (so a specific custom rule wins over a
    generic match of the same bytes); ``disable`` removes built-in rules by id.
    """
    rules = _builtin_rules()
    allowlist = DEFAULT_ALLOWLIST
    if custom is not None:
        try:
            data = custom.read_bytes()
        except OSError as exc:
            raise SecretRuleError(f"{custom}: cannot read secret rules: {exc.strerror}") from exc
        added, disabled, allow = parse_rule_file(data, where=str(custom))
        unknown = disabled - {r.id for r in rules} - {r.id for r in added}
        if unknown:
            raise SecretRuleError(
                f"{custom}: cannot disable unknown secret rules: {', '.join(sorted(unknown))}"
            )
        first_generic = next(
            i for i, r in enumerate(rules) if r.category == "Generic" and r.id.startswith("generic-")
        )
        rules = rules[:first_generic] + added + rules[first_generic:]
        rules = [r for r in rules if r.id not in disabled]
        allowlist = allowlist.merged(allow)
    return RulePack(tuple(rules), allowlist)
