"""The trust policy: which keys must have signed which images, which attestations must exist.

A library function, so the CLI (``hullguard verify --policy``) and admission control share it:
:func:`evaluate` is a function of the policy, the evidence read from the registry and the
clock; :func:`verify_with_policy` reads the evidence and evaluates it. The first rule whose glob
matches ``registry/repository`` applies; no match means the policy's ``default``. A decision
carries every reason, never only the first.

Signature semantics: with ``keys``, at least one cosign signature must verify under one of them;
with ``gpg_keys``, at least one GPG simple signature (from the lookaside) by one of them; with
both, either kind suffices.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from hullguard.image._reference import Reference
from hullguard.image._registry_client import RegistryClient
from hullguard.trust._keys import PublicKey
from hullguard.trust._verify import (
    AttestationCheck,
    Evidence,
    SignatureCheck,
    check_attestation,
    check_signature_layer,
    gather_evidence,
)
from hullguard.trust._vuln_rules import vulnerability_reasons

__all__ = [
    "AttestationRequirement",
    "Decision",
    "GpgCheck",
    "GpgVerifier",
    "PolicyDefault",
    "PolicyRule",
    "TrustPolicy",
    "VulnerabilityRule",
    "evaluate",
    "verify_with_policy",
]


class PolicyDefault(StrEnum):
    """What happens to an image no rule matches."""

    REJECT = "reject"
    ACCEPT = "accept"


@dataclass(frozen=True, slots=True)
class AttestationRequirement:
    """An attestation that must exist, signed by the rule's keys."""

    name: str
    """As written in the policy (``vuln``, ``sbom``, a URI)."""
    predicate_type: str
    max_age: timedelta | None = None


@dataclass(frozen=True, slots=True)
class VulnerabilityRule:
    """Limits on the findings of the attested vulnerability scan."""

    deny_fixable: frozenset[str] = frozenset()
    """Severities that deny when the finding has a fixed version."""
    deny: frozenset[str] = frozenset()
    """Severities that deny whether or not a fix exists."""


@dataclass(frozen=True, slots=True)
class PolicyRule:
    """What one group of repositories requires."""

    patterns: tuple[str, ...]
    """Globs on ``registry/repository`` (``fnmatch``: ``*`` also crosses ``/``)."""
    keys: tuple[PublicKey, ...] = ()
    gpg_keys: tuple[bytes, ...] = ()
    gpg_fingerprints: tuple[str, ...] = ()
    reject_unsigned: bool = True
    signed_identity: str | None = None
    """Accept signatures made for this repository instead of the image's own (copies)."""
    attestations: tuple[AttestationRequirement, ...] = ()
    vulnerabilities: VulnerabilityRule | None = None
    name: str = "rule"

    def matches(self, ref: Reference) -> bool:
        """True if a pattern matches ``registry/repository``."""
        return any(fnmatch.fnmatchcase(ref.name, pattern) for pattern in self.patterns)


@dataclass(frozen=True, slots=True)
class TrustPolicy:
    """Rules in order, and the default for images none of them matches."""

    rules: tuple[PolicyRule, ...]
    default: PolicyDefault = PolicyDefault.REJECT

    def rule_for(self, ref: Reference) -> PolicyRule | None:
        """The first rule that matches ``ref``."""
        return next((rule for rule in self.rules if rule.matches(ref)), None)


