"""Signing and verifying against a real registry: storage shape, dedupe, index, replay, hostile .sig."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime

import httpx
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from hullguard.image._reference import Reference
from hullguard.image._registry_client import RegistryClient
from hullguard.trust import (
    AttachmentKind,
    PolicyRule,
    TrustPolicy,
    parse_payload,
    read_attachments,
    sign_image,
    verify_with_policy,
)
from hullguard.trust._storage import (
    ANNOTATION_SIGNATURE,
    MEDIA_SIMPLESIGNING,
    attachment_reference,
    build_attachment_manifest,
)
from tests.trust.conftest import PushedImages

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
NOW = datetime.now(UTC)


def _raw_manifest(ref: Reference) -> tuple[bytes, str]:
    response = httpx.get(
        f"http://{ref.registry}/v2/{ref.repository}/manifests/{ref.selector}",
        headers={"Accept": OCI_MANIFEST},
    )
    response.raise_for_status()
    return response.content, response.headers["Content-Type"]


def _policy(*keys: ec.EllipticCurvePrivateKey, identity: str | None = None) -> TrustPolicy:
    return TrustPolicy(
        (PolicyRule(("*",), keys=tuple(k.public_key() for k in keys), signed_identity=identity),)
    )


def test_signature_is_stored_as_cosign_stores_it(
    pushed_images: PushedImages, client: RegistryClient, signing_key: ec.EllipticCurvePrivateKey
) -> None:
    ref = pushed_images.ref("app:v1")
    expected_digest = "sha256:" + hashlib.sha256(pushed_images.layout.amd64.manifest).hexdigest()
    (signed,) = sign_image(client, ref, signing_key, annotations={"ci": "42"})
    assert signed.digest == expected_digest
    assert signed.signature_tag.tag == f"sha256-{expected_digest.removeprefix('sha256:')}.sig"
    data, content_type = _raw_manifest(signed.signature_tag)
    assert content_type == OCI_MANIFEST
    manifest = json.loads(data)
    assert manifest["mediaType"] == OCI_MANIFEST
    assert manifest["config"]["mediaType"] == "application/vnd.oci.image.config.v1+json"
    (layer,) = manifest["layers"]
    assert layer["mediaType"] == MEDIA_SIMPLESIGNING
    assert set(layer["annotations"]) == {ANNOTATION_SIGNATURE}
    payload = httpx.get(f"http://{ref.registry}/v2/{ref.repository}/blobs/{layer['digest']}").content
    parsed = parse_payload(payload)
    assert parsed.manifest_digest == expected_digest
    assert parsed.docker_reference == ref.name
    assert parsed.optional == {"ci": "42"}
    signature = base64.b64decode(layer["annotations"][ANNOTATION_SIGNATURE])
    signing_key.public_key().verify(signature, payload, ec.ECDSA(hashes.SHA256()))
    config = httpx.get(
        f"http://{ref.registry}/v2/{ref.repository}/blobs/{manifest['config']['digest']}"
    ).json()
    assert config["rootfs"] == {"type": "layers", "diff_ids": [layer["digest"]]}


def test_signing_again_dedupes_and_a_second_key_appends(
    pushed_images: PushedImages,
    client: RegistryClient,
    signing_key: ec.EllipticCurvePrivateKey,
    other_key: ec.EllipticCurvePrivateKey,
) -> None:
    ref = pushed_images.ref("app:v1")
    first = sign_image(client, ref, signing_key)[0]
    stored = read_attachments(client, ref, first.digest, AttachmentKind.SIGNATURE)
    # ECDSA signatures are randomised: signing again makes a new, different layer.
    again = sign_image(client, ref, signing_key)[0]
    assert again.added
    sign_image(client, ref, other_key)
    layers = read_attachments(client, ref, first.digest, AttachmentKind.SIGNATURE)
    assert len(layers) == 3
    assert layers[0].digest == stored[0].digest
    decision = verify_with_policy(client, ref, _policy(other_key), now=NOW)
    assert decision.allowed
    assert [c.accepted for c in decision.signatures] == [False, False, True]


def test_identical_layer_is_not_added_twice(pushed_images: PushedImages, client: RegistryClient) -> None:
    from hullguard.trust._storage import NewLayer, add_attachment

    ref = pushed_images.ref("app:v1")
    digest = client.get_manifest(ref).digest
    layer = NewLayer(MEDIA_SIMPLESIGNING, b"{}", {ANNOTATION_SIGNATURE: "AAAA"})
    assert add_attachment(client, ref, digest, AttachmentKind.SIGNATURE, layer).added
    again = add_attachment(client, ref, digest, AttachmentKind.SIGNATURE, layer)
    assert not again.added and again.layers == 1


def test_index_is_signed_and_recursive_signs_each_child(
    pushed_index: PushedImages, client: RegistryClient, signing_key: ec.EllipticCurvePrivateKey
) -> None:
    ref = pushed_index.ref("multi:latest")
    signed = sign_image(client, ref, signing_key, recursive=True)
    layout = pushed_index.layout
    assert [s.digest for s in signed] == [
        layout.index_digest,
        layout.amd64.manifest_digest,
        layout.arm64.manifest_digest,
    ]
    for digest in (layout.index_digest, layout.arm64.manifest_digest):
        decision = verify_with_policy(client, ref.with_digest(digest), _policy(signing_key), now=NOW)
        assert decision.allowed, decision.reasons
    assert verify_with_policy(client, ref, _policy(signing_key), now=NOW).digest == layout.index_digest


def test_unsigned_wrong_key_and_replayed_signatures_are_denied_with_reasons(
    pushed_images: PushedImages,
    client: RegistryClient,
    signing_key: ec.EllipticCurvePrivateKey,
    other_key: ec.EllipticCurvePrivateKey,
) -> None:
    ref = pushed_images.ref("app:v1")
    unsigned = verify_with_policy(client, ref, _policy(signing_key), now=NOW)
    assert not unsigned.allowed and unsigned.reasons == ("the image has no signatures",)
    signed = sign_image(client, ref, signing_key)[0]
    wrong_key = verify_with_policy(client, ref, _policy(other_key), now=NOW)
    assert not wrong_key.allowed
    assert any("does not verify with any trusted key" in r for r in wrong_key.reasons)
    # Replay: copy the same manifest and the .sig manifest into another repository.
    other = Reference(ref.registry, ref.repository.replace("/app", "/elsewhere"), "v1")
    manifest = client.get_manifest(ref)
    for blob in json.loads(manifest.data)["layers"] + [json.loads(manifest.data)["config"]]:
        client.upload_blob(other, client.read_blob(ref, blob["digest"]), blob["digest"])
    client.put_manifest(other, manifest.data, manifest.media_type)
    sig_ref = attachment_reference(ref, signed.digest, AttachmentKind.SIGNATURE)
    sig_manifest = client.get_manifest(sig_ref)
    for blob in json.loads(sig_manifest.data)["layers"] + [json.loads(sig_manifest.data)["config"]]:
        client.upload_blob(other, client.read_blob(ref, blob["digest"]), blob["digest"])
    client.put_manifest(
        attachment_reference(other, signed.digest, AttachmentKind.SIGNATURE), sig_manifest.data, OCI_MANIFEST
    )
    replayed = verify_with_policy(client, other, _policy(signing_key), now=NOW)
    assert not replayed.allowed
    assert any("another repository" in r for r in replayed.reasons)
    accepted_copy = verify_with_policy(client, other, _policy(signing_key, identity=ref.name), now=NOW)
    assert accepted_copy.allowed, accepted_copy.reasons


def _put_sig_manifest(
    client: RegistryClient, ref: Reference, digest: str, layers: list[dict[str, object]], blobs: list[bytes]
) -> None:
    for blob in blobs:
        client.upload_blob(ref, blob, "sha256:" + hashlib.sha256(blob).hexdigest())
    manifest, config = build_attachment_manifest(layers)
    client.upload_blob(ref, config, "sha256:" + hashlib.sha256(config).hexdigest())
    client.put_manifest(attachment_reference(ref, digest, AttachmentKind.SIGNATURE), manifest, OCI_MANIFEST)


def test_malformed_and_oversized_signature_layers_are_reasons_not_crashes(
    pushed_images: PushedImages, client: RegistryClient, signing_key: ec.EllipticCurvePrivateKey
) -> None:
    ref = pushed_images.ref("app:v1")
    digest = client.get_manifest(ref).digest
    garbage = b"not json"
    big = b"x" * (4 * 1024 * 1024 + 1)
    layers: list[dict[str, object]] = [
        {
            "mediaType": MEDIA_SIMPLESIGNING,
            "size": len(garbage),
            "digest": "sha256:" + hashlib.sha256(garbage).hexdigest(),
            "annotations": {ANNOTATION_SIGNATURE: "AAAA"},
        },
        {
            "mediaType": MEDIA_SIMPLESIGNING,
            "size": len(big),
            "digest": "sha256:" + hashlib.sha256(big).hexdigest(),
            "annotations": {ANNOTATION_SIGNATURE: "AAAA"},
        },
        {
            "mediaType": "application/x-other",
            "size": len(garbage),
            "digest": "sha256:" + hashlib.sha256(garbage).hexdigest(),
        },
    ]
    _put_sig_manifest(client, ref, digest, layers, [garbage, big])
    decision = verify_with_policy(client, ref, _policy(signing_key), now=NOW)
    assert not decision.allowed
    reasons = [c.reasons[0] for c in decision.signatures]
    assert reasons[0] == "the signature does not verify with any trusted key"
    assert "over the 4 MiB limit" in reasons[1]
    assert reasons[2].startswith("not a application/vnd.dev.cosign.simplesigning.v1+json layer")
    # A good signature next to the junk still counts.
    sign_image(client, ref, signing_key)
    assert verify_with_policy(client, ref, _policy(signing_key), now=NOW).allowed


def test_sig_tag_that_is_not_an_oci_manifest_denies_with_the_reason(
    pushed_images: PushedImages, client: RegistryClient, signing_key: ec.EllipticCurvePrivateKey
) -> None:
    ref = pushed_images.ref("app:v1")
    manifest = client.get_manifest(ref)
    index = json.dumps(
        {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": []}
    ).encode()
    client.put_manifest(
        attachment_reference(ref, manifest.digest, AttachmentKind.SIGNATURE),
        index,
        "application/vnd.oci.image.index.v1+json",
    )
    decision = verify_with_policy(client, ref, _policy(signing_key), now=NOW)
    assert not decision.allowed
    assert any("not an OCI image manifest" in r for r in decision.reasons)


def test_signature_manifest_with_too_many_layers_is_read_only_up_to_the_cap(
    pushed_images: PushedImages, client: RegistryClient
) -> None:
    from hullguard.trust._storage import MAX_ATTACHMENTS

    ref = pushed_images.ref("app:v1")
    digest = client.get_manifest(ref).digest
    blob = b"{}"
    layer: dict[str, object] = {
        "mediaType": MEDIA_SIMPLESIGNING,
        "size": len(blob),
        "digest": "sha256:" + hashlib.sha256(blob).hexdigest(),
        "annotations": {ANNOTATION_SIGNATURE: "AAAA"},
    }
    _put_sig_manifest(client, ref, digest, [layer] * (MAX_ATTACHMENTS + 2), [blob])
    stored = read_attachments(client, ref, digest, AttachmentKind.SIGNATURE)
    assert len(stored) == MAX_ATTACHMENTS + 2
    assert all(a.content == blob for a in stored[:MAX_ATTACHMENTS])
    assert all(
        a.content is None and "only the first 128" in (a.problem or "") for a in stored[MAX_ATTACHMENTS:]
    )
