"""Time ``hullguard verify`` of a cosign-signed image in the local registry (issue 7: < 0.3 s).

Self-contained: builds a small OCI image, pushes it with skopeo to the registry (default
127.0.0.1:5000, or ``HULLGUARD_TEST_REGISTRY``), generates a key, signs the image (plus a second
signature by another key and an SBOM-sized attestation, so verify reads more than one layer),
then measures

* library: ``verify_with_policy`` with a fresh ``RegistryClient`` per run (connection, /v2/ ping,
  manifest, .sig manifest, signature blobs, ECDSA) — the cost admission control would pay;
* CLI wall: the ``hullguard verify --key`` process from exec to exit (interpreter start-up
  and imports included).

No peer runs here: cosign is not installed, and Debian's skopeo has sigstore verification
patched out (interop doc section 0), so there is nothing to compare ratios against.

    .venv/bin/python bench/bench_verify.py [--runs 20] [--write /tmp/hg-notes/trust-bench.md]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import os
import secrets
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from hullguard.image._reference import parse_reference
from hullguard.image._registry_client import RegistryClient
from hullguard.trust import (
    AttestationRequirement,
    PolicyRule,
    PrivateKeyFormat,
    TrustPolicy,
    attest_digest,
    generate_private_key,
    private_key_pem,
    public_key_pem,
    sign_image,
    verify_with_policy,
)

BIN = Path(sys.executable).parent


def _blob(root: Path, data: bytes) -> dict[str, object]:
    digest = hashlib.sha256(data).hexdigest()
    (root / "blobs" / "sha256" / digest).write_bytes(data)
    return {"digest": f"sha256:{digest}", "size": len(data)}


def _layout(root: Path) -> None:
    """A one-layer OCI image (unique content, so every run pushes a fresh digest)."""
    (root / "blobs" / "sha256").mkdir(parents=True)
    tar_bytes = io.BytesIO()
    with tarfile.open(fileobj=tar_bytes, mode="w") as tar:
        data = secrets.token_bytes(64) + b"\n"
        info = tarfile.TarInfo("etc/bench")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    raw = tar_bytes.getvalue()
    config = json.dumps(
        {
            "architecture": "amd64",
            "os": "linux",
            "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(raw).hexdigest()]},
        }
    ).encode()
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", **_blob(root, config)},
            "layers": [
                {
                    "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                    **_blob(root, gzip.compress(raw)),
                }
            ],
        }
    ).encode()
    entry = {
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        **_blob(root, manifest),
        "annotations": {"org.opencontainers.image.ref.name": "bench"},
    }
    (root / "index.json").write_text(json.dumps({"schemaVersion": 2, "manifests": [entry]}))
    (root / "oci-layout").write_text('{"imageLayoutVersion": "1.0.0"}')


def _median_ms(samples: list[float]) -> str:
    low, high = min(samples) * 1000, max(samples) * 1000
    return f"{statistics.median(samples) * 1000:.0f} ms (min {low:.0f}, max {high:.0f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()
    registry = os.environ.get("HULLGUARD_TEST_REGISTRY", "127.0.0.1:5000")
    image = f"{registry}/hullguard-bench/verify-{secrets.token_hex(3)}:v1"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        _layout(work / "oci")
        subprocess.run(
            [
                "skopeo",
                "--insecure-policy",
                "copy",
                "-q",
                "--dest-tls-verify=false",
                f"oci:{work / 'oci'}:bench",
                f"docker://{image}",
            ],
            check=True,
        )
        key, other = generate_private_key(), generate_private_key()
        (work / "k.key").write_bytes(private_key_pem(key, fmt=PrivateKeyFormat.PKCS8, passphrase=b""))
        (work / "k.pub").write_bytes(public_key_pem(key))
        ref = parse_reference(image)
        with RegistryClient() as client:
            sign_image(client, ref, other)
            signed = sign_image(client, ref, key)[0]
            predicate = {
                "bomFormat": "CycloneDX",
                "components": [{"name": f"pkg{i}", "version": "1"} for i in range(2000)],
            }
            attest_digest(
                client,
                ref,
                signed.digest,
                key,
                predicate_type="https://cyclonedx.org/bom",
                predicate=predicate,
            )
        policy = TrustPolicy((PolicyRule(("*",), keys=(key.public_key(),)),))
        sbom = AttestationRequirement("sbom", "https://cyclonedx.org/bom")
        with_att = TrustPolicy((PolicyRule(("*",), keys=(key.public_key(),), attestations=(sbom,)),))
        library: list[float] = []
        library_att: list[float] = []
        for _ in range(args.runs):
            for bucket, chosen in ((library, policy), (library_att, with_att)):
                started = time.perf_counter()
                with RegistryClient() as client:
                    decision = verify_with_policy(client, ref, chosen, now=datetime.now(UTC))
                bucket.append(time.perf_counter() - started)
                assert decision.allowed, decision.reasons
        cli: list[float] = []
        command = [str(BIN / "hullguard"), "verify", "--key", str(work / "k.pub"), image]
        for _ in range(max(5, args.runs // 2)):
            started = time.perf_counter()
            done = subprocess.run(command, capture_output=True, check=False)
            cli.append(time.perf_counter() - started)
            assert done.returncode == 0, done.stderr.decode()
        startup: list[float] = []
        for _ in range(5):
            started = time.perf_counter()
            subprocess.run([str(BIN / "hullguard"), "version"], capture_output=True, check=True)
            startup.append(time.perf_counter() - started)
    lines = [
        "# hullguard verify benchmark (issue 7: verify of a signed image from the local registry < 0.3 s)",
        "",
        f"Command: `.venv/bin/python bench/bench_verify.py --runs {args.runs}`"
        f" on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average {os.getloadavg()[0]:.1f} on 2 cores,",
        f"registry {registry} (docker-registry, plain HTTP on loopback); image with 2 signatures in .sig",
        "(one by another key), one ~100 KB CycloneDX attestation in .att. Medians of the runs.",
        "",
        "| what | median |",
        "|---|---|",
        f"| library: verify_with_policy, signatures only (fresh client) | {_median_ms(library)} |",
        f"| library: signatures + sbom attestation | {_median_ms(library_att)} |",
        f"| CLI wall: `hullguard verify --key k.pub IMAGE` | {_median_ms(cli)} |",
        f"| CLI start-up alone: `hullguard version` | {_median_ms(startup)} |",
        "",
        "No peer: cosign is not installed and Debian's skopeo cannot verify sigstore signatures.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        args.write.write_text(text)


if __name__ == "__main__":
    main()
