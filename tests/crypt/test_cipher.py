"""The layer cipher: AES-256-CTR from a 128-bit counter, HMAC-SHA256 over the ciphertext only."""

from __future__ import annotations

import hashlib
import hmac
import io
import os

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from hullguard.crypt import DecryptionError
from hullguard.crypt._cipher import CHUNK, DecryptingReader, LayerKey, decrypt_stream, encrypt_stream


def _ctr_by_hand(key: bytes, nonce: bytes, data: bytes) -> bytes:
    """AES-CTR written out with ECB blocks and a big-endian 128-bit counter (interop doc B3)."""
    ecb = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    counter = int.from_bytes(nonce, "big")
    out = bytearray()
    for offset in range(0, len(data), 16):
        block = ecb.update(((counter + offset // 16) % (1 << 128)).to_bytes(16, "big"))
        out += bytes(a ^ b for a, b in zip(data[offset : offset + 16], block, strict=False))
    return bytes(out)


@pytest.mark.parametrize(
    "nonce", [bytes(16), b"\xff" * 16, bytes(range(16))], ids=["zero", "wraps", "counting"]
)
def test_keystream_is_a_128_bit_counter(nonce: bytes) -> None:
    key = LayerKey(os.urandom(32), nonce)
    data = os.urandom(16 * 5 + 7)
    out = io.BytesIO()
    result = encrypt_stream(io.BytesIO(data), out, key)
    assert out.getvalue() == _ctr_by_hand(key.symkey, nonce, data)
    assert result.hmac == hmac.new(key.symkey, out.getvalue(), hashlib.sha256).digest()
    assert result.out_digest == "sha256:" + hashlib.sha256(out.getvalue()).hexdigest()


def test_round_trip_over_many_chunks_and_digests() -> None:
    key = LayerKey.generate()
    data = os.urandom(CHUNK * 2 + 12345)
    cipher = io.BytesIO()
    enc = encrypt_stream(io.BytesIO(data), cipher, key, hash_input=True)
    assert enc.in_digest == "sha256:" + hashlib.sha256(data).hexdigest()
    assert enc.in_size == enc.out_size == len(data)
    plain = io.BytesIO()
    dec = decrypt_stream(io.BytesIO(cipher.getvalue()), plain, key, enc.hmac, where="t")
    assert plain.getvalue() == data
    assert dec.out_digest == enc.in_digest


@pytest.mark.parametrize(
    "damage",
    [
        lambda c: c[:-1],
        lambda c: c[:100] + bytes([c[100] ^ 1]) + c[101:],
        lambda c: c + b"\0",
    ],
    ids=["truncated", "bit-flip", "extended"],
)
def test_damaged_ciphertext_fails_the_hmac(damage: object) -> None:
    key = LayerKey.generate()
    cipher = io.BytesIO()
    enc = encrypt_stream(io.BytesIO(os.urandom(5000)), cipher, key)
    bad = damage(cipher.getvalue())  # type: ignore[operator]
    with pytest.raises(DecryptionError, match="HMAC") as info:
        decrypt_stream(io.BytesIO(bad), io.BytesIO(), key, enc.hmac, where="layer 0")
    assert "layer 0" in str(info.value)


def test_streaming_reader_checks_the_hmac_at_the_end() -> None:
    key = LayerKey.generate()
    data = os.urandom(70000)
    cipher = io.BytesIO()
    enc = encrypt_stream(io.BytesIO(data), cipher, key)
    good = DecryptingReader(io.BytesIO(cipher.getvalue()), key, enc.hmac, where="l")
    assert good.read(1000) + good.read(-1) == data
    assert good.read(10) == b"" and good.verified
    altered = bytearray(cipher.getvalue())
    altered[-1] ^= 0x80
    bad = DecryptingReader(io.BytesIO(bytes(altered)), key, enc.hmac, where="l")
    with pytest.raises(DecryptionError):
        bad.drain()


def test_layer_key_repr_hides_the_key() -> None:
    key = LayerKey.generate()
    assert key.symkey.hex() not in repr(key) and "secret" in repr(key)
