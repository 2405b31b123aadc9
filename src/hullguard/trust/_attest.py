"""``attest``: an in-toto statement about an image, signed in a DSSE envelope, stored as ``.att``.

Stored exactly as cosign classic stores attestations (doc A6): one layer per attestation with
media type ``application/vnd.dsse.envelope.v1+json``, annotations ``predicateType`` and an empty
``dev.cosignproject.cosign/signature``.
"""

from __future__ import annotations

from dataclasses import dataclass

from hullguard.image._reference import Reference
from hullguard.image._registry_client import RegistryClient
from hullguard.trust._dsse import build_statement, sign_envelope
from hullguard.trust._errors import TrustError
from hullguard.trust._identity import cosign_identity
from hullguard.trust._keys import PrivateKey
from hullguard.trust._storage import (
    ANNOTATION_PREDICATE_TYPE,
    ANNOTATION_SIGNATURE,
    MAX_ATTACHMENT_BYTES,
    MEDIA_DSSE,
    AttachmentKind,
    NewLayer,
    add_attachment,
)

__all__ = ["Attested", "attest_digest"]


@dataclass(frozen=True, slots=True)
class Attested:
    """An attestation now stored next to the image."""

    image: Reference
    digest: str
    predicate_type: str
    attestation_tag: Reference
    added: bool


def attest_digest(
    client: RegistryClient,
    ref: Reference,
    digest: str,
    key: PrivateKey,
    *,
    predicate_type: str,
    predicate: object,
) -> Attested:
    """Sign a statement that ``ref``'s manifest ``digest`` has ``predicate`` and store it."""
    statement = build_statement(cosign_identity(ref), digest, predicate_type, predicate)
    envelope = sign_envelope(key, statement).to_json()
    if len(envelope) > MAX_ATTACHMENT_BYTES:
        raise TrustError(
            f"the attestation is {len(envelope)} bytes, over the 4 MiB that readers accept",
            hint="attest a smaller predicate (e.g. without file lists)",
        )
    layer = NewLayer(
        MEDIA_DSSE, envelope, {ANNOTATION_SIGNATURE: "", ANNOTATION_PREDICATE_TYPE: predicate_type}
    )
    stored = add_attachment(client, ref, digest, AttachmentKind.ATTESTATION, layer)
    return Attested(ref.with_digest(digest), digest, predicate_type, stored.reference, stored.added)
