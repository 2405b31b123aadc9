"""``host/repo:tag`` as a destination: blobs are uploaded as they come, the manifest last."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from hullguard.image._model import MEDIA_OCI_MANIFEST
from hullguard.image._write_common import DestinationKind, OutputManifest, WrittenImage, private_dir

if TYPE_CHECKING:
    from hullguard.image._reference import Reference
    from hullguard.image._registry_client import RegistryClient

__all__ = ["RegistryDestination"]


class _Progressing:
    """A file whose reads are reported (upload progress)."""

    def __init__(self, raw: BinaryIO, on_read: Callable[[int], None] | None) -> None:
        self._raw = raw
        self._on_read = on_read

    def read(self, n: int = -1) -> bytes:
        data = self._raw.read(n)
        if self._on_read is not None:
            self._on_read(len(data))
        return data


class RegistryDestination:
    """``host/repo:tag``: upload blobs now, PUT the manifest at the commit."""

    kind = DestinationKind.REGISTRY

    def __init__(self, ref: Reference, client: RegistryClient) -> None:
        self._ref = ref
        self._client = client
        self.name = str(ref)
        self._staging = private_dir(None, "hullguard-push-")

    @property
    def staging(self) -> Path:
        """Blob files wait here until uploaded."""
        return self._staging

    def add_blob(self, path: Path, digest: str, size: int, *, on_sent: Callable[[int], None] | None) -> None:
        """Upload the blob (skipped when the repository has it) and delete the file."""
        with path.open("rb") as handle:
            self._client.upload_blob(self._ref, _Progressing(handle, on_sent), digest, size=size)  # type: ignore[arg-type]
        path.unlink()

    def commit(self, manifest: OutputManifest) -> WrittenImage:
        """PUT the manifest under the tag: the image appears."""
        digest = self._client.put_manifest(self._ref, manifest.to_bytes(), MEDIA_OCI_MANIFEST)
        self.abort()
        return WrittenImage(self.name, digest)

    def abort(self) -> None:
        """Remove staged files; uploaded blobs stay unreferenced until garbage collection."""
        shutil.rmtree(self._staging, ignore_errors=True)
        self._client.close()
