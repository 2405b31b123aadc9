"""Loading the PEM keys people already have (made here by the real openssl), and writing pairs safely."""

from __future__ import annotations

import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from hullguard.trust import (
    KeyFileError,
    PassphraseError,
    PrivateKeyFormat,
    generate_private_key,
    load_private_key,
    load_public_key,
    private_key_pem,
    public_key_pem,
    write_key_pair,
)
from tests.conftest import require


def _openssl(*args: str) -> bytes:
    binary = shutil.which("openssl")
    require(binary is not None, "openssl")
    assert binary is not None
    return subprocess.run([binary, *args], check=True, capture_output=True).stdout


def _never() -> bytes:
    raise AssertionError("no passphrase should be asked for a plain key")


@pytest.mark.parametrize(
    ("command", "kind"),
    [
        (("ecparam", "-name", "prime256v1", "-genkey", "-noout"), ec.EllipticCurvePrivateKey),
        (("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"), ec.EllipticCurvePrivateKey),
        (("genrsa", "-traditional", "2048"), rsa.RSAPrivateKey),
        (("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"), rsa.RSAPrivateKey),
    ],
    ids=["sec1-ec", "pkcs8-ec", "pkcs1-rsa", "pkcs8-rsa"],
)
def test_plain_pem_keys_from_openssl_load_without_a_passphrase(command: tuple[str, ...], kind: type) -> None:
    pem = _openssl(*command)
    key = load_private_key(pem, passphrase=_never, where="openssl.pem")
    assert isinstance(key, kind)


def test_encrypted_pkcs8_needs_the_right_passphrase(tmp_path: Path) -> None:
    plain = tmp_path / "plain.pem"
    plain.write_bytes(_openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"))
    pem = _openssl("pkcs8", "-topk8", "-in", str(plain), "-passout", "pass:open sesame", "-v2", "aes-256-cbc")
    assert b"ENCRYPTED PRIVATE KEY" in pem
    assert isinstance(
        load_private_key(pem, passphrase=lambda: b"open sesame", where="k"), ec.EllipticCurvePrivateKey
    )
    with pytest.raises(PassphraseError):
        load_private_key(pem, passphrase=lambda: b"closed", where="k")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a key at all", "not a PEM key file"),
        (b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "is not a private key"),
        (b"-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n", "not valid base64"),
        (b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "not a readable PEM private key"),
    ],
    ids=["no-pem", "certificate", "bad-base64", "garbage-der"],
)
def test_unusable_private_key_files_are_one_line_errors(data: bytes, message: str) -> None:
    with pytest.raises(KeyFileError, match=message):
        load_private_key(data, passphrase=_never, where="bad.pem")


def test_small_curves_are_refused() -> None:
    pem = _openssl("ecparam", "-name", "secp224r1", "-genkey", "-noout")
    with pytest.raises(KeyFileError, match="secp224r1 is not supported"):
        load_private_key(pem, passphrase=_never, where="p224.pem")


def test_public_key_accepts_only_public_pem() -> None:
    key = generate_private_key()
    loaded = load_public_key(public_key_pem(key), where="k.pub")
    assert isinstance(loaded, ec.EllipticCurvePublicKey)
    assert loaded.public_numbers() == key.public_key().public_numbers()
    with pytest.raises(KeyFileError, match="not a public key"):
        load_public_key(private_key_pem(key, fmt=PrivateKeyFormat.PKCS8, passphrase=b""), where="k.key")


def test_key_pair_is_written_private_and_never_overwritten(tmp_path: Path) -> None:
    key = generate_private_key()
    pem = private_key_pem(key, fmt=PrivateKeyFormat.COSIGN, passphrase=b"pw")
    key_path, pub_path = write_key_pair(tmp_path / "release", pem, public_key_pem(key), overwrite=False)
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    assert pub_path.read_bytes().startswith(b"-----BEGIN PUBLIC KEY-----")
    other = generate_private_key()
    with pytest.raises(KeyFileError, match="already exists"):
        write_key_pair(tmp_path / "release", b"x", public_key_pem(other), overwrite=False)
    assert key_path.read_bytes() == pem
    assert sorted(p.name for p in tmp_path.iterdir()) == ["release.key", "release.pub"]


def test_failed_write_leaves_no_partial_files(tmp_path: Path) -> None:
    key = generate_private_key()
    missing_dir = tmp_path / "does-not-exist" / "k"
    with pytest.raises(KeyFileError, match="cannot write"):
        write_key_pair(missing_dir, b"k", public_key_pem(key), overwrite=False)
    assert list(tmp_path.iterdir()) == []
