"""Builders for secret tests: fake secrets from their published formats, OCI images from tars."""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import random
import string
import tarfile
from collections.abc import Mapping, Sequence
from pathlib import Path

ALNUM = string.ascii_letters + string.digits


class Fakes:
    """Valid-looking random tokens (never real credentials), reproducible from a seed."""

    def __init__(self, seed: int) -> None:
        self._r = random.Random(seed)

    def chars(self, n: int, alphabet: str = ALNUM) -> str:
        return "".join(self._r.choice(alphabet) for _ in range(n))

    def b64(self, nbytes: int) -> str:
        return base64.b64encode(self._r.randbytes(nbytes)).decode()

    def pem(self, label: str, nbytes: int = 600) -> str:
        body = self.b64(nbytes)
        lines = "\n".join(body[i : i + 64] for i in range(0, len(body), 64))
        return f"-----BEGIN {label}-----\n{lines}\n-----END {label}-----\n"


def layer_tar(
    files: dict[str, bytes], *, whiteouts: tuple[str, ...] = (), modes: dict[str, int] | None = None
) -> bytes:
    """An uncompressed layer tar with these files (paths without the leading ``/``) and whiteouts."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = (modes or {}).get(name, 0o644)
            tar.addfile(info, io.BytesIO(data))
        for name in whiteouts:
            parent, _, base = name.rpartition("/")
            info = tarfile.TarInfo(f"{parent}/.wh.{base}" if parent else f".wh.{base}")
            tar.addfile(info, io.BytesIO(b""))
    return buf.getvalue()


def _blob(root: Path, data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()
    (root / "blobs" / "sha256" / digest).write_bytes(data)
    return f"sha256:{digest}"


def oci_image(
    root: Path,
    layers: list[bytes],
    *,
    run_config: Mapping[str, object],
    history: Sequence[Mapping[str, object]],
) -> Path:
    """An OCI layout with gzip layers and this config (``config`` object and ``history``)."""
    (root / "blobs" / "sha256").mkdir(parents=True)
    stored = [gzip.compress(layer, mtime=0) for layer in layers]
    config = json.dumps(
        {
            "architecture": "amd64",
            "os": "linux",
            "config": run_config,
            "rootfs": {
                "type": "layers",
                "diff_ids": ["sha256:" + hashlib.sha256(x).hexdigest() for x in layers],
            },
            "history": history,
        }
    ).encode()
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {
                "mediaType": "application/vnd.oci.image.config.v1+json",
                "digest": _blob(root, config),
                "size": len(config),
            },
            "layers": [
                {
                    "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                    "digest": _blob(root, b),
                    "size": len(b),
                }
                for b in stored
            ],
        }
    ).encode()
    index = {
        "schemaVersion": 2,
        "manifests": [
            {
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "digest": _blob(root, manifest),
                "size": len(manifest),
                "annotations": {"org.opencontainers.image.ref.name": "t"},
            }
        ],
    }
    (root / "index.json").write_text(json.dumps(index))
    (root / "oci-layout").write_text('{"imageLayoutVersion": "1.0.0"}')
    return root
