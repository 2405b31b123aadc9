"""GPG simple signatures for the trust policy: read from the lookaside, checked with gpg.

Bridges the policy (``gpg_keys``, ``gpg_fingerprints``) to :mod:`hullguard.trust.simple_signing`
and :mod:`hullguard.trust.lookaside`. The identity rule is the same as for cosign signatures:
the signed reference must name the image's repository (or the rule's ``signed_identity``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from hullguard.image._reference import Reference
from hullguard.trust._policy import GpgCheck, PolicyRule
from hullguard.trust.lookaside import lookaside_for, read_lookaside
from hullguard.trust.simple_signing import ExactRepository, MatchRepository, SignatureError, verify_simple

__all__ = ["LookasideGpgVerifier"]


@dataclass(frozen=True, slots=True)
class LookasideGpgVerifier:
    """Reads signatures from the lookaside that ``registries_d`` names for the image."""

    registries_d: Path

    def __call__(self, image: Reference, manifest_digest: str, rule: PolicyRule) -> Sequence[GpgCheck]:
        """One verdict per stored signature."""
        name = str(image.with_digest(manifest_digest)) if image.tag is None else f"{image.name}:{image.tag}"
        base = lookaside_for(name, self.registries_d)
        if base is None:
            return (GpgCheck(False, f"no lookaside configured for {image.name} in {self.registries_d}"),)
        identity = ExactRepository(rule.signed_identity) if rule.signed_identity else MatchRepository()
        verdicts: list[GpgCheck] = []
        for blob in read_lookaside(base, name, manifest_digest):
            try:
                signature = verify_simple(
                    blob,
                    accepted_keys=rule.gpg_keys,
                    manifest_digest=manifest_digest,
                    docker_reference=name,
                    identity=identity,
                )
            except SignatureError as exc:
                verdicts.append(GpgCheck(False, exc.message))
                continue
            wanted = rule.gpg_fingerprints
            if wanted and signature.key_fingerprint.upper() not in {
                f.upper().replace(" ", "") for f in wanted
            }:
                verdicts.append(
                    GpgCheck(False, f"key {signature.key_fingerprint} is not in gpg_fingerprints")
                )
                continue
            verdicts.append(GpgCheck(True, "accepted", signature.key_fingerprint))
        return verdicts
