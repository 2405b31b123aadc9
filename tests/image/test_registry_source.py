"""``open_registry_image`` on images skopeo pushed to a real registry, and on hostile answers."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest

from hullguard.errors import BadInputError, ImageError
from hullguard.image._decompress import open_layer_stream
from hullguard.image._digest import DigestMismatchError
from hullguard.image._limits import Limits
from hullguard.image._reference import parse_reference
from hullguard.image._registry_client import RegistryClient, UnsupportedManifestError
from hullguard.image._registry_source import UnsupportedLayerError, open_registry_image
from tests.image.registry_images import (
    OCI_CONFIG,
    OCI_GZIP,
    OCI_INDEX,
    OCI_MANIFEST,
    ImageLayout,
    Pushed,
    skopeo_push,
)
from tests.image.registry_servers import FakeRegistry, RunningRegistry, digest_of, serve_registry

pytestmark = [pytest.mark.registry, pytest.mark.xdist_group("registry")]


@pytest.fixture
def client() -> Iterator[RegistryClient]:
    with RegistryClient() as registry_client:
        yield registry_client


def _diff_id_of_stream(image_layer_bytes: bytes) -> str:
    """Decompress with the real layer pass code and return the diff_id it computes."""
    with open_layer_stream(io.BytesIO(image_layer_bytes), limits=Limits(), where="test") as stream:
        stream.drain()
        return stream.diff_id


def test_single_image_by_tag(pushed: Pushed, client: RegistryClient) -> None:
    built = pushed.layout.amd64
    ref = parse_reference(pushed.ref("single:v1"))
    with open_registry_image(ref, client=client, platform=None) as image:
        assert (image.source, image.name) == ("registry", str(ref))
        assert (image.manifest_digest, image.config_digest) == (built.manifest_digest, built.config_digest)
        assert image.repo_digests == (f"{ref.name}@{built.manifest_digest}",)
        assert image.repo_tags == (f"{ref.name}:v1",)
        assert (image.config.os, image.config.architecture, image.config.config.User) == (
            "linux",
            "amd64",
            "1000",
        )
        assert [layer.diff_id for layer in image.layers] == [layer.diff_id for layer in built.layers]
        assert [layer.media_type for layer in image.layers] == [OCI_GZIP, OCI_GZIP]
        assert [layer.created_by for layer in image.layers] == ["ADD layer-0 /", "ADD layer-1 /"]
        assert image.manifest_bytes == built.manifest and image.config_bytes == built.config
        for layer, expected in zip(image.layers, built.layers, strict=True):
            with image.blobs.open_layer(layer) as stream:
                assert stream.read() == expected.blob


def test_single_image_by_digest(pushed: Pushed, client: RegistryClient) -> None:
    built = pushed.layout.amd64
    ref = parse_reference(f"{pushed.ref('single')}@{built.manifest_digest}")
    with open_registry_image(ref, client=client, platform="linux/amd64") as image:
        assert image.manifest_digest == built.manifest_digest
        assert image.repo_tags == ()


def test_image_close_runs_on_close_once(pushed: Pushed) -> None:
    closed: list[str] = []
    client = RegistryClient()
    image = open_registry_image(
        parse_reference(pushed.ref("single:v1")),
        client=client,
        platform=None,
        on_close=lambda: closed.append("x"),
    )
    image.close()
    image.close()
    client.close()
    assert closed == ["x"]


def test_zstd_layers_stream_and_decompress_to_their_diff_ids(pushed: Pushed, client: RegistryClient) -> None:
    ref = parse_reference(pushed.ref("zstd:v1"))
    with open_registry_image(ref, client=client, platform=None) as image:
        assert all(layer.media_type.endswith("+zstd") for layer in image.layers)
        for layer in image.layers:
            with image.blobs.open_layer(layer) as stream:
                assert _diff_id_of_stream(stream.read()) == layer.diff_id
    assert [layer.diff_id for layer in image.layers] == [
        layer.diff_id for layer in pushed.layout.plain.layers
    ]


PLATFORMS = [
    (None, "amd64", None),
    ("linux/amd64", "amd64", None),
    ("linux/arm64", "arm64", "v8"),
    ("linux/arm64/v8", "arm64", "v8"),
]


@pytest.mark.parametrize(("platform", "arch", "variant"), PLATFORMS, ids=[str(p[0]) for p in PLATFORMS])
def test_index_picks_the_platform(
    pushed: Pushed, client: RegistryClient, platform: str | None, arch: str, variant: str | None
) -> None:
    built = pushed.layout.amd64 if arch == "amd64" else pushed.layout.arm64
    ref = parse_reference(pushed.ref("multi:latest"))
    with open_registry_image(ref, client=client, platform=platform) as image:
        assert (image.config.architecture, image.config.variant) == (arch, variant)
        assert image.manifest_digest == built.manifest_digest
        assert image.repo_digests == (f"{ref.name}@{pushed.layout.index_digest}",)
        assert pushed.layout.index_digest in image.notes[0] and built.manifest_digest in image.notes[0]


def test_index_without_the_platform_lists_the_available_ones(pushed: Pushed, client: RegistryClient) -> None:
    ref = parse_reference(pushed.ref("multi:latest"))
    with pytest.raises(ImageError, match="linux/s390x") as info:
        open_registry_image(ref, client=client, platform="linux/s390x")
    assert (
        info.value.hint is not None
        and "linux/amd64" in info.value.hint
        and "linux/arm64/v8" in info.value.hint
    )


@pytest.fixture(scope="module")
def scratch_registry(
    tmp_path_factory: pytest.TempPathFactory, image_layout: ImageLayout
) -> Iterator[RunningRegistry]:
    """A registry of our own, whose storage on disk the test may damage."""
    with serve_registry(tmp_path_factory.mktemp("scratch-registry")) as registry:
        skopeo_push(image_layout, "single", registry, "hullguard-test/damaged:v1")
        yield registry


def test_blob_corrupted_in_registry_storage_fails_while_streaming(
    scratch_registry: RunningRegistry, image_layout: ImageLayout, client: RegistryClient
) -> None:
    layer = image_layout.amd64.layers[1]
    assert scratch_registry.storage is not None
    hexval = layer.digest.split(":")[1]
    data_file = scratch_registry.storage / "docker/registry/v2/blobs/sha256" / hexval[:2] / hexval / "data"
    damaged = bytearray(data_file.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    data_file.write_bytes(bytes(damaged))
    ref = parse_reference(f"{scratch_registry.address}/hullguard-test/damaged:v1")
    with open_registry_image(ref, client=client, platform=None) as image:
        with image.blobs.open_layer(image.layers[0]) as stream:
            assert stream.read() == image_layout.amd64.layers[0].blob
        with image.blobs.open_layer(image.layers[1]) as stream, pytest.raises(DigestMismatchError):
            stream.read()


# -- hostile or unsupported answers from a fake registry ------------------------------------


def _manifest(fake: FakeRegistry, layers: list[dict[str, object]], config: bytes | None = None) -> bytes:
    config_bytes = config if config is not None else json.dumps({"rootfs": {"diff_ids": []}}).encode()
    config_digest = fake.add_blob("r", config_bytes)
    return json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": {"mediaType": OCI_CONFIG, "digest": config_digest, "size": len(config_bytes)},
            "layers": layers,
        }
    ).encode()


def test_manifest_that_is_not_json(fake_registry: FakeRegistry, client: RegistryClient) -> None:
    fake_registry.add_manifest("r:v1", b"<html>not a manifest</html>", OCI_MANIFEST)
    with pytest.raises(BadInputError, match="not JSON"):
        open_registry_image(parse_reference(f"{fake_registry.address}/r:v1"), client=client, platform=None)


def test_index_entry_whose_manifest_has_another_digest(
    fake_registry: FakeRegistry, client: RegistryClient
) -> None:
    wanted = digest_of(b"the manifest the index names")
    index = json.dumps(
        {"schemaVersion": 2, "manifests": [{"mediaType": OCI_MANIFEST, "digest": wanted, "size": 10}]}
    ).encode()
    fake_registry.add_manifest("r:v1", index, OCI_INDEX)
    fake_registry.add(f"/v2/r/manifests/{wanted}", b"{}", headers={"Content-Type": OCI_MANIFEST})
    with pytest.raises(DigestMismatchError):
        open_registry_image(parse_reference(f"{fake_registry.address}/r:v1"), client=client, platform=None)


LAYER_TYPES = [
    ("application/vnd.oci.image.layer.v1.tar+gzip+encrypted", "encrypted"),
    ("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", "foreign"),
    ("application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", "foreign"),
    ("application/vnd.cncf.helm.chart.content.v1.tar+gzip", "not an image layer"),
]


@pytest.mark.parametrize(("media_type", "needle"), LAYER_TYPES, ids=[n for _, n in LAYER_TYPES])
def test_unsupported_layers_are_named(
    fake_registry: FakeRegistry, client: RegistryClient, media_type: str, needle: str
) -> None:
    layer = {"mediaType": media_type, "digest": digest_of(b"layer"), "size": 5}
    fake_registry.add_manifest("r:v1", _manifest(fake_registry, [layer]), OCI_MANIFEST)
    with pytest.raises(UnsupportedLayerError, match=needle) as info:
        open_registry_image(parse_reference(f"{fake_registry.address}/r:v1"), client=client, platform=None)
    assert "layer 0" in str(info.value) and info.value.hint


def test_artifact_manifest_is_not_an_image(fake_registry: FakeRegistry, client: RegistryClient) -> None:
    artifact = "application/vnd.oci.artifact.manifest.v1+json"
    fake_registry.add_manifest("r:v1", b'{"mediaType": "%s"}' % artifact.encode(), artifact)
    with pytest.raises(UnsupportedManifestError, match="not an image"):
        open_registry_image(parse_reference(f"{fake_registry.address}/r:v1"), client=client, platform=None)


def test_layer_count_differs_from_diff_ids(fake_registry: FakeRegistry, client: RegistryClient) -> None:
    layer = {"mediaType": OCI_GZIP, "digest": digest_of(b"layer"), "size": 5}
    fake_registry.add_manifest("r:v1", _manifest(fake_registry, [layer]), OCI_MANIFEST)
    with pytest.raises(BadInputError, match="diff_ids"):
        open_registry_image(parse_reference(f"{fake_registry.address}/r:v1"), client=client, platform=None)


def test_config_blob_with_wrong_bytes(fake_registry: FakeRegistry, client: RegistryClient) -> None:
    config = json.dumps({"rootfs": {"diff_ids": []}}).encode()
    manifest = _manifest(fake_registry, [], config)
    fake_registry.add(f"/v2/r/blobs/{digest_of(config)}", b'{"rootfs": {"diff_ids": ["forged"]}}')
    fake_registry.add_manifest("r:v1", manifest, OCI_MANIFEST)
    with pytest.raises(DigestMismatchError):
        open_registry_image(parse_reference(f"{fake_registry.address}/r:v1"), client=client, platform=None)
