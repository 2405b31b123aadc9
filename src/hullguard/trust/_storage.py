"""Signatures and attestations stored next to an image, the cosign way (interop doc A4, A6).

For manifest ``sha256:<hex>`` the repository gets tag ``sha256-<hex>.sig`` (signatures) or
``.att`` (attestations): an OCI image manifest with one small layer per signature, whose
annotations carry the signature. Adding one re-reads the tag, appends a layer unless an
identical one is there, and puts the manifest back (not atomic, like cosign and c/image).
Reading fetches each layer bounded to 4 MiB (c/image's limit); an oversized or foreign layer
becomes an entry with a ``problem`` instead of failing the whole read.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from hullguard.image._reference import Reference
from hullguard.image._registry_client import RegistryClient, RegistryNotFoundError
from hullguard.trust._errors import SignatureFormatError

__all__ = [
    "ANNOTATION_PREDICATE_TYPE",
    "ANNOTATION_SIGNATURE",
    "MAX_ATTACHMENTS",
    "MAX_ATTACHMENT_BYTES",
    "MEDIA_DSSE",
    "MEDIA_SIMPLESIGNING",
    "AddResult",
    "Attachment",
    "AttachmentKind",
    "NewLayer",
    "add_attachment",
    "attachment_reference",
    "build_attachment_manifest",
    "read_attachments",
]

MEDIA_SIMPLESIGNING = "application/vnd.dev.cosign.simplesigning.v1+json"
MEDIA_DSSE = "application/vnd.dsse.envelope.v1+json"
ANNOTATION_SIGNATURE = "dev.cosignproject.cosign/signature"
ANNOTATION_PREDICATE_TYPE = "predicateType"
MAX_ATTACHMENT_BYTES = 4 * 1024 * 1024
"""c/image's cap for one signature layer (internal/iolimits ``maxSignatureBodySize``)."""
MAX_ATTACHMENTS = 128
"""Layers fetched per signature manifest: each may be 4 MiB, so a hostile one must not list 10 000."""
_OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
_OCI_CONFIG = "application/vnd.oci.image.config.v1+json"


class AttachmentKind(StrEnum):
    """The tag suffix of each kind of attachment."""

    SIGNATURE = "sig"
    ATTESTATION = "att"


@dataclass(frozen=True, slots=True)
class NewLayer:
    """A signature or attestation layer to add: media type, blob and annotations."""

    media_type: str
    content: bytes
    annotations: Mapping[str, str]

    @property
    def digest(self) -> str:
        """``sha256:<hex>`` of the blob."""
        return "sha256:" + hashlib.sha256(self.content).hexdigest()

    def descriptor(self) -> dict[str, object]:
        """The OCI descriptor of the layer."""
        return {
            "mediaType": self.media_type,
            "size": len(self.content),
            "digest": self.digest,
            "annotations": dict(self.annotations),
        }


@dataclass(frozen=True, slots=True)
class Attachment:
    """One layer of a ``.sig``/``.att`` manifest as read back."""

    media_type: str
    digest: str
    size: int
    annotations: Mapping[str, str] = field(default_factory=dict)
    content: bytes | None = None
    """The verified blob; None when it was not fetched (see ``problem``)."""
    problem: str | None = None


def attachment_reference(image: Reference, manifest_digest: str, kind: AttachmentKind) -> Reference:
    """Where the attachments of ``manifest_digest`` live: ``<repo>:sha256-<hex>.<kind>``."""
    algorithm, _, hex_digest = manifest_digest.partition(":")
    return Reference(image.registry, image.repository, f"{algorithm}-{hex_digest}.{kind.value}")


def _parse_manifest(data: bytes, media_type: str, where: str) -> list[dict[str, object]]:
    """The layer descriptors of a signature manifest, checked for shape (not content)."""
    if media_type != _OCI_MANIFEST:
        raise SignatureFormatError(f"{where} is a {media_type}, not an OCI image manifest")
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise SignatureFormatError(f"{where} is not valid JSON") from None
    layers = document.get("layers") if isinstance(document, dict) else None
    if not isinstance(layers, list):
        raise SignatureFormatError(f"{where} has no layers list")
    for index, layer in enumerate(layers):
        ok = (
            isinstance(layer, dict)
            and isinstance(layer.get("mediaType"), str)
            and isinstance(layer.get("digest"), str)
            and isinstance(layer.get("size"), int)
            and isinstance(layer.get("annotations", {}), dict)
            and all(isinstance(v, str) for v in layer.get("annotations", {}).values())
        )
        if not ok:
            raise SignatureFormatError(f"{where}: layer {index} is not a valid descriptor")
    return layers


