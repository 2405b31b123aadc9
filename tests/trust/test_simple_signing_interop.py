"""GPG simple signing against the real peer: skopeo 1.9.3 (c/image 5.23.1), gpg and a registry.

Each test pushes a fresh repository (``pushed_images``), keeps signatures in a lookaside
directory of its own, and has skopeo enforce a ``signedBy`` policy on ``skopeo copy``:
what hullguard signs skopeo must accept, what skopeo or gpg sign hullguard must accept, and
both must reject the same bad signatures.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from hullguard.trust.lookaside import lookaside_for, lookaside_staging_for, read_lookaside, write_lookaside
from hullguard.trust.simple_signing import RejectionReason, SignatureError, sign_simple, verify_simple
from tests.image.registry_servers import require_tool
from tests.trust.conftest import PushedImages
from tests.trust.test_simple_signing import (
    GpgKey,
    Keys,
    atomic_payload,
    expired_key_signature,
    keys,
    make_key,
    revoked_key_signature,
    run_gpg_cli,
    stop_agents,
)

__all__ = ["keys"]  # the module-scoped key fixture, shared with the unit tests


@dataclass(frozen=True)
class Setup:
    """One image in the registry plus the files skopeo needs to check its signatures."""

    reference: str
    digest: str
    registries_d: Path
    lookaside: Path
    work: Path

    def policy(self, accepted: bytes) -> Path:
        """A policy that rejects everything except this repository signed by ``accepted``."""
        repository = self.reference.rpartition(":")[0]
        requirement = {
            "type": "signedBy",
            "keyType": "GPGKeys",
            "keyData": base64.b64encode(accepted).decode(),
        }
        document = {
            "default": [{"type": "reject"}],
            "transports": {
                "docker": {repository: [requirement]},
                "dir": {"": [{"type": "insecureAcceptAnything"}]},
            },
        }
        path = self.work / f"policy-{hashlib.sha256(accepted).hexdigest()[:8]}.json"
        path.write_text(json.dumps(document))
        return path

    def skopeo_pull(self, accepted: bytes) -> subprocess.CompletedProcess[str]:
        """``skopeo copy`` from the registry to ``dir:`` under the policy (it checks the source)."""
        destination = self.work / f"pulled-{os.urandom(4).hex()}"
        command = [
            require_tool("skopeo"),
            "--policy",
            str(self.policy(accepted)),
            "--registries.d",
            str(self.registries_d),
            "copy",
            "-q",
            "--src-tls-verify=false",
            f"docker://{self.reference}",
            f"dir:{destination}",
        ]
        return subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)

    def hullguard_verify(self, accepted: bytes) -> list[SignatureError | None]:
        """Our verdict on every signature in the lookaside (None: accepted)."""
        base = lookaside_for(self.reference, self.registries_d)
        assert base == f"file://{self.lookaside}"
        verdicts: list[SignatureError | None] = []
        for blob in read_lookaside(base, self.reference, self.digest):
            try:
                verify_simple(
                    blob,
                    accepted_keys=[accepted],
                    manifest_digest=self.digest,
                    docker_reference=self.reference,
                )
            except SignatureError as exc:
                verdicts.append(exc)
            else:
                verdicts.append(None)
        return verdicts

    def store(self, signature: bytes) -> Path:
        """Put ``signature`` where registries.d says writers should."""
        base = lookaside_staging_for(self.reference, self.registries_d)
        assert base is not None
        return write_lookaside(base, self.reference, self.digest, signature)


def _registry_digest(reference: str) -> str:
    """The manifest digest as the registry serves it (sha256 of ``skopeo inspect --raw``)."""
    raw = subprocess.run(
        [require_tool("skopeo"), "inspect", "--raw", "--tls-verify=false", f"docker://{reference}"],
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout
    return "sha256:" + hashlib.sha256(raw).hexdigest()


@pytest.fixture
def setup(pushed_images: PushedImages, tmp_path: Path) -> Setup:
    """``app:v1`` in a fresh repository; registries.d maps that repository's namespace to a
    lookaside of this test, and ``default-docker`` to another one, so that nothing ever lands
    in the system-wide default (/var/lib/containers/sigstore)."""
    reference = pushed_images.text("app:v1")
    lookaside = tmp_path / "lookaside"
    registries_d = tmp_path / "registries.d"
    registries_d.mkdir()
    scope = f"{pushed_images.registry.address}/{pushed_images.repo}"
    (registries_d / "default.yaml").write_text(f"default-docker:\n  lookaside: file://{tmp_path}/elsewhere\n")
    (registries_d / "hullguard-test.yaml").write_text(
        f"docker:\n  {scope}:\n    lookaside: file://{lookaside}\n    lookaside-staging: file://{lookaside}\n"
    )
    return Setup(reference, _registry_digest(reference), registries_d, lookaside, tmp_path)


# -- hullguard signs, skopeo verifies -------------------------------------------------------


def test_skopeo_accepts_what_hullguard_signs(setup: Setup, keys: Keys) -> None:
    signature = sign_simple(
        setup.digest, setup.reference, keys.signer.fingerprint, gnupg_home=keys.signer.home
    )
    stored = setup.store(signature)
    assert stored.name == "signature-1" and stored.parent.name.endswith(setup.digest.replace(":", "="))
    accepted = setup.skopeo_pull(keys.signer.public)
    assert accepted.returncode == 0, accepted.stderr
    refused = setup.skopeo_pull(keys.foreign.public)  # the same storage, another key: not vacuous
    assert refused.returncode != 0
    assert setup.hullguard_verify(keys.signer.public) == [None]


# -- skopeo or gpg signs, hullguard verifies ------------------------------------------------


def test_hullguard_accepts_what_skopeo_signs(setup: Setup, keys: Keys, pushed_images: PushedImages) -> None:
    signed = pushed_images.text("signed:v1")
    command = [
        require_tool("skopeo"),
        "--insecure-policy",
        "--registries.d",
        str(setup.registries_d),
        "copy",
        "-q",
        "--dest-tls-verify=false",
        "--sign-by",
        keys.signer.fingerprint,
        f"oci:{pushed_images.layout.path}:single",
        f"docker://{signed}",
    ]
    environment = {**os.environ, "GNUPGHOME": str(keys.signer.home)}
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=environment, timeout=120)
    assert done.returncode == 0, done.stderr
    digest = _registry_digest(signed)
    base = lookaside_for(signed, setup.registries_d)
    assert base == f"file://{setup.lookaside}"
    blobs = read_lookaside(base, signed, digest)
    assert len(blobs) == 1
    verified = verify_simple(
        blobs[0], accepted_keys=[keys.signer.public], manifest_digest=digest, docker_reference=signed
    )
    assert verified.docker_reference == signed
    assert verified.key_fingerprint == keys.signer.fingerprint
    assert verified.creator is not None and verified.creator.startswith("atomic ")
    with pytest.raises(SignatureError) as foreign:
        verify_simple(
            blobs[0], accepted_keys=[keys.foreign.public], manifest_digest=digest, docker_reference=signed
        )
    assert foreign.value.reason is RejectionReason.KEY_NOT_ACCEPTED


@pytest.mark.parametrize("key_name", ["signer", "rsa"])
def test_both_accept_a_gpg_cli_signature(setup: Setup, keys: Keys, key_name: str) -> None:
    key = getattr(keys, key_name)
    setup.store(key.sign_cli(atomic_payload(setup.digest, setup.reference)))
    done = setup.skopeo_pull(key.public)
    assert done.returncode == 0, done.stderr
    assert setup.hullguard_verify(key.public) == [None]


# -- both reject ----------------------------------------------------------------------------


def _tampered(setup: Setup, keys: Keys) -> bytes:
    signature = bytearray(keys.signer.sign_cli(atomic_payload(setup.digest, setup.reference), "-z", "0"))
    at = bytes(signature).index(b"atomic 5.23.1")
    signature[at] = ord("A")
    return bytes(signature)


BadSignature = Callable[[Setup, Keys], bytes]

CASES: dict[str, tuple[BadSignature, RejectionReason, str]] = {
    "tampered": (_tampered, RejectionReason.BAD_SIGNATURE, "Invalid GPG signature"),
    "foreign-key": (
        lambda s, k: sign_simple(s.digest, s.reference, k.foreign.fingerprint, gnupg_home=k.foreign.home),
        RejectionReason.KEY_NOT_ACCEPTED,
        "Invalid GPG signature",
    ),
    "other-digest": (
        lambda s, k: sign_simple(
            "sha256:" + hashlib.sha256(b"other").hexdigest(),
            s.reference,
            k.signer.fingerprint,
            gnupg_home=k.signer.home,
        ),
        RejectionReason.DIGEST_MISMATCH,
        "does not match",
    ),
    "other-repository": (
        lambda s, k: sign_simple(
            s.digest, s.reference.replace("/app:", "/other:"), k.signer.fingerprint, gnupg_home=k.signer.home
        ),
        RejectionReason.IDENTITY_MISMATCH,
        "is not accepted",
    ),
    "other-tag": (
        lambda s, k: sign_simple(
            s.digest, s.reference + "-rc", k.signer.fingerprint, gnupg_home=k.signer.home
        ),
        RejectionReason.IDENTITY_MISMATCH,
        "is not accepted",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_both_reject_bad_signatures(setup: Setup, keys: Keys, case: str) -> None:
    make, reason, skopeo_says = CASES[case]
    setup.store(make(setup, keys))
    done = setup.skopeo_pull(keys.signer.public)
    assert done.returncode != 0
    assert "Source image rejected" in done.stderr and skopeo_says in done.stderr, done.stderr
    if case == "foreign-key":  # gpgme names the unknown key: NO_PUBKEY in an ephemeral keyring, as ours
        assert keys.foreign.fingerprint in done.stderr
    verdicts = setup.hullguard_verify(keys.signer.public)
    assert len(verdicts) == 1 and verdicts[0] is not None
    assert verdicts[0].reason is reason, verdicts[0].message


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (expired_key_signature, RejectionReason.KEY_EXPIRED),
        (revoked_key_signature, RejectionReason.KEY_REVOKED),
    ],
    ids=["expired-key", "revoked-key"],
)
def test_both_reject_expired_and_revoked_keys(
    setup: Setup, make: Callable[[Path, bytes], tuple[GpgKey, bytes]], reason: RejectionReason
) -> None:
    key, signature = make(setup.work / "key", atomic_payload(setup.digest, setup.reference))
    setup.store(signature)
    done = setup.skopeo_pull(key.public)
    assert done.returncode != 0 and "Invalid GPG signature" in done.stderr, done.stderr
    verdicts = setup.hullguard_verify(key.public)
    assert len(verdicts) == 1 and verdicts[0] is not None and verdicts[0].reason is reason


def test_both_reject_a_signing_subkey_signature(setup: Setup) -> None:
    """c/image matches the fingerprint of the key that signed against the imported primary keys,
    so a gpg-verified signature by a signing subkey is refused; we give the same verdict."""
    primary = make_key(setup.work / "sub", "Sub <sub@example.invalid>", "ed25519", "cert")
    try:
        run_gpg_cli(
            primary.home, "--passphrase", "", "--quick-add-key", primary.fingerprint, "ed25519", "sign", "1d"
        )
        setup.store(primary.sign_cli(atomic_payload(setup.digest, setup.reference)))
    finally:
        stop_agents(primary.home)
    done = setup.skopeo_pull(primary.public)
    assert done.returncode != 0 and "is not accepted" in done.stderr, done.stderr
    verdicts = setup.hullguard_verify(primary.public)
    assert len(verdicts) == 1 and verdicts[0] is not None
    assert verdicts[0].reason is RejectionReason.KEY_NOT_ACCEPTED


def test_cli_signs_with_gpg_and_skopeo_accepts(setup: Setup, keys: Keys) -> None:
    """``hullguard sign --gpg-key`` end to end: the registries.d staging lookaside, then skopeo's policy."""
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "hullguard"),
            "sign",
            "--gpg-key",
            keys.signer.fingerprint,
            "--gnupg-home",
            str(keys.signer.home),
            "--registries-d",
            str(setup.registries_d),
            "--insecure",
            setup.reference,
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert setup.digest in result.stdout
    assert setup.skopeo_pull(keys.signer.public).returncode == 0
    both = subprocess.run(
        [
            str(Path(sys.executable).parent / "hullguard"),
            "sign",
            "--gpg-key",
            "X",
            "--key",
            "k",
            setup.reference,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert both.returncode == 2 and "exactly one of --key and --gpg-key" in both.stderr
