"""c/image's on-disk form of a sigstore signature (``dir:`` copies, ``signature-<n>`` files).

A NUL byte, ``sigstore-json``, a newline, then ``{"mimeType", "payload" (std base64),
"annotations"}`` (containers/image v5.23.1 internal/signature/sigstore.go; interop doc A8).
Reading it lets us verify what skopeo copied out of a registry, and c/image's own fixtures.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass

from hullguard.trust._errors import SignatureFormatError
from hullguard.trust._json_strict import loads_strict
from hullguard.trust._storage import MAX_ATTACHMENT_BYTES

__all__ = ["SIGSTORE_PREFIX", "SigstoreBlob", "parse_sigstore_blob"]

SIGSTORE_PREFIX = b"\x00sigstore-json\n"


@dataclass(frozen=True, slots=True)
class SigstoreBlob:
    """One sigstore attachment as c/image keeps it outside a registry."""

    mime_type: str
    payload: bytes
    annotations: Mapping[str, str]


def parse_sigstore_blob(data: bytes) -> SigstoreBlob:
    """Parse a ``signature-<n>`` file of the sigstore kind; raise :class:`SignatureFormatError`."""
    if len(data) > MAX_ATTACHMENT_BYTES + 1024:
        raise SignatureFormatError("sigstore signature file is over the 4 MiB limit")
    if not data.startswith(SIGSTORE_PREFIX):
        raise SignatureFormatError("not a sigstore signature file (no \\0sigstore-json prefix)")
    try:
        document = loads_strict(data[len(SIGSTORE_PREFIX) :])
    except (ValueError, UnicodeDecodeError) as exc:
        raise SignatureFormatError(f"sigstore signature file is not valid JSON: {exc}") from None
    if not isinstance(document, dict):
        raise SignatureFormatError("sigstore signature file is not a JSON object")
    mime, payload, annotations = (document.get(k) for k in ("mimeType", "payload", "annotations"))
    if not isinstance(mime, str) or not isinstance(payload, str):
        raise SignatureFormatError("sigstore signature file lacks mimeType or payload")
    if not isinstance(annotations, dict) or not all(isinstance(v, str) for v in annotations.values()):
        raise SignatureFormatError("sigstore signature file: annotations must map strings to strings")
    try:
        raw = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise SignatureFormatError("sigstore signature file: payload is not base64") from None
    return SigstoreBlob(mime, raw, {str(k): str(v) for k, v in annotations.items()})
