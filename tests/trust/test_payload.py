"""The simple-signing payload: our writer's bytes and c/image's strict reading rules."""

from __future__ import annotations

import json

import pytest

from hullguard.trust import SignatureFormatError, build_payload, parse_payload

DIGEST = "sha256:" + "ab" * 32


def test_payload_is_compact_sorted_and_null_optional_without_annotations() -> None:
    assert build_payload("127.0.0.1:5000/app", DIGEST) == (
        b'{"critical":{"identity":{"docker-reference":"127.0.0.1:5000/app"},'
        b'"image":{"docker-manifest-digest":"' + DIGEST.encode() + b'"},'
        b'"type":"cosign container image signature"},"optional":null}'
    )


def test_annotations_go_to_optional_escaped_like_go() -> None:
    payload = build_payload("r/app", DIGEST, annotations={"z": "1", "a": "<b>&"})
    assert payload.endswith(b'"optional":{"a":"\\u003cb\\u003e\\u0026","z":"1"}}')
    assert parse_payload(payload).optional == {"a": "<b>&", "z": "1"}


def _doc(**changes: object) -> bytes:
    document: dict[str, object] = json.loads(build_payload("r/app", DIGEST, annotations={"k": "v"}))
    critical = document["critical"]
    assert isinstance(critical, dict)
    for path, value in changes.items():
        target: dict[str, object] = document
        *parents, last = path.split("__")
        for part in parents:
            child = target[part]
            assert isinstance(child, dict)
            target = child
        if value is _DELETE:
            del target[last]
        else:
            target[last] = value
    return json.dumps(document).encode()


_DELETE = object()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_doc(extra=1), "the document has the wrong keys"),
        (_doc(optional=_DELETE), "missing ['optional']"),
        (_doc(critical__extra="x"), "critical has the wrong keys"),
        (_doc(critical__image__extra="x"), "critical.image has the wrong keys"),
        (_doc(critical__identity__extra="x"), "critical.identity has the wrong keys"),
        (_doc(critical__type="atomic container signature"), "expected 'cosign container image signature'"),
        (_doc(critical__image__docker_manifest_digest=1), "critical.image has the wrong keys"),
        (_doc(optional=[1]), "optional is neither null nor an object"),
        (_doc(optional={"timestamp": 1.5}), "timestamp is not an integer"),
        (_doc(optional={"timestamp": True}), "timestamp is not an integer"),
        (_doc(critical="x"), "critical is not a JSON object"),
        (b'{"critical":{},"critical":{},"optional":null}', "duplicate key"),
        (b"[1]", "the document is not a JSON object"),
        (b"{not json", "not valid JSON"),
        (b'{"critical":NaN,"optional":null}', "not valid JSON"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_strict_parse_refuses_what_c_image_refuses(data: bytes, message: str) -> None:
    with pytest.raises(SignatureFormatError, match=None) as caught:
        parse_payload(data)
    assert message in caught.value.message


def test_integral_float_timestamp_and_unknown_optional_keys_are_accepted() -> None:
    parsed = parse_payload(_doc(optional={"timestamp": 1700000000.0, "creator": "x", "other": [1]}))
    assert parsed.timestamp == 1700000000
    assert parsed.docker_reference == "r/app"
    assert parsed.manifest_digest == DIGEST
