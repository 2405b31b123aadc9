"""GPG simple signing with the real ``gpg``: signing, verification, identity rules, hostile input.

Keys are generated per module in throw-away GNUPGHOMEs; payloads for the hostile cases are
written here by hand (never with the code under test), then signed with the gpg CLI.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from hullguard.errors import BadInputError
from hullguard.trust.simple_signing import (
    MAX_SIGNATURE_SIZE,
    ExactReference,
    ExactRepository,
    GpgError,
    IdentityRule,
    MalformedSignatureError,
    MatchRepoDigestOrExact,
    MatchRepository,
    RejectionReason,
    RemapIdentity,
    SignatureError,
    parse_payload,
    sign_simple,
    verify_simple,
)
from tests.conftest import require

REF = "registry.example:5000/team/app:1.0"
DIGEST = "sha256:" + hashlib.sha256(b"the manifest").hexdigest()
OTHER_DIGEST = "sha256:" + hashlib.sha256(b"another manifest").hexdigest()
PASSPHRASE = "correct horse battery staple 42"


# -- gpg helpers (shared with the interop tests) --------------------------------------------


def run_gpg_cli(home: Path, *args: str, data: bytes | None = None) -> bytes:
    """Run the real gpg CLI in ``home`` and return stdout; a failure fails the test."""
    require(shutil.which("gpg") is not None, "gpg")
    done = subprocess.run(
        ["gpg", "--homedir", str(home), "--batch", "--no-tty", *args],
        input=data,
        capture_output=True,
        check=False,
        timeout=60,
    )
    if done.returncode != 0:
        pytest.fail(f"gpg {' '.join(args)} failed: {done.stderr.decode(errors='replace')}", pytrace=False)
    return done.stdout


@dataclass(frozen=True)
class GpgKey:
    """A key made for the tests: its home (holding the secret key), fingerprint and export."""

    home: Path
    fingerprint: str

    @property
    def public(self) -> bytes:
        return run_gpg_cli(self.home, "--export", self.fingerprint)

    @property
    def armored(self) -> bytes:
        return run_gpg_cli(self.home, "--armor", "--export", self.fingerprint)

    def sign_cli(self, payload: bytes, *extra: str) -> bytes:
        """``gpg --sign`` of ``payload`` with this key, as an operator would do by hand."""
        return run_gpg_cli(self.home, "--local-user", self.fingerprint, *extra, "--sign", data=payload)


def make_key(
    home: Path, uid: str, algo: str = "ed25519", usage: str = "sign", expire: str = "1d", *extra: str
) -> GpgKey:
    """``gpg --quick-gen-key`` into ``home`` (created 0700) and return the new primary key."""
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    (home / "gpg-agent.conf").write_text("s2k-count 65536\n")  # the minimum: no 1 s key stretching
    args = [*extra] or ["--passphrase", ""]
    run_gpg_cli(home, "--pinentry-mode", "loopback", *args, "--quick-gen-key", uid, algo, usage, expire)
    listing = run_gpg_cli(home, "--with-colons", "--list-keys", uid).decode()
    fingerprint = next(line.split(":")[9] for line in listing.splitlines() if line.startswith("fpr:"))
    return GpgKey(home, fingerprint)


def stop_agents(*homes: Path) -> None:
    """Stop the gpg-agent each signing home started."""
    for home in homes:
        subprocess.run(
            ["gpgconf", "--homedir", str(home), "--kill", "gpg-agent"], capture_output=True, check=False
        )


@dataclass(frozen=True)
class Keys:
    signer: GpgKey
    second: GpgKey
    """Another key in the signer's home (for messages with two signatures)."""
    foreign: GpgKey
    rsa: GpgKey


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Keys]:
    """An ed25519 signer (plus a second key beside it), a foreign ed25519 key and an RSA key."""
    root = tmp_path_factory.mktemp("gpg")
    made = Keys(
        make_key(root / "signer", "Signer <signer@example.invalid>"),
        make_key(root / "signer", "Second <second@example.invalid>"),
        make_key(root / "foreign", "Foreign <foreign@example.invalid>"),
        make_key(root / "rsa", "RSA <rsa@example.invalid>", "rsa2048"),
    )
    yield made
    stop_agents(root / "signer", root / "foreign", root / "rsa")


