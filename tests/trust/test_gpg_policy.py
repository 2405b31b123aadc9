"""GPG simple signatures in the trust policy: lookaside signatures checked through the gpg helper."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hullguard.image._registry_client import RegistryClient
from hullguard.trust import LookasideGpgVerifier, PolicyRule, TrustPolicy, verify_with_policy
from hullguard.trust.lookaside import write_lookaside
from hullguard.trust.simple_signing import sign_simple
from tests.trust.conftest import PushedImages
from tests.trust.test_simple_signing import GpgKey, make_key, stop_agents


@pytest.fixture(scope="module")
def gpg_keys(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[GpgKey, GpgKey]]:
    root = tmp_path_factory.mktemp("policy-gpg")
    keys = (
        make_key(root / "signer", "Signer <s@example.invalid>"),
        make_key(root / "other", "Other <o@example.invalid>"),
    )
    yield keys
    stop_agents(root / "signer", root / "other")


def _signed(
    pushed: PushedImages, client: RegistryClient, key: GpgKey, tmp_path: Path
) -> LookasideGpgVerifier:
    lookaside = tmp_path / "lookaside"
    regd = tmp_path / "registries.d"
    regd.mkdir()
    (regd / "default.yaml").write_text(f"default-docker:\n  lookaside: file://{lookaside}\n")
    reference = pushed.text("app:v1")
    digest = client.get_manifest(pushed.ref("app:v1")).digest
    signature = sign_simple(digest, reference, key.fingerprint, gnupg_home=key.home)
    write_lookaside(f"file://{lookaside}", reference, digest, signature)
    return LookasideGpgVerifier(regd)


def test_gpg_signed_image_is_allowed_only_for_the_listed_key(
    pushed_images: PushedImages, client: RegistryClient, gpg_keys: tuple[GpgKey, GpgKey], tmp_path: Path
) -> None:
    signer, other = gpg_keys
    verifier = _signed(pushed_images, client, signer, tmp_path)
    now = datetime.now(UTC)
    ref = pushed_images.ref("app:v1")

    def policy(key: GpgKey, *fingerprints: str) -> TrustPolicy:
        return TrustPolicy((PolicyRule(("*",), gpg_keys=(key.public,), gpg_fingerprints=fingerprints),))

    allowed = verify_with_policy(client, ref, policy(signer), now=now, gpg_verifier=verifier)
    assert allowed.allowed, allowed.reasons
    assert allowed.gpg[0].fingerprint == signer.fingerprint
    foreign = verify_with_policy(client, ref, policy(other), now=now, gpg_verifier=verifier)
    assert not foreign.allowed
    assert any(r.startswith("GPG signature:") for r in foreign.reasons)
    pinned = verify_with_policy(
        client, ref, policy(signer, other.fingerprint), now=now, gpg_verifier=verifier
    )
    assert not pinned.allowed
    assert any("is not in gpg_fingerprints" in r for r in pinned.reasons)
    no_lookaside = verify_with_policy(client, ref, policy(signer), now=now)
    assert not no_lookaside.allowed
    assert any("no lookaside is configured" in r for r in no_lookaside.reasons)
