"""Verification of cosign signatures and attestations: pure checks, then one registry read.

A signature layer is accepted when, in this order (each failed step is a reason in the result):

1. the layer was readable (simplesigning media type, within 4 MiB);
2. its ``dev.cosignproject.cosign/signature`` annotation is base64;
3. the signature verifies over the exact payload bytes under one of the trusted keys;
4. the payload parses under c/image's strict rules (doc A1);
5. ``docker-manifest-digest`` equals the digest of the image's manifest bytes;
6. the signed ``docker-reference`` names the accepted repository (by default the image's own,
   so a signature copied from another repository is refused, as ``cosign verify`` does).

An attestation is accepted when its DSSE signature verifies, its statement parses, a subject
names the manifest digest, and the predicate type is the one asked for.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from hullguard.image._reference import Reference
from hullguard.image._registry_client import RegistryClient
from hullguard.trust._crypto import verify_message
from hullguard.trust._dsse import INTOTO_PAYLOAD_TYPE, parse_envelope, parse_statement
from hullguard.trust._errors import SignatureFormatError
from hullguard.trust._identity import repository_of
from hullguard.trust._keys import PublicKey, key_id
from hullguard.trust._payload import parse_payload
from hullguard.trust._predicates import predicate_time
from hullguard.trust._storage import ANNOTATION_SIGNATURE, Attachment, AttachmentKind, read_attachments

__all__ = [
    "AttestationCheck",
    "Evidence",
    "SignatureCheck",
    "check_attestation",
    "check_signature",
    "gather_evidence",
]


@dataclass(frozen=True, slots=True)
class SignatureCheck:
    """The verdict on one signature layer."""

    layer: str
    """Digest of the layer (the payload blob)."""
    accepted: bool
    reasons: tuple[str, ...] = ()
    """Why it was refused (empty when accepted)."""
    key: str | None = None
    """``sha256:`` id of the key that verified it."""
    docker_reference: str | None = None
    annotations: dict[str, object] | None = None
    """The payload's ``optional`` object."""


@dataclass(frozen=True, slots=True)
class AttestationCheck:
    """The verdict on one attestation layer."""

    layer: str
    accepted: bool
    predicate_type: str | None
    reasons: tuple[str, ...] = ()
    key: str | None = None
    predicate: object = None
    produced: datetime | None = None
    """When the evidence was produced, if the predicate records it."""


def _which_key(keys: Sequence[PublicKey], message: bytes, signature: bytes) -> PublicKey | None:
    return next((k for k in keys if verify_message(k, message, signature)), None)


def check_signature(
    payload: bytes,
    signature_b64: str,
    keys: Sequence[PublicKey],
    *,
    manifest_digest: str,
    repository: str,
    layer: str = "",
) -> SignatureCheck:
    """Steps 2-6 of the module docstring for one payload and its base64 signature."""
    # 2. the annotation decodes
    try:
        signature = base64.b64decode(signature_b64, validate=True)
    except (binascii.Error, ValueError):
        return SignatureCheck(layer, False, ("the signature annotation is not base64",))
    # 3. the signature verifies under a trusted key, over the exact bytes
    key = _which_key(keys, payload, signature)
    if key is None:
        return SignatureCheck(layer, False, ("the signature does not verify with any trusted key",))
    # 4. the payload is well formed
    try:
        parsed = parse_payload(payload)
    except SignatureFormatError as exc:
        return SignatureCheck(layer, False, (exc.message,), key_id(key))
    reasons: list[str] = []
    # 5. it is about this manifest
    if parsed.manifest_digest != manifest_digest:
        reasons.append(f"signed digest {parsed.manifest_digest} is not the image's {manifest_digest}")
    # 6. and about this repository
    signed_repository = repository_of(parsed.docker_reference)
    if signed_repository is None:
        reasons.append(f"signed identity {parsed.docker_reference[:200]!r} is not an image reference")
    elif signed_repository != repository_of(repository):
        reasons.append(
            f"signed identity {parsed.docker_reference!r} is not repository {repository!r}"
            " (a signature copied from another repository?)"
        )
    optional = dict(parsed.optional) if parsed.optional is not None else None
    return SignatureCheck(layer, not reasons, tuple(reasons), key_id(key), parsed.docker_reference, optional)