def atomic_payload(digest: str = DIGEST, reference: str = REF, **changes: object) -> bytes:
    """A c/image-shaped payload written by hand; ``changes`` replace top-level parts."""
    document: dict[str, object] = {
        "critical": {
            "identity": {"docker-reference": reference},
            "image": {"docker-manifest-digest": digest},
            "type": "atomic container signature",
        },
        "optional": {"creator": "atomic 5.23.1", "timestamp": 1700000000},
    }
    document.update(changes)
    return json.dumps(document).encode()


# -- round trips ----------------------------------------------------------------------------


@pytest.mark.parametrize("key_name", ["signer", "rsa"])
def test_sign_then_verify_accepts_and_reports_the_key(keys: Keys, key_name: str) -> None:
    key: GpgKey = getattr(keys, key_name)
    signature = sign_simple(DIGEST, REF, key.fingerprint, gnupg_home=key.home)
    verified = verify_simple(
        signature, accepted_keys=[key.public], manifest_digest=DIGEST, docker_reference=REF
    )
    assert (verified.docker_manifest_digest, verified.docker_reference) == (DIGEST, REF)
    assert verified.key_fingerprint == key.fingerprint
    assert verified.creator is not None and verified.creator.startswith("hullguard ")


def test_signature_is_a_binary_signed_message_with_the_c_image_payload(keys: Keys) -> None:
    signature = sign_simple(DIGEST, "team/app:1.0", keys.signer.fingerprint, gnupg_home=keys.signer.home)
    content = run_gpg_cli(keys.signer.home, "--decrypt", data=signature)
    document = json.loads(content)
    assert list(document) == ["critical", "optional"]
    assert document["critical"] == {
        "identity": {"docker-reference": "docker.io/team/app:1.0"},
        "image": {"docker-manifest-digest": DIGEST},
        "type": "atomic container signature",
    }
    assert isinstance(document["optional"]["timestamp"], int)
    assert not signature.startswith(b"-----BEGIN")


def test_gpg_cli_signature_and_armored_key_are_accepted(keys: Keys) -> None:
    signature = keys.signer.sign_cli(atomic_payload())
    verified = verify_simple(
        signature,
        accepted_keys=[keys.foreign.public, keys.signer.armored],
        manifest_digest=DIGEST,
        docker_reference=REF,
    )
    assert verified.key_fingerprint == keys.signer.fingerprint
    assert (verified.creator, verified.timestamp) == ("atomic 5.23.1", 1700000000)


def test_new_dir_blob_format_is_accepted(keys: Keys) -> None:
    signature = b"\x00simple-signing\n" + keys.signer.sign_cli(atomic_payload())
    verified = verify_simple(
        signature, accepted_keys=[keys.signer.public], manifest_digest=DIGEST, docker_reference=REF
    )
    assert verified.docker_reference == REF


def test_subkey_signatures_are_rejected_like_c_image_does(tmp_path: Path) -> None:
    primary = make_key(tmp_path / "sub", "Sub <sub@example.invalid>", "ed25519", "cert")
    try:
        run_gpg_cli(
            primary.home, "--passphrase", "", "--quick-add-key", primary.fingerprint, "ed25519", "sign", "1d"
        )
        with pytest.raises(GpgError, match="no usable secret key"):  # we sign with the primary only
            sign_simple(DIGEST, REF, primary.fingerprint, gnupg_home=primary.home)
        by_subkey = primary.sign_cli(atomic_payload())  # gpg itself picks the signing subkey
    finally:
        stop_agents(primary.home)
    error = _reject(by_subkey, [primary.public])
    assert error.reason is RejectionReason.KEY_NOT_ACCEPTED and "subkey" in error.message


