"""What every image destination shares: the manifest to commit, the result, the protocol.

See :mod:`hullguard.image._write` for how destinations stay atomic.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from hullguard.errors import ConfigError, ImageError
from hullguard.image._manifest import Descriptor
from hullguard.image._model import MEDIA_OCI_MANIFEST

__all__ = [
    "DestinationError",
    "DestinationKind",
    "ImageDestination",
    "OutputManifest",
    "UnsupportedDestinationError",
    "WrittenImage",
    "private_dir",
    "publish_mode",
]


class DestinationError(ImageError):
    """An image could not be written to its destination."""


class UnsupportedDestinationError(DestinationError, ConfigError):
    """The destination kind cannot hold this image (or cannot be written at all)."""


class DestinationKind(StrEnum):
    """Where an image can be written."""

    REGISTRY = "registry"
    OCI_LAYOUT = "oci-layout"
    DOCKER_ARCHIVE = "docker-archive"


@dataclass(frozen=True, slots=True)
class OutputManifest:
    """The OCI image manifest to commit: config and layer descriptors, in order."""

    config: Descriptor
    layers: tuple[Descriptor, ...]

    def to_bytes(self) -> bytes:
        """Compact JSON in the field order c/image writes."""
        doc = {
            "schemaVersion": 2,
            "mediaType": MEDIA_OCI_MANIFEST,
            "config": _descriptor_json(self.config),
            "layers": [_descriptor_json(d) for d in self.layers],
        }
        return json.dumps(doc, separators=(",", ":")).encode()


def _descriptor_json(desc: Descriptor) -> dict[str, object]:
    out: dict[str, object] = {"mediaType": desc.media_type, "digest": desc.digest, "size": desc.size}
    if desc.annotations:
        out["annotations"] = dict(desc.annotations)
    return out


@dataclass(frozen=True, slots=True)
class WrittenImage:
    """What was written: a reference that reads it back, and the manifest digest."""

    reference: str
    manifest_digest: str | None
    notes: tuple[str, ...] = ()


class ImageDestination(Protocol):
    """A place an image is written to: blob files first, then :meth:`commit` (or :meth:`abort`)."""

    kind: DestinationKind
    name: str

    @property
    def staging(self) -> Path:
        """A private directory (mode 0700) for blob files being built."""
        ...

    def add_blob(self, path: Path, digest: str, size: int, *, on_sent: Callable[[int], None] | None) -> None:
        """Take ownership of the blob file at ``path`` (in :attr:`staging`)."""
        ...

    def commit(self, manifest: OutputManifest) -> WrittenImage:
        """Make the image visible; everything before this is invisible to readers."""
        ...

    def abort(self) -> None:
        """Undo what was not committed; safe to call after a commit (does nothing then)."""
        ...


def private_dir(parent: Path | None, prefix: str) -> Path:
    """A new directory only we can enter (mode 0700), for blobs before they are published."""
    return Path(tempfile.mkdtemp(prefix=prefix, dir=parent))


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def publish_mode(path: Path, mode: int) -> None:
    """Give a finished file or directory the permissions the user's umask allows."""
    path.chmod(mode & ~_umask())
