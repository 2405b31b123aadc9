"""DSSE pre-authentication encoding (go-securesystemslib vectors), envelopes and statements."""

from __future__ import annotations

import base64
import json

import pytest

from hullguard.trust import (
    SignatureFormatError,
    build_statement,
    generate_private_key,
    pae,
    parse_envelope,
    parse_statement,
)
from hullguard.trust._dsse import sign_envelope

DIGEST = "sha256:" + "cd" * 32


@pytest.mark.parametrize(
    ("payload_type", "payload", "expected"),
    [
        (
            "http://example.com/HelloWorld",
            b"hello world",
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world",
        ),
        ("", b"", b"DSSEv1 0  0 "),
    ],
    ids=["hello-world", "empty"],
)
def test_pae_matches_the_reference_vectors(payload_type: str, payload: bytes, expected: bytes) -> None:
    assert pae(payload_type, payload) == expected


def test_pae_counts_bytes_not_characters() -> None:
    assert pae("t", "é".encode()) == b"DSSEv1 1 t 2 \xc3\xa9"


def test_envelope_round_trip_and_tamper_detection() -> None:
    key, other = generate_private_key(), generate_private_key()
    statement = build_statement(
        "127.0.0.1:5000/app", DIGEST, "https://cyclonedx.org/bom", {"bomFormat": "CycloneDX"}
    )
    envelope = parse_envelope(sign_envelope(key, statement).to_json())
    assert envelope.verified_by(key.public_key())
    assert not envelope.verified_by(other.public_key())
    document = json.loads(sign_envelope(key, statement).to_json())
    assert document["signatures"][0]["keyid"] == ""
    document["payload"] = base64.b64encode(statement.replace(b"CycloneDX", b"CycloneDY")).decode()
    assert not parse_envelope(json.dumps(document).encode()).verified_by(key.public_key())


def test_url_safe_unpadded_base64_is_accepted_when_reading() -> None:
    key = generate_private_key()
    envelope = sign_envelope(key, b'{"x":"\xff\xfe?>"}')
    document = json.loads(envelope.to_json())
    document["payload"] = base64.urlsafe_b64encode(envelope.payload).decode().rstrip("=")
    assert parse_envelope(json.dumps(document).encode()).verified_by(key.public_key())


def test_statement_v1_is_written_and_v01_is_read() -> None:
    parsed = parse_statement(build_statement("r/app", DIGEST, "https://example.com/p", {"a": 1}))
    assert parsed.statement_type == "https://in-toto.io/Statement/v1"
    assert parsed.covers(DIGEST) and not parsed.covers("sha256:" + "00" * 32)
    legacy = json.dumps(
        {
            "_type": "https://in-toto.io/Statement/v0.1",
            "subject": [{"name": "r/app", "digest": {"sha256": "cd" * 32}}],
            "predicateType": "https://cosign.sigstore.dev/attestation/v1",
            "predicate": {"Data": "x", "Timestamp": "2024-01-01T00:00:00Z"},
        }
    ).encode()
    assert parse_statement(legacy).covers(DIGEST)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"[]", "not a JSON object"),
        (b'{"payloadType":"t","payload":"e30=","signatures":[]}', "no signatures"),
        (b'{"payloadType":"t","payload":"e30=","signatures":[{"sig":5}]}', "no sig string"),
        (b'{"payloadType":"t","payload":"***","signatures":[{"sig":"AA=="}]}', "payload is not base64"),
    ],
    ids=["array", "no-signatures", "sig-not-string", "payload-not-base64"],
)
def test_malformed_envelopes_are_format_errors(data: bytes, message: str) -> None:
    with pytest.raises(SignatureFormatError, match=message):
        parse_envelope(data)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"_type": "https://example.com/x", "subject": [], "predicateType": "p"}, "unknown _type"),
        ({"_type": "https://in-toto.io/Statement/v1", "subject": [], "predicateType": "p"}, "no subject"),
        (
            {"_type": "https://in-toto.io/Statement/v1", "subject": [{"name": "x"}], "predicateType": "p"},
            "no digest",
        ),
        (
            {"_type": "https://in-toto.io/Statement/v1", "subject": [{"digest": {}}]},
            "predicateType is missing",
        ),
    ],
    ids=["type", "no-subject", "no-digest", "no-predicate-type"],
)
def test_malformed_statements_are_format_errors(document: dict[str, object], message: str) -> None:
    with pytest.raises(SignatureFormatError, match=message):
        parse_statement(json.dumps(document).encode())