# -- passphrases ----------------------------------------------------------------------------


def test_protected_key_signs_only_with_its_passphrase_and_errors_hide_it(tmp_path: Path) -> None:
    key = make_key(
        tmp_path / "pw", "PW <pw@example.invalid>", "ed25519", "sign", "1d", "--passphrase", PASSPHRASE
    )
    stop_agents(key.home)  # forget the passphrase cached while generating
    try:
        with pytest.raises(GpgError) as wrong:
            sign_simple(DIGEST, REF, key.fingerprint, gnupg_home=key.home, passphrase="not " + PASSPHRASE)
        with pytest.raises(GpgError) as missing:
            sign_simple(DIGEST, REF, key.fingerprint, gnupg_home=key.home)
        signature = sign_simple(DIGEST, REF, key.fingerprint, gnupg_home=key.home, passphrase=PASSPHRASE)
    finally:
        stop_agents(key.home)
    assert "passphrase is wrong" in wrong.value.message
    assert "no passphrase was given" in missing.value.message
    for error in (wrong.value, missing.value):
        assert PASSPHRASE not in f"{error.message} {error.hint}"
    assert verify_simple(signature, accepted_keys=[key.public], manifest_digest=DIGEST, docker_reference=REF)


def test_signing_with_an_unknown_fingerprint_says_so(keys: Keys) -> None:
    with pytest.raises(GpgError, match="no usable secret key"):
        sign_simple(DIGEST, REF, keys.foreign.fingerprint, gnupg_home=keys.signer.home)


@pytest.mark.parametrize(
    ("digest", "reference", "fingerprint", "error"),
    [
        ("sha256:abc", REF, "0" * 40, MalformedSignatureError),
        (DIGEST, "registry.example/team/app", "0" * 40, MalformedSignatureError),
        (DIGEST, "Not A Reference", "0" * 40, MalformedSignatureError),
        (DIGEST, REF, "signer@example.invalid", GpgError),
    ],
    ids=["bad-digest", "name-only-identity", "bad-reference", "not-a-fingerprint"],
)
def test_sign_rejects_bad_arguments_before_running_gpg(
    digest: str, reference: str, fingerprint: str, error: type[Exception]
) -> None:
    with pytest.raises(error):
        sign_simple(digest, reference, fingerprint, gnupg_home=Path("/nonexistent"))


# -- rejections -----------------------------------------------------------------------------


def _reject(
    signature: bytes, accepted: list[bytes], *, digest: str = DIGEST, reference: str = REF
) -> SignatureError:
    with pytest.raises(SignatureError) as caught:
        verify_simple(signature, accepted_keys=accepted, manifest_digest=digest, docker_reference=reference)
    return caught.value


def test_signature_by_a_key_that_is_not_accepted_is_rejected(keys: Keys) -> None:
    signature = sign_simple(DIGEST, REF, keys.foreign.fingerprint, gnupg_home=keys.foreign.home)
    error = _reject(signature, [keys.signer.public, keys.rsa.public])
    assert error.reason is RejectionReason.KEY_NOT_ACCEPTED
    assert keys.foreign.fingerprint[-16:] in error.message


