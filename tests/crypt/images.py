"""Small real images for the encryption tests: busybox (runnable) and a layer of text, as OCI layouts.

The busybox layer holds Debian's static busybox binary (package ``busybox-static``) and the
``/bin/sh`` link, so that an image that went through encryption and back can really run.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BUSYBOX = Path("/bin/busybox")
MESSAGE = "hullguard decrypted this layer\n"
OCI_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
OCI_TAR = "application/vnd.oci.image.layer.v1.tar"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"


def digest_of(data: bytes) -> str:
    """sha256 computed here, independently of the code under test."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Layer:
    """One built layer: the uncompressed tar and the stored blob."""

    tar: bytes
    blob: bytes
    media_type: str

    @property
    def digest(self) -> str:
        return digest_of(self.blob)

    @property
    def diff_id(self) -> str:
        return digest_of(self.tar)


@dataclass(frozen=True)
class Layout:
    """An OCI layout holding one image under ``tag``."""

    path: Path
    tag: str
    layers: tuple[Layer, ...]
    config: bytes

    @property
    def ref(self) -> str:
        return f"oci-layout:{self.path}:{self.tag}"

    @property
    def skopeo_ref(self) -> str:
        return f"oci:{self.path}:{self.tag}"


def _tar(entries: list[tarfile.TarInfo], contents: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for info in entries:
            data = contents.get(info.name)
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return buffer.getvalue()


def _entry(
    name: str, *, size: int = 0, mode: int = 0o644, kind: bytes = tarfile.REGTYPE, link: str = ""
) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.type, info.linkname, info.mtime = size, mode, kind, link, 0
    return info


def busybox_tar() -> bytes:
    """``/bin/busybox`` and ``/bin/sh -> busybox``."""
    binary = BUSYBOX.read_bytes()
    return _tar(
        [
            _entry("bin", mode=0o755, kind=tarfile.DIRTYPE),
            _entry("bin/busybox", size=len(binary), mode=0o755),
            _entry("bin/sh", kind=tarfile.SYMTYPE, link="busybox"),
            _entry("bin/cat", kind=tarfile.SYMTYPE, link="busybox"),
        ],
        {"bin/busybox": binary},
    )


def text_tar(files: dict[str, bytes]) -> bytes:
    """A layer of small files under ``etc/``."""
    entries = [_entry("etc", mode=0o755, kind=tarfile.DIRTYPE)]
    entries += [_entry(name, size=len(data)) for name, data in sorted(files.items())]
    return _tar(entries, files)


def write_layout(root: Path, tag: str, tars: list[bytes], *, compress: list[bool] | None = None) -> Layout:
    """Write an OCI layout with one image of ``tars`` (gzip unless ``compress`` says otherwise)."""
    blobs = root / "blobs" / "sha256"
    blobs.mkdir(parents=True)
    flags = compress or [True] * len(tars)
    layers = tuple(
        Layer(tar, gzip.compress(tar, mtime=0), OCI_GZIP) if gz else Layer(tar, tar, OCI_TAR)
        for tar, gz in zip(tars, flags, strict=True)
    )
    config = json.dumps(
        {
            "architecture": "amd64",
            "os": "linux",
            "config": {"Env": ["PATH=/bin"], "Cmd": ["/bin/sh", "-c", "cat /etc/message"]},
            "rootfs": {"type": "layers", "diff_ids": [layer.diff_id for layer in layers]},
            "history": [{"created_by": f"layer {i}"} for i in range(len(layers))],
        },
        sort_keys=True,
    ).encode()

    def put(data: bytes) -> dict[str, object]:
        (blobs / digest_of(data)[7:]).write_bytes(data)
        return {"digest": digest_of(data), "size": len(data)}

    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": {"mediaType": OCI_CONFIG, **put(config)},
            "layers": [{"mediaType": layer.media_type, **put(layer.blob)} for layer in layers],
        }
    ).encode()
    index = {
        "schemaVersion": 2,
        "manifests": [
            {
                "mediaType": OCI_MANIFEST,
                **put(manifest),
                "annotations": {"org.opencontainers.image.ref.name": tag},
            }
        ],
    }
    (root / "index.json").write_text(json.dumps(index))
    (root / "oci-layout").write_text('{"imageLayoutVersion": "1.0.0"}')
    return Layout(root, tag, layers, config)


def read_manifest(layout_dir: Path, tag: str | None = None) -> dict[str, Any]:
    """The manifest a layout's index names (by tag, or its only entry)."""
    index = json.loads((layout_dir / "index.json").read_text())
    entries = index["manifests"]
    if tag is not None:
        entries = [
            e for e in entries if e.get("annotations", {}).get("org.opencontainers.image.ref.name") == tag
        ]
    digest = entries[0]["digest"]
    manifest: dict[str, Any] = json.loads((layout_dir / "blobs" / "sha256" / digest[7:]).read_bytes())
    return manifest


def blob(layout_dir: Path, digest: str) -> bytes:
    """A blob of a layout, by digest."""
    return (layout_dir / "blobs" / "sha256" / digest.partition(":")[2]).read_bytes()
