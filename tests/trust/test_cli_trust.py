"""The trust commands end to end: keys with passphrases from the environment, sign, attest, verify."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from hullguard.image._registry_client import RegistryClient
from hullguard.trust import load_private_key, read_attachments
from hullguard.trust._storage import AttachmentKind
from hullguard.vulndb import VulnStore, db_path_in
from tests.trust.conftest import PushedImages

PASSWORD = "correct horse battery staple"


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    monkeypatch.setenv("HULLGUARD_PASSWORD", PASSWORD)
    monkeypatch.setenv("HULLGUARD_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "no-docker-config"))
    return CliRunner()


@pytest.fixture
def keys(runner: CliRunner, trust_app: typer.Typer, tmp_path: Path) -> Path:
    result = runner.invoke(trust_app, ["key", "generate", "--output", str(tmp_path / "release")])
    assert result.exit_code == 0, result.output
    return tmp_path / "release"


def test_key_generate_writes_an_encrypted_cosign_pair(keys: Path) -> None:
    private = keys.with_suffix(".key").read_bytes()
    assert private.startswith(b"-----BEGIN ENCRYPTED COSIGN PRIVATE KEY-----")
    assert stat.S_IMODE(keys.with_suffix(".key").stat().st_mode) == 0o600
    assert keys.with_suffix(".pub").read_bytes().startswith(b"-----BEGIN PUBLIC KEY-----")
    load_private_key(private, passphrase=PASSWORD.encode, where="k")
    assert PASSWORD.encode() not in private


def test_key_generate_refuses_to_overwrite_without_force(
    runner: CliRunner, trust_app: typer.Typer, keys: Path
) -> None:
    before = keys.with_suffix(".key").read_bytes()
    result = runner.invoke(trust_app, ["key", "generate", "--output", str(keys)])
    assert result.exit_code == 2
    assert "already exists" in result.output
    assert keys.with_suffix(".key").read_bytes() == before
    forced = runner.invoke(trust_app, ["key", "generate", "--output", str(keys), "--force"])
    assert forced.exit_code == 0
    assert keys.with_suffix(".key").read_bytes() != before


def test_passphrase_file_is_read_and_prompt_confirms(
    runner: CliRunner, trust_app: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HULLGUARD_PASSWORD")
    (tmp_path / "pw").write_text("from-a-file\nsecond line ignored\n")
    monkeypatch.setenv("HULLGUARD_PASSWORD_FILE", str(tmp_path / "pw"))
    result = runner.invoke(
        trust_app, ["key", "generate", "-o", str(tmp_path / "f"), "--format", "cosign-2.2"]
    )
    assert result.exit_code == 0, result.output
    data = (tmp_path / "f.key").read_bytes()
    assert data.startswith(b"-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----")
    load_private_key(data, passphrase=lambda: b"from-a-file", where="f")
    monkeypatch.delenv("HULLGUARD_PASSWORD_FILE")
    prompted = runner.invoke(
        trust_app, ["key", "generate", "-o", str(tmp_path / "p")], input="typed\ntyped\n"
    )
    assert prompted.exit_code == 0, prompted.output
    assert "typed" not in prompted.output
    load_private_key((tmp_path / "p.key").read_bytes(), passphrase=lambda: b"typed", where="p")


def test_key_import_and_export_public(
    runner: CliRunner, trust_app: typer.Typer, keys: Path, tmp_path: Path
) -> None:
    exported = runner.invoke(trust_app, ["key", "export-public", str(keys.with_suffix(".key"))])
    assert exported.exit_code == 0
    assert exported.stdout.encode() == keys.with_suffix(".pub").read_bytes()
    plain = tmp_path / "plain"
    assert runner.invoke(trust_app, ["key", "generate", "-o", str(plain), "--format", "pkcs8"]).exit_code == 0
    assert (plain.with_suffix(".key")).read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    imported = runner.invoke(
        trust_app, ["key", "import", str(plain.with_suffix(".key")), "-o", str(tmp_path / "imp")]
    )
    assert imported.exit_code == 0, imported.output
    assert (tmp_path / "imp.pub").read_bytes() == plain.with_suffix(".pub").read_bytes()


def test_wrong_passphrase_is_exit_2_without_key_material(
    runner: CliRunner, trust_app: typer.Typer, keys: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HULLGUARD_PASSWORD", "nope")
    result = runner.invoke(trust_app, ["key", "export-public", str(keys.with_suffix(".key"))])
    assert result.exit_code == 2
    assert "wrong passphrase" in result.output
    assert "ciphertext" not in result.output and "Traceback" not in result.output


def test_sign_then_verify_gates_with_exit_codes_and_json(
    runner: CliRunner, trust_app: typer.Typer, keys: Path, pushed_images: PushedImages, tmp_path: Path
) -> None:
    image = pushed_images.text("app:v1")
    pub = str(keys.with_suffix(".pub"))
    unsigned = runner.invoke(trust_app, ["verify", "--key", pub, image])
    assert unsigned.exit_code == 1
    assert "DENIED" in unsigned.stdout and "no signatures" in unsigned.stdout
    signed = runner.invoke(
        trust_app, ["sign", "--key", str(keys.with_suffix(".key")), "-a", "build=7", image]
    )
    assert signed.exit_code == 0, signed.output
    digest = pushed_images.layout.amd64.manifest_digest
    assert digest in signed.stdout
    verified = runner.invoke(trust_app, ["verify", "--key", pub, "--format", "json", image])
    assert verified.exit_code == 0, verified.output
    document = json.loads(verified.stdout)
    assert document["allowed"] is True and document["digest"] == digest
    assert document["signatures"][0]["annotations"] == {"build": "7"}
    runner.invoke(trust_app, ["key", "generate", "-o", str(tmp_path / "stranger")])
    stranger = runner.invoke(trust_app, ["verify", "--key", str(tmp_path / "stranger.pub"), image])
    assert stranger.exit_code == 1
    assert "does not verify with any trusted key" in stranger.stdout


def test_attest_custom_and_generated_sbom_and_vuln_then_verify(
    runner: CliRunner, trust_app: typer.Typer, keys: Path, pushed_images: PushedImages, tmp_path: Path
) -> None:
    image = pushed_images.text("app:v1")
    key, pub = str(keys.with_suffix(".key")), str(keys.with_suffix(".pub"))
    (tmp_path / "note.txt").write_text("reviewed by ops")
    assert runner.invoke(trust_app, ["sign", "--key", key, image]).exit_code == 0
    custom = runner.invoke(
        trust_app,
        ["attest", "--key", key, "--type", "custom", "--predicate", str(tmp_path / "note.txt"), image],
    )
    assert custom.exit_code == 0, custom.output
    sbom = runner.invoke(trust_app, ["attest", "--key", key, "--type", "sbom", image])
    assert sbom.exit_code == 0, sbom.output
    db = db_path_in(tmp_path / "cache")
    db.parent.mkdir(parents=True, exist_ok=True)
    VulnStore.create(db).close()
    vuln = runner.invoke(trust_app, ["attest", "--key", key, "--type", "vuln", image])
    assert vuln.exit_code == 0, vuln.output
    checked = runner.invoke(
        trust_app,
        ["verify", "--key", pub, "--attestation", "sbom", "--attestation", "vuln", "-f", "json", image],
    )
    assert checked.exit_code == 0, checked.output
    document = json.loads(checked.stdout)
    types = sorted(a["predicate_type"] for a in document["attestations"] if a["accepted"])
    assert types == [
        "https://cosign.sigstore.dev/attestation/v1",
        "https://cosign.sigstore.dev/attestation/vuln/v1",
        "https://cyclonedx.org/bom",
    ]
    missing = runner.invoke(trust_app, ["verify", "--key", pub, "--attestation", "spdx", image])
    assert missing.exit_code == 1
    assert "no valid spdx attestation" in missing.stdout


def test_attestation_layers_are_stored_as_cosign_stores_them(
    runner: CliRunner, trust_app: typer.Typer, keys: Path, pushed_images: PushedImages, tmp_path: Path
) -> None:
    (tmp_path / "p.json").write_text('{"reviewed": true}')
    image = pushed_images.text("app:v1")
    result = runner.invoke(
        trust_app,
        [
            "attest",
            "--key",
            str(keys.with_suffix(".key")),
            "--type",
            "https://example.com/review/v1",
            "--predicate",
            str(tmp_path / "p.json"),
            image,
        ],
    )
    assert result.exit_code == 0, result.output
    with RegistryClient() as client:
        (layer,) = read_attachments(
            client,
            pushed_images.ref("app:v1"),
            pushed_images.layout.amd64.manifest_digest,
            AttachmentKind.ATTESTATION,
        )
    assert layer.media_type == "application/vnd.dsse.envelope.v1+json"
    assert layer.annotations == {
        "dev.cosignproject.cosign/signature": "",
        "predicateType": "https://example.com/review/v1",
    }
    envelope = json.loads(layer.content or b"")
    assert envelope["payloadType"] == "application/vnd.in-toto+json"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sign", "--key", "/nonexistent.key", "127.0.0.1:5000/x:1"], "/nonexistent.key"),
        (["verify", "127.0.0.1:5000/x:1"], "give either --key/--gpg-key or --policy"),
        (["sign", "--key", "/dev/null", "oci-layout:/tmp/x"], "signatures live in a registry"),
        (
            ["attest", "--key", "/dev/null", "--type", "nope", "127.0.0.1:5000/x:1"],
            "unknown attestation type",
        ),
    ],
    ids=["missing-key", "no-key-or-policy", "not-a-registry", "bad-type"],
)
def test_bad_command_lines_are_one_line_errors(
    runner: CliRunner, trust_app: typer.Typer, args: list[str], message: str
) -> None:
    result = runner.invoke(trust_app, args)
    assert result.exit_code in (2, 3)
    assert message in result.output
    assert "Traceback" not in result.output


def test_verify_with_a_policy_file_allows_and_denies(
    runner: CliRunner, trust_app: typer.Typer, keys: Path, pushed_images: PushedImages, tmp_path: Path
) -> None:
    image = pushed_images.text("app:v1")
    policy = tmp_path / "trust.yaml"
    policy.write_text(
        f"version: 1\nrules:\n  - match: '{pushed_images.registry.address}/{pushed_images.repo}/*'\n"
        f"    keys: [{keys.with_suffix('.pub').name}]\n    attestations: [{{type: sbom, max_age: 1h}}]\n"
    )
    denied = runner.invoke(trust_app, ["verify", "--policy", str(policy), image])
    assert denied.exit_code == 1
    assert "the image has no signatures" in denied.stdout
    assert "no valid sbom attestation" in denied.stdout
    key = str(keys.with_suffix(".key"))
    assert runner.invoke(trust_app, ["sign", "--key", key, image]).exit_code == 0
    assert runner.invoke(trust_app, ["attest", "--key", key, "--type", "sbom", image]).exit_code == 0
    allowed = runner.invoke(trust_app, ["verify", "--policy", str(policy), image])
    assert allowed.exit_code == 0, allowed.stdout
    assert allowed.stdout.startswith("ALLOWED")
    policy.write_text("rules:\n  - match: '*'\n    keyz: []\n")
    broken = runner.invoke(trust_app, ["verify", "--policy", str(policy), image])
    assert broken.exit_code == 2
    assert "rules.0.keyz: Extra inputs are not permitted" in broken.output
