"""DSSE envelopes around in-toto statements: what ``cosign attest`` stores (interop doc A6).

The signature covers the pre-authentication encoding (PAE), never the bare payload:
``DSSEv1 SP len(type) SP type SP len(payload) SP payload`` with byte lengths in ASCII decimal.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass

from hullguard.trust._crypto import sign_message, verify_message
from hullguard.trust._errors import SignatureFormatError
from hullguard.trust._json_strict import go_json, loads_strict
from hullguard.trust._keys import PrivateKey, PublicKey

__all__ = [
    "INTOTO_PAYLOAD_TYPE",
    "STATEMENT_V01",
    "STATEMENT_V1",
    "Envelope",
    "Statement",
    "build_statement",
    "pae",
    "parse_envelope",
    "parse_statement",
    "sign_envelope",
]

INTOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json"
STATEMENT_V1 = "https://in-toto.io/Statement/v1"
STATEMENT_V01 = "https://in-toto.io/Statement/v0.1"
"""What cosign classic writes; accepted when reading."""
_STATEMENT_TYPES = frozenset({STATEMENT_V1, STATEMENT_V01})


def pae(payload_type: str, payload: bytes) -> bytes:
    """DSSE v1 pre-authentication encoding of ``payload`` (the bytes actually signed)."""
    kind = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(payload), payload)


def _b64decode(text: str, what: str) -> bytes:
    """Standard or URL-safe base64, padded or not (DSSE decoders accept both)."""
    cleaned = text.replace("-", "+").replace("_", "/")
    cleaned += "=" * (-len(cleaned) % 4)
    try:
        return base64.b64decode(cleaned, validate=True)
    except (binascii.Error, ValueError):
        raise SignatureFormatError(f"DSSE envelope: {what} is not base64") from None


@dataclass(frozen=True, slots=True)
class Envelope:
    """A parsed DSSE envelope; build it with :func:`parse_envelope` or :func:`sign_envelope`."""

    payload_type: str
    payload: bytes
    signatures: tuple[bytes, ...]

    def verified_by(self, key: PublicKey) -> bool:
        """True if any signature of the envelope verifies under ``key``."""
        message = pae(self.payload_type, self.payload)
        return any(verify_message(key, message, sig) for sig in self.signatures)

    def to_json(self) -> bytes:
        """The envelope as cosign writes it (``keyid`` empty, standard base64)."""
        return json.dumps(
            {
                "payloadType": self.payload_type,
                "payload": base64.b64encode(self.payload).decode("ascii"),
                "signatures": [
                    {"keyid": "", "sig": base64.b64encode(sig).decode("ascii")} for sig in self.signatures
                ],
            },
            separators=(",", ":"),
        ).encode()


def sign_envelope(key: PrivateKey, payload: bytes, payload_type: str = INTOTO_PAYLOAD_TYPE) -> Envelope:
    """Sign ``payload`` (over its PAE) into a one-signature envelope."""
    return Envelope(payload_type, payload, (sign_message(key, pae(payload_type, payload)),))


def parse_envelope(data: bytes) -> Envelope:
    """A DSSE envelope from JSON; raises :class:`SignatureFormatError` on any shape problem."""
    try:
        document = loads_strict(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SignatureFormatError(f"DSSE envelope is not valid JSON: {exc}") from None
    if not isinstance(document, dict):
        raise SignatureFormatError("DSSE envelope is not a JSON object")
    payload_type, payload, signatures = (document.get(k) for k in ("payloadType", "payload", "signatures"))
    if not isinstance(payload_type, str) or not isinstance(payload, str):
        raise SignatureFormatError("DSSE envelope: payloadType and payload must be strings")
    if not isinstance(signatures, list) or not signatures:
        raise SignatureFormatError("DSSE envelope has no signatures")
    raw: list[bytes] = []
    for entry in signatures:
        sig = entry.get("sig") if isinstance(entry, dict) else None
        if not isinstance(sig, str):
            raise SignatureFormatError("DSSE envelope: a signature entry has no sig string")
        raw.append(_b64decode(sig, "sig"))
    return Envelope(payload_type, _b64decode(payload, "payload"), tuple(raw))


@dataclass(frozen=True, slots=True)
class Statement:
    """An in-toto statement (v1 or v0.1); build it with :func:`parse_statement`."""

    statement_type: str
    subject_digests: tuple[tuple[str, Mapping[str, str]], ...]
    """(name, {algorithm: hex}) per subject."""
    predicate_type: str
    predicate: object

    def covers(self, manifest_digest: str) -> bool:
        """True if a subject names ``manifest_digest`` (``sha256:<hex>``), as cosign checks it."""
        algorithm, _, hex_digest = manifest_digest.partition(":")
        return any(digests.get(algorithm) == hex_digest for _, digests in self.subject_digests)


def build_statement(subject_name: str, manifest_digest: str, predicate_type: str, predicate: object) -> bytes:
    """An in-toto Statement v1 about one image manifest, compact JSON."""
    algorithm, _, hex_digest = manifest_digest.partition(":")
    return go_json(
        {
            "_type": STATEMENT_V1,
            "subject": [{"name": subject_name, "digest": {algorithm: hex_digest}}],
            "predicateType": predicate_type,
            "predicate": predicate,
        }
    )


def parse_statement(data: bytes) -> Statement:
    """An in-toto statement from the envelope payload; v1 and v0.1 are accepted."""
    try:
        document = loads_strict(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SignatureFormatError(f"in-toto statement is not valid JSON: {exc}") from None
    if not isinstance(document, dict):
        raise SignatureFormatError("in-toto statement is not a JSON object")
    kind = document.get("_type")
    if kind not in _STATEMENT_TYPES:
        raise SignatureFormatError(f"in-toto statement: unknown _type {kind!r}")
    predicate_type = document.get("predicateType")
    if not isinstance(predicate_type, str) or not predicate_type:
        raise SignatureFormatError("in-toto statement: predicateType is missing")
    subjects = document.get("subject")
    if not isinstance(subjects, list) or not subjects:
        raise SignatureFormatError("in-toto statement has no subject")
    parsed: list[tuple[str, Mapping[str, str]]] = []
    for subject in subjects:
        digests = subject.get("digest") if isinstance(subject, dict) else None
        if not isinstance(digests, dict) or not all(isinstance(v, str) for v in digests.values()):
            raise SignatureFormatError("in-toto statement: a subject has no digest map")
        name = subject.get("name", "")
        parsed.append((name if isinstance(name, str) else "", {str(k): str(v) for k, v in digests.items()}))
    return Statement(str(kind), tuple(parsed), predicate_type, document.get("predicate"))