def _fetch(
    client: RegistryClient, ref: Reference, layer: dict[str, object], wanted: frozenset[str]
) -> Attachment:
    media_type, digest, size = str(layer["mediaType"]), str(layer["digest"]), layer["size"]
    assert isinstance(size, int)
    raw_annotations = layer.get("annotations") or {}
    assert isinstance(raw_annotations, dict)
    annotations = {str(k): str(v) for k, v in raw_annotations.items()}
    if media_type not in wanted:
        return Attachment(
            media_type, digest, size, annotations, problem=f"not a {' or '.join(sorted(wanted))} layer"
        )
    if size < 0 or size > MAX_ATTACHMENT_BYTES:
        return Attachment(
            media_type, digest, size, annotations, problem=f"layer of {size} bytes is over the 4 MiB limit"
        )
    with client.open_blob(ref, digest, size) as stream:
        content = stream.read(MAX_ATTACHMENT_BYTES + 1)
    if len(content) > MAX_ATTACHMENT_BYTES:
        return Attachment(media_type, digest, size, annotations, problem="layer is over the 4 MiB limit")
    return Attachment(media_type, digest, size, annotations, content=content)


def read_attachments(
    client: RegistryClient, image: Reference, manifest_digest: str, kind: AttachmentKind
) -> list[Attachment]:
    """Every layer of the image's ``.sig``/``.att`` manifest; none when the tag does not exist."""
    ref = attachment_reference(image, manifest_digest, kind)
    try:
        response = client.get_manifest(ref)
    except RegistryNotFoundError:
        return []
    layers = _parse_manifest(response.data, response.media_type, f"signature manifest {ref}")
    wanted = frozenset({MEDIA_SIMPLESIGNING if kind is AttachmentKind.SIGNATURE else MEDIA_DSSE})
    read = [_fetch(client, ref, layer, wanted) for layer in layers[:MAX_ATTACHMENTS]]
    skipped = [
        Attachment(
            str(layer["mediaType"]),
            str(layer["digest"]),
            int(str(layer["size"])),
            problem=f"not read: only the first {MAX_ATTACHMENTS} layers of a signature manifest are read",
        )
        for layer in layers[MAX_ATTACHMENTS:]
    ]
    return read + skipped


def _same(existing: dict[str, object], new: NewLayer) -> bool:
    return (
        existing.get("mediaType") == new.media_type
        and existing.get("digest") == new.digest
        and existing.get("size") == len(new.content)
        and (existing.get("annotations") or {}) == dict(new.annotations)
    )


def build_attachment_manifest(layers: Sequence[dict[str, object]]) -> tuple[bytes, bytes]:
    """(manifest, config) bytes for these layer descriptors, shaped as skopeo and cosign write them."""
    config = json.dumps(
        {
            "architecture": "",
            "os": "",
            "config": {},
            "rootfs": {"type": "layers", "diff_ids": [layer["digest"] for layer in layers]},
        },
        separators=(",", ":"),
    ).encode()
    manifest = {
        "schemaVersion": 2,
        "mediaType": _OCI_MANIFEST,
        "config": {
            "mediaType": _OCI_CONFIG,
            "size": len(config),
            "digest": "sha256:" + hashlib.sha256(config).hexdigest(),
        },
        "layers": list(layers),
    }
    return json.dumps(manifest, separators=(",", ":")).encode(), config


@dataclass(frozen=True, slots=True)
class AddResult:
    """What :func:`add_attachment` did."""

    reference: Reference
    """The ``.sig``/``.att`` tag."""
    added: bool
    """False when an identical layer was already there."""
    layers: int


def add_attachment(
    client: RegistryClient, image: Reference, manifest_digest: str, kind: AttachmentKind, layer: NewLayer
) -> AddResult:
    """Append ``layer`` to the image's attachment manifest (creating it), unless already present."""
    ref = attachment_reference(image, manifest_digest, kind)
    try:
        response = client.get_manifest(ref)
        existing = _parse_manifest(response.data, response.media_type, f"signature manifest {ref}")
    except RegistryNotFoundError:
        existing = []
    if any(_same(old, layer) for old in existing):
        return AddResult(ref, False, len(existing))
    layers = [*existing, layer.descriptor()]
    manifest, config = build_attachment_manifest(layers)
    client.upload_blob(image, layer.content, layer.digest)
    client.upload_blob(image, config, "sha256:" + hashlib.sha256(config).hexdigest())
    client.put_manifest(ref, manifest, _OCI_MANIFEST)
    return AddResult(ref, True, len(layers))
