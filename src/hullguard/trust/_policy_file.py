"""Reading a trust policy file: YAML checked by pydantic, keys loaded, into a ``TrustPolicy``.

Example (every field but ``rules[].match`` is optional)::

    version: 1
    default: reject                 # images no rule matches: reject (default) or accept
    rules:                          # the first rule whose pattern matches wins
      - match: "127.0.0.1:5000/team/*"      # glob on registry/repository (or a list of them)
        keys: [keys/release.pub]            # PEM paths (relative to this file) or inline PEM
        gpg_keys: [keys/release.gpg]        # exported OpenPGP public keys (simple signing)
        gpg_fingerprints: []                # optional: only these primary keys of gpg_keys
        reject_unsigned: true
        signed_identity: null               # accept signatures made for this repository instead
        attestations:
          - type: vuln                      # sbom|cyclonedx|spdx|vuln|custom|<URI>
            max_age: 7d                     # s, m, h, d, w
        vulnerabilities:                    # rules on the attested vuln scan (needs type vuln)
          deny_fixable: [CRITICAL]          # deny when such a finding has a fixed version
          deny: []                          # deny any finding of these severities
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from hullguard.trust._errors import KeyFileError, TrustPolicyError
from hullguard.trust._keys import PublicKey, load_public_key
from hullguard.trust._policy import (
    AttestationRequirement,
    PolicyDefault,
    PolicyRule,
    TrustPolicy,
    VulnerabilityRule,
)
from hullguard.trust._predicates import predicate_type_for

__all__ = ["load_policy", "parse_policy"]

_SEVERITIES = ("UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL")
_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Attestation(_Strict):
    type: str
    max_age: str | int | None = None

    @field_validator("max_age")
    @classmethod
    def _duration(cls, value: str | int | None) -> str | int | None:
        if isinstance(value, str) and not _DURATION.match(value):
            raise ValueError("use a number with a unit: 30m, 12h, 7d, 2w")
        return value


class _Vulns(_Strict):
    deny_fixable: list[str] = Field(default_factory=list)
    deny: list[str] = Field(default_factory=list)

    @field_validator("deny_fixable", "deny")
    @classmethod
    def _known(cls, values: list[str]) -> list[str]:
        upper = [v.upper() for v in values]
        wrong = [v for v in upper if v not in _SEVERITIES]
        if wrong:
            raise ValueError(f"unknown severities {wrong}; use {', '.join(_SEVERITIES)}")
        return upper


class _Rule(_Strict):
    match: str | list[str]
    keys: list[str] = Field(default_factory=list)
    gpg_keys: list[str] = Field(default_factory=list)
    gpg_fingerprints: list[str] = Field(default_factory=list)
    reject_unsigned: bool = True
    signed_identity: str | None = None
    attestations: list[_Attestation] = Field(default_factory=list)
    vulnerabilities: _Vulns | None = None


class _PolicyDoc(_Strict):
    version: Literal[1] = 1
    default: Literal["reject", "accept"] = "reject"
    rules: list[_Rule] = Field(default_factory=list)


def _seconds(value: str | int) -> timedelta:
    if isinstance(value, int):
        return timedelta(seconds=value)
    found = _DURATION.match(value)
    assert found is not None
    return timedelta(seconds=int(found[1]) * _UNITS[found[2]])


def _key(text: str, base: Path, where: str) -> PublicKey:
    if "-----BEGIN" in text:
        return load_public_key(text.encode(), where=f"{where}: inline key")
    path = Path(text) if Path(text).is_absolute() else base / text
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KeyFileError(f"{where}: key file {path}: {exc.strerror}") from exc
    return load_public_key(data, where=str(path))


def _gpg_key(text: str, base: Path, where: str) -> bytes:
    if "-----BEGIN PGP" in text:
        return text.encode()
    path = Path(text) if Path(text).is_absolute() else base / text
    try:
        return path.read_bytes()
    except OSError as exc:
        raise KeyFileError(f"{where}: GPG key file {path}: {exc.strerror}") from exc


def _rule(raw: _Rule, index: int, base: Path, where: str) -> PolicyRule:
    patterns = (raw.match,) if isinstance(raw.match, str) else tuple(raw.match)
    label = f"{where}: rules[{index}]"
    requirements = tuple(
        AttestationRequirement(a.type, predicate_type_for(a.type), _seconds(a.max_age) if a.max_age else None)
        for a in raw.attestations
    )
    vulns = None
    if raw.vulnerabilities is not None:
        vulns = VulnerabilityRule(
            frozenset(raw.vulnerabilities.deny_fixable), frozenset(raw.vulnerabilities.deny)
        )
        if not any(r.name == "vuln" or r.predicate_type == predicate_type_for("vuln") for r in requirements):
            requirements += (AttestationRequirement("vuln", predicate_type_for("vuln"), None),)
    return PolicyRule(
        patterns=patterns,
        keys=tuple(_key(k, base, label) for k in raw.keys),
        gpg_keys=tuple(_gpg_key(k, base, label) for k in raw.gpg_keys),
        gpg_fingerprints=tuple(f.replace(" ", "").upper() for f in raw.gpg_fingerprints),
        reject_unsigned=raw.reject_unsigned,
        signed_identity=raw.signed_identity,
        attestations=requirements,
        vulnerabilities=vulns,
        name=f"rules[{index}] ({', '.join(patterns)})",
    )


def parse_policy(data: bytes, *, base_dir: Path, where: str) -> TrustPolicy:
    """A policy from YAML bytes; key paths are relative to ``base_dir``."""
    try:
        raw = yaml.safe_load(data)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark is not None else ""
        raise TrustPolicyError(f"{where}: not valid YAML{at}") from None
    try:
        doc = _PolicyDoc.model_validate(raw if raw is not None else {})
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'top level'}: {e['msg']}" for e in exc.errors()[:5]
        )
        raise TrustPolicyError(f"{where}: invalid trust policy: {problems}") from None
    rules = tuple(_rule(r, i, base_dir, where) for i, r in enumerate(doc.rules))
    for rule in rules:
        if rule.gpg_fingerprints and not rule.gpg_keys:
            raise TrustPolicyError(
                f"{where}: {rule.name} lists gpg_fingerprints but no gpg_keys",
                hint="export the keys (gpg --export FPR > key.gpg) and list them under gpg_keys:",
            )
        if not rule.keys and not rule.gpg_keys and (rule.reject_unsigned or rule.attestations):
            raise TrustPolicyError(
                f"{where}: {rule.name} requires signatures or attestations but names no keys",
                hint="add keys: or gpg_keys:, or set reject_unsigned: false",
            )
    return TrustPolicy(rules, PolicyDefault(doc.default))


def load_policy(path: Path) -> TrustPolicy:
    """Read and check the policy file at ``path``."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TrustPolicyError(f"trust policy {path}: {exc.strerror}") from exc
    return parse_policy(data, base_dir=path.parent, where=str(path))
