"""Key files for layer encryption: recipients' public keys and the private keys that decrypt.

Accepted like skopeo 1.9.3 (ocicrypt 1.0.3; interop doc B6), with one deliberate addition:
- recipients (``jwe:PATH``): PKIX public keys in PEM or DER, RSA or EC (P-256/384/521), or a
  public JWK; RSA gets ``RSA-OAEP`` and EC gets ``ECDH-ES+A256KW`` (B5);
- private keys: PKCS#8 PEM/DER, PKCS#1 ``RSA PRIVATE KEY``, SEC1 ``EC PRIVATE KEY`` (ocicrypt
  silently ignores SEC1; we accept it, since refusing a valid key helps nobody) and JWK.

Errors name the file and what was wrong with it, never any byte of the key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwcrypto.common import JWException  # type: ignore[import-untyped]
from jwcrypto.jwk import JWK  # type: ignore[import-untyped]

from hullguard.crypt._errors import KeyFileError

__all__ = [
    "DecryptionKey",
    "KeyWrapAlgorithm",
    "Recipient",
    "load_private_key",
    "load_recipient",
    "private_key_from_bytes",
    "recipient_from_bytes",
]

_MAX_KEY_FILE = 1 << 20
_MIN_RSA_BITS = 2048
_CURVES = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}
_SUPPORTED = "RSA (2048 bits or more) or EC P-256/P-384/P-521"


class KeyWrapAlgorithm(StrEnum):
    """JWE ``alg`` per recipient key type, as ocicrypt's JWE key wrapper chooses it."""

    RSA_OAEP = "RSA-OAEP"
    ECDH_ES_A256KW = "ECDH-ES+A256KW"


@dataclass(frozen=True, slots=True)
class Recipient:
    """A public key layers are encrypted to."""

    jwk: JWK = field(repr=False)
    alg: KeyWrapAlgorithm
    label: str
    """Where the key came from (a path), for messages."""
    kind: str
    """``RSA-3072``, ``EC P-256``: what users recognise."""


@dataclass(frozen=True, slots=True)
class DecryptionKey:
    """A private key that may open layers; ``repr`` shows its origin and kind only."""

    jwk: JWK = field(repr=False)
    label: str
    kind: str


def _read(path: Path, what: str) -> bytes:
    try:
        with path.open("rb") as handle:
            data = handle.read(_MAX_KEY_FILE + 1)
    except FileNotFoundError:
        raise KeyFileError(f"{what} {path}: no such file") from None
    except OSError as exc:
        raise KeyFileError(f"{what} {path}: cannot read it ({exc.strerror})") from None
    if len(data) > _MAX_KEY_FILE:
        raise KeyFileError(f"{what} {path}: too large to be a key file")
    return data


def _describe(key: object, label: str) -> str:
    """The key's kind, or a KeyFileError when JWE cannot wrap to it."""
    if isinstance(key, rsa.RSAPublicKey | rsa.RSAPrivateKey):
        if key.key_size < _MIN_RSA_BITS:
            raise KeyFileError(f"{label}: RSA key of {key.key_size} bits is too weak", hint=_SUPPORTED)
        return f"RSA-{key.key_size}"
    if isinstance(key, ec.EllipticCurvePublicKey | ec.EllipticCurvePrivateKey):
        curve = _CURVES.get(key.curve.name)
        if curve is None:
            raise KeyFileError(f"{label}: EC curve {key.curve.name} is not usable with JWE", hint=_SUPPORTED)
        return f"EC {curve}"
    raise KeyFileError(f"{label}: {type(key).__name__.lstrip('_')} keys are not supported", hint=_SUPPORTED)


def _jwk_document(data: bytes) -> JWK | None:
    """A JWK if ``data`` is one; None if it is not JSON at all."""
    stripped = data.lstrip()
    if not stripped.startswith(b"{"):
        return None
    try:
        return JWK.from_json(stripped.decode("utf-8"))
    except (JWException, ValueError, TypeError, KeyError):
        return None


