"""docker-archive, oci-layout (dir and tar, gzip and zstd), docker engine and rootfs sources on the
real sample images, and the malformed variants of them that must fail cleanly."""

from __future__ import annotations

import hashlib
import json
import shutil
import tarfile
from pathlib import Path

import pytest

from hullguard.errors import BadInputError, ImageError
from hullguard.image import DigestMismatchError, Image, RootfsTarget, SourceOptions, open_target
from hullguard.image._oci_layout import split_layout_reference
from tests.conftest import SampleImages

pytestmark = pytest.mark.xdist_group("images")


def _diff_ids(image: Image) -> list[str]:
    return [layer.diff_id for layer in image.layers]


def test_all_sources_of_one_image_agree(sample_images: SampleImages) -> None:
    refs = [
        f"docker-archive:{sample_images.archive}",
        f"oci-layout:{sample_images.oci_gzip}:final",
        f"oci-layout:{sample_images.oci_zstd}:final",
        "docker:hullguard-test/sample:1",
    ]
    images = [open_target(ref, SourceOptions()) for ref in refs]
    assert all(isinstance(i, Image) for i in images)
    first = images[0]
    assert isinstance(first, Image)
    for image in images[1:]:
        assert isinstance(image, Image)
        assert _diff_ids(image) == _diff_ids(first)
        assert image.config.config.User == "1000:1000"
    assert first.repo_tags == ("hullguard-test/sample:1",)
    zstd = images[2]
    assert isinstance(zstd, Image)
    assert all(layer.media_type.endswith("+zstd") for layer in zstd.layers)
    assert [layer.created_by.split()[-1] for layer in first.layers][-1] != ""


def test_unprefixed_path_is_resolved_and_noted(sample_images: SampleImages) -> None:
    target = open_target(str(sample_images.archive), SourceOptions())
    assert isinstance(target, Image) and target.source == "docker-archive"
    assert "docker-archive" in target.notes[0]
    layout = open_target(str(sample_images.oci_base), SourceOptions())
    assert isinstance(layout, Image) and layout.source == "oci-layout"
    rootfs = open_target(str(sample_images.rootfs), SourceOptions())
    assert isinstance(rootfs, RootfsTarget)


def test_unprefixed_engine_image(sample_images: SampleImages) -> None:
    target = open_target("hullguard-test/sample:1", SourceOptions())
    assert isinstance(target, Image) and target.source == "docker"
    assert "docker engine" in target.notes[0]


def test_oci_layout_tar(sample_images: SampleImages, tmp_path: Path) -> None:
    tar_path = tmp_path / "layout.tar"
    with tarfile.open(tar_path, "w") as tar:
        tar.add(sample_images.oci_base, arcname=".")
    image = open_target(f"oci-layout:{tar_path}:sample", SourceOptions())
    assert isinstance(image, Image) and len(image.layers) == 5


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("dir", ("dir", None, None)),
        ("dir:v1", ("dir", "v1", None)),
        ("dir@sha256:" + "a" * 64, ("dir", None, "sha256:" + "a" * 64)),
    ],
    ids=["plain", "tag", "digest"],
)
def test_split_layout_reference(text: str, expected: tuple[str, str | None, str | None]) -> None:
    path, tag, digest = split_layout_reference(text)
    assert (str(path), tag, digest) == expected


