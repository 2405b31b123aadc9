"""The ocicrypt wire format of one layer: media types, annotations and the options JSON.

Facts from containers/ocicrypt (spec/spec.go, blockcipher/blockcipher.go; interop doc B1-B4):
the private options ``{"symkey", "digest", "cipheroptions": {"nonce"}}`` are what the JWE
wraps; the public options ``{"cipher", "hmac", "cipheroptions": {}}`` go base64'd into
``org.opencontainers.image.enc.pubopts``. Byte strings are padded standard base64, as Go's
``encoding/json`` writes ``[]byte``.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from hullguard.crypt._errors import EncryptedLayerError, UnsupportedLayerError

__all__ = [
    "ANNOTATION_JWE",
    "ANNOTATION_PUBOPTS",
    "CIPHER",
    "ENCRYPTED_SUFFIX",
    "ENC_ANNOTATION_PREFIX",
    "PrivateOptions",
    "PublicOptions",
    "b64",
    "decrypted_media_type",
    "encrypted_media_type",
    "is_encrypted",
    "unb64",
]

ANNOTATION_JWE = "org.opencontainers.image.enc.keys.jwe"
ANNOTATION_PUBOPTS = "org.opencontainers.image.enc.pubopts"
ENC_ANNOTATION_PREFIX = "org.opencontainers.image.enc."
"""c/image and ocicrypt drop every annotation under this prefix when they decrypt."""
ENCRYPTED_SUFFIX = "+encrypted"
CIPHER = "AES_256_CTR_HMAC_SHA256"
_OTHER_SCHEMES = {
    "org.opencontainers.image.enc.keys.pkcs7": "pkcs7",
    "org.opencontainers.image.enc.keys.pgp": "pgp",
    "org.opencontainers.image.enc.keys.pkcs11": "pkcs11",
}

_OCI = "application/vnd.oci.image.layer.v1.tar"
_OCI_FOREIGN = "application/vnd.oci.image.layer.nondistributable.v1.tar"
_PLAIN_TO_OCI = {
    _OCI: _OCI,
    f"{_OCI}+gzip": f"{_OCI}+gzip",
    f"{_OCI}+zstd": f"{_OCI}+zstd",
    _OCI_FOREIGN: _OCI_FOREIGN,
    f"{_OCI_FOREIGN}+gzip": f"{_OCI_FOREIGN}+gzip",
    f"{_OCI_FOREIGN}+zstd": f"{_OCI_FOREIGN}+zstd",
    "application/vnd.docker.image.rootfs.diff.tar": _OCI,
    "application/vnd.docker.image.rootfs.diff.tar.gzip": f"{_OCI}+gzip",
    "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip": f"{_OCI_FOREIGN}+gzip",
}
"""Layer types we encrypt, and their OCI name (encryption forces an OCI manifest, B1)."""


def is_encrypted(media_type: str) -> bool:
    """True for an ocicrypt ``…+encrypted`` layer."""
    return media_type.endswith(ENCRYPTED_SUFFIX)


def oci_layer_type(media_type: str, *, where: str) -> str:
    """The OCI media type of a plaintext layer; anything else is refused, naming it."""
    if is_encrypted(media_type):
        raise UnsupportedLayerError(f"{where} is already encrypted ({media_type})")
    oci = _PLAIN_TO_OCI.get(media_type)
    if oci is None:
        raise UnsupportedLayerError(
            f"{where} has media type {media_type!r}, which is not an image layer hullguard can encrypt",
            hint="only OCI and Docker tar layers (plain, gzip or zstd) can be encrypted",
        )
    return oci


def encrypted_media_type(media_type: str, *, where: str) -> str:
    """``…tar+gzip`` → ``…tar+gzip+encrypted`` (after mapping Docker names to OCI)."""
    return oci_layer_type(media_type, where=where) + ENCRYPTED_SUFFIX


def decrypted_media_type(media_type: str, *, where: str) -> str:
    """Strip ``+encrypted`` as c/image does; the rest must be a layer type we know."""
    if not is_encrypted(media_type):
        raise UnsupportedLayerError(f"{where}: {media_type!r} is not an encrypted layer type")
    plain = media_type.removesuffix(ENCRYPTED_SUFFIX)
    if plain not in _PLAIN_TO_OCI:
        raise UnsupportedLayerError(
            f"{where} has the unknown encrypted media type {media_type!r}",
            hint="hullguard decrypts OCI tar layers (plain, gzip or zstd) only",
        )
    return plain


def b64(data: bytes) -> str:
    """Padded standard base64, as Go marshals ``[]byte``."""
    return base64.b64encode(data).decode("ascii")


def unb64(text: object, *, what: str, size: int | None = None) -> bytes:
    """Decode strict standard base64 of an exact ``size``; else a malformed-layer error."""
    if not isinstance(text, str):
        raise EncryptedLayerError(f"{what} is not a base64 string")
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise EncryptedLayerError(f"{what} is not valid base64") from None
    if size is not None and len(data) != size:
        raise EncryptedLayerError(f"{what} is {len(data)} bytes, expected {size}")
    return data


def _json_object(data: bytes, what: str) -> dict[str, object]:
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise EncryptedLayerError(f"{what} is not JSON") from None
    if not isinstance(doc, dict):
        raise EncryptedLayerError(f"{what} is not a JSON object")
    return doc


def _cipher_options(doc: Mapping[str, object], what: str) -> dict[str, object]:
    options = doc.get("cipheroptions")
    if options is None:
        return {}
    if not isinstance(options, dict):
        raise EncryptedLayerError(f"{what}: cipheroptions is not an object")
    return options


def _dumps(doc: object) -> bytes:
    return json.dumps(doc, separators=(",", ":")).encode()


@dataclass(frozen=True, slots=True)
class PublicOptions:
    """What anyone may read: the cipher, the HMAC of the ciphertext, and public cipher options."""

    hmac: bytes
    cipher: str = CIPHER
    nonce: bytes | None = None
    """ocicrypt readers accept a nonce here too (public options are consulted first)."""

    def to_json(self) -> bytes:
        """The JSON ocicrypt writes (field order of its Go struct)."""
        options = {} if self.nonce is None else {"nonce": b64(self.nonce)}
        return _dumps({"cipher": self.cipher, "hmac": b64(self.hmac), "cipheroptions": options})

    @classmethod
    def from_annotation(cls, value: str | None, *, where: str) -> PublicOptions:
        """Parse ``org.opencontainers.image.enc.pubopts``; the cipher must be ours."""
        what = f"{where}: {ANNOTATION_PUBOPTS}"
        if value is None:
            raise EncryptedLayerError(
                f"{where} has no {ANNOTATION_PUBOPTS} annotation", hint="the encrypted image is incomplete"
            )
        doc = _json_object(unb64(value, what=what), what)
        cipher = doc.get("cipher")
        if cipher != CIPHER:
            raise UnsupportedLayerError(f"{where} uses cipher {cipher!r}; hullguard supports {CIPHER}")
        nonce = _cipher_options(doc, what).get("nonce")
        return cls(
            hmac=unb64(doc.get("hmac"), what=f"{what} hmac", size=32),
            nonce=None if nonce is None else unb64(nonce, what=f"{what} nonce", size=16),
        )

    def to_annotation(self) -> str:
        """The annotation value: base64 of the JSON."""
        return b64(self.to_json())


@dataclass(frozen=True, slots=True)
class PrivateOptions:
    """What the JWE protects: the layer key, the nonce and the plaintext blob's digest."""

    symkey: bytes = field(repr=False)
    nonce: bytes | None = field(repr=False)
    digest: str = ""
    """Digest of the plaintext blob; a hint only (c/image may record a pre-compression digest)."""

    def to_json(self) -> bytes:
        """The JSON ocicrypt wraps (field order of its Go struct)."""
        options = {} if self.nonce is None else {"nonce": b64(self.nonce)}
        return _dumps({"symkey": b64(self.symkey), "digest": self.digest, "cipheroptions": options})

    @classmethod
    def from_json(cls, data: bytes, *, where: str) -> PrivateOptions:
        """Parse the unwrapped options; messages never quote the key."""
        what = f"{where}: the private options in the JWE"
        doc = _json_object(data, what)
        nonce = _cipher_options(doc, what).get("nonce")
        digest = doc.get("digest", "")
        return cls(
            symkey=unb64(doc.get("symkey"), what=f"{what} (symkey)", size=32),
            nonce=None if nonce is None else unb64(nonce, what=f"{what} (nonce)", size=16),
            digest=digest if isinstance(digest, str) else "",
        )


def other_schemes(annotations: Mapping[str, str]) -> list[str]:
    """Key-wrapping schemes other than JWE that a layer carries (for a helpful refusal)."""
    found = [name for key, name in _OTHER_SCHEMES.items() if key in annotations]
    found += [
        key.rpartition(".")[2]
        for key in annotations
        if key.startswith(f"{ENC_ANNOTATION_PREFIX}keys.provider.")
    ]
    return sorted(found)
