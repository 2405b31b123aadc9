"""Image destinations: a registry, an OCI layout directory, or a ``docker save``-style archive.

Every destination takes blob files first and the manifest last, and the manifest is the
commit: before it nothing a reader can see has changed, so a failure leaves no partial image.
- registry: blobs are uploaded as they come (unreferenced blobs are invisible and collected by
  the registry's garbage collection); the manifest PUT makes the image appear;
- ``oci-layout:DIR[:tag]``: a new layout is built in a private sibling directory and renamed
  into place; into an existing layout, new blobs are added under their digests and
  ``index.json`` is replaced atomically (an abort deletes the blobs it added);
- ``docker-archive:FILE[:name:tag]``: written to a temporary file next to FILE and renamed.
  Docker keeps uncompressed layers there, so compressed layers are inflated on the way in and
  checked against the config's diff_ids.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from hullguard.image._write_archive import ArchiveDestination
from hullguard.image._write_common import (
    DestinationError,
    DestinationKind,
    ImageDestination,
    OutputManifest,
    UnsupportedDestinationError,
    WrittenImage,
)
from hullguard.image._write_layout import LayoutDestination

if TYPE_CHECKING:
    from hullguard.image._resolve import SourceOptions

__all__ = [
    "DestinationError",
    "DestinationKind",
    "ImageDestination",
    "OutputManifest",
    "UnsupportedDestinationError",
    "WrittenImage",
    "destination",
    "open_destination",
]


def _split_layout(rest: str) -> tuple[Path, str | None]:
    if os.path.isdir(rest) or ":" not in rest:
        return Path(rest), None
    path, _, tag = rest.rpartition(":")
    return Path(path), tag or None


def _split_archive(rest: str) -> tuple[Path, str | None]:
    path, sep, tag = rest.partition(":")
    return Path(path), (tag if sep and tag else None)


def open_destination(text: str, options: SourceOptions) -> ImageDestination:
    """The destination ``text`` names: ``oci-layout:DIR[:tag]`` (or ``oci:``),
    ``docker-archive:FILE[:name:tag]``, or a registry reference (``[registry:]host/repo:tag``)."""
    kind, sep, rest = text.partition(":")
    if sep and kind in ("oci-layout", "oci"):
        root, tag = _split_layout(rest)
        return LayoutDestination(root, tag)
    if sep and kind == "docker-archive":
        path, tag = _split_archive(rest)
        return ArchiveDestination(path, tag, options.limits)
    if sep and kind in ("docker", "podman", "rootfs"):
        raise UnsupportedDestinationError(
            f"{text}: hullguard cannot write images to {kind}:",
            hint="write to docker-archive:FILE and load it (docker load -i FILE), or push to a registry",
        )
    from hullguard.image._reference import parse_reference  # noqa: PLC0415 - httpx only when needed
    from hullguard.image._resolve import registry_client  # noqa: PLC0415
    from hullguard.image._write_registry import RegistryDestination  # noqa: PLC0415

    name = rest.removeprefix("//") if sep and kind == "registry" else text
    ref = parse_reference(name)
    if ref.digest is not None:
        raise UnsupportedDestinationError(
            f"{text}: a destination needs a tag, not a digest", hint="the manifest digest changes on write"
        )
    return RegistryDestination(ref, registry_client(options))


@contextmanager
def destination(text: str, options: SourceOptions) -> Iterator[ImageDestination]:
    """Open a destination that aborts unless committed (errors leave nothing behind)."""
    dest = open_destination(text, options)
    try:
        yield dest
    finally:
        dest.abort()
