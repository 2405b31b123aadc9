"""A real cosign signature (containers/image v5.23.1 signature/fixtures) through our verifier core."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable

import pytest

from hullguard.trust import (
    PublicKey,
    build_payload,
    check_signature,
    load_public_key,
    parse_sigstore_blob,
)
from hullguard.trust._storage import ANNOTATION_SIGNATURE, MEDIA_SIMPLESIGNING
from tests.trust.conftest import DATA

FIXTURE = DATA / "c-image-dir-img-cosign-valid"
SIGNED_REPOSITORY = "192.168.64.2:5000/cosign-signed-single-sample"


@pytest.fixture
def cosign_pub() -> PublicKey:
    return load_public_key((DATA / "c-image-cosign.pub").read_bytes(), where="cosign.pub")


def _manifest_digest() -> str:
    return "sha256:" + hashlib.sha256((FIXTURE / "manifest.json").read_bytes()).hexdigest()


def test_real_cosign_signature_is_accepted(cosign_pub: PublicKey) -> None:
    blob = parse_sigstore_blob((FIXTURE / "signature-1").read_bytes())
    assert blob.mime_type == MEDIA_SIMPLESIGNING
    check = check_signature(
        blob.payload,
        blob.annotations[ANNOTATION_SIGNATURE],
        [cosign_pub],
        manifest_digest=_manifest_digest(),
        repository=SIGNED_REPOSITORY,
    )
    assert check.accepted, check.reasons
    assert check.docker_reference == SIGNED_REPOSITORY
    assert check.annotations is None


def test_our_payload_writer_produces_cosigns_exact_bytes() -> None:
    blob = parse_sigstore_blob((FIXTURE / "signature-1").read_bytes())
    assert build_payload(SIGNED_REPOSITORY, _manifest_digest()) == blob.payload


def test_signature_by_an_unknown_key_is_rejected(cosign_pub: PublicKey) -> None:
    blob = parse_sigstore_blob((DATA / "c-image-unknown-cosign-key.signature").read_bytes())
    check = check_signature(
        blob.payload,
        blob.annotations[ANNOTATION_SIGNATURE],
        [cosign_pub],
        manifest_digest=_manifest_digest(),
        repository=SIGNED_REPOSITORY,
    )
    assert not check.accepted
    assert check.reasons == ("the signature does not verify with any trusted key",)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda p: p.replace(b"single-sample", b"single-sampl3"), "does not verify"),
        (lambda p: p.replace(b'"optional":null', b'"optional":{}'), "does not verify"),
        (lambda p: p + b" ", "does not verify"),
    ],
    ids=["identity-byte", "optional", "trailing-space"],
)
def test_any_change_to_the_payload_breaks_the_signature(
    cosign_pub: PublicKey, change: Callable[[bytes], bytes], reason: str
) -> None:
    blob = parse_sigstore_blob((FIXTURE / "signature-1").read_bytes())
    altered = change(blob.payload)
    assert altered != blob.payload
    check = check_signature(
        altered,
        blob.annotations[ANNOTATION_SIGNATURE],
        [cosign_pub],
        manifest_digest=_manifest_digest(),
        repository=SIGNED_REPOSITORY,
    )
    assert not check.accepted
    assert reason in check.reasons[0]


def test_valid_signature_for_another_manifest_or_repository_is_rejected(cosign_pub: PublicKey) -> None:
    blob = parse_sigstore_blob((FIXTURE / "signature-1").read_bytes())
    signature = blob.annotations[ANNOTATION_SIGNATURE]
    keys = [cosign_pub]
    other_digest = "sha256:" + hashlib.sha256(b"another manifest").hexdigest()
    wrong_digest = check_signature(
        blob.payload,
        signature,
        keys,
        manifest_digest=other_digest,
        repository=SIGNED_REPOSITORY,
    )
    assert not wrong_digest.accepted
    assert "is not the image's" in wrong_digest.reasons[0]
    replayed = check_signature(
        blob.payload,
        signature,
        keys,
        manifest_digest=_manifest_digest(),
        repository="192.168.64.2:5000/other",
    )
    assert not replayed.accepted
    assert "another repository" in replayed.reasons[0]


def test_signature_annotation_that_is_not_base64_is_a_reason(cosign_pub: PublicKey) -> None:
    blob = parse_sigstore_blob((FIXTURE / "signature-1").read_bytes())
    check = check_signature(
        blob.payload,
        "%%%",
        [cosign_pub],
        manifest_digest=_manifest_digest(),
        repository=SIGNED_REPOSITORY,
    )
    assert check.reasons == ("the signature annotation is not base64",)


def test_p1363_form_of_the_same_signature_is_accepted(cosign_pub: PublicKey) -> None:
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    blob = parse_sigstore_blob((FIXTURE / "signature-1").read_bytes())
    r, s = decode_dss_signature(base64.b64decode(blob.annotations[ANNOTATION_SIGNATURE]))
    p1363 = base64.b64encode(r.to_bytes(32, "big") + s.to_bytes(32, "big")).decode()
    check = check_signature(
        blob.payload,
        p1363,
        [cosign_pub],
        manifest_digest=_manifest_digest(),
        repository=SIGNED_REPOSITORY,
    )
    assert check.accepted


def test_identity_that_is_not_a_reference_never_matches() -> None:
    from hullguard.trust import generate_private_key
    from hullguard.trust._crypto import sign_message

    key = generate_private_key()
    payload = build_payload("NOT a reference!", _manifest_digest())
    signature = base64.b64encode(sign_message(key, payload)).decode()
    check = check_signature(
        payload, signature, [key.public_key()], manifest_digest=_manifest_digest(), repository="also not one!"
    )
    assert not check.accepted
    assert check.reasons == ("signed identity 'NOT a reference!' is not an image reference",)
