"""``oci-layout:DIR[:tag]`` as a destination: a new layout renamed into place, or an existing one
extended with its ``index.json`` replaced last."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path

from hullguard.image._digest import parse_digest
from hullguard.image._json import parse_document
from hullguard.image._manifest import Descriptor, Index
from hullguard.image._model import MEDIA_OCI_MANIFEST
from hullguard.image._write_common import (
    DestinationError,
    DestinationKind,
    OutputManifest,
    UnsupportedDestinationError,
    WrittenImage,
    private_dir,
    publish_mode,
)

__all__ = ["LayoutDestination"]

_REF_NAME = "org.opencontainers.image.ref.name"


def _is_layout(path: Path) -> bool:
    return (path / "oci-layout").is_file() and (path / "index.json").is_file()


def _move_blob(path: Path, blobs: Path, digest: str) -> Path | None:
    """Move ``path`` to ``blobs/<alg>/<hex>``; returns the new path if it did not exist before."""
    algo, _, hexval = parse_digest(digest, where="blob").partition(":")
    target = blobs / algo / hexval
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        path.unlink()
        return None
    publish_mode(path, 0o644)
    os.replace(path, target)
    return target


class LayoutDestination:
    """``oci-layout:DIR[:tag]``: a new layout renamed into place, or an existing one extended."""

    kind = DestinationKind.OCI_LAYOUT

    def __init__(self, root: Path, tag: str | None) -> None:
        self._root = root
        self._tag = tag
        self.name = f"oci-layout:{root}" + (f":{tag}" if tag else "")
        self._existing = _is_layout(root)
        if root.exists() and not self._existing and (not root.is_dir() or any(root.iterdir())):
            raise UnsupportedDestinationError(
                f"{self.name}: {root} exists and is not an OCI layout",
                hint="choose a new directory, an empty one, or an existing OCI layout",
            )
        parent = root.resolve().parent
        if not parent.is_dir():
            raise DestinationError(f"{self.name}: the parent directory {parent} does not exist")
        self._build = root if self._existing else private_dir(parent, f".{root.name}.hullguard-")
        self._staging = private_dir(parent, f".{root.name}.staging-")
        self._added: list[Path] = []
        self._committed = False

    @property
    def staging(self) -> Path:
        """Blob files are built here, on the layout's filesystem so that moving them is a rename."""
        return self._staging

    def add_blob(self, path: Path, digest: str, size: int, *, on_sent: Callable[[int], None] | None) -> None:
        """Move the file under ``blobs/`` by its digest."""
        added = _move_blob(path, self._build / "blobs", digest)
        if added is not None:
            self._added.append(added)
        if on_sent is not None:
            on_sent(size)

    def _index(self, manifest_desc: Descriptor) -> bytes:
        entries: list[dict[str, object]] = []
        if self._existing:
            raw = (self._root / "index.json").read_bytes()
            old = parse_document(Index, raw, what=f"{self.name} index.json")
            for desc in old.manifests:
                if self._tag is None or (desc.annotations or {}).get(_REF_NAME) != self._tag:
                    entries.append(desc.model_dump(by_alias=True, exclude_none=True))
        entries.append(manifest_desc.model_dump(by_alias=True, exclude_none=True))
        return json.dumps({"schemaVersion": 2, "manifests": entries}, separators=(",", ":")).encode()

    def commit(self, manifest: OutputManifest) -> WrittenImage:
        """Write the manifest and ``index.json``, then rename the new layout into place."""
        data = manifest.to_bytes()
        digest = _digest(data)
        staged = self._staging / "manifest"
        staged.write_bytes(data)
        self.add_blob(staged, digest, len(data), on_sent=None)
        annotations = {_REF_NAME: self._tag} if self._tag else None
        desc = Descriptor(
            mediaType=MEDIA_OCI_MANIFEST, digest=digest, size=len(data), annotations=annotations
        )
        index = self._index(desc)
        tmp = self._build / f".index.json.{secrets.token_hex(4)}"
        tmp.write_bytes(index)
        publish_mode(tmp, 0o644)
        if not self._existing:
            (self._build / "oci-layout").write_text('{"imageLayoutVersion":"1.0.0"}')
            publish_mode(self._build / "oci-layout", 0o644)
        os.replace(tmp, self._build / "index.json")
        if not self._existing:
            for directory in (
                self._build,
                *(p for p in self._build.joinpath("blobs").rglob("*") if p.is_dir()),
            ):
                publish_mode(directory, 0o755)
            try:
                os.rename(self._build, self._root)
            except OSError as exc:
                raise DestinationError(
                    f"{self.name}: cannot move the new layout into place: {exc.strerror}"
                ) from exc
        self._committed = True
        shutil.rmtree(self._staging, ignore_errors=True)
        return WrittenImage(f"oci-layout:{self._root}" + (f":{self._tag}" if self._tag else ""), digest)

    def abort(self) -> None:
        """Remove the half-built layout, or the blobs added to an existing one."""
        shutil.rmtree(self._staging, ignore_errors=True)
        if self._committed:
            return
        if self._existing:
            for path in self._added:
                path.unlink(missing_ok=True)
        else:
            shutil.rmtree(self._build, ignore_errors=True)


def _digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()