def test_user_keyring_is_not_trusted_implicitly(keys: Keys, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GNUPGHOME", str(keys.signer.home))  # the signer's own keyring knows the key
    signature = sign_simple(DIGEST, REF, keys.signer.fingerprint, gnupg_home=keys.signer.home)
    assert _reject(signature, [keys.rsa.public]).reason is RejectionReason.KEY_NOT_ACCEPTED


def test_altered_content_is_a_bad_signature(keys: Keys) -> None:
    signature = bytearray(keys.signer.sign_cli(atomic_payload(), "--compress-algo", "none"))
    at = bytes(signature).index(DIGEST.encode()) + len("sha256:")
    signature[at] = ord("0") if signature[at] != ord("0") else ord("1")
    assert _reject(bytes(signature), [keys.signer.public]).reason is RejectionReason.BAD_SIGNATURE


@pytest.mark.parametrize(
    ("digest", "reference", "identity", "reason"),
    [
        (OTHER_DIGEST, REF, MatchRepoDigestOrExact(), RejectionReason.DIGEST_MISMATCH),
        (
            DIGEST,
            "registry.example:5000/team/other:1.0",
            MatchRepoDigestOrExact(),
            RejectionReason.IDENTITY_MISMATCH,
        ),
        (
            DIGEST,
            "registry.example:5000/team/app:2.0",
            MatchRepoDigestOrExact(),
            RejectionReason.IDENTITY_MISMATCH,
        ),
        (
            DIGEST,
            "registry.example:5000/team/other:1.0",
            MatchRepository(),
            RejectionReason.IDENTITY_MISMATCH,
        ),
    ],
    ids=["other-digest", "other-repository", "other-tag", "other-repository-any-tag"],
)
def test_signature_for_another_image_is_rejected(
    keys: Keys, digest: str, reference: str, identity: IdentityRule, reason: RejectionReason
) -> None:
    signature = sign_simple(DIGEST, REF, keys.signer.fingerprint, gnupg_home=keys.signer.home)
    with pytest.raises(SignatureError) as caught:
        verify_simple(
            signature,
            accepted_keys=[keys.signer.public],
            manifest_digest=digest,
            docker_reference=reference,
            identity=identity,
        )
    assert caught.value.reason is reason


def test_same_repository_other_tag_passes_with_match_repository(keys: Keys) -> None:
    signature = sign_simple(DIGEST, REF, keys.signer.fingerprint, gnupg_home=keys.signer.home)
    verified = verify_simple(
        signature,
        accepted_keys=[keys.signer.public],
        manifest_digest=DIGEST,
        docker_reference="registry.example:5000/team/app:2.0",
        identity=MatchRepository(),
    )
    assert verified.docker_reference == REF


def expired_key_signature(home: Path, payload: bytes) -> tuple[GpgKey, bytes]:
    """A key that expired in 2020 and a signature it made while it was valid (faked clock)."""
    past = ("--faked-system-time", "20200101T000000!")
    key = make_key(home, "Old <old@example.invalid>", "ed25519", "sign", "1d", *past, "--passphrase", "")
    try:
        return key, key.sign_cli(payload, *past)
    finally:
        stop_agents(key.home)


def revoked_key_signature(home: Path, payload: bytes) -> tuple[GpgKey, bytes]:
    """A signature made before the key was revoked (with the certificate gpg wrote for it)."""
    key = make_key(home, "Rev <rev@example.invalid>")
    try:
        signature = key.sign_cli(payload)
    finally:
        stop_agents(key.home)
    certificate = (key.home / "openpgp-revocs.d" / f"{key.fingerprint}.rev").read_text()
    run_gpg_cli(key.home, "--import", data=certificate.replace(":-----BEGIN", "-----BEGIN").encode())
    return key, signature


def test_expired_key_is_rejected(tmp_path: Path) -> None:
    key, signature = expired_key_signature(tmp_path / "old", atomic_payload())
    assert _reject(signature, [key.public]).reason is RejectionReason.KEY_EXPIRED


def test_revoked_key_is_rejected(tmp_path: Path) -> None:
    key, signature = revoked_key_signature(tmp_path / "rev", atomic_payload())
    assert _reject(signature, [key.public]).reason is RejectionReason.KEY_REVOKED


def test_message_with_two_signatures_is_rejected(keys: Keys) -> None:
    signature = run_gpg_cli(
        keys.signer.home,
        *("--local-user", keys.signer.fingerprint, "--local-user", keys.second.fingerprint, "--sign"),
        data=atomic_payload(),
    )
    error = _reject(signature, [keys.signer.public, keys.second.public])
    assert error.reason is RejectionReason.MALFORMED and "exactly one signature" in error.message


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"this is not json", "not valid JSON"),
        (atomic_payload(critical={"type": "atomic container signature"}), "critical"),
        (atomic_payload(extra=1), "the document"),
        (atomic_payload(optional=None), "optional"),
        (atomic_payload(optional={"timestamp": 1.5}), "timestamp"),
        (atomic_payload(optional={"creator": 7}), "creator"),
        (
            atomic_payload(
                critical={
                    "identity": {"docker-reference": REF},
                    "image": {"docker-manifest-digest": DIGEST},
                    "type": "atomic container signature",
                    "expires": 0,
                }
            ),
            "critical",
        ),
        (
            atomic_payload(
                critical={
                    "identity": {"docker-reference": REF},
                    "image": {"docker-manifest-digest": DIGEST},
                    "type": "cosign container image signature",
                }
            ),
            "critical.type",
        ),
        (atomic_payload().replace(b'"critical"', b'"critical": {}, "critical"', 1), "duplicate"),
        (atomic_payload() + b" {}", "not valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
    ],
    ids=[
        "not-json",
        "missing-critical-keys",
        "extra-top-level-key",
        "optional-null",
        "fractional-timestamp",
        "creator-not-string",
        "extra-critical-key",
        "cosign-type",
        "duplicate-key",
        "trailing-data",
        "deep-nesting",
    ],
)
def test_payload_rules_of_c_image(payload: bytes, message: str) -> None:
    with pytest.raises(MalformedSignatureError, match=message):
        parse_payload(payload)


