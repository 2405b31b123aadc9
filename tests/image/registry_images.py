"""The registry tests' image: a small real OCI layout built here, pushed with real skopeo."""

from __future__ import annotations

import gzip
import io
import json
import secrets
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.image.registry_servers import RunningRegistry, digest_of, require_tool

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
OCI_TAR = "application/vnd.oci.image.layer.v1.tar"


@dataclass(frozen=True)
class BuiltLayer:
    """One layer as built here: the tar, its gzip blob, and their digests."""

    tar: bytes
    blob: bytes

    @property
    def diff_id(self) -> str:
        return digest_of(self.tar)

    @property
    def digest(self) -> str:
        return digest_of(self.blob)


@dataclass(frozen=True)
class BuiltImage:
    """One single-platform image of the layout."""

    platform: str
    config: bytes
    manifest: bytes
    layers: tuple[BuiltLayer, ...]

    @property
    def manifest_digest(self) -> str:
        return digest_of(self.manifest)

    @property
    def config_digest(self) -> str:
        return digest_of(self.config)


@dataclass(frozen=True)
class ImageLayout:
    """The OCI layout: tag ``single`` (linux/amd64), ``multi`` (an index of amd64 and arm64/v8),
    and ``plain``: uncompressed layers with content unique to the session, so that skopeo must
    compress them (to zstd) rather than reuse blobs it has seen before."""

    path: Path
    amd64: BuiltImage
    arm64: BuiltImage
    index: bytes
    plain: BuiltImage

    @property
    def index_digest(self) -> str:
        return digest_of(self.index)


def _tar(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in sorted(files.items()):
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), 0o644, 0
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _put_blob(root: Path, data: bytes) -> dict[str, object]:
    digest = digest_of(data)
    (root / "blobs" / "sha256" / digest.split(":")[1]).write_bytes(data)
    return {"digest": digest, "size": len(data)}


def _image(
    root: Path, layers: tuple[BuiltLayer, ...], arch: str, variant: str | None, *, layer_type: str = OCI_GZIP
) -> BuiltImage:
    config: dict[str, object] = {
        "architecture": arch,
        "os": "linux",
        "created": "2024-01-01T00:00:00Z",
        "config": {"Env": ["PATH=/usr/bin:/bin"], "Cmd": ["/bin/sh"], "User": "1000"},
        "rootfs": {"type": "layers", "diff_ids": [layer.diff_id for layer in layers]},
        "history": [{"created_by": f"ADD layer-{i} /"} for i in range(len(layers))],
    }
    if variant:
        config["variant"] = variant
    config_bytes = json.dumps(config, sort_keys=True).encode()
    manifest = {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {"mediaType": OCI_CONFIG, **_put_blob(root, config_bytes)},
        "layers": [{"mediaType": layer_type, **_put_blob(root, layer.blob)} for layer in layers],
    }
    manifest_bytes = json.dumps(manifest).encode()
    _put_blob(root, manifest_bytes)
    platform = f"linux/{arch}/{variant}" if variant else f"linux/{arch}"
    return BuiltImage(platform, config_bytes, manifest_bytes, layers)


def _descriptor(media_type: str, data: bytes, **extra: object) -> dict[str, object]:
    return {"mediaType": media_type, "digest": digest_of(data), "size": len(data), **extra}


def build_layout(root: Path) -> ImageLayout:
    """Write a two-layer image for two platforms and an index of both into an OCI layout."""
    (root / "blobs" / "sha256").mkdir(parents=True)
    layers = tuple(
        BuiltLayer(tar, gzip.compress(tar, mtime=0))
        for tar in (
            _tar({"etc/os-release": b"ID=hullguard-test\nVERSION_ID=1\n"}),
            _tar({"app/hello.txt": b"hello from the registry tests\n" * 64}),
        )
    )
    amd64 = _image(root, layers, "amd64", None)
    arm64 = _image(root, layers, "arm64", "v8")
    marker = secrets.token_hex(16).encode()
    unique = tuple(BuiltLayer(tar, tar) for tar in (_tar({"zstd/marker": marker * 100}), _tar({"z": marker})))
    plain = _image(root, unique, "amd64", None, layer_type=OCI_TAR)
    platforms = [
        {"os": "linux", "architecture": "amd64"},
        {"os": "linux", "architecture": "arm64", "variant": "v8"},
    ]
    index = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": OCI_INDEX,
            "manifests": [
                _descriptor(OCI_MANIFEST, image.manifest, platform=platform)
                for image, platform in zip((amd64, arm64), platforms, strict=True)
            ],
        }
    ).encode()
    _put_blob(root, index)
    ref_name = "org.opencontainers.image.ref.name"
    top = {
        "schemaVersion": 2,
        "manifests": [
            _descriptor(OCI_MANIFEST, amd64.manifest, annotations={ref_name: "single"}),
            _descriptor(OCI_INDEX, index, annotations={ref_name: "multi"}),
            _descriptor(OCI_MANIFEST, plain.manifest, annotations={ref_name: "plain"}),
        ],
    }
    (root / "index.json").write_text(json.dumps(top))
    (root / "oci-layout").write_text('{"imageLayoutVersion": "1.0.0"}')
    return ImageLayout(root, amd64, arm64, index, plain)


def skopeo_push(layout: ImageLayout, tag: str, registry: RunningRegistry, dest: str, *extra: str) -> None:
    """``skopeo copy`` one tag of the layout into ``registry`` as ``dest`` (``repo:tag``)."""
    command = [
        require_tool("skopeo"),
        "--insecure-policy",
        "copy",
        "-q",
        "--dest-tls-verify=false",
        *registry.skopeo_creds(),
        *extra,
        f"oci:{layout.path}:{tag}",
        f"docker://{registry.address}/{dest}",
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.fail(f"skopeo push to {registry.address}/{dest} failed: {done.stderr}", pytrace=False)


@dataclass(frozen=True)
class Pushed:
    """Where the test image was pushed: ``<repo>/single:v1`` and ``:v2`` (gzip), ``<repo>/zstd:v1``
    and the index ``<repo>/multi:latest``; ``repo`` is unique per session."""

    registry: RunningRegistry
    layout: ImageLayout
    repo: str

    def ref(self, name: str) -> str:
        return f"{self.registry.address}/{self.repo}/{name}"