def _copy_layout(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def _manifest_path(layout: Path) -> Path:
    index = json.loads((layout / "index.json").read_text())
    digest: str = index["manifests"][0]["digest"]
    return layout / "blobs" / "sha256" / digest[7:]


def test_corrupt_layer_blob_is_detected(sample_images: SampleImages, tmp_path: Path) -> None:
    from hullguard.analyze import analyze_target, build_analyzers

    layout = _copy_layout(sample_images.oci_base, tmp_path / "oci")
    manifest = json.loads(_manifest_path(layout).read_bytes())
    blob = layout / "blobs" / "sha256" / manifest["layers"][2]["digest"][7:]
    data = bytearray(blob.read_bytes())
    data[len(data) // 2] ^= 0xFF
    blob.write_bytes(bytes(data))
    image = open_target(f"oci-layout:{layout}:sample", SourceOptions())
    assert isinstance(image, Image)
    with pytest.raises(BadInputError) as info:
        analyze_target(image, build_analyzers(), limits=SourceOptions().limits)
    assert isinstance(info.value, DigestMismatchError) or "corrupt" in str(info.value)


def test_manifest_that_is_not_json(sample_images: SampleImages, tmp_path: Path) -> None:
    layout = _copy_layout(sample_images.oci_base, tmp_path / "oci")
    _manifest_path(layout).write_bytes(b"<html>not json</html>")
    with pytest.raises(DigestMismatchError):
        open_target(f"oci-layout:{layout}:sample", SourceOptions())


def test_manifest_that_is_not_json_with_matching_digest(sample_images: SampleImages, tmp_path: Path) -> None:
    layout = _copy_layout(sample_images.oci_base, tmp_path / "oci")
    bad = b"<html>not json</html>"
    digest = hashlib.sha256(bad).hexdigest()
    (layout / "blobs" / "sha256" / digest).write_bytes(bad)
    index = json.loads((layout / "index.json").read_text())
    index["manifests"][0].update(digest=f"sha256:{digest}", size=len(bad))
    (layout / "index.json").write_text(json.dumps(index))
    with pytest.raises(BadInputError, match="not JSON"):
        open_target(f"oci-layout:{layout}:sample", SourceOptions())


def test_missing_blob(sample_images: SampleImages, tmp_path: Path) -> None:
    layout = _copy_layout(sample_images.oci_base, tmp_path / "oci")
    manifest = json.loads(_manifest_path(layout).read_bytes())
    (layout / "blobs" / "sha256" / manifest["config"]["digest"][7:]).unlink()
    with pytest.raises(BadInputError, match="missing blob"):
        open_target(f"oci-layout:{layout}:sample", SourceOptions())


def test_invalid_digest_in_index(sample_images: SampleImages, tmp_path: Path) -> None:
    layout = _copy_layout(sample_images.oci_base, tmp_path / "oci")
    index = json.loads((layout / "index.json").read_text())
    index["manifests"][0]["digest"] = "sha256:../../../../etc/passwd"
    (layout / "index.json").write_text(json.dumps(index))
    with pytest.raises(BadInputError, match="invalid digest"):
        open_target(f"oci-layout:{layout}:sample", SourceOptions())


def test_unknown_tag_lists_the_tags(sample_images: SampleImages) -> None:
    with pytest.raises(ImageError) as info:
        open_target(f"oci-layout:{sample_images.oci_base}:nope", SourceOptions())
    assert info.value.hint is not None and "sample" in info.value.hint


def test_docker_archive_missing_layer(sample_images: SampleImages, tmp_path: Path) -> None:
    broken = tmp_path / "broken.tar"
    with tarfile.open(sample_images.archive) as src, tarfile.open(broken, "w") as dst:
        manifest = json.loads(src.extractfile("manifest.json").read())  # type: ignore[union-attr]
        drop = manifest[0]["Layers"][1]
        for member in src.getmembers():
            if member.name != drop:
                dst.addfile(member, src.extractfile(member) if member.isfile() else None)
    from hullguard.analyze import analyze_target, build_analyzers

    image = open_target(f"docker-archive:{broken}", SourceOptions())
    with pytest.raises(BadInputError, match="missing blob"):
        analyze_target(image, build_analyzers(), limits=SourceOptions().limits)


def test_engine_reports_a_missing_image() -> None:
    from tests.conftest import docker_available, require

    require(docker_available(), "the Docker engine")
    with pytest.raises(ImageError, match="no such image"):
        open_target("docker:hullguard-test/does-not-exist:0", SourceOptions())
