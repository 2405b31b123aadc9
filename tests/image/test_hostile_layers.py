"""Hostile layers and layouts found in review: each must fail cleanly or be read as the runtime would."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from hullguard.analyze import analyze_target, build_analyzers
from hullguard.errors import BadInputError
from hullguard.image import Image, Limits, SourceOptions, open_target
from hullguard.image._oci_layout import open_oci_layout
from hullguard.image._tar import TarReader
from tests.hostile import (
    END_OF_ARCHIVE,
    oci_layout,
    pax_header,
    raw_header,
    raw_member,
    symlink_tar,
    tar_bytes,
)

OS_RELEASE = raw_member(b"etc/os-release", b'ID=debian\nVERSION_ID="12"\n')
STATUS = b"Package: openssl\nStatus: install ok installed\nVersion: 3.0.99-1\nArchitecture: amd64\n\n"


def _members(data: bytes, limits: Limits | None = None) -> list[str]:
    return [m.path for m in TarReader(io.BytesIO(data), limits=limits or Limits(), where="t")]


def _scan(root: Path, layers: list[bytes], limits: Limits | None = None) -> list[tuple[str, str]]:
    image = open_target(f"oci-layout:{oci_layout(root, layers)}:t", SourceOptions())
    assert isinstance(image, Image)
    inventory = analyze_target(image, build_analyzers(), limits=limits or Limits())
    return [(p.name, p.version) for p in inventory.packages]


@pytest.mark.parametrize(
    "size_field", [b"-0000001000\0", b"-1\0\0\0\0\0\0\0\0\0\0"], ids=["negative-octal", "short-negative"]
)
def test_negative_sizes_are_malformed(size_field: bytes) -> None:
    data = raw_header(b"etc/os-release", size_field=size_field) + b"\0" * 4096
    with pytest.raises(BadInputError, match="bad numeric field"):
        _members(data)


@pytest.mark.parametrize(
    "record",
    [{b"size": b"abc"}, {b"size": b"-512"}, {b"uid": b"x"}, {b"mtime": b"inf"}, {b"mtime": b"nan"}],
    ids=["size-abc", "size-negative", "uid-x", "mtime-inf", "mtime-nan"],
)
def test_non_numeric_pax_fields_are_malformed(record: dict[bytes, bytes]) -> None:
    data = pax_header(record) + OS_RELEASE + END_OF_ARCHIVE
    with pytest.raises(BadInputError):
        _members(data)


def test_global_pax_headers_do_not_rename_later_entries(tmp_path: Path) -> None:
    """Docker's Go archive/tar ignores ``g`` headers; a scan must see what the container gets."""
    layer = (
        pax_header({b"path": b"tmp/x"}, kind=b"g") + OS_RELEASE + raw_member(b"var/lib/dpkg/status", STATUS)
    )
    assert _scan(tmp_path / "img", [layer + END_OF_ARCHIVE]) == [("openssl", "3.0.99-1")]


def test_piled_up_extended_headers_are_bounded() -> None:
    headers = b"".join(pax_header({f"k{i}".encode(): b"v" * 60_000}) for i in range(40))
    with pytest.raises(BadInputError, match="extended headers"):
        _members(headers + OS_RELEASE + END_OF_ARCHIVE, Limits(max_header_bytes=1 << 20))


def test_descriptor_without_size_cannot_pass_the_metadata_limit(tmp_path: Path) -> None:
    layout = oci_layout(tmp_path / "img", [tar_bytes(("etc/os-release", b"ID=debian\n"))])
    index = json.loads((layout / "index.json").read_text())
    manifest_size = index["manifests"][0]["size"]
    index["manifests"][0]["size"] = -1
    (layout / "index.json").write_text(json.dumps(index))
    limit = len((layout / "index.json").read_bytes()) + 8
    assert manifest_size > limit, "the manifest must be the first document over the limit"
    with pytest.raises(BadInputError, match="too large"):
        open_oci_layout(f"{layout}:t", platform=None, limits=Limits(max_metadata_bytes=limit))


def test_fifo_in_a_layout_is_refused_not_waited_on(tmp_path: Path) -> None:
    layout = oci_layout(tmp_path / "img", [tar_bytes(("etc/os-release", b"ID=debian\n"))])
    (layout / "index.json").unlink()
    os.mkfifo(layout / "index.json")
    with pytest.raises(BadInputError, match="not a regular file"):
        open_target(f"oci-layout:{layout}:t", SourceOptions())


def test_deeply_nested_json_is_bad_input(tmp_path: Path) -> None:
    layout = oci_layout(tmp_path / "img", [tar_bytes(("etc/os-release", b"ID=debian\n"))])
    (layout / "index.json").write_bytes(b"[" * 100_000)
    with pytest.raises(BadInputError, match="nested too deeply"):
        open_target(f"oci-layout:{layout}:t", SourceOptions())


@pytest.mark.parametrize(
    "replacement",
    [
        symlink_tar("var/lib/dpkg/status", "status.real"),
        raw_header(b"var/lib/dpkg/status/", kind=b"5") + END_OF_ARCHIVE,
    ],
    ids=["symlink", "directory"],
)
def test_a_link_or_directory_replaces_the_lower_database(tmp_path: Path, replacement: bytes) -> None:
    lower = raw_member(b"var/lib/dpkg/status", STATUS) + END_OF_ARCHIVE
    assert _scan(tmp_path / "img", [lower, replacement]) == []


def test_an_oversized_replacement_is_noted_and_shadows(tmp_path: Path) -> None:
    lower = raw_member(b"var/lib/dpkg/status", STATUS) + END_OF_ARCHIVE
    upper = raw_member(b"var/lib/dpkg/status", STATUS + b"X" * 4096) + END_OF_ARCHIVE
    assert _scan(tmp_path / "img", [lower, upper], Limits(max_file_bytes=1024)) == []


def test_non_utf8_names_are_escaped_and_cached(tmp_path: Path) -> None:
    metadata = b"Metadata-Version: 2.1\nName: r\nVersion: 2.0.0\n"
    layer = (
        raw_member(b"usr/lib/python3/dist-packages/r\xff-2.0.0.dist-info/METADATA", metadata) + END_OF_ARCHIVE
    )
    image = open_target(f"oci-layout:{oci_layout(tmp_path / 'img', [layer])}:t", SourceOptions())
    assert isinstance(image, Image)
    from hullguard.analyze import DirectoryLayerCache

    inventory = analyze_target(
        image, build_analyzers(), limits=Limits(), cache=DirectoryLayerCache(tmp_path / "c")
    )
    [package] = inventory.packages
    assert "\\xff" in package.location.path
    package.location.path.encode("utf-8")
    assert list((tmp_path / "c").rglob("*.json")), "the layer result was cached"
