"""Wrap a layer's private options for its recipients in JWE, and unwrap them with one key.

As ocicrypt's JWE key wrapper does (interop doc B5): content encryption ``A256GCM``; one JWE
per layer holding every recipient; one recipient → flattened JSON with ``alg`` and ``enc`` in
the protected header, several → general JSON with ``{"enc"}`` protected and ``alg`` per
recipient. The annotation is standard base64 of the JSON; several JWEs are comma-joined.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from jwcrypto.common import JWException  # type: ignore[import-untyped]
from jwcrypto.jwe import JWE  # type: ignore[import-untyped]

from hullguard.crypt._errors import DecryptionError, EncryptedLayerError
from hullguard.crypt._keys import DecryptionKey, Recipient
from hullguard.crypt._options import ANNOTATION_JWE, b64, unb64

__all__ = ["unwrap_options", "wrap_options"]

_ENC = "A256GCM"
_ALLOWED = [
    "RSA-OAEP",
    "RSA-OAEP-256",
    "ECDH-ES",
    "ECDH-ES+A128KW",
    "ECDH-ES+A192KW",
    "ECDH-ES+A256KW",
    "A128GCM",
    "A192GCM",
    "A256GCM",
    "A128CBC-HS256",
    "A192CBC-HS384",
    "A256CBC-HS512",
]
"""What go-jose decrypts for ocicrypt, minus ``RSA1_5`` (padding oracles) and the symmetric
``dir``/``A*KW``/``PBES2`` modes, which no public-key recipient can use."""
_MAX_ENTRIES = 64


def wrap_options(payload: bytes, recipients: Sequence[Recipient]) -> str:
    """One JWE of ``payload`` for all ``recipients``, as the annotation value."""
    if not recipients:
        raise ValueError("at least one recipient is needed")
    if len(recipients) == 1:
        only = recipients[0]
        jwe = JWE(payload, protected=json.dumps({"alg": only.alg.value, "enc": _ENC}), algs=_ALLOWED)
        jwe.add_recipient(only.jwk)
    else:
        jwe = JWE(payload, protected=json.dumps({"enc": _ENC}), algs=_ALLOWED)
        for recipient in recipients:
            jwe.add_recipient(recipient.jwk, header=json.dumps({"alg": recipient.alg.value}))
    return b64(jwe.serialize().encode("ascii"))


def _parse(entry: str, index: int, where: str) -> JWE:
    what = f"{where}: {ANNOTATION_JWE} entry {index + 1}"
    raw = unb64(entry.strip(), what=what)
    jwe = JWE(algs=_ALLOWED)
    try:
        jwe.deserialize(raw.decode("utf-8"))
    except (JWException, ValueError, TypeError, KeyError, UnicodeDecodeError):
        raise EncryptedLayerError(f"{what} is not a valid JWE") from None
    return jwe


def unwrap_options(annotation: str | None, keys: Sequence[DecryptionKey], *, where: str) -> bytes:
    """The private options JSON from the first JWE entry that one of ``keys`` opens.

    A malformed entry is an error even if a later one would open: the annotation was made by
    one writer, so damage anywhere means it cannot be trusted.
    """
    if annotation is None or not annotation.strip():
        raise EncryptedLayerError(f"{where} has no {ANNOTATION_JWE} annotation")
    entries = annotation.split(",")
    if len(entries) > _MAX_ENTRIES:
        raise EncryptedLayerError(f"{where}: {ANNOTATION_JWE} holds more than {_MAX_ENTRIES} entries")
    parsed = [_parse(entry, i, where) for i, entry in enumerate(entries)]
    for jwe in parsed:
        for key in keys:
            try:
                jwe.decrypt(key.jwk)
            except (JWException, ValueError, TypeError, KeyError):
                continue
            payload = jwe.payload
            if isinstance(payload, bytes):
                return payload
    tried = ", ".join(f"{key.label} ({key.kind})" for key in keys) or "none"
    raise DecryptionError(
        f"{where}: none of the given private keys can open the layer key (tried: {tried})",
        hint="use the private key matching one of the recipients the image was encrypted to",
    )
