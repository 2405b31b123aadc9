"""Encrypt and decrypt whole images between OCI layouts; bad input leaves nothing behind."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import pytest

from hullguard.crypt import (
    DecryptionError,
    DestinationRefusedError,
    EncryptedImageError,
    EncryptedLayerError,
    UnsupportedLayerError,
    decrypt_image,
    encrypt_image,
    load_private_key,
    load_recipient,
)
from hullguard.errors import ConfigError
from hullguard.image import Image, SourceOptions, open_target
from hullguard.image._decompress import open_layer_stream
from tests.crypt.conftest import Keys
from tests.crypt.images import Layout, blob, digest_of, read_manifest

OPTIONS = SourceOptions()
JWE = "org.opencontainers.image.enc.keys.jwe"
PUBOPTS = "org.opencontainers.image.enc.pubopts"


def _encrypt(layout: Layout, dest: Path, keys: Keys, layers: tuple[int, ...] = ()) -> Path:
    encrypt_image(
        layout.ref,
        f"oci-layout:{dest}:enc",
        recipients=[load_recipient(f"jwe:{keys.ec.public}")],
        layers=layers,
        options=OPTIONS,
    )
    return dest


def test_round_trip_restores_byte_identical_layers(tmp_path: Path, keys: Keys, small_layout: Layout) -> None:
    enc = _encrypt(small_layout, tmp_path / "enc", keys)
    manifest = read_manifest(enc, "enc")
    layers = manifest["layers"]
    assert isinstance(layers, list)
    assert [d["mediaType"] for d in layers] == [
        "application/vnd.oci.image.layer.v1.tar+gzip+encrypted",
        "application/vnd.oci.image.layer.v1.tar+encrypted",
        "application/vnd.oci.image.layer.v1.tar+gzip+encrypted",
    ]
    for desc, original in zip(layers, small_layout.layers, strict=True):
        stored = blob(enc, desc["digest"])
        assert digest_of(stored) == desc["digest"] and len(stored) == desc["size"] == len(original.blob)
        assert stored != original.blob
        assert set(desc["annotations"]) == {JWE, PUBOPTS}
    config = manifest["config"]
    assert isinstance(config, dict)
    assert blob(enc, config["digest"]) == small_layout.config  # config byte for byte
    decrypt_image(
        f"oci-layout:{enc}:enc",
        f"oci-layout:{tmp_path / 'dec'}",
        keys=[load_private_key(keys.ec.private)],
        options=OPTIONS,
    )
    plain = read_manifest(tmp_path / "dec")
    assert [d["digest"] for d in plain["layers"]] == [layer.digest for layer in small_layout.layers]
    assert all("annotations" not in d for d in plain["layers"])
    for layer in small_layout.layers:
        assert blob(tmp_path / "dec", layer.digest) == layer.blob


def test_layer_selection_encrypts_only_the_chosen(tmp_path: Path, keys: Keys, small_layout: Layout) -> None:
    enc = _encrypt(small_layout, tmp_path / "enc", keys, layers=(-1, 0))
    types = [d["mediaType"] for d in read_manifest(enc, "enc")["layers"]]
    assert [t.endswith("+encrypted") for t in types] == [True, False, True]
    assert read_manifest(enc, "enc")["layers"][1]["digest"] == small_layout.layers[1].digest
    with pytest.raises(ConfigError, match="has 3 layers"):
        _encrypt(small_layout, tmp_path / "enc2", keys, layers=(3,))
    assert not (tmp_path / "enc2").exists()


def test_encrypted_output_to_docker_archive_is_refused(
    tmp_path: Path, keys: Keys, small_layout: Layout
) -> None:
    with pytest.raises(DestinationRefusedError, match="docker-archive cannot hold encrypted layers"):
        encrypt_image(
            small_layout.ref,
            f"docker-archive:{tmp_path / 'x.tar'}",
            recipients=[load_recipient(str(keys.ec.public))],
            options=OPTIONS,
        )
    assert list(tmp_path.iterdir()) == [small_layout.path]


def test_decrypt_to_docker_archive_writes_uncompressed_layers(
    tmp_path: Path, keys: Keys, small_layout: Layout
) -> None:
    enc = _encrypt(small_layout, tmp_path / "enc", keys)
    archive = tmp_path / "out.tar"
    decrypt_image(
        f"oci-layout:{enc}:enc",
        f"docker-archive:{archive}",
        keys=[load_private_key(keys.ec.private)],
        options=OPTIONS,
    )
    image = open_target(f"docker-archive:{archive}", OPTIONS)
    assert isinstance(image, Image)
    with image:
        assert [layer.diff_id for layer in image.layers] == [layer.diff_id for layer in small_layout.layers]
        for layer, original in zip(image.layers, small_layout.layers, strict=True):
            with image.blobs.open_layer(layer) as raw:
                assert raw.read() == original.tar


def _edit_layer(enc: Path, index: int, edit: object) -> None:
    """Rewrite the encrypted layout in place: ``edit(descriptor, blob_path)`` may change either."""
    index_doc = json.loads((enc / "index.json").read_text())
    entry = index_doc["manifests"][0]
    manifest = json.loads(blob(enc, entry["digest"]))
    desc = manifest["layers"][index]
    edit(desc, enc / "blobs" / "sha256" / desc["digest"][7:])  # type: ignore[operator]
    data = json.dumps(manifest).encode()
    (enc / "blobs" / "sha256" / digest_of(data)[7:]).write_bytes(data)
    entry["digest"], entry["size"] = digest_of(data), len(data)
    (enc / "index.json").write_text(json.dumps(index_doc))


def _rehash(desc: dict[str, object], path: Path, data: bytes) -> None:
    """Replace the blob with ``data`` under its new digest (a well-formed but altered layer)."""
    new = path.with_name(digest_of(data)[7:])
    new.write_bytes(data)
    desc["digest"], desc["size"] = digest_of(data), len(data)


def _flip(desc: dict[str, object], path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    _rehash(desc, path, bytes(data))


def _truncate(desc: dict[str, object], path: Path) -> None:
    _rehash(desc, path, path.read_bytes()[:-16])


def _annotation(name: str, value: str | None) -> object:
    def edit(desc: dict[str, dict[str, str]], path: Path) -> None:
        if value is None:
            del desc["annotations"][name]
        else:
            desc["annotations"][name] = value

    return edit


def _media_type(value: str) -> object:
    def edit(desc: dict[str, str], path: Path) -> None:
        desc["mediaType"] = value

    return edit


def _bad_hmac(desc: dict[str, dict[str, str]], path: Path) -> None:
    options = json.loads(base64.b64decode(desc["annotations"][PUBOPTS]))
    options["hmac"] = base64.b64encode(bytes(32)).decode()
    desc["annotations"][PUBOPTS] = base64.b64encode(json.dumps(options).encode()).decode()


TAMPERING = [
    ("bit-flip", _flip, DecryptionError, "HMAC"),
    ("truncated", _truncate, DecryptionError, "HMAC"),
    ("hmac-replaced", _bad_hmac, DecryptionError, "HMAC"),
    (
        "jwe-garbage",
        _annotation(JWE, base64.b64encode(b'{"ciphertext": 5}').decode()),
        EncryptedLayerError,
        "not a valid JWE",
    ),
    ("jwe-missing", _annotation(JWE, None), EncryptedLayerError, "no org.opencontainers.image.enc.keys.jwe"),
    ("pubopts-missing", _annotation(PUBOPTS, None), EncryptedLayerError, PUBOPTS),
    (
        "unknown-type",
        _media_type("application/vnd.example.thing+encrypted"),
        UnsupportedLayerError,
        "unknown encrypted",
    ),
]


@pytest.mark.parametrize(
    ("edit", "error", "needle"), [t[1:] for t in TAMPERING], ids=[t[0] for t in TAMPERING]
)
def test_tampered_layers_fail_and_write_nothing(
    tmp_path: Path, keys: Keys, small_layout: Layout, edit: object, error: type[Exception], needle: str
) -> None:
    enc = _encrypt(small_layout, tmp_path / "enc", keys)
    _edit_layer(enc, 2, edit)
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(error, match=needle) as info:
        decrypt_image(
            f"oci-layout:{enc}",
            f"oci-layout:{tmp_path / 'dec'}",
            keys=[load_private_key(keys.ec.private)],
            options=OPTIONS,
        )
    assert "layer 2" in str(info.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no partial layout, no staging left


def test_wrong_key_into_existing_layout_leaves_it_unchanged(
    tmp_path: Path, keys: Keys, small_layout: Layout
) -> None:
    enc = _encrypt(small_layout, tmp_path / "enc", keys)
    target = tmp_path / "existing"
    shutil.copytree(small_layout.path, target)
    files_before = sorted(str(p) for p in target.rglob("*"))
    index_before = (target / "index.json").read_bytes()
    with pytest.raises(DecryptionError, match="none of the given private keys"):
        decrypt_image(
            f"oci-layout:{enc}",
            f"oci-layout:{target}:dec",
            keys=[load_private_key(keys.other.private)],
            options=OPTIONS,
        )
    assert sorted(str(p) for p in target.rglob("*")) == files_before
    assert (target / "index.json").read_bytes() == index_before


def test_layer_from_another_image_fails_the_diff_id_check(
    tmp_path: Path, keys: Keys, small_layout: Layout
) -> None:
    enc = _encrypt(small_layout, tmp_path / "enc", keys)
    layers = read_manifest(enc, "enc")["layers"]
    assert isinstance(layers, list)

    def swap(desc: dict[str, object], path: Path) -> None:
        desc.update(layers[0])  # a validly encrypted layer, but not the one the config names

    _edit_layer(enc, 2, swap)
    with pytest.raises(DecryptionError, match="image config says"):
        decrypt_image(
            f"oci-layout:{enc}",
            f"oci-layout:{tmp_path / 'dec'}",
            keys=[load_private_key(keys.ec.private)],
            options=OPTIONS,
        )
    assert not (tmp_path / "dec").exists()


def test_reading_an_encrypted_image_needs_a_key(tmp_path: Path, keys: Keys, small_layout: Layout) -> None:
    enc = _encrypt(small_layout, tmp_path / "enc", keys, layers=(0,))
    image = open_target(f"oci-layout:{enc}", OPTIONS)
    assert isinstance(image, Image)
    with (
        image,
        pytest.raises(EncryptedImageError, match="layer 0 is encrypted") as info,
        image.blobs.open_layer(image.layers[0]),
    ):
        pass
    assert info.value.hint is not None and "--decryption-key" in info.value.hint


def test_scan_path_decrypts_as_it_streams(tmp_path: Path, keys: Keys, small_layout: Layout) -> None:
    enc = _encrypt(small_layout, tmp_path / "enc", keys)
    options = SourceOptions(decryption_keys=(load_private_key(keys.ec.private),))
    image = open_target(f"oci-layout:{enc}", options)
    assert isinstance(image, Image)
    with image:
        for layer, original in zip(image.layers, small_layout.layers, strict=True):
            with image.blobs.open_layer(layer) as raw:
                stream = open_layer_stream(raw, limits=options.limits, where="t")
                with stream:
                    assert stream.read(-1) == original.tar
                    stream.drain()
                raw.drain()  # type: ignore[attr-defined]
                assert stream.diff_id == layer.diff_id


def test_scan_path_fails_at_the_end_on_a_bad_hmac(tmp_path: Path, keys: Keys, small_layout: Layout) -> None:
    enc = _encrypt(small_layout, tmp_path / "enc", keys)
    _edit_layer(enc, 1, _flip)
    image = open_target(
        f"oci-layout:{enc}", SourceOptions(decryption_keys=(load_private_key(keys.ec.private),))
    )
    assert isinstance(image, Image)
    with image, image.blobs.open_layer(image.layers[1]) as raw, pytest.raises(DecryptionError, match="HMAC"):
        raw.read()
        raw.read()


def test_analysis_of_the_encrypted_image_equals_the_plain_one(
    tmp_path: Path, keys: Keys, small_layout: Layout
) -> None:
    from hullguard.analyze import analyze_target, build_analyzers

    enc = _encrypt(small_layout, tmp_path / "enc", keys)
    options = SourceOptions(
        decryption_keys=(load_private_key(keys.rsa.private), load_private_key(keys.ec.private))
    )
    inventories = []
    for ref, opts in ((small_layout.ref, OPTIONS), (f"oci-layout:{enc}", options)):
        target = open_target(ref, opts)
        assert isinstance(target, Image)
        with target:
            inventories.append(analyze_target(target, list(build_analyzers()), limits=opts.limits))
    plain, decrypted = inventories
    assert plain.os is not None and plain.os.id == "debian"
    assert decrypted.os == plain.os
    assert [layer.diff_id for layer in decrypted.layers] == [layer.diff_id for layer in plain.layers]


def test_docker_archive_source_encrypts_its_uncompressed_layers(
    tmp_path: Path, keys: Keys, small_layout: Layout
) -> None:
    archive = tmp_path / "plain.tar"
    decrypt_image(
        small_layout.ref,
        f"docker-archive:{archive}",
        keys=[load_private_key(keys.ec.private)],
        options=OPTIONS,
    )
    encrypt_image(
        f"docker-archive:{archive}",
        f"oci-layout:{tmp_path / 'enc'}",
        recipients=[load_recipient(str(keys.rsa.public))],
        options=OPTIONS,
    )
    types = [d["mediaType"] for d in read_manifest(tmp_path / "enc")["layers"]]
    assert types == ["application/vnd.oci.image.layer.v1.tar+encrypted"] * 3
    decrypt_image(
        f"oci-layout:{tmp_path / 'enc'}",
        f"oci-layout:{tmp_path / 'dec'}",
        keys=[load_private_key(keys.rsa.private)],
        options=OPTIONS,
    )
    assert [d["digest"] for d in read_manifest(tmp_path / "dec")["layers"]] == [
        layer.diff_id for layer in small_layout.layers
    ]
