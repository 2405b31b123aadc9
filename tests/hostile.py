"""Builders of malformed and hostile images, made by fixture code when a test runs."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from collections.abc import Mapping, Sequence
from pathlib import Path


def tar_bytes(
    *members: tuple[str, bytes], kind: bytes = tarfile.REGTYPE, fmt: int = tarfile.GNU_FORMAT
) -> bytes:
    """An uncompressed tar whose member names are written verbatim (``..`` and ``/`` included)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.type = kind
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def symlink_tar(name: str, target: str) -> bytes:
    """A tar holding one symlink ``name -> target``."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as tar:
        info = tarfile.TarInfo(name)
        info.type = tarfile.SYMTYPE
        info.linkname = target
        tar.addfile(info)
    return buf.getvalue()


def _blob(root: Path, data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()
    (root / "blobs" / "sha256" / digest).write_bytes(data)
    return f"sha256:{digest}"


def oci_layout(
    root: Path,
    layers: list[bytes],
    *,
    stored: list[bytes] | None = None,
    diff_ids: list[str] | None = None,
    tag: str = "t",
    run_config: Mapping[str, object] | None = None,
    history: Sequence[Mapping[str, object]] | None = None,
) -> Path:
    """Write an OCI layout with these uncompressed layers (gzip-stored unless ``stored`` is given).

    ``diff_ids`` overrides the config's (to make them lie); ``stored`` overrides the blobs;
    ``run_config`` and ``history`` become the config's ``config`` object and ``history``.
    """
    (root / "blobs" / "sha256").mkdir(parents=True)
    blobs = stored if stored is not None else [gzip.compress(layer, mtime=0) for layer in layers]
    descriptors = [
        {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": _blob(root, b), "size": len(b)}
        for b in blobs
    ]
    ids = diff_ids or ["sha256:" + hashlib.sha256(layer).hexdigest() for layer in layers]
    steps = list(history) if history is not None else [{"created_by": f"step {n}"} for n in range(len(ids))]
    config = json.dumps(
        {
            "architecture": "amd64",
            "os": "linux",
            "config": dict(run_config or {}),
            "rootfs": {"type": "layers", "diff_ids": ids},
            "history": steps,
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
            "layers": descriptors,
        }
    ).encode()
    index = {
        "schemaVersion": 2,
        "manifests": [
            {
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "digest": _blob(root, manifest),
                "size": len(manifest),
                "annotations": {"org.opencontainers.image.ref.name": tag},
            }
        ],
    }
    (root / "index.json").write_text(json.dumps(index))
    (root / "oci-layout").write_text('{"imageLayoutVersion": "1.0.0"}')
    return root


def raw_header(
    name: bytes, *, size: int = 0, kind: bytes = b"0", size_field: bytes | None = None, linkname: bytes = b""
) -> bytes:
    """One ustar header written byte by byte, so that fields can hold what tarfile would refuse."""
    block = bytearray(512)
    block[0 : len(name)] = name
    block[100:108] = b"0000644\0"
    block[108:116] = b"0000000\0"
    block[116:124] = b"0000000\0"
    block[124:136] = size_field if size_field is not None else b"%011o\0" % size
    block[136:148] = b"00000000000\0"
    block[156:157] = kind
    block[157 : 157 + len(linkname)] = linkname
    block[257:263] = b"ustar\0"
    block[263:265] = b"00"
    block[148:156] = b" " * 8
    block[148:156] = b"%06o\0 " % sum(block)
    return bytes(block)


def raw_member(name: bytes, data: bytes, kind: bytes = b"0") -> bytes:
    """A header and its data, padded to the block size."""
    return raw_header(name, size=len(data), kind=kind) + data + b"\0" * (-len(data) % 512)


def pax_header(records: dict[bytes, bytes], kind: bytes = b"x") -> bytes:
    """A pax extended (``x``) or global (``g``) header with these records."""
    body = b""
    for key, value in records.items():
        record = b" " + key + b"=" + value + b"\n"
        length = len(record) + len(str(len(record)))
        if len(str(length)) != len(str(len(record))):
            length += 1
        body += str(length).encode() + record
    return raw_header(b"./PaxHeaders/x", size=len(body), kind=kind) + body + b"\0" * (-len(body) % 512)


END_OF_ARCHIVE = b"\0" * 1024
