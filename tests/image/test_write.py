"""Image destinations: blobs first, manifest last; a failure before the commit leaves nothing."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest

from hullguard.errors import ConfigError
from hullguard.image import Image, SourceOptions, open_target
from hullguard.image._manifest import Descriptor
from hullguard.image._write import OutputManifest, UnsupportedDestinationError, destination, open_destination
from tests.image.registry_servers import RunningRegistry

OPTIONS = SourceOptions()
GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"


def _digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _tar(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _write(dest_text: str, *, marker: bytes = b"one", commit: bool = True) -> tuple[bytes, bytes]:
    """Send one gzip layer and a config to ``dest_text``; returns (layer tar, config)."""
    tar = _tar("etc/marker", marker)
    layer = gzip.compress(tar, mtime=0)
    config = json.dumps(
        {"os": "linux", "architecture": "amd64", "rootfs": {"type": "layers", "diff_ids": [_digest(tar)]}}
    ).encode()
    with destination(dest_text, OPTIONS) as dest:
        descriptors = []
        for data, media_type in ((layer, GZIP), (config, "application/vnd.oci.image.config.v1+json")):
            path = dest.staging / _digest(data)[7:19]
            path.write_bytes(data)
            dest.add_blob(path, _digest(data), len(data), on_sent=None)
            descriptors.append(Descriptor(mediaType=media_type, digest=_digest(data), size=len(data)))
        if commit:
            dest.commit(OutputManifest(descriptors[1], (descriptors[0],)))
    return tar, config


def _layer_tars(reference: str) -> list[bytes]:
    image = open_target(reference, OPTIONS)
    assert isinstance(image, Image)
    with image:
        out = []
        for layer in image.layers:
            with image.blobs.open_layer(layer) as raw:
                data = raw.read()
            out.append(gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data)
        return out


def test_new_layout_appears_whole(tmp_path: Path) -> None:
    tar, _ = _write(f"oci-layout:{tmp_path / 'out'}:v1")
    assert _layer_tars(f"oci-layout:{tmp_path / 'out'}:v1") == [tar]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert (tmp_path / "out" / "index.json").stat().st_mode & 0o044 == 0o044


def test_existing_layout_gains_a_tag_and_replaces_the_same_tag(tmp_path: Path) -> None:
    first, _ = _write(f"oci-layout:{tmp_path / 'out'}:v1", marker=b"one")
    second, _ = _write(f"oci-layout:{tmp_path / 'out'}:v2", marker=b"two")
    third, _ = _write(f"oci-layout:{tmp_path / 'out'}:v1", marker=b"three")
    tags = [
        m["annotations"]["org.opencontainers.image.ref.name"]
        for m in json.loads((tmp_path / "out" / "index.json").read_text())["manifests"]
    ]
    assert sorted(tags) == ["v1", "v2"]
    assert _layer_tars(f"oci-layout:{tmp_path / 'out'}:v1") == [third]
    assert _layer_tars(f"oci-layout:{tmp_path / 'out'}:v2") == [second]
    assert first != third


def test_uncommitted_writes_leave_nothing(tmp_path: Path) -> None:
    _write(f"oci-layout:{tmp_path / 'new'}", commit=False)
    assert list(tmp_path.iterdir()) == []
    _write(f"oci-layout:{tmp_path / 'old'}:v1")
    before = sorted(str(p) for p in (tmp_path / "old").rglob("*"))
    _write(f"oci-layout:{tmp_path / 'old'}:v2", marker=b"other", commit=False)
    assert sorted(str(p) for p in (tmp_path / "old").rglob("*")) == before
    _write(f"docker-archive:{tmp_path / 'a.tar'}", commit=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old"]


def test_docker_archive_holds_uncompressed_layers_that_match_the_config(tmp_path: Path) -> None:
    tar, config = _write(f"docker-archive:{tmp_path / 'a.tar'}:example/app:1")
    image = open_target(f"docker-archive:{tmp_path / 'a.tar'}", OPTIONS)
    assert isinstance(image, Image)
    with image:
        assert image.repo_tags == ("example/app:1",)
        assert image.config_bytes == config
    assert _layer_tars(f"docker-archive:{tmp_path / 'a.tar'}") == [tar]


def test_directories_that_are_not_layouts_are_refused(tmp_path: Path) -> None:
    (tmp_path / "stuff").mkdir()
    (tmp_path / "stuff" / "file").write_text("mine")
    with pytest.raises(UnsupportedDestinationError, match="not an OCI layout"):
        open_destination(f"oci-layout:{tmp_path / 'stuff'}", OPTIONS)
    for text in ("docker:app:1", "podman:app", "localhost:5000/app@sha256:" + "a" * 64):
        with pytest.raises(ConfigError):
            open_destination(text, OPTIONS)
    assert (tmp_path / "stuff" / "file").read_text() == "mine"


def test_registry_gets_blobs_then_manifest(plain_registry: RunningRegistry) -> None:
    address = plain_registry.address
    reference = (
        f"{address}/hullguard-test/write:{hashlib.sha256(str(id(plain_registry)).encode()).hexdigest()[:8]}"
    )
    tar, config = _write(reference)
    image = open_target(reference, OPTIONS)
    assert isinstance(image, Image)
    with image:
        assert image.config_bytes == config
        assert image.manifest_media_type == "application/vnd.oci.image.manifest.v1+json"
    assert _layer_tars(reference) == [tar]
