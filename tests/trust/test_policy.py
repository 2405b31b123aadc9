"""The trust policy: file validation, rule choice, signatures, attestation age, attested scan rules."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from hullguard.image._reference import parse_reference
from hullguard.trust import (
    Attachment,
    Evidence,
    TrustError,
    TrustPolicy,
    build_payload,
    build_statement,
    evaluate,
    parse_policy,
    public_key_pem,
    vuln_predicate,
)
from hullguard.trust._crypto import sign_message
from hullguard.trust._dsse import sign_envelope
from hullguard.trust._storage import ANNOTATION_SIGNATURE, MEDIA_DSSE, MEDIA_SIMPLESIGNING, NewLayer

IMAGE = parse_reference("127.0.0.1:5000/team/app:1")
DIGEST = "sha256:" + "12" * 32
NOW = datetime(2025, 6, 1, tzinfo=UTC)


def _stored(layer: NewLayer) -> Attachment:
    return Attachment(
        layer.media_type, layer.digest, len(layer.content), dict(layer.annotations), layer.content
    )


def _signature(
    key: ec.EllipticCurvePrivateKey, repository: str = IMAGE.name, digest: str = DIGEST
) -> Attachment:
    payload = build_payload(repository, digest)
    sig = base64.b64encode(sign_message(key, payload)).decode()
    return _stored(NewLayer(MEDIA_SIMPLESIGNING, payload, {ANNOTATION_SIGNATURE: sig}))


def _attestation(
    key: ec.EllipticCurvePrivateKey, predicate_type: str, predicate: object, digest: str = DIGEST
) -> Attachment:
    statement = build_statement(IMAGE.name, digest, predicate_type, predicate)
    envelope = sign_envelope(key, statement).to_json()
    return _stored(
        NewLayer(MEDIA_DSSE, envelope, {ANNOTATION_SIGNATURE: "", "predicateType": predicate_type})
    )


def _scan(findings: list[dict[str, object]], finished: datetime) -> object:
    report = {"schemaVersion": "1.1", "results": [{"target": "x", "vulnerabilities": findings}]}
    return vuln_predicate(
        report, scanner_version="0.1.0", db_version="t", started=finished, finished=finished
    )


def _finding(vuln_id: str, severity: str, fixed: list[str]) -> dict[str, object]:
    return {"id": vuln_id, "severity": severity, "fixed_versions": fixed, "package": {"name": "openssl"}}


@pytest.fixture
def key_file(tmp_path: Path, signing_key: ec.EllipticCurvePrivateKey) -> Path:
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "release.pub").write_bytes(public_key_pem(signing_key))
    return tmp_path / "keys" / "release.pub"


def _policy(tmp_path: Path, text: str) -> TrustPolicy:
    return parse_policy(text.encode(), base_dir=tmp_path, where="trust.yaml")


POLICY = """
version: 1
rules:
  - match: "127.0.0.1:5000/team/*"
    keys: [keys/release.pub]
    attestations:
      - type: vuln
        max_age: 7d
    vulnerabilities:
      deny_fixable: [critical]
  - match: ["127.0.0.1:5000/public/*"]
    reject_unsigned: false
