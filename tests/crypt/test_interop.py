"""Interop with real skopeo (ocicrypt 1.0.3), a real registry and the Docker engine.

(1) skopeo encrypts → hullguard decrypts to byte-identical layers; (2) hullguard encrypts →
skopeo decrypts → ``docker load`` → ``docker run`` prints what the image says; (3) several
recipients, each key decrypts; and the registry really holds ciphertext after our push.
"""

from __future__ import annotations

import json
import secrets
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from hullguard.crypt import decrypt_image, encrypt_image, load_private_key, load_recipient
from hullguard.image import Image, SourceOptions, open_target
from tests.conftest import docker_available, require
from tests.crypt.conftest import KeyPair, Keys
from tests.crypt.images import MESSAGE, Layout, blob, read_manifest
from tests.image.registry_servers import RunningRegistry

OPTIONS = SourceOptions()


def _skopeo(*args: str) -> None:
    skopeo = shutil.which("skopeo")
    if skopeo is None:
        pytest.fail("skopeo is required for the interop tests (apt-get install skopeo)", pytrace=False)
    done = subprocess.run(
        [
            skopeo,
            "--insecure-policy",
            "copy",
            "-q",
            "--src-tls-verify=false",
            "--dest-tls-verify=false",
            *args,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def _repo(registry: RunningRegistry, name: str) -> str:
    return f"{registry.address}/hullguard-test/crypt-{secrets.token_hex(4)}/{name}"


def _pushed_manifest(reference: str) -> dict[str, object]:
    """The manifest as the registry serves it, fetched without hullguard."""
    name, _, tag = reference.rpartition(":")
    host, _, repository = name.partition("/")
    response = httpx.get(
        f"http://{host}/v2/{repository}/manifests/{tag}",
        headers={"Accept": "application/vnd.oci.image.manifest.v1+json"},
    )
    response.raise_for_status()
    doc: dict[str, object] = response.json()
    return doc


@pytest.mark.parametrize(
    ("recipients", "extra", "decrypt_with", "encrypted"),
    [
        (("rsa", "ec"), (), ("rsa", "ec"), [True, True]),
        (("ec",), ("--encrypt-layer", "-1"), ("ec",), [False, True]),
    ],
    ids=["all-layers-rsa-and-ec", "last-layer-ec"],
)
def test_skopeo_encrypted_images_decrypt_to_identical_layers(
    tmp_path: Path,
    registry: RunningRegistry,
    keys: Keys,
    busybox_layout: Layout,
    recipients: tuple[str, ...],
    extra: tuple[str, ...],
    decrypt_with: tuple[str, ...],
    encrypted: list[bool],
) -> None:
    reference = _repo(registry, "skopeo") + ":enc"
    keyargs = [f"--encryption-key=jwe:{getattr(keys, r).public}" for r in recipients]
    _skopeo(*keyargs, *extra, busybox_layout.skopeo_ref, f"docker://{reference}")
    pushed = _pushed_manifest(reference)["layers"]
    assert isinstance(pushed, list)
    assert [d["mediaType"].endswith("+encrypted") for d in pushed] == encrypted
    for name in decrypt_with:
        pair: KeyPair = getattr(keys, name)
        out = tmp_path / f"dec-{name}"
        result = decrypt_image(
            reference, f"oci-layout:{out}:plain", keys=[load_private_key(pair.private)], options=OPTIONS
        )
        assert result.changed == tuple(i for i, e in enumerate(encrypted) if e)
        manifest = read_manifest(out, "plain")
        layers = manifest["layers"]
        assert isinstance(layers, list)
        assert [d["digest"] for d in layers] == [layer.digest for layer in busybox_layout.layers]
        for layer in busybox_layout.layers:
            assert blob(out, layer.digest) == layer.blob


def test_hullguard_encrypted_image_decrypts_in_skopeo_and_runs_on_docker(
    tmp_path: Path, registry: RunningRegistry, keys: Keys, busybox_layout: Layout
) -> None:
    require(docker_available(), "the Docker engine")
    reference = _repo(registry, "ours") + ":enc"
    recipients = [load_recipient(f"jwe:{keys.rsa.public}"), load_recipient(f"jwe:{keys.ec.public}")]
    result = encrypt_image(busybox_layout.ref, reference, recipients=recipients, options=OPTIONS)
    pushed = _pushed_manifest(reference)
    layers = pushed["layers"]
    assert isinstance(layers, list)
    assert all(d["mediaType"] == "application/vnd.oci.image.layer.v1.tar+gzip+encrypted" for d in layers)
    assert [d["digest"] for d in layers] == list(result.layer_digests)
    assert not {d["digest"] for d in layers} & {layer.digest for layer in busybox_layout.layers}
    for pair in (keys.rsa, keys.ec):  # each recipient alone can decrypt, in skopeo
        out = tmp_path / f"sk-{pair.private.stem}"
        _skopeo(f"--decryption-key={pair.private}", f"docker://{reference}", f"oci:{out}:plain")
        plain = read_manifest(out, "plain")["layers"]
        assert [d["digest"] for d in plain] == [layer.digest for layer in busybox_layout.layers]
    tag = f"hullguard-test/crypt-run:{secrets.token_hex(4)}"
    archive = tmp_path / "run.tar"
    # c/image 5.23 cannot convert an encrypted manifest to Docker's format in the same copy that
    # decrypts it; decrypt to OCI (above), then convert, as users of Debian's skopeo have to.
    _skopeo(f"oci:{tmp_path / 'sk-ec'}:plain", f"docker-archive:{archive}:{tag}")
    ours_tag = f"hullguard-test/crypt-run:{secrets.token_hex(4)}"
    ours = tmp_path / "ours.tar"  # and hullguard's own decryption into a docker-archive
    decrypt_image(
        reference,
        f"docker-archive:{ours}:{ours_tag}",
        keys=[load_private_key(keys.rsa.private)],
        options=OPTIONS,
    )
    for path, name in ((archive, tag), (ours, ours_tag)):
        subprocess.run(["docker", "load", "-q", "-i", str(path)], check=True, capture_output=True)
        try:
            ran = subprocess.run(
                ["docker", "run", "--rm", "--network=none", name], capture_output=True, text=True, check=True
            )
            assert ran.stdout == MESSAGE
        finally:
            subprocess.run(["docker", "rmi", "-f", name], capture_output=True, check=False)


def test_hullguard_decrypts_its_own_multi_recipient_push_with_each_key(
    tmp_path: Path, registry: RunningRegistry, keys: Keys, busybox_layout: Layout
) -> None:
    reference = _repo(registry, "multi") + ":enc"
    recipients = [load_recipient(f"jwe:{keys.rsa.public}"), load_recipient(f"jwe:{keys.ec.public}")]
    encrypt_image(busybox_layout.ref, reference, recipients=recipients, layers=(-1,), options=OPTIONS)
    for pair in (keys.rsa, keys.ec):
        out = tmp_path / pair.private.stem
        decrypt_image(reference, f"oci-layout:{out}", keys=[load_private_key(pair.private)], options=OPTIONS)
        assert [d["digest"] for d in read_manifest(out)["layers"]] == [
            layer.digest for layer in busybox_layout.layers
        ]
    image = open_target(reference, SourceOptions(decryption_keys=(load_private_key(keys.rsa.private),)))
    assert isinstance(image, Image)
    with image, image.blobs.open_layer(image.layers[1]) as raw:  # the scan path, from the registry
        assert raw.read() + raw.read() == busybox_layout.layers[1].blob


def test_config_is_unchanged_and_visible_to_skopeo(
    registry: RunningRegistry, keys: Keys, busybox_layout: Layout
) -> None:
    reference = _repo(registry, "config") + ":enc"
    encrypt_image(
        busybox_layout.ref, reference, recipients=[load_recipient(f"jwe:{keys.ec.public}")], options=OPTIONS
    )
    inspected = subprocess.run(
        ["skopeo", "inspect", "--tls-verify=false", "--raw", "--config", f"docker://{reference}"],
        capture_output=True,
        check=True,
    ).stdout
    assert inspected == busybox_layout.config
    assert json.loads(inspected)["config"]["Cmd"] == ["/bin/sh", "-c", "cat /etc/message"]
