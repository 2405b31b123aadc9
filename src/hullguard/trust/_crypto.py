"""Raw signatures over bytes, as sigstore computes them (interop doc A3).

ECDSA signs the SHA-256 (P-256), SHA-384 (P-384) or SHA-512 (P-521) of the message and emits
ASN.1 DER; verification also accepts IEEE P1363 ``r||s`` as current sigstore does. RSA uses
PKCS#1 v1.5 with SHA-256; Ed25519 is pure Ed25519 (what c/image 5.23 does).
"""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from hullguard.trust._keys import PrivateKey, PublicKey

__all__ = ["sign_message", "verify_message"]


def _ec_hash(curve: ec.EllipticCurve) -> hashes.HashAlgorithm:
    if isinstance(curve, ec.SECP384R1):
        return hashes.SHA384()
    if isinstance(curve, ec.SECP521R1):
        return hashes.SHA512()
    return hashes.SHA256()


def sign_message(key: PrivateKey, message: bytes) -> bytes:
    """The raw signature of ``message`` (DER for ECDSA)."""
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(message, ec.ECDSA(_ec_hash(key.curve)))
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    return key.sign(message)


def _p1363_to_der(key: ec.EllipticCurvePublicKey, signature: bytes) -> bytes | None:
    size = (key.curve.key_size + 7) // 8
    if len(signature) != 2 * size:
        return None
    r = int.from_bytes(signature[:size], "big")
    s = int.from_bytes(signature[size:], "big")
    return encode_dss_signature(r, s)


def verify_message(key: PublicKey, message: bytes, signature: bytes) -> bool:
    """True if ``signature`` is valid for ``message`` under ``key``; never raises on bad bytes."""
    try:
        if isinstance(key, ec.EllipticCurvePublicKey):
            algorithm = ec.ECDSA(_ec_hash(key.curve))
            try:
                key.verify(signature, message, algorithm)
                return True
            except (InvalidSignature, ValueError):
                der = _p1363_to_der(key, signature)
                if der is None:
                    return False
                key.verify(der, message, algorithm)
                return True
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
            return True
        if isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, message)
            return True
    except (InvalidSignature, ValueError):
        return False
    return False
