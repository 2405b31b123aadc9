"""The cosign encrypted private key format (interop doc A5).

PKCS#8 DER, sealed with NaCl secretbox (XSalsa20-Poly1305) under a key derived by scrypt from
the passphrase, described by a small JSON document, PEM-armoured with a cosign label. This is
the format ``cosign sign --key`` and skopeo's ``--sign-by-sigstore-private-key`` load.

Reading is strict where it protects us: the KDF parameters must be on the allow-list (a
tampered file must not make us run a huge scrypt), the cipher must be secretbox, and the
decrypted DER must be PKCS#8 (Go's loader rejects a SEC1 key inside the box; Python's would
silently accept it).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

import nacl.exceptions
import nacl.secret
from pydantic import BaseModel, ConfigDict, ValidationError

from hullguard.trust._errors import KeyFileError, PassphraseError
from hullguard.trust._pem import PemBlock, armour

__all__ = [
    "ALLOWED_SCRYPT_N",
    "CosignKeyLabel",
    "EncryptionParams",
    "decrypt_cosign_key",
    "encrypt_cosign_key",
    "is_pkcs8",
]

ALLOWED_SCRYPT_N = frozenset({32768, 65536, 131072})
"""The scrypt work factors go-securesystemslib >= 0.7 accepts (r=8, p=1 always)."""
_SALT_BYTES = 32
_SCRYPT_R = 8
_SCRYPT_P = 1


class CosignKeyLabel(StrEnum):
    """The two PEM labels of the encrypted format."""

    COSIGN = "ENCRYPTED COSIGN PRIVATE KEY"
    """Older cosign and every c/image version read this one; our default."""
    SIGSTORE = "ENCRYPTED SIGSTORE PRIVATE KEY"
    """cosign >= 2.0.1 writes this one."""


@dataclass(frozen=True, slots=True)
class EncryptionParams:
    """How a new key file is written."""

    label: CosignKeyLabel = CosignKeyLabel.COSIGN
    scrypt_n: int = 32768
    """32768 is the only work factor every c/image and cosign version reads (doc A5 matrix)."""

    @classmethod
    def cosign_2_2(cls) -> EncryptionParams:
        """What cosign >= 2.2 writes: SIGSTORE label, N=65536."""
        return cls(CosignKeyLabel.SIGSTORE, 65536)


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class _ScryptParams(_Frozen):
    N: int
    r: Literal[8]
    p: Literal[1]


class _Kdf(_Frozen):
    name: Literal["scrypt"]
    params: _ScryptParams
    salt: str


class _Cipher(_Frozen):
    name: Literal["nacl/secretbox"]
    nonce: str


class _Sealed(_Frozen):
    kdf: _Kdf
    cipher: _Cipher
    ciphertext: str


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str, what: str, where: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise KeyFileError(f"{where}: {what} is not valid base64") from None


def _derive(passphrase: bytes, salt: bytes, n: int) -> bytes:
    return hashlib.scrypt(
        passphrase, salt=salt, n=n, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32, maxmem=256 * n * _SCRYPT_R
    )


def _der_length(der: bytes, at: int) -> tuple[int, int]:
    """(length, offset of the content) of the DER element whose length byte is at ``at``."""
    first = der[at]
    if first < 0x80:
        return first, at + 1
    count = first & 0x7F
    if count == 0 or count > 4 or at + 1 + count > len(der):
        raise ValueError("bad DER length")
    return int.from_bytes(der[at + 1 : at + 1 + count], "big"), at + 1 + count


def is_pkcs8(der: bytes) -> bool:
    """True if ``der`` has the PKCS#8 ``PrivateKeyInfo`` shape (RFC 5208).

    SEQUENCE { INTEGER version, SEQUENCE algorithm, OCTET STRING key }: after the version comes
    a SEQUENCE. A SEC1 EC key has an OCTET STRING there, a PKCS#1 RSA key an INTEGER.
    """
    try:
        if len(der) < 8 or der[0] != 0x30:
            return False
        _, at = _der_length(der, 1)
        if der[at] != 0x02:
            return False
        length, content = _der_length(der, at + 1)
        return der[content + length] == 0x30
    except (IndexError, ValueError):
        return False


def encrypt_cosign_key(pkcs8_der: bytes, passphrase: bytes, params: EncryptionParams) -> bytes:
    """Seal a PKCS#8 key into the cosign format and return the PEM bytes."""
    if params.scrypt_n not in ALLOWED_SCRYPT_N:
        raise KeyFileError(f"scrypt N={params.scrypt_n} is not one of {sorted(ALLOWED_SCRYPT_N)}")
    salt = os.urandom(_SALT_BYTES)
    nonce = os.urandom(nacl.secret.SecretBox.NONCE_SIZE)
    box = nacl.secret.SecretBox(_derive(passphrase, salt, params.scrypt_n))
    sealed = box.encrypt(pkcs8_der, nonce).ciphertext
    document = _Sealed(
        kdf=_Kdf(name="scrypt", params=_ScryptParams(N=params.scrypt_n, r=8, p=1), salt=_b64(salt)),
        cipher=_Cipher(name="nacl/secretbox", nonce=_b64(nonce)),
        ciphertext=_b64(sealed),
    )
    body = json.dumps(document.model_dump(mode="json"), separators=(",", ":")).encode()
    return armour(params.label.value, body)


def decrypt_cosign_key(block: PemBlock, passphrase: bytes, *, where: str) -> bytes:
    """The PKCS#8 DER inside a cosign-format block; raises without echoing any key bytes."""
    try:
        sealed = _Sealed.model_validate_json(block.body)
    except ValidationError as exc:
        fields = ", ".join(sorted({".".join(map(str, e["loc"])) for e in exc.errors()}))
        raise KeyFileError(
            f"{where}: not a valid cosign encrypted key (bad or unexpected fields: {fields})",
            hint="only scrypt (r=8, p=1) with nacl/secretbox is accepted",
        ) from None
    n = sealed.kdf.params.N
    if n not in ALLOWED_SCRYPT_N:
        raise KeyFileError(
            f"{where}: scrypt N={n} is not allowed (accepted: {sorted(ALLOWED_SCRYPT_N)})",
            hint="a tampered key file could otherwise force a huge key derivation",
        )
    nonce = _unb64(sealed.cipher.nonce, "the nonce", where)
    salt = _unb64(sealed.kdf.salt, "the salt", where)
    ciphertext = _unb64(sealed.ciphertext, "the ciphertext", where)
    if len(nonce) != nacl.secret.SecretBox.NONCE_SIZE:
        raise KeyFileError(f"{where}: the secretbox nonce must be 24 bytes")
    box = nacl.secret.SecretBox(_derive(passphrase, salt, n))
    try:
        der = box.decrypt(ciphertext, nonce)
    except nacl.exceptions.CryptoError:
        raise PassphraseError(
            f"{where}: wrong passphrase (or the key file was altered)",
            hint="set HULLGUARD_PASSWORD or HULLGUARD_PASSWORD_FILE, or type it at the prompt",
        ) from None
    if not is_pkcs8(der):
        raise KeyFileError(
            f"{where}: the decrypted key is not PKCS#8 (cosign and skopeo reject this file too)",
            hint="re-import the plain key with `hullguard key import`",
        )
    return der