def test_signed_payload_with_extra_critical_key_is_rejected_end_to_end(keys: Keys) -> None:
    critical = {
        "identity": {"docker-reference": REF},
        "image": {"docker-manifest-digest": DIGEST},
        "type": "atomic container signature",
        "unknown": True,
    }
    error = _reject(keys.signer.sign_cli(atomic_payload(critical=critical)), [keys.signer.public])
    assert isinstance(error, BadInputError) and error.reason is RejectionReason.MALFORMED


def test_signed_non_json_is_rejected_end_to_end(keys: Keys) -> None:
    error = _reject(keys.signer.sign_cli(b"<html>not json</html>"), [keys.signer.public])
    assert error.reason is RejectionReason.MALFORMED and "JSON" in error.message


def test_malformed_openpgp_blobs(keys: Keys) -> None:
    good = keys.signer.sign_cli(atomic_payload())
    blobs = {
        "text": b"hello, I am a signature",
        "empty": b"",
        "armored": keys.signer.sign_cli(atomic_payload(), "--armor"),
        "truncated": good[: len(good) // 2],
        "garbage-after-compressed-tag": b"\xa3\x01" + hashlib.sha512(b"x").digest() * 4,
        "sigstore-format": b"\x00sigstore-json\n{}",
        "oversized": b"\xa3" + b"\x00" * MAX_SIGNATURE_SIZE,
    }
    for name, blob in blobs.items():
        error = _reject(blob, [keys.signer.public])
        assert error.reason is RejectionReason.MALFORMED, name
        assert "Traceback" not in error.message and len(error.message) < 400, name


def test_detached_signature_is_not_a_signed_message(keys: Keys) -> None:
    detached = run_gpg_cli(
        keys.signer.home, "--local-user", keys.signer.fingerprint, "--detach-sign", data=atomic_payload()
    )
    assert _reject(detached, [keys.signer.public]).reason in {
        RejectionReason.MALFORMED,
        RejectionReason.BAD_SIGNATURE,
    }


def test_compression_bomb_is_stopped(keys: Keys) -> None:
    bomb = keys.signer.sign_cli(b" " * (2 * MAX_SIGNATURE_SIZE), "--compress-algo", "zlib", "-z", "9")
    assert len(bomb) < 64 * 1024
    error = _reject(bomb, [keys.signer.public])
    assert error.reason is RejectionReason.MALFORMED


@pytest.mark.parametrize(
    "accepted",
    [[], [b"not a key"], [gzip.compress(b"x")], [b"\x99" + b"\x00" * (2 * 1024 * 1024)]],
    ids=["none", "text", "binary-junk", "oversized"],
)
def test_no_usable_accepted_key(keys: Keys, accepted: list[bytes]) -> None:
    signature = keys.signer.sign_cli(atomic_payload())
    assert _reject(signature, accepted).reason is RejectionReason.NO_KEYS


# -- identity rules (pure) ------------------------------------------------------------------

TAGGED = "example.com/ns/repo:tag"
BY_DIGEST = f"example.com/ns/repo@{DIGEST}"


@pytest.mark.parametrize(
    ("rule", "intended", "signed", "expected"),
    [
        (MatchRepoDigestOrExact(), TAGGED, TAGGED, True),
        (MatchRepoDigestOrExact(), TAGGED, "example.com/ns/repo:other", False),
        (MatchRepoDigestOrExact(), TAGGED, "example.com/ns/repo", False),
        (MatchRepoDigestOrExact(), BY_DIGEST, "example.com/ns/repo:any", True),
        (MatchRepoDigestOrExact(), BY_DIGEST, "example.com/ns/other:any", False),
        (MatchRepoDigestOrExact(), BY_DIGEST, "example.com/ns/repo", False),
        (MatchRepoDigestOrExact(), "docker.io/library/busybox:latest", "busybox:latest", True),
        (MatchRepoDigestOrExact(), "docker.io/library/busybox:latest", "busybox", False),
        (MatchRepoDigestOrExact(), TAGGED, "Example.com/NS/repo:tag", False),
        (MatchRepository(), TAGGED, "example.com/ns/repo:other", True),
        (MatchRepository(), TAGGED, "example.com/ns/repo", True),
        (MatchRepository(), TAGGED, "example.com/other/repo:tag", False),
        (ExactReference("example.com/ns/repo:tag"), "local/name:x", TAGGED, True),
        (ExactReference("example.com/ns/repo:tag"), TAGGED, "example.com/ns/repo:other", False),
        (ExactReference("example.com/ns/repo"), TAGGED, "example.com/ns/repo", False),
        (ExactRepository("example.com/ns/repo"), "local/name:x", "example.com/ns/repo:any", True),
        (ExactRepository("example.com/ns/repo"), TAGGED, "example.com/ns/other:tag", False),
        (RemapIdentity("mirror.example/ns", "example.com/ns"), "mirror.example/ns/repo:tag", TAGGED, True),
        (
            RemapIdentity("mirror.example/ns", "example.com/ns"),
            "mirror.example/ns/repo:tag",
            "mirror.example/ns/repo:tag",
            False,
        ),
        (
            RemapIdentity("mirror.example/ns", "example.com/ns"),
            "mirror.example/nsx/repo:tag",
            "example.com/nsx/repo:tag",
            False,
        ),
    ],
    ids=[
        "default-same-tag",
        "default-other-tag",
        "default-name-only-signature",
        "default-digest-any-tag",
        "default-digest-other-repo",
        "default-digest-name-only-signature",
        "default-hub-normalised",
        "default-hub-name-only",
        "default-invalid-signed-reference",
        "repository-other-tag",
        "repository-name-only",
        "repository-other-repo",
        "exact-reference-match",
        "exact-reference-other-tag",
        "exact-reference-name-only",
        "exact-repository-match",
        "exact-repository-other",
        "remap-match",
        "remap-unmapped-signature",
        "remap-prefix-is-path-aware",
    ],
)
def test_identity_rules(rule: IdentityRule, intended: str, signed: str, expected: bool) -> None:
    assert rule.matches(intended, signed) is expected
