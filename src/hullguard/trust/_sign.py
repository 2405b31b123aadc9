"""``sign``: cosign-compatible key-based signatures of registry images (interop doc A1-A4).

A tag is resolved to the digest of the exact manifest bytes the registry serves; that digest
is what gets signed. For an index, ``recursive`` also signs every manifest it lists, as
``cosign sign --recursive`` does.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass

from hullguard.image._model import MEDIA_DOCKER_LIST, MEDIA_OCI_INDEX
from hullguard.image._reference import Reference
from hullguard.image._registry_client import ManifestResponse, RegistryClient
from hullguard.trust._crypto import sign_message
from hullguard.trust._errors import SignatureFormatError
from hullguard.trust._identity import cosign_identity
from hullguard.trust._keys import PrivateKey
from hullguard.trust._payload import build_payload
from hullguard.trust._storage import (
    ANNOTATION_SIGNATURE,
    MEDIA_SIMPLESIGNING,
    AttachmentKind,
    NewLayer,
    add_attachment,
)

__all__ = ["SignedManifest", "child_digests", "sign_image"]


@dataclass(frozen=True, slots=True)
class SignedManifest:
    """One manifest that now carries our signature."""

    image: Reference
    """The image pinned to the signed digest."""
    digest: str
    signature_tag: Reference
    added: bool
    """False when an identical signature was already stored."""


def child_digests(manifest: ManifestResponse) -> list[str]:
    """The manifest digests an index lists (empty for an image manifest)."""
    if manifest.media_type not in (MEDIA_OCI_INDEX, MEDIA_DOCKER_LIST):
        return []
    try:
        entries = json.loads(manifest.data).get("manifests", [])
    except (ValueError, AttributeError):
        raise SignatureFormatError(f"index {manifest.digest} is not a JSON object") from None
    digests = [entry.get("digest") for entry in entries if isinstance(entry, dict)]
    return [d for d in digests if isinstance(d, str)]


def _sign_one(
    client: RegistryClient, ref: Reference, digest: str, key: PrivateKey, annotations: Mapping[str, str]
) -> SignedManifest:
    payload = build_payload(cosign_identity(ref), digest, annotations=annotations)
    signature = base64.b64encode(sign_message(key, payload)).decode("ascii")
    layer = NewLayer(MEDIA_SIMPLESIGNING, payload, {ANNOTATION_SIGNATURE: signature})
    stored = add_attachment(client, ref, digest, AttachmentKind.SIGNATURE, layer)
    return SignedManifest(ref.with_digest(digest), digest, stored.reference, stored.added)


def sign_image(
    client: RegistryClient,
    ref: Reference,
    key: PrivateKey,
    *,
    annotations: Mapping[str, str] | None = None,
    recursive: bool = False,
) -> list[SignedManifest]:
    """Sign the manifest ``ref`` resolves to (and, if ``recursive``, each child of an index)."""
    top = client.get_manifest(ref)
    digests = [top.digest]
    if recursive:
        digests += [d for d in child_digests(top) if d not in digests]
    return [_sign_one(client, ref, digest, key, annotations or {}) for digest in digests]
