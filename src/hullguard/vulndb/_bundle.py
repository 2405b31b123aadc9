"""Export bundles: the whole database as one checksummed file for air-gapped transfer.

A bundle is an uncompressed tar (the records inside are already zlib-compressed) with two
members: ``manifest.json`` (format, schema version, sha256 and size of the database, counts)
and ``vulns.sqlite``. Import checks everything before the live database is touched, because a
bundle crosses a trust boundary (a USB stick, a file share).
"""

from __future__ import annotations

import hashlib
import io
import tarfile
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hullguard.errors import VulnDBError
from hullguard.vulndb._osv import format_timestamp
from hullguard.vulndb._store import SCHEMA_VERSION, VulnStore
from hullguard.vulndb._swap import new_temp_path, publish, writer_lock

__all__ = [
    "BUNDLE_FORMAT",
    "BundleError",
    "BundleManifest",
    "export_bundle",
    "import_bundle",
]

BUNDLE_FORMAT: Literal["hullguard-vulndb-bundle/1"] = "hullguard-vulndb-bundle/1"
_MANIFEST = "manifest.json"
_DATABASE = "vulns.sqlite"
_MAX_MANIFEST_BYTES = 1024**2
_MAX_DATABASE_BYTES = 16 * 1024**3
_CHUNK = 1 << 20


class BundleError(VulnDBError):
    """A bundle is malformed, of another format, or fails its checksum; nothing was replaced."""


class BundleManifest(BaseModel):
    """``manifest.json`` of a bundle; ``sha256`` covers the database member byte for byte."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    format: Literal["hullguard-vulndb-bundle/1"]
    schema_version: int
    created: str
    size: int = Field(ge=0, le=_MAX_DATABASE_BYTES)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    records: int = Field(ge=0)
    sources: dict[str, int]
    """Live records per source name."""


def export_bundle(db_path: Path, out: Path, *, now: datetime) -> BundleManifest:
    """Write the live database and its manifest to ``out`` (atomically: a temp file, then rename).

    The live file is never modified in place (only replaced), so hashing it and then copying it
    reads the same bytes; a writer swapping in a new file meanwhile does not affect our handle.
    """
    with VulnStore.open_readonly(db_path) as store:
        status = store.status()
    with db_path.open("rb") as database:
        digest, size = _hash_handle(database)
        manifest = BundleManifest(
            format=BUNDLE_FORMAT,
            schema_version=SCHEMA_VERSION,
            created=format_timestamp(now),
            size=size,
            sha256=digest,
            records=status.records,
            sources={s.name: s.live for s in status.sources},
        )
        temp = out.with_name(f".{out.name}.tmp")
        try:
            with tarfile.open(temp, "w", format=tarfile.PAX_FORMAT) as tar:
                text = manifest.model_dump_json(indent=2).encode()
                _add(tar, _MANIFEST, io.BytesIO(text), len(text), now)
                database.seek(0)
                _add(tar, _DATABASE, database, size, now)
            publish(temp, out)
        finally:
            temp.unlink(missing_ok=True)
    return manifest


def _hash_handle(handle: BinaryIO) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    while chunk := handle.read(_CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _add(tar: tarfile.TarFile, name: str, data: BinaryIO, size: int, now: datetime) -> None:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(now.timestamp())
    info.mode = 0o644
    tar.addfile(info, data)


def import_bundle(db_path: Path, bundle: Path) -> BundleManifest:
    """Replace the database at ``db_path`` with the one in ``bundle``, if and only if it checks out."""
    try:
        with tarfile.open(bundle, "r:") as tar:
            manifest = _read_manifest(tar, bundle)  # (1) manifest parses and has our format
            member = _database_member(tar, bundle, manifest)  # (2) one regular member of that size
            with writer_lock(db_path):
                temp = new_temp_path(db_path)
                try:
                    _copy_checked(tar, member, temp, manifest, bundle)  # (3) sha256 matches
                    with VulnStore.open_build(temp) as store:  # (4) our schema, intact, same count
                        store.verify()
                        if store.status().records != manifest.records:
                            raise BundleError(f"{bundle}: record count differs from its manifest")
                    publish(temp, db_path)  # (5) atomic swap
                finally:
                    temp.unlink(missing_ok=True)
    except (tarfile.TarError, OSError) as exc:
        raise BundleError(f"{bundle}: not a readable bundle ({exc})") from exc
    return manifest


def _read_manifest(tar: tarfile.TarFile, bundle: Path) -> BundleManifest:
    names = tar.getnames()
    if sorted(names) != [_MANIFEST, _DATABASE]:
        raise BundleError(f"{bundle}: expected exactly {_MANIFEST} and {_DATABASE}, found {names[:5]}")
    info = tar.getmember(_MANIFEST)
    handle = tar.extractfile(info)
    if not info.isfile() or info.size > _MAX_MANIFEST_BYTES or handle is None:
        raise BundleError(f"{bundle}: {_MANIFEST} is not a small regular file")
    try:
        manifest = BundleManifest.model_validate_json(handle.read())
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        raise BundleError(
            f"{bundle}: bad manifest: {'.'.join(map(str, first['loc']))}: {first['msg']}"
        ) from None
    if manifest.schema_version != SCHEMA_VERSION:
        raise BundleError(
            f"{bundle}: database schema {manifest.schema_version}, this hullguard reads {SCHEMA_VERSION}",
            hint="export the bundle with the same hullguard version",
        )
    return manifest


def _database_member(tar: tarfile.TarFile, bundle: Path, manifest: BundleManifest) -> tarfile.TarInfo:
    info = tar.getmember(_DATABASE)
    if not info.isfile() or info.size != manifest.size:
        raise BundleError(f"{bundle}: {_DATABASE} is not a regular file of {manifest.size} bytes")
    return info


def _copy_checked(
    tar: tarfile.TarFile, info: tarfile.TarInfo, temp: Path, manifest: BundleManifest, bundle: Path
) -> None:
    source = tar.extractfile(info)
    if source is None:
        raise BundleError(f"{bundle}: cannot read {_DATABASE}")
    digest = hashlib.sha256()
    with temp.open("xb") as out:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
            out.write(chunk)
    if digest.hexdigest() != manifest.sha256:
        raise BundleError(
            f"{bundle}: checksum mismatch: the database is damaged or was changed",
            hint="copy the bundle again from where it was exported",
        )
