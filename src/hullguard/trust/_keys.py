"""Signing keys: generate, load (cosign encrypted format or plain PEM), export, write safely.

Supported kinds follow the interop rule of doc A3: we generate ECDSA P-256 only; we load
ECDSA (P-256/384/521), RSA (>= 2048 bits) and Ed25519 keys so imported keys keep working.
Passphrases come in through a callable, so a prompt only appears when a file is encrypted.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from hullguard.trust._cosign_key import (
    CosignKeyLabel,
    EncryptionParams,
    decrypt_cosign_key,
    encrypt_cosign_key,
    is_pkcs8,
)
from hullguard.trust._errors import KeyFileError, PassphraseError
from hullguard.trust._pem import read_pem_block

__all__ = [
    "PassphraseSource",
    "PrivateKey",
    "PrivateKeyFormat",
    "PublicKey",
    "generate_private_key",
    "key_id",
    "load_private_key",
    "load_public_key",
    "private_key_pem",
    "public_key_pem",
    "write_atomic",
    "write_key_pair",
]

PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey
PublicKey = ec.EllipticCurvePublicKey | rsa.RSAPublicKey | ed25519.Ed25519PublicKey
PassphraseSource = Callable[[], bytes]
"""Asked only when the key file is encrypted (prompt, environment or file, chosen by the CLI)."""

_EC_CURVES = (ec.SECP256R1, ec.SECP384R1, ec.SECP521R1)
_MIN_RSA_BITS = 2048
_PLAIN_LABELS = frozenset({"PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY"})
_COSIGN_LABELS = frozenset(label.value for label in CosignKeyLabel)


class PrivateKeyFormat(StrEnum):
    """How ``key generate``/``key import`` write the private key."""

    COSIGN = "cosign"
    """Encrypted, label ``ENCRYPTED COSIGN PRIVATE KEY``, N=32768: read by every cosign and c/image."""
    COSIGN_2_2 = "cosign-2.2"
    """Encrypted, label ``ENCRYPTED SIGSTORE PRIVATE KEY``, N=65536: what cosign >= 2.2 writes."""
    PKCS8 = "pkcs8"
    """Plain, unencrypted ``PRIVATE KEY`` (for ocicrypt-style tooling; protect the file yourself)."""


def generate_private_key() -> ec.EllipticCurvePrivateKey:
    """A fresh ECDSA P-256 key: the one algorithm every cosign and c/image version verifies."""
    return ec.generate_private_key(ec.SECP256R1())


def _check_kind(key: object, where: str) -> None:
    """Refuse weak or foreign keys (private or public alike)."""
    if isinstance(key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey):
        if not isinstance(key.curve, _EC_CURVES):
            raise KeyFileError(f"{where}: EC curve {key.curve.name} is not supported (use P-256)")
    elif isinstance(key, rsa.RSAPrivateKey | rsa.RSAPublicKey):
        if key.key_size < _MIN_RSA_BITS:
            raise KeyFileError(f"{where}: RSA key of {key.key_size} bits is too small (min {_MIN_RSA_BITS})")
    elif not isinstance(key, ed25519.Ed25519PrivateKey | ed25519.Ed25519PublicKey):
        raise KeyFileError(f"{where}: unsupported key type {type(key).__name__} (use ECDSA P-256)")


def _check_supported(key: object, where: str) -> PrivateKey:
    _check_kind(key, where)
    if not isinstance(key, PrivateKey):
        raise KeyFileError(f"{where}: not a private key")
    return key


def _check_public(key: object, where: str) -> PublicKey:
    _check_kind(key, where)
    if not isinstance(key, PublicKey):
        raise KeyFileError(f"{where}: not a public key")
    return key


def _load_plain(data: bytes, password: bytes | None, where: str) -> object:
    try:
        return serialization.load_pem_private_key(data, password=password)
    except TypeError:
        raise KeyFileError(f"{where}: the key is encrypted but no passphrase was given") from None
    except (ValueError, UnsupportedAlgorithm):
        if password is not None:
            raise PassphraseError(f"{where}: wrong passphrase or unreadable key") from None
        raise KeyFileError(f"{where}: not a readable PEM private key") from None


def load_private_key(data: bytes, *, passphrase: PassphraseSource, where: str) -> PrivateKey:
    """A private key from cosign's encrypted format or a plain/encrypted PEM file.

    Labels: ``ENCRYPTED COSIGN|SIGSTORE PRIVATE KEY`` (cosign), ``PRIVATE KEY`` (PKCS#8),
    ``EC PRIVATE KEY`` (SEC1), ``RSA PRIVATE KEY`` (PKCS#1, also with legacy OpenSSL encryption
    headers) and ``ENCRYPTED PRIVATE KEY`` (PKCS#8 with a password).
    """
    block = read_pem_block(data, where=where)
    if block.label in _COSIGN_LABELS:
        der = decrypt_cosign_key(block, passphrase(), where=where)
        try:
            key: object = serialization.load_der_private_key(der, password=None)
        except (ValueError, UnsupportedAlgorithm):
            raise KeyFileError(f"{where}: the decrypted PKCS#8 key cannot be parsed") from None
    elif block.label == "ENCRYPTED PRIVATE KEY" or (block.label in _PLAIN_LABELS and block.has_headers):
        key = _load_plain(data, passphrase(), where)
    elif block.label in _PLAIN_LABELS:
        key = _load_plain(data, None, where)
    else:
        raise KeyFileError(
            f"{where}: PEM label {block.label!r} is not a private key",
            hint="expected a cosign key or a PEM PRIVATE KEY / EC PRIVATE KEY / RSA PRIVATE KEY",
        )
    return _check_supported(key, where)


def load_public_key(data: bytes, *, where: str) -> PublicKey:
    """A public key from PEM ``PUBLIC KEY`` (PKIX) or ``RSA PUBLIC KEY`` (PKCS#1)."""
    block = read_pem_block(data, where=where)
    if block.label not in ("PUBLIC KEY", "RSA PUBLIC KEY"):
        raise KeyFileError(
            f"{where}: PEM label {block.label!r} is not a public key",
            hint="pass the .pub file (`hullguard key export-public` writes one from a private key)",
        )
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, UnsupportedAlgorithm):
        raise KeyFileError(f"{where}: not a readable public key") from None
    return _check_public(key, where)


def public_key_pem(key: PrivateKey | PublicKey) -> bytes:
    """The PKIX ``PUBLIC KEY`` PEM of a key (what cosign writes to ``cosign.pub``)."""
    public = key.public_key() if isinstance(key, PrivateKey) else key
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def key_id(key: PublicKey) -> str:
    """``sha256:<hex>`` of the DER public key: a stable name for a key in reports and policies."""
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return "sha256:" + hashlib.sha256(der).hexdigest()


def private_key_pem(key: PrivateKey, *, fmt: PrivateKeyFormat, passphrase: bytes) -> bytes:
    """Serialise a private key in ``fmt`` (``passphrase`` is ignored for plain PKCS#8)."""
    der = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    assert is_pkcs8(der)
    if fmt is PrivateKeyFormat.PKCS8:
        return key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    params = EncryptionParams.cosign_2_2() if fmt is PrivateKeyFormat.COSIGN_2_2 else EncryptionParams()
    return encrypt_cosign_key(der, passphrase, params)


def _write_new(path: Path, data: bytes, mode: int, *, overwrite: bool) -> Path:
    """Write ``data`` to a temporary file next to ``path``; return it (renamed later by the caller)."""
    if path.exists() and not overwrite:
        raise KeyFileError(f"{path} already exists", hint="choose another --output or pass --force")
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    return tmp


def write_atomic(path: Path, data: bytes, *, mode: int, overwrite: bool) -> None:
    """Write one file via a temporary sibling and a rename, refusing to replace unless ``overwrite``."""
    if path.exists() and not path.is_file():
        raise KeyFileError(f"cannot write {path}: it exists and is not a regular file")
    tmp: Path | None = None
    try:
        tmp = _write_new(path, data, mode, overwrite=overwrite)
        os.replace(tmp, path)
    except OSError as exc:
        raise KeyFileError(f"cannot write {path}: {exc.strerror}") from exc
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)


def write_key_pair(
    prefix: Path, private_pem: bytes, public_pem: bytes, *, overwrite: bool
) -> tuple[Path, Path]:
    """Write ``PREFIX.key`` (mode 0600) and ``PREFIX.pub`` atomically: both or neither.

    Existing files are refused unless ``overwrite``; on any failure no new file remains.
    """
    key_path, pub_path = prefix.with_name(prefix.name + ".key"), prefix.with_name(prefix.name + ".pub")
    for path in (key_path, pub_path):
        if path.exists() and not overwrite:
            raise KeyFileError(f"{path} already exists", hint="choose another --output or pass --force")
    temps: list[Path] = []
    try:
        temps.append(_write_new(key_path, private_pem, 0o600, overwrite=overwrite))
        temps.append(_write_new(pub_path, public_pem, 0o644, overwrite=overwrite))
        os.replace(temps[0], key_path)
        try:
            os.replace(temps[1], pub_path)
        except OSError:
            key_path.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise KeyFileError(f"cannot write the key pair at {prefix}: {exc.strerror}") from exc
    finally:
        for tmp in temps:
            tmp.unlink(missing_ok=True)
    return key_path, pub_path