"""


def test_signed_fresh_and_clean_image_is_allowed(
    tmp_path: Path, key_file: Path, signing_key: ec.EllipticCurvePrivateKey
) -> None:
    policy = _policy(tmp_path, POLICY)
    scan = _scan([_finding("CVE-1", "CRITICAL", [])], NOW - timedelta(days=1))
    evidence = Evidence(
        IMAGE,
        DIGEST,
        (_signature(signing_key),),
        (_attestation(signing_key, "https://cosign.sigstore.dev/attestation/vuln/v1", scan),),
    )
    decision = evaluate(policy, evidence, now=NOW)
    assert decision.allowed, decision.reasons
    assert decision.rule == "rules[0] (127.0.0.1:5000/team/*)"


def test_every_reason_is_reported_at_once(
    tmp_path: Path,
    key_file: Path,
    signing_key: ec.EllipticCurvePrivateKey,
    other_key: ec.EllipticCurvePrivateKey,
) -> None:
    policy = _policy(tmp_path, POLICY)
    old_scan = _scan(
        [_finding("CVE-9", "CRITICAL", ["1.2"]), _finding("CVE-8", "HIGH", ["1.1"])], NOW - timedelta(days=30)
    )
    evidence = Evidence(
        IMAGE,
        DIGEST,
        (_signature(other_key), _signature(signing_key, repository="127.0.0.1:5000/team/other")),
        (_attestation(signing_key, "https://cosign.sigstore.dev/attestation/vuln/v1", old_scan),),
    )
    decision = evaluate(policy, evidence, now=NOW)
    assert not decision.allowed
    text = "\n".join(decision.reasons)
    assert "no signature is accepted" in text
    assert "does not verify with any trusted key" in text
    assert "another repository" in text
    assert "30.0 days old, over 7.0 days" in text
    assert "CVE-9 (CRITICAL) in openssl, fixed in 1.2" in text
    assert "CVE-8" not in text


def test_attestation_for_another_digest_or_by_another_key_does_not_count(
    tmp_path: Path,
    key_file: Path,
    signing_key: ec.EllipticCurvePrivateKey,
    other_key: ec.EllipticCurvePrivateKey,
) -> None:
    policy = _policy(tmp_path, POLICY)
    scan = _scan([], NOW)
    evidence = Evidence(
        IMAGE,
        DIGEST,
        (_signature(signing_key),),
        (
            _attestation(
                signing_key,
                "https://cosign.sigstore.dev/attestation/vuln/v1",
                scan,
                digest="sha256:" + "34" * 32,
            ),
            _attestation(other_key, "https://cosign.sigstore.dev/attestation/vuln/v1", scan),
        ),
    )
    decision = evaluate(policy, evidence, now=NOW)
    assert not decision.allowed
    assert "no valid vuln attestation (https://cosign.sigstore.dev/attestation/vuln/v1)" in decision.reasons
    assert any("no subject of the statement names the image digest" in r for r in decision.reasons)
    assert any("does not verify with any trusted key" in r for r in decision.reasons)


def test_unmatched_images_follow_the_default_and_optional_signing_allows_unsigned(
    tmp_path: Path, key_file: Path
) -> None:
    policy = _policy(tmp_path, POLICY)
    elsewhere = parse_reference("quay.io/x/y:1")
    denied = evaluate(policy, Evidence(elsewhere, DIGEST), now=NOW)
    assert not denied.allowed and denied.reasons == ("no rule matches quay.io/x/y; the default is reject",)
    public = evaluate(policy, Evidence(parse_reference("127.0.0.1:5000/public/tool:1"), DIGEST), now=NOW)
    assert public.allowed


def test_inline_keys_are_accepted(tmp_path: Path, signing_key: ec.EllipticCurvePrivateKey) -> None:
    pem = public_key_pem(signing_key).decode()
    indented = "\n".join("        " + line for line in pem.splitlines())
    policy = _policy(tmp_path, f"rules:\n  - match: '*'\n    keys:\n      - |\n{indented}\n")
    assert evaluate(policy, Evidence(IMAGE, DIGEST, (_signature(signing_key),)), now=NOW).allowed


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rules: [\n", "not valid YAML at line"),
        ("version: 2\n", "version"),
        ("rules:\n  - match: '*'\n    kees: [a.pub]\n", "rules.0.kees: Extra inputs are not permitted"),
        ("rules:\n  - match: '*'\n    keys: [missing.pub]\n", "missing.pub"),
        ("rules:\n  - match: '*'\n", "names no keys"),
        (
            "rules:\n  - match: '*'\n    keys: [keys/release.pub]\n"
            "    attestations: [{type: vuln, max_age: soon}]\n",
            "30m, 12h, 7d",
        ),
        (
            "rules:\n  - match: '*'\n    keys: [keys/release.pub]\n    vulnerabilities: {deny: [TERRIBLE]}\n",
            "unknown severities",
        ),
        (
            "rules:\n  - match: '*'\n    keys: [keys/release.pub]\n    attestations: [{type: nonsense}]\n",
            "unknown attestation type",
        ),
        ("rules:\n  - match: '*'\n    gpg_fingerprints: [ABCD]\n", "no gpg_keys"),
    ],
    ids=[
        "yaml",
        "version",
        "typo",
        "missing-key",
        "no-keys",
        "duration",
        "severity",
        "type",
        "fpr-without-key",
    ],
)
def test_bad_policy_files_give_clear_errors(tmp_path: Path, key_file: Path, text: str, message: str) -> None:
    with pytest.raises(TrustError) as caught:
        _policy(tmp_path, text)
    assert message in str(caught.value)


def test_vuln_rule_without_a_readable_report_denies(
    tmp_path: Path, key_file: Path, signing_key: ec.EllipticCurvePrivateKey
) -> None:
    policy = _policy(tmp_path, POLICY)
    unreadable = {"scanner": {"result": "not a report"}, "metadata": {"scanFinishedOn": NOW.isoformat()}}
    evidence = Evidence(
        IMAGE,
        DIGEST,
        (_signature(signing_key),),
        (_attestation(signing_key, "https://cosign.sigstore.dev/attestation/vuln/v1", unreadable),),
    )
    decision = evaluate(policy, evidence, now=NOW)
    assert not decision.allowed
    assert any("holds no readable hullguard scan report" in r for r in decision.reasons)
    json.dumps(decision.to_dict())
