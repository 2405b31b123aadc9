"""Options JSON, annotations and media types exactly as ocicrypt writes and reads them."""

from __future__ import annotations

import base64
import json

import pytest

from hullguard.crypt import EncryptedLayerError, UnsupportedLayerError
from hullguard.crypt._options import (
    ANNOTATION_PUBOPTS,
    PrivateOptions,
    PublicOptions,
    decrypted_media_type,
    encrypted_media_type,
)


def test_private_options_json_is_gos_struct_order() -> None:
    options = PrivateOptions(symkey=b"k" * 32, nonce=b"n" * 16, digest="sha256:" + "a" * 64)
    text = options.to_json().decode()
    assert list(json.loads(text)) == ["symkey", "digest", "cipheroptions"]
    assert json.loads(text)["cipheroptions"] == {"nonce": base64.b64encode(b"n" * 16).decode()}
    assert " " not in text
    back = PrivateOptions.from_json(options.to_json(), where="t")
    assert (back.symkey, back.nonce, back.digest) == (options.symkey, options.nonce, options.digest)


def test_public_options_round_trip_through_the_annotation() -> None:
    public = PublicOptions(hmac=b"h" * 32)
    doc = json.loads(base64.b64decode(public.to_annotation()))
    assert doc == {
        "cipher": "AES_256_CTR_HMAC_SHA256",
        "hmac": base64.b64encode(b"h" * 32).decode(),
        "cipheroptions": {},
    }
    assert PublicOptions.from_annotation(public.to_annotation(), where="t").hmac == b"h" * 32


@pytest.mark.parametrize(
    ("value", "error", "needle"),
    [
        (None, EncryptedLayerError, ANNOTATION_PUBOPTS),
        ("%%%", EncryptedLayerError, "base64"),
        (base64.b64encode(b"[1]").decode(), EncryptedLayerError, "not a JSON object"),
        (
            base64.b64encode(b'{"cipher":"AES_128_GCM","hmac":""}').decode(),
            UnsupportedLayerError,
            "AES_128_GCM",
        ),
        (
            base64.b64encode(b'{"cipher":"AES_256_CTR_HMAC_SHA256","hmac":"AAAA"}').decode(),
            EncryptedLayerError,
            "3 bytes",
        ),
    ],
    ids=["missing", "not-base64", "not-object", "other-cipher", "short-hmac"],
)
def test_bad_public_options_are_named(value: str | None, error: type[Exception], needle: str) -> None:
    with pytest.raises(error, match=needle):
        PublicOptions.from_annotation(value, where="layer 3")


def test_short_symkey_error_does_not_quote_it() -> None:
    secret = base64.b64encode(b"s" * 31).decode()
    with pytest.raises(EncryptedLayerError) as info:
        PrivateOptions.from_json(json.dumps({"symkey": secret}).encode(), where="layer 0")
    assert secret not in str(info.value)


MEDIA = [
    ("application/vnd.oci.image.layer.v1.tar+gzip", "application/vnd.oci.image.layer.v1.tar+gzip+encrypted"),
    ("application/vnd.oci.image.layer.v1.tar", "application/vnd.oci.image.layer.v1.tar+encrypted"),
    ("application/vnd.oci.image.layer.v1.tar+zstd", "application/vnd.oci.image.layer.v1.tar+zstd+encrypted"),
    (
        "application/vnd.docker.image.rootfs.diff.tar.gzip",
        "application/vnd.oci.image.layer.v1.tar+gzip+encrypted",
    ),
    ("application/vnd.docker.image.rootfs.diff.tar", "application/vnd.oci.image.layer.v1.tar+encrypted"),
]


@pytest.mark.parametrize(
    ("plain", "encrypted"), MEDIA, ids=[p.rpartition(".")[2] + p[12:18] for p, _ in MEDIA]
)
def test_media_types_map_like_c_image(plain: str, encrypted: str) -> None:
    assert encrypted_media_type(plain, where="l") == encrypted
    assert decrypted_media_type(encrypted, where="l").endswith(encrypted.removesuffix("+encrypted")[-8:])


@pytest.mark.parametrize(
    "media_type",
    [
        "application/vnd.cncf.helm.chart.content.v1.tar+gzip",
        "application/vnd.oci.image.layer.v1.tar+gzip+encrypted",
    ],
    ids=["helm", "already-encrypted"],
)
def test_unknown_or_encrypted_layers_are_not_encrypted(media_type: str) -> None:
    with pytest.raises(UnsupportedLayerError, match="layer 2"):
        encrypted_media_type(media_type, where="layer 2")


def test_unknown_encrypted_media_type_is_refused() -> None:
    with pytest.raises(UnsupportedLayerError, match="unknown encrypted media type"):
        decrypted_media_type("application/vnd.example.blob+encrypted", where="layer 0")