def check_signature_layer(
    attachment: Attachment, keys: Sequence[PublicKey], *, manifest_digest: str, repository: str
) -> SignatureCheck:
    """Step 1 for a stored layer, then :func:`check_signature`."""
    if attachment.content is None:
        return SignatureCheck(attachment.digest, False, (attachment.problem or "layer not readable",))
    signature = attachment.annotations.get(ANNOTATION_SIGNATURE)
    if not signature:
        return SignatureCheck(attachment.digest, False, ("the layer has no signature annotation",))
    return check_signature(
        attachment.content,
        signature,
        keys,
        manifest_digest=manifest_digest,
        repository=repository,
        layer=attachment.digest,
    )


def check_attestation(
    attachment: Attachment, keys: Sequence[PublicKey], *, manifest_digest: str, predicate_type: str | None
) -> AttestationCheck:
    """Verify one ``.att`` layer: DSSE signature, statement, subject digest, predicate type."""
    declared = attachment.annotations.get("predicateType")
    if attachment.content is None:
        return AttestationCheck(
            attachment.digest, False, declared, (attachment.problem or "layer not readable",)
        )
    try:
        envelope = parse_envelope(attachment.content)
    except SignatureFormatError as exc:
        return AttestationCheck(attachment.digest, False, declared, (exc.message,))
    key = next((k for k in keys if envelope.verified_by(k)), None)
    if key is None:
        reason = "the DSSE signature does not verify with any trusted key"
        return AttestationCheck(attachment.digest, False, declared, (reason,))
    if envelope.payload_type != INTOTO_PAYLOAD_TYPE:
        reason = f"DSSE payload type {envelope.payload_type!r} is not in-toto"
        return AttestationCheck(attachment.digest, False, declared, (reason,), key_id(key))
    try:
        statement = parse_statement(envelope.payload)
    except SignatureFormatError as exc:
        return AttestationCheck(attachment.digest, False, declared, (exc.message,), key_id(key))
    reasons: list[str] = []
    if not statement.covers(manifest_digest):
        reasons.append(f"no subject of the statement names the image digest {manifest_digest}")
    if predicate_type is not None and statement.predicate_type != predicate_type:
        reasons.append(f"predicate type {statement.predicate_type} is not {predicate_type}")
    return AttestationCheck(
        attachment.digest,
        not reasons,
        statement.predicate_type,
        tuple(reasons),
        key_id(key),
        statement.predicate,
        predicate_time(statement.predicate_type, statement.predicate),
    )


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the registry holds about one image: its digest and its stored attachments."""

    image: Reference
    manifest_digest: str
    signatures: tuple[Attachment, ...] = ()
    attestations: tuple[Attachment, ...] = ()
    problems: tuple[str, ...] = field(default=())
    """Attachment manifests that could not be read (malformed), as reasons."""


def _read(
    client: RegistryClient, ref: Reference, digest: str, kind: AttachmentKind
) -> tuple[list[Attachment], str | None]:
    try:
        return read_attachments(client, ref, digest, kind), None
    except SignatureFormatError as exc:
        return [], exc.message


def gather_evidence(client: RegistryClient, ref: Reference, *, attestations: bool) -> Evidence:
    """Resolve ``ref`` to its manifest digest and read its ``.sig`` (and ``.att``) layers."""
    digest = client.get_manifest(ref).digest
    signatures, sig_problem = _read(client, ref, digest, AttachmentKind.SIGNATURE)
    stored, att_problem = (
        _read(client, ref, digest, AttachmentKind.ATTESTATION) if attestations else ([], None)
    )
    problems = tuple(p for p in (sig_problem, att_problem) if p)
    return Evidence(ref.with_digest(digest), digest, tuple(signatures), tuple(stored), problems)
