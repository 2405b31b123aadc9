"""JWE key wrapping in ocicrypt's shapes; any one recipient key unwraps; bad JWE is named."""

from __future__ import annotations

import base64
import json

import pytest

from hullguard.crypt import DecryptionError, EncryptedLayerError, load_private_key, load_recipient
from hullguard.crypt._jwe import unwrap_options, wrap_options
from tests.crypt.conftest import Keys

PAYLOAD = b'{"symkey":"c2VjcmV0","digest":"","cipheroptions":{}}'


def _header(segment: str) -> dict[str, object]:
    doc: dict[str, object] = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    return doc


def test_one_recipient_is_flattened_with_alg_and_enc_protected(keys: Keys) -> None:
    annotation = wrap_options(PAYLOAD, [load_recipient(f"jwe:{keys.ec.public}")])
    jwe = json.loads(base64.b64decode(annotation, validate=True))
    assert "recipients" not in jwe and {"protected", "encrypted_key", "iv", "ciphertext", "tag"} <= set(jwe)
    assert _header(jwe["protected"]) == {"alg": "ECDH-ES+A256KW", "enc": "A256GCM"}
    assert unwrap_options(annotation, [load_private_key(keys.ec.private)], where="l") == PAYLOAD


def test_several_recipients_share_one_general_jwe(keys: Keys) -> None:
    annotation = wrap_options(
        PAYLOAD, [load_recipient(f"jwe:{keys.rsa.public}"), load_recipient(f"jwe:{keys.ec.public}")]
    )
    jwe = json.loads(base64.b64decode(annotation))
    assert _header(jwe["protected"]) == {"enc": "A256GCM"}
    assert [r["header"]["alg"] for r in jwe["recipients"]] == ["RSA-OAEP", "ECDH-ES+A256KW"]
    for pair in (keys.rsa, keys.ec):
        assert unwrap_options(annotation, [load_private_key(pair.private)], where="l") == PAYLOAD


def test_comma_joined_entries_are_tried_in_turn(keys: Keys) -> None:
    first = wrap_options(PAYLOAD, [load_recipient(f"jwe:{keys.rsa.public}")])
    second = wrap_options(b"second", [load_recipient(f"jwe:{keys.ec.public}")])
    assert unwrap_options(f"{first},{second}", [load_private_key(keys.ec.private)], where="l") == b"second"


def test_wrong_key_names_what_was_tried(keys: Keys) -> None:
    annotation = wrap_options(PAYLOAD, [load_recipient(f"jwe:{keys.rsa.public}")])
    with pytest.raises(DecryptionError, match="none of the given private keys") as info:
        unwrap_options(annotation, [load_private_key(keys.other.private)], where="layer 1")
    assert str(keys.other.private) in str(info.value) and "layer 1" in str(info.value)


@pytest.mark.parametrize(
    ("annotation", "needle"),
    [
        (None, "no org.opencontainers.image.enc.keys.jwe"),
        ("not base64!", "not valid base64"),
        (base64.b64encode(b'{"protected": 1}').decode(), "not a valid JWE"),
        (base64.b64encode(b"a.b.c").decode(), "not a valid JWE"),
    ],
    ids=["missing", "base64", "json-shape", "compact-junk"],
)
def test_malformed_jwe_is_named(keys: Keys, annotation: str | None, needle: str) -> None:
    with pytest.raises(EncryptedLayerError, match=needle):
        unwrap_options(annotation, [load_private_key(keys.ec.private)], where="layer 0")
