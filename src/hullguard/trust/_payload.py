"""The simple-signing payload that a cosign signature covers (interop doc A1).

Writing: exactly ``critical`` (``identity.docker-reference``, ``image.docker-manifest-digest``,
``type``) and ``optional`` (null, or the user's annotations), compact with sorted keys — the
bytes cosign produces. Reading follows c/image's strict rules: exactly those keys in
``critical`` and its children, no duplicate keys, ``optional`` null or an object whose
``timestamp`` (if any) is an integer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from hullguard.trust._errors import SignatureFormatError
from hullguard.trust._json_strict import go_json, loads_strict

__all__ = [
    "ATOMIC_SIGNATURE_TYPE",
    "COSIGN_SIGNATURE_TYPE",
    "SimpleSigningPayload",
    "build_payload",
    "parse_payload",
]

COSIGN_SIGNATURE_TYPE = "cosign container image signature"
"""``critical.type`` of cosign signatures (sigstore payload.go ``CosignSignatureType``)."""
ATOMIC_SIGNATURE_TYPE = "atomic container signature"
"""``critical.type`` of GPG simple signing (containers-signature(5))."""


@dataclass(frozen=True, slots=True)
class SimpleSigningPayload:
    """A parsed payload; build it with :func:`parse_payload`."""

    docker_reference: str
    """``critical.identity.docker-reference``: who the signer said the image is."""
    manifest_digest: str
    """``critical.image.docker-manifest-digest``."""
    type: str
    optional: Mapping[str, object] | None = field(default=None)
    """The signer's annotations (cosign ``-a``) or c/image's creator/timestamp."""

    @property
    def timestamp(self) -> int | None:
        """``optional.timestamp`` (Unix seconds) when the signer put one in."""
        value = (self.optional or {}).get("timestamp")
        return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def build_payload(
    docker_reference: str, manifest_digest: str, *, annotations: Mapping[str, str] | None = None
) -> bytes:
    """The exact bytes to sign; ``annotations`` empty or None gives ``"optional":null``."""
    document: dict[str, object] = {
        "critical": {
            "identity": {"docker-reference": docker_reference},
            "image": {"docker-manifest-digest": manifest_digest},
            "type": COSIGN_SIGNATURE_TYPE,
        },
        "optional": dict(annotations) if annotations else None,
    }
    return go_json(document)


def _exact_object(value: object, keys: set[str], where: str) -> dict[str, object]:
    if not isinstance(value, dict):
        raise SignatureFormatError(f"signature payload: {where} is not a JSON object")
    found = set(value)
    if found != keys:
        extra = sorted(found - keys)
        missing = sorted(keys - found)
        detail = "; ".join(
            part
            for part in (f"unexpected {extra}" if extra else "", f"missing {missing}" if missing else "")
            if part
        )
        raise SignatureFormatError(f"signature payload: {where} has the wrong keys ({detail})")
    return value


def _string(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise SignatureFormatError(f"signature payload: {where} is not a string")
    return value


def parse_payload(data: bytes, *, expected_type: str = COSIGN_SIGNATURE_TYPE) -> SimpleSigningPayload:
    """Parse ``data`` strictly (c/image v5.23.1 rules); raise :class:`SignatureFormatError`."""
    try:
        document = loads_strict(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SignatureFormatError(f"signature payload is not valid JSON: {exc}") from None
    top = _exact_object(document, {"critical", "optional"}, "the document")
    critical = _exact_object(top["critical"], {"type", "image", "identity"}, "critical")
    kind = _string(critical["type"], "critical.type")
    if kind != expected_type:
        raise SignatureFormatError(
            f"signature payload: critical.type is {kind!r}, expected {expected_type!r}"
        )
    image = _exact_object(critical["image"], {"docker-manifest-digest"}, "critical.image")
    identity = _exact_object(critical["identity"], {"docker-reference"}, "critical.identity")
    optional = top["optional"]
    if optional is not None and not isinstance(optional, dict):
        raise SignatureFormatError("signature payload: optional is neither null nor an object")
    if optional is not None and "timestamp" in optional:
        stamp = optional["timestamp"]
        integral = isinstance(stamp, int) or (isinstance(stamp, float) and stamp.is_integer())
        if isinstance(stamp, bool) or not integral:
            raise SignatureFormatError("signature payload: optional.timestamp is not an integer")
    return SimpleSigningPayload(
        docker_reference=_string(identity["docker-reference"], "critical.identity.docker-reference"),
        manifest_digest=_string(image["docker-manifest-digest"], "critical.image.docker-manifest-digest"),
        type=kind,
        optional=optional,
    )