@dataclass(frozen=True, slots=True)
class GpgCheck:
    """The verdict on one GPG simple signature (filled by the caller that ran gpg)."""

    accepted: bool
    reason: str
    fingerprint: str | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    """Allow or deny, with every reason and the per-signature verdicts behind it."""

    image: str
    digest: str | None
    allowed: bool
    rule: str | None
    reasons: tuple[str, ...]
    signatures: tuple[SignatureCheck, ...] = ()
    attestations: tuple[AttestationCheck, ...] = ()
    gpg: tuple[GpgCheck, ...] = field(default=())

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready view (for ``--format json`` and decision logs)."""
        return {
            "image": self.image,
            "digest": self.digest,
            "allowed": self.allowed,
            "rule": self.rule,
            "reasons": list(self.reasons),
            "signatures": [
                {
                    "layer": s.layer,
                    "accepted": s.accepted,
                    "key": s.key,
                    "docker_reference": s.docker_reference,
                    "annotations": s.annotations,
                    "reasons": list(s.reasons),
                }
                for s in self.signatures
            ],
            "attestations": [
                {
                    "layer": a.layer,
                    "accepted": a.accepted,
                    "predicate_type": a.predicate_type,
                    "key": a.key,
                    "produced": a.produced.isoformat() if a.produced else None,
                    "reasons": list(a.reasons),
                }
                for a in self.attestations
            ],
            "gpg": [
                {"accepted": g.accepted, "fingerprint": g.fingerprint, "reason": g.reason} for g in self.gpg
            ],
        }


def _signature_reasons(
    rule: PolicyRule, checks: Sequence[SignatureCheck], gpg: Sequence[GpgCheck]
) -> list[str]:
    if any(c.accepted for c in checks) or any(g.accepted for g in gpg):
        return []
    if not checks and not gpg:
        return ["the image has no signatures"] if rule.reject_unsigned else []
    if not rule.reject_unsigned:
        return []
    reasons = ["no signature is accepted"]
    reasons += [f"signature {c.layer[:19]}: {'; '.join(c.reasons)}" for c in checks]
    reasons += [f"GPG signature: {g.reason}" for g in gpg]
    return reasons


def _attestation_reasons(
    requirement: AttestationRequirement, checks: Sequence[AttestationCheck], now: datetime
) -> tuple[list[str], AttestationCheck | None]:
    """Reasons against ``requirement`` and the newest accepted attestation that meets it."""
    mine = [c for c in checks if c.predicate_type == requirement.predicate_type]
    accepted = [c for c in mine if c.accepted]
    if not accepted:
        reasons = [f"no valid {requirement.name} attestation ({requirement.predicate_type})"]
        reasons += [f"{requirement.name} attestation {c.layer[:19]}: {'; '.join(c.reasons)}" for c in mine]
        return reasons, None
    newest = max(accepted, key=lambda c: c.produced.timestamp() if c.produced else float("-inf"))
    if requirement.max_age is None:
        return [], newest
    if newest.produced is None:
        return [f"the {requirement.name} attestation records no time, so max_age cannot be met"], newest
    age = now - newest.produced
    if age > requirement.max_age:
        limit = _days(requirement.max_age)
        return [f"the newest {requirement.name} attestation is {_days(age)} old, over {limit}"], newest
    return [], newest


def _days(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours / 24:.1f} days" if hours >= 48 else f"{hours:.1f} hours"


def evaluate(
    policy: TrustPolicy, evidence: Evidence, *, now: datetime, gpg: Sequence[GpgCheck] = ()
) -> Decision:
    """Decide about the image in ``evidence``; ``gpg`` holds verdicts on its GPG signatures."""
    ref = evidence.image
    rule = policy.rule_for(ref)
    image = str(ref)
    if rule is None:
        allowed = policy.default is PolicyDefault.ACCEPT
        reason = f"no rule matches {ref.name}; the default is {policy.default.value}"
        return Decision(image, evidence.manifest_digest, allowed, None, (reason,))
    reasons = list(evidence.problems)
    # 1. signatures: cosign layers under the rule's keys (and GPG verdicts)
    repository = rule.signed_identity or ref.name
    checks = (
        tuple(
            check_signature_layer(
                a, rule.keys, manifest_digest=evidence.manifest_digest, repository=repository
            )
            for a in evidence.signatures
        )
        if rule.keys
        else ()
    )
    reasons += _signature_reasons(rule, checks, gpg)
    # 2. attestations: each requirement met by a valid, fresh enough one
    attested = tuple(
        check_attestation(a, rule.keys, manifest_digest=evidence.manifest_digest, predicate_type=None)
        for a in evidence.attestations
    )
    chosen: dict[str, AttestationCheck] = {}
    for requirement in rule.attestations:
        missing, newest = _attestation_reasons(requirement, attested, now)
        reasons += missing
        if newest is not None:
            chosen[requirement.predicate_type] = newest
    # 3. rules on the attested scan result
    if rule.vulnerabilities is not None:
        scan = next((c for t, c in chosen.items() if t.endswith("/attestation/vuln/v1")), None)
        if scan is not None:
            reasons += vulnerability_reasons(
                scan.predicate, rule.vulnerabilities.deny_fixable, rule.vulnerabilities.deny
            )
    return Decision(
        image, evidence.manifest_digest, not reasons, rule.name, tuple(reasons), checks, attested, tuple(gpg)
    )


class GpgVerifier(Protocol):
    """Finds and checks the GPG simple signatures of an image (see ``_gpg_policy``)."""

    def __call__(self, image: Reference, manifest_digest: str, rule: PolicyRule) -> Sequence[GpgCheck]:
        """One verdict per signature found; empty when there are none."""
        ...


def verify_with_policy(
    client: RegistryClient,
    ref: Reference,
    policy: TrustPolicy,
    *,
    now: datetime,
    gpg_verifier: GpgVerifier | None = None,
) -> Decision:
    """Read what the registry holds about ``ref`` and :func:`evaluate` it."""
    rule = policy.rule_for(ref)
    evidence = gather_evidence(client, ref, attestations=bool(rule and rule.attestations))
    verdicts: Sequence[GpgCheck] = ()
    if rule is not None and rule.gpg_keys:
        if gpg_verifier is None:
            verdicts = (GpgCheck(False, "GPG signatures required but no lookaside is configured"),)
        else:
            verdicts = gpg_verifier(evidence.image, evidence.manifest_digest, rule)
    return evaluate(policy, evidence, now=now, gpg=verdicts)
