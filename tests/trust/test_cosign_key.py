"""The cosign encrypted key format, against cosign's own test keys (passphrase ``hello``)."""

from __future__ import annotations

import base64
import json
import re

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from hullguard.trust import KeyFileError, PassphraseError, PrivateKeyFormat, load_private_key, private_key_pem
from hullguard.trust._cosign_key import is_pkcs8
from hullguard.trust._pem import armour, read_pem_block
from tests.trust.conftest import DATA


def _hello() -> bytes:
    return b"hello"


def _load(name: str, passphrase: bytes = b"hello") -> object:
    return load_private_key((DATA / name).read_bytes(), passphrase=lambda: passphrase, where=name)


@pytest.mark.parametrize(
    "name",
    ["cosign-keys-test-cosign-label.key", "cosign-keys-test-sigstore-label.key"],
    ids=["cosign", "sigstore"],
)
def test_golden_keys_decrypt_to_p256_keys_that_sign(name: str) -> None:
    # (cosign's test calls the COSIGN one an RSA key; its box holds a P-256 PKCS#8 key.)
    key = _load(name)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    assert key.curve.name == "secp256r1"
    signature = key.sign(b"payload", ec.ECDSA(hashes.SHA256()))
    key.public_key().verify(signature, b"payload", ec.ECDSA(hashes.SHA256()))


def test_golden_key_with_sec1_inside_the_box_is_refused_like_cosign_does() -> None:
    # cosign's own test expects "use ParseECPrivateKey instead": a SEC1 key, N=65536.
    with pytest.raises(KeyFileError, match="not PKCS#8"):
        _load("cosign-keys-test-sec1-inner.key")


@pytest.mark.parametrize(
    "name",
    ["cosign-keys-test-cosign-label.key", "cosign-keys-test-sigstore-label.key"],
)
def test_wrong_passphrase_is_a_clear_error(name: str) -> None:
    with pytest.raises(PassphraseError, match="wrong passphrase"):
        _load(name, b"hell0")


def _tampered(params: dict[str, object]) -> bytes:
    block = read_pem_block((DATA / "cosign-keys-test-cosign-label.key").read_bytes(), where="t")
    document = json.loads(block.body)
    document["kdf"]["params"] = params
    return armour(block.label, json.dumps(document).encode())


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"N": 1 << 30, "r": 8, "p": 1}, "N=1073741824 is not allowed"),
        ({"N": 16384, "r": 8, "p": 1}, "N=16384 is not allowed"),
        ({"N": 32768, "r": 16, "p": 1}, "kdf.params.r"),
        ({"N": 32768, "r": 8, "p": 4}, "kdf.params.p"),
        ({"N": 32768, "r": 8}, "kdf.params.p"),
    ],
    ids=["huge-N", "small-N", "r", "p", "missing-p"],
)
def test_kdf_parameters_outside_the_allow_list_are_refused_before_scrypt(
    params: dict[str, object], message: str
) -> None:
    with pytest.raises(KeyFileError, match=re.escape(message)):
        load_private_key(_tampered(params), passphrase=_hello, where="tampered.key")


def test_altered_ciphertext_fails_authentication() -> None:
    block = read_pem_block((DATA / "cosign-keys-test-sigstore-label.key").read_bytes(), where="t")
    document = json.loads(block.body)
    sealed = bytearray(base64.b64decode(document["ciphertext"]))
    sealed[-1] ^= 1
    document["ciphertext"] = base64.b64encode(bytes(sealed)).decode()
    with pytest.raises(PassphraseError):
        load_private_key(armour(block.label, json.dumps(document).encode()), passphrase=_hello, where="x")


@pytest.mark.parametrize(
    ("fmt", "label", "n"),
    [
        (PrivateKeyFormat.COSIGN, "ENCRYPTED COSIGN PRIVATE KEY", 32768),
        (PrivateKeyFormat.COSIGN_2_2, "ENCRYPTED SIGSTORE PRIVATE KEY", 65536),
    ],
)
def test_written_keys_have_the_cosign_shape_and_round_trip(fmt: PrivateKeyFormat, label: str, n: int) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    pem = private_key_pem(key, fmt=fmt, passphrase=b"s3cret")
    block = read_pem_block(pem, where="new")
    assert block.label == label
    document = json.loads(block.body)
    assert list(document) == ["kdf", "cipher", "ciphertext"]
    assert document["kdf"] == {
        "name": "scrypt",
        "params": {"N": n, "r": 8, "p": 1},
        "salt": document["kdf"]["salt"],
    }
    assert len(base64.b64decode(document["kdf"]["salt"])) == 32
    assert document["cipher"]["name"] == "nacl/secretbox"
    assert len(base64.b64decode(document["cipher"]["nonce"])) == 24
    loaded = load_private_key(pem, passphrase=lambda: b"s3cret", where="new")
    assert isinstance(loaded, ec.EllipticCurvePrivateKey)
    assert loaded.private_numbers() == key.private_numbers()


def test_errors_never_contain_key_material() -> None:
    data = (DATA / "cosign-keys-test-sigstore-label.key").read_bytes()
    body = read_pem_block(data, where="t").body
    secret_fragments = [json.loads(body)["ciphertext"][:16], json.loads(body)["kdf"]["salt"][:16]]
    with pytest.raises(PassphraseError) as caught:
        load_private_key(data, passphrase=lambda: b"wrong", where="k")
    text = f"{caught.value} {caught.value.hint}"
    assert not any(fragment in text for fragment in secret_fragments)
    assert "wrong" not in text.replace("wrong passphrase", "")


def test_pkcs8_shape_check_tells_formats_apart() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    pkcs8 = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    sec1 = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    assert is_pkcs8(pkcs8)
    assert not is_pkcs8(sec1)
    assert not is_pkcs8(b"\x30\x03\x02\x01")
