"""Storage interop: skopeo (use-sigstore-attachments) copies our .sig manifests intact (doc C #1)."""

from __future__ import annotations

import hashlib
import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ec

from hullguard.image._registry_client import RegistryClient
from hullguard.trust import (
    AttachmentKind,
    PolicyRule,
    TrustPolicy,
    check_signature,
    parse_sigstore_blob,
    read_attachments,
    sign_image,
    verify_with_policy,
)
from hullguard.trust._storage import ANNOTATION_SIGNATURE, MEDIA_SIMPLESIGNING
from tests.image.registry_servers import require_tool
from tests.trust.conftest import PushedImages


def _skopeo(tmp_path: Path, *args: str) -> None:
    regd = tmp_path / "registries.d"
    regd.mkdir(exist_ok=True)
    (regd / "default.yaml").write_text("default-docker:\n  use-sigstore-attachments: true\n")
    (tmp_path / "policy-any.json").write_text('{"default":[{"type":"insecureAcceptAnything"}]}')
    command = [
        require_tool("skopeo"),
        "--policy",
        str(tmp_path / "policy-any.json"),
        "--registries.d",
        str(regd),
        "copy",
        "-q",
        "--src-tls-verify=false",
        *args,
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_skopeo_copies_our_signatures_and_we_verify_the_copies(
    pushed_images: PushedImages,
    client: RegistryClient,
    signing_key: ec.EllipticCurvePrivateKey,
    tmp_path: Path,
) -> None:
    source = pushed_images.ref("app:v1")
    annotations = {"pipeline": "interop"}
    sign_image(client, source, signing_key, annotations=annotations)
    (ours,) = read_attachments(
        client, source, pushed_images.layout.amd64.manifest_digest, AttachmentKind.SIGNATURE
    )
    assert ours.content is not None

    # 1. registry -> another repository of the registry
    copy = pushed_images.ref("copy:v1")
    _skopeo(tmp_path, "--dest-tls-verify=false", f"docker://{source}", f"docker://{copy}")
    assert client.get_manifest(copy).digest == pushed_images.layout.amd64.manifest_digest
    (theirs,) = read_attachments(
        client, copy, pushed_images.layout.amd64.manifest_digest, AttachmentKind.SIGNATURE
    )
    assert (theirs.media_type, theirs.digest, theirs.content) == (ours.media_type, ours.digest, ours.content)
    assert theirs.annotations == ours.annotations

    # 2. registry -> dir: signature-1 is "\0sigstore-json\n" + JSON with our payload and annotations
    _skopeo(tmp_path, f"docker://{source}", f"dir:{tmp_path / 'out'}")
    raw = (tmp_path / "out" / "signature-1").read_bytes()
    assert raw.startswith(b"\x00sigstore-json\n")
    blob = parse_sigstore_blob(raw)
    assert json.loads(raw[len(b"\x00sigstore-json\n") :])["mimeType"] == MEDIA_SIMPLESIGNING
    assert blob.payload == ours.content
    assert dict(blob.annotations) == dict(ours.annotations)
    assert not (tmp_path / "out" / "signature-2").exists()
    manifest_digest = (
        "sha256:" + hashlib.sha256((tmp_path / "out" / "manifest.json").read_bytes()).hexdigest()
    )
    offline = check_signature(
        blob.payload,
        blob.annotations[ANNOTATION_SIGNATURE],
        [signing_key.public_key()],
        manifest_digest=manifest_digest,
        repository=source.name,
    )
    assert offline.accepted, offline.reasons

    # 3. verify the registry copy: by default the signed identity must be the copy's repository
    keys = (signing_key.public_key(),)
    strict = TrustPolicy((PolicyRule(("*",), keys=keys),))
    denied = verify_with_policy(client, copy, strict, now=datetime.now(UTC))
    assert not denied.allowed
    assert any(f"signed identity '{source.name}'" in r for r in denied.reasons)
    remapped = TrustPolicy((PolicyRule(("*",), keys=keys, signed_identity=source.name),))
    assert verify_with_policy(client, copy, remapped, now=datetime.now(UTC)).allowed