def _is_pem(data: bytes) -> bool:
    return b"-----BEGIN " in data


def recipient_from_bytes(data: bytes, *, label: str) -> Recipient:
    """Parse a recipient's public key (PEM/DER PKIX or public JWK)."""
    jwk = _jwk_document(data)
    if jwk is not None:
        if jwk.has_private:
            raise KeyFileError(f"{label}: a private JWK is not a recipient", hint="give the public key")
        key: object = serialization.load_pem_public_key(jwk.export_to_pem())
    else:
        try:
            key = (
                serialization.load_pem_public_key(data)
                if _is_pem(data)
                else serialization.load_der_public_key(data)
            )
        except (ValueError, TypeError, UnsupportedAlgorithm):
            hint = "give a PKIX public key (-----BEGIN PUBLIC KEY-----), e.g. from `openssl pkey -pubout`"
            if b"PRIVATE KEY" in data:
                hint = "this looks like a private key; encrypt to its public key"
            elif b"CERTIFICATE" in data:
                hint = "certificates (pkcs7:) are not supported; extract the public key"
            raise KeyFileError(f"{label}: not a public key hullguard can read", hint=hint) from None
    kind = _describe(key, label)
    alg = KeyWrapAlgorithm.RSA_OAEP if kind.startswith("RSA") else KeyWrapAlgorithm.ECDH_ES_A256KW
    public = jwk if jwk is not None else JWK.from_pyca(key)
    return Recipient(jwk=public, alg=alg, label=label, kind=kind)


def load_recipient(spec: str) -> Recipient:
    """``jwe:PATH`` (or a bare PATH) → a recipient; other schemes are refused with a hint."""
    scheme, sep, rest = spec.partition(":")
    if sep and scheme in ("pgp", "pkcs7", "pkcs11", "provider"):
        raise KeyFileError(
            f"recipient {spec!r}: the {scheme} scheme is not supported", hint="use jwe:PUBLIC_KEY.pem"
        )
    path = Path(rest if sep and scheme == "jwe" else spec)
    return recipient_from_bytes(_read(path, "recipient key"), label=str(path))


def private_key_from_bytes(data: bytes, *, label: str) -> DecryptionKey:
    """Parse a private key: PKCS#8, PKCS#1 or SEC1 in PEM or DER, or a private JWK."""
    jwk = _jwk_document(data)
    if jwk is not None:
        if not jwk.has_private:
            raise KeyFileError(f"{label}: a public JWK cannot decrypt", hint="give the private key")
        key = serialization.load_pem_private_key(jwk.export_to_pem(private_key=True, password=None), None)
        return DecryptionKey(jwk=jwk, label=label, kind=_describe(key, label))
    if b"ENCRYPTED" in data:
        raise KeyFileError(
            f"{label}: passphrase-protected private keys are not supported",
            hint="write an unencrypted copy to a private place: openssl pkey -in KEY -out PLAIN.pem",
        )
    try:
        key = (
            serialization.load_pem_private_key(data, password=None)
            if _is_pem(data)
            else serialization.load_der_private_key(data, password=None)
        )
    except (ValueError, TypeError, UnsupportedAlgorithm):
        hint = "give a PKCS#8, PKCS#1 or SEC1 private key (PEM or DER) or a JWK"
        if b"PUBLIC KEY" in data:
            hint = "this is a public key; decryption needs the matching private key"
        raise KeyFileError(f"{label}: not a private key hullguard can read", hint=hint) from None
    kind = _describe(key, label)
    return DecryptionKey(jwk=JWK.from_pyca(key), label=label, kind=kind)


def load_private_key(path: Path) -> DecryptionKey:
    """Read a private key file; see :func:`private_key_from_bytes` for the formats."""
    return private_key_from_bytes(_read(path, "private key"), label=str(path))
