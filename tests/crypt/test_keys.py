"""Key files: every format skopeo accepts (plus SEC1), and clear refusals that never quote a key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from hullguard.crypt import KeyFileError, KeyWrapAlgorithm, load_private_key, load_recipient
from tests.crypt.conftest import Keys, _openssl

PEM = serialization.Encoding.PEM
DER = serialization.Encoding.DER
NONE = serialization.NoEncryption()


def _private_variants(tmp_path: Path, keys: Keys) -> dict[str, Path]:
    """The same keys re-encoded by openssl into every private key format."""
    out = {"pkcs8-rsa": keys.rsa.private, "pkcs8-ec": keys.ec.private}
    conversions = {
        "pkcs1-rsa": ("rsa", keys.rsa.private, ["-traditional"]),
        "sec1-ec": ("ec", keys.ec.private, []),
        "der-pkcs8-ec": ("pkey", keys.ec.private, ["-outform", "DER"]),
        "der-pkcs1-rsa": ("rsa", keys.rsa.private, ["-outform", "DER", "-traditional"]),
    }
    for name, (command, source, extra) in conversions.items():
        target = tmp_path / name
        _openssl(command, "-in", str(source), *extra, "-out", str(target))
        out[name] = target
    jwk_path = tmp_path / "jwk-ec.json"
    key = serialization.load_pem_private_key(keys.ec.private.read_bytes(), None)
    from jwcrypto.jwk import JWK  # type: ignore[import-untyped]

    jwk_path.write_text(JWK.from_pyca(key).export_private())
    out["jwk-ec"] = jwk_path
    return out


@pytest.mark.parametrize(
    "variant", ["pkcs8-rsa", "pkcs8-ec", "pkcs1-rsa", "sec1-ec", "der-pkcs8-ec", "der-pkcs1-rsa", "jwk-ec"]
)
def test_private_key_formats(tmp_path: Path, keys: Keys, variant: str) -> None:
    path = _private_variants(tmp_path, keys)[variant]
    key = load_private_key(path)
    assert key.kind == ("RSA-2048" if variant.endswith("rsa") else "EC P-256")
    if variant == "sec1-ec":
        assert b"BEGIN EC PRIVATE KEY" in path.read_bytes()
    assert str(path) in repr(key) and "kty" not in repr(key)


def test_recipient_formats(tmp_path: Path, keys: Keys) -> None:
    der = tmp_path / "ec.pub.der"
    _openssl("pkey", "-pubin", "-in", str(keys.ec.public), "-outform", "DER", "-out", str(der))
    assert load_recipient(f"jwe:{keys.rsa.public}").alg is KeyWrapAlgorithm.RSA_OAEP
    assert load_recipient(f"jwe:{keys.ec.public}").alg is KeyWrapAlgorithm.ECDH_ES_A256KW
    assert load_recipient(f"jwe:{der}").kind == "EC P-256"
    assert load_recipient(str(keys.rsa.public)).kind == "RSA-2048"


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_bad_recipients_are_refused_without_quoting(tmp_path: Path, keys: Keys) -> None:
    small = (
        rsa.generate_private_key(65537, 1024)
        .public_key()
        .public_bytes(PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    edwards = (
        ed25519.Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    k1 = (
        ec.generate_private_key(ec.SECP256K1())
        .public_key()
        .public_bytes(PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    cases = {
        "private key": (keys.ec.private, "private key"),
        "1024-bit": (_write(tmp_path, "small.pem", small), "too weak"),
        "ed25519": (_write(tmp_path, "ed.pem", edwards), "not supported"),
        "secp256k1": (_write(tmp_path, "k1.pem", k1), "secp256k1"),
        "garbage": (_write(tmp_path, "junk", b"\x00\x01junk"), "not a public key"),
        "missing": (tmp_path / "absent.pem", "no such file"),
    }
    for name, (path, needle) in cases.items():
        with pytest.raises(KeyFileError) as info:
            load_recipient(f"jwe:{path}")
        text = f"{info.value} {info.value.hint}"
        assert needle in text, name
        assert "MII" not in text, name
    with pytest.raises(KeyFileError, match="pgp scheme"):
        load_recipient("pgp:someone@example.invalid")


def test_bad_private_keys_are_refused_without_quoting(tmp_path: Path, keys: Keys) -> None:
    encrypted = tmp_path / "enc.pem"
    _openssl("pkey", "-in", str(keys.ec.private), "-aes256", "-passout", "pass:pw", "-out", str(encrypted))
    public_jwk = _write(
        tmp_path,
        "pub.jwk",
        json.dumps(
            {
                "kty": "EC",
                "crv": "P-256",
                "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
                "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
            }
        ).encode(),
    )
    cases = {
        "public key": (keys.rsa.public, "public key"),
        "passphrase": (encrypted, "passphrase"),
        "public jwk": (public_jwk, "public JWK"),
        "garbage": (
            _write(tmp_path, "junk.pem", b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
            "not a private key",
        ),
    }
    for name, (path, needle) in cases.items():
        with pytest.raises(KeyFileError) as info:
            load_private_key(path)
        assert needle in f"{info.value} {info.value.hint}", name
        assert "AAAA" not in str(info.value), name
