"""``docker-archive:FILE[:name:tag]`` as a destination: what ``docker load`` reads.

Docker keeps uncompressed layers in its archives, so compressed layers are inflated on the way
in and checked against the config's diff_ids; the tar is written beside FILE and renamed.
"""

from __future__ import annotations

import io
import json
import os
import secrets
import shutil
import tarfile
from collections.abc import Callable
from pathlib import Path

from hullguard.errors import BadInputError
from hullguard.image._decompress import open_layer_stream
from hullguard.image._digest import DigestMismatchError
from hullguard.image._limits import Limits
from hullguard.image._manifest import Descriptor
from hullguard.image._model import parse_config
from hullguard.image._write_common import (
    DestinationError,
    DestinationKind,
    OutputManifest,
    UnsupportedDestinationError,
    WrittenImage,
    private_dir,
    publish_mode,
)

__all__ = ["ArchiveDestination"]

_COMPRESSED_SUFFIXES = ("+gzip", "+zstd", ".gzip")


class ArchiveDestination:
    """``docker-archive:FILE[:name:tag]``: what ``docker load`` reads (uncompressed layers)."""

    kind = DestinationKind.DOCKER_ARCHIVE

    def __init__(self, path: Path, repo_tag: str | None, limits: Limits) -> None:
        self._path = path
        self._tag = repo_tag
        self._limits = limits
        self.name = f"docker-archive:{path}" + (f":{repo_tag}" if repo_tag else "")
        if path.is_dir():
            raise UnsupportedDestinationError(f"{self.name}: {path} is a directory")
        parent = path.resolve().parent
        if not parent.is_dir():
            raise DestinationError(f"{self.name}: the parent directory {parent} does not exist")
        self._staging = private_dir(parent, f".{path.name}.staging-")
        self._blobs: dict[str, Path] = {}

    @property
    def staging(self) -> Path:
        """Blob files wait here until the archive is written."""
        return self._staging

    def add_blob(self, path: Path, digest: str, size: int, *, on_sent: Callable[[int], None] | None) -> None:
        """Remember the file; the archive is written at the commit."""
        self._blobs[digest] = path
        if on_sent is not None:
            on_sent(size)

    def _inflate(self, desc: Descriptor, diff_id: str, index: int) -> Path:
        """The layer as an uncompressed tar, checked against its diff_id."""
        where = f"{self.name} layer {index}"
        source = self._blobs[desc.digest]
        if not desc.media_type.endswith(_COMPRESSED_SUFFIXES):
            return source
        target = self._staging / f"layer-{index}.tar"
        with source.open("rb") as raw, target.open("wb") as out:
            stream = open_layer_stream(raw, limits=self._limits, where=where)
            with stream:
                while chunk := stream.read(4 << 20):
                    out.write(chunk)
                stream.drain()
        if stream.diff_id != diff_id:
            raise DigestMismatchError(
                f"{where}: uncompressed layer is {stream.diff_id}, the config says {diff_id}"
            )
        return target

    def commit(self, manifest: OutputManifest) -> WrittenImage:
        """Write the archive next to FILE and rename it over FILE."""
        for desc in manifest.layers:
            if desc.media_type.endswith("+encrypted"):
                raise UnsupportedDestinationError(
                    f"{self.name}: a docker-archive cannot hold encrypted layers",
                    hint="write encrypted images to a registry or an oci-layout: directory",
                )
        config_path = self._blobs[manifest.config.digest]
        config = parse_config(config_path.read_bytes(), where=self.name)
        if len(config.rootfs.diff_ids) != len(manifest.layers):
            raise BadInputError(f"{self.name}: the config lists {len(config.rootfs.diff_ids)} diff_ids")
        if self._path.exists() and not self._path.is_file():
            # Renaming over a device or FIFO would replace the node itself (think /dev/null).
            raise BadInputError(f"{self.name}: {self._path} exists and is not a regular file")
        tmp = self._path.with_name(f".{self._path.name}.{secrets.token_hex(4)}.tmp")
        config_name = f"{manifest.config.digest.partition(':')[2]}.json"
        try:
            with tarfile.open(tmp, "w", format=tarfile.PAX_FORMAT) as tar:
                tar.add(config_path, arcname=config_name)
                names = []
                for i, (desc, diff_id) in enumerate(
                    zip(manifest.layers, config.rootfs.diff_ids, strict=True)
                ):
                    name = f"{diff_id.partition(':')[2]}/layer.tar"
                    if name not in names:
                        tar.add(self._inflate(desc, diff_id, i), arcname=name)
                    names.append(name)
                entry = [
                    {"Config": config_name, "RepoTags": [self._tag] if self._tag else None, "Layers": names}
                ]
                _add_bytes(tar, "manifest.json", json.dumps(entry).encode())
            publish_mode(tmp, 0o644)
            os.replace(tmp, self._path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        finally:
            shutil.rmtree(self._staging, ignore_errors=True)
        return WrittenImage(f"docker-archive:{self._path}", None)

    def abort(self) -> None:
        """Remove staged files; FILE was never touched."""
        shutil.rmtree(self._staging, ignore_errors=True)


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode = len(data), 0o644
    tar.addfile(info, io.BytesIO(data))
