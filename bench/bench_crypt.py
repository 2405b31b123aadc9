"""Layer encryption throughput: hullguard vs raw AES-256-CTR + HMAC-SHA256, and vs skopeo.

Measures, over one incompressible blob of ``--size-mib`` MiB (what a compressed layer looks like):
- raw: one thread, in memory, AES-CTR then HMAC over 4 MiB chunks: the floor any
  implementation of ocicrypt's cipher must pay (no I/O, no digests);
- stream encrypt/decrypt: ``hullguard.crypt._cipher`` file to file, with the ciphertext HMAC and
  the output's sha256 (what a registry or layout needs), decrypt checking the HMAC;
- image encrypt/decrypt: ``encrypt_image``/``decrypt_image`` between OCI layouts holding one
  uncompressed-tar layer of that size (digest checks, JWE, staging, atomic commit);
- skopeo 1.9.3 doing the same two image copies (``oci:`` to ``oci:``), when on PATH.

    .venv/bin/python bench/bench_crypt.py [--size-mib 256] [--repeat 3] [--write /tmp/hg-notes/crypt-bench.md]
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from hullguard.crypt import (
    DecryptionKey,
    Recipient,
    decrypt_image,
    encrypt_image,
    private_key_from_bytes,
    recipient_from_bytes,
)
from hullguard.crypt._cipher import LayerKey, decrypt_stream, encrypt_stream
from hullguard.image import SourceOptions

CHUNK = 4 << 20


def _time(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def _measure(variants: list[tuple[str, Callable[[], object]]], repeat: int) -> list[tuple[str, float, float]]:
    """Run the variants in turn, ``repeat`` rounds: (name, best seconds, median ratio to the first).

    Interleaving and per-round ratios keep the load of a shared machine from favouring one side.
    """
    times: dict[str, list[float]] = {name: [] for name, _ in variants}
    for _ in range(repeat):
        for name, work in variants:
            times[name].append(_time(work))
    base = times[variants[0][0]]
    return [
        (name, min(times[name]), statistics.median(t / b for t, b in zip(times[name], base, strict=True)))
        for name, _ in variants
    ]


def _raw(data: bytes, key: LayerKey) -> None:
    encryptor = Cipher(algorithms.AES256(key.symkey), modes.CTR(key.nonce)).encryptor()
    mac = hmac.new(key.symkey, digestmod=hashlib.sha256)
    view = memoryview(data)
    for offset in range(0, len(data), CHUNK):
        mac.update(encryptor.update(view[offset : offset + CHUNK]))
    mac.digest()


def _layout(root: Path, blob: bytes) -> None:
    """An OCI layout with one uncompressed 'tar' layer (random bytes: the cipher does not care)."""
    blobs = root / "blobs" / "sha256"
    blobs.mkdir(parents=True)

    def put(data: bytes) -> dict[str, object]:
        digest = hashlib.sha256(data).hexdigest()
        (blobs / digest).write_bytes(data)
        return {"digest": f"sha256:{digest}", "size": len(data)}

    layer = put(blob)
    config = json.dumps(
        {"os": "linux", "architecture": "amd64", "rootfs": {"type": "layers", "diff_ids": [layer["digest"]]}}
    ).encode()
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", **put(config)},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", **layer}],
        }
    ).encode()
    entry = {
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        **put(manifest),
        "annotations": {"org.opencontainers.image.ref.name": "v1"},
    }
    (root / "index.json").write_text(json.dumps({"schemaVersion": 2, "manifests": [entry]}))
    (root / "oci-layout").write_text('{"imageLayoutVersion": "1.0.0"}')


class _Null:
    """An output that keeps nothing: the crypto pipeline alone, without a disk."""

    def write(self, data: bytes) -> int:
        return len(data)


def _keys(work: Path) -> tuple[Recipient, DecryptionKey, Path, Path]:
    private = ec.generate_private_key(ec.SECP256R1())
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    pub = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    (work / "k.pem").write_bytes(pem)
    (work / "k.pub.pem").write_bytes(pub)
    return (
        recipient_from_bytes(pub, label="bench"),
        private_key_from_bytes(pem, label="bench"),
        work / "k.pub.pem",
        work / "k.pem",
    )


def _variants(work: Path, data: bytes) -> list[tuple[str, Callable[[], object]]]:
    key = LayerKey.generate()
    plain, cipher, back = work / "plain", work / "cipher", work / "back"
    plain.write_bytes(data)
    with plain.open("rb") as src, cipher.open("wb") as out:
        tag = encrypt_stream(src, out, key).hmac
    ciphertext = cipher.read_bytes()
    recipient, dkey, pub, priv = _keys(work)
    _layout(work / "src", data)
    options = SourceOptions()

    def stream_enc() -> None:
        with plain.open("rb") as src, cipher.open("wb") as out:
            encrypt_stream(src, out, key)

    def stream_dec() -> None:
        with cipher.open("rb") as src, back.open("wb") as out:
            decrypt_stream(src, out, key, tag, where="bench")

    def image_enc() -> None:
        shutil.rmtree(work / "enc", ignore_errors=True)
        encrypt_image(
            f"oci-layout:{work / 'src'}:v1",
            f"oci-layout:{work / 'enc'}:v1",
            recipients=[recipient],
            options=options,
        )

    def image_dec() -> None:
        shutil.rmtree(work / "dec", ignore_errors=True)
        decrypt_image(
            f"oci-layout:{work / 'enc'}:v1", f"oci-layout:{work / 'dec'}:v1", keys=[dkey], options=options
        )

    variants: list[tuple[str, Callable[[], object]]] = [
        ("raw AES-CTR + HMAC (1 thread, in memory)", lambda: _raw(data, key)),
        (
            "hullguard encrypt, memory→nothing (+ output sha256)",
            lambda: encrypt_stream(io.BytesIO(data), _Null(), key),
        ),
        (
            "hullguard decrypt, memory→nothing (HMAC checked)",
            lambda: decrypt_stream(io.BytesIO(ciphertext), _Null(), key, tag, where="b"),
        ),
        ("hullguard encrypt, file→file", stream_enc),
        ("hullguard decrypt, file→file", stream_dec),
        ("hullguard encrypt_image (layout→layout)", image_enc),
        ("hullguard decrypt_image (layout→layout, diff_id checked)", image_dec),
    ]
    skopeo = shutil.which("skopeo")
    if skopeo:
        copy = [skopeo, "--insecure-policy", "copy", "-q"]

        def sk_enc() -> None:
            shutil.rmtree(work / "skenc", ignore_errors=True)
            subprocess.run(
                [*copy, f"--encryption-key=jwe:{pub}", f"oci:{work / 'src'}:v1", f"oci:{work / 'skenc'}:v1"],
                check=True,
            )

        def sk_dec() -> None:
            shutil.rmtree(work / "skdec", ignore_errors=True)
            subprocess.run(
                [*copy, f"--decryption-key={priv}", f"oci:{work / 'skenc'}:v1", f"oci:{work / 'skdec'}:v1"],
                check=True,
            )

        variants += [
            ("skopeo 1.9.3 copy --encryption-key (oci→oci)", sk_enc),
            ("skopeo 1.9.3 copy --decryption-key (oci→oci)", sk_dec),
        ]
    return variants


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=256)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()
    sys.setswitchinterval(0.0002)  # as the CLI does (hullguard.cli.main)
    data = os.urandom(args.size_mib << 20)
    work = Path(tempfile.mkdtemp(prefix="hg-bench-crypt-"))
    try:
        rows = _measure(_variants(work, data), args.repeat)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    lines = [
        f"| {args.size_mib} MiB random blob, {args.repeat} rounds | best s | MiB/s | x raw (median) |",
        "|---|---:|---:|---:|",
    ]
    lines += [
        f"| {name} | {best:.3f} | {args.size_mib / best:,.0f} | {ratio:.2f} |" for name, best, ratio in rows
    ]
    table = "\n".join(lines)
    print(table)
    if args.write:
        command = " ".join([".venv/bin/python", "bench/bench_crypt.py", *sys.argv[1:]])
        load = os.getloadavg()[0]
        args.write.write_text(
            f"# Layer encryption benchmark\n\nCommand: `{command}`\n\n"
            f"Machine: 2 shared cores, load average {load:.1f} at the end; "
            f"{time.strftime('%Y-%m-%d %H:%M')}\n\n"
            f"{table}\n"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
