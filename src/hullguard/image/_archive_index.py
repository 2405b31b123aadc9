"""Random access to the members of a seekable tar (docker-archive, OCI layout tar).

The outer archive is indexed with our own bounded tar reader (member data is seeked over,
never read), and members are opened as windows on the file. Nothing is extracted.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from hullguard.errors import BadInputError
from hullguard.image._entry import EntryKind
from hullguard.image._limits import Limits
from hullguard.image._tar import TarReader

__all__ = ["ArchiveIndex", "MemberWindow"]


@dataclass(frozen=True, slots=True)
class _Entry:
    offset: int
    size: int
    kind: EntryKind
    linkname: str


class MemberWindow(io.RawIOBase):
    """A read-only view of ``size`` bytes at ``offset`` of a file, with its own position."""

    def __init__(self, path: Path, offset: int, size: int) -> None:
        self._file = path.open("rb")
        self._file.seek(offset)
        self._left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        n = min(len(buffer), self._left)
        if n <= 0:
            return 0
        got = self._file.readinto(memoryview(buffer)[:n])
        if not got:
            raise BadInputError(f"{self._file.name}: archive ends inside a member")
        self._left -= got
        return got

    def close(self) -> None:
        self._file.close()
        super().close()


class ArchiveIndex:
    """Member name → location in a tar file on disk."""

    def __init__(self, path: Path, *, limits: Limits, where: str) -> None:
        self.path = path
        self._where = where
        self._entries: dict[str, _Entry] = {}
        with path.open("rb") as raw:
            head = raw.read(4)
            raw.seek(0)
            if head[:2] == b"\x1f\x8b" or head == b"\x28\xb5\x2f\xfd":
                raise BadInputError(
                    f"{where}: the archive is compressed",
                    hint="decompress it first (e.g. gunzip image.tar.gz), then scan the .tar",
                )
            reader = TarReader(raw, limits=limits, where=where)
            for member in reader:
                self._entries[member.path] = _Entry(
                    reader.bytes_read, member.header.size, member.header.kind, member.header.linkname
                )

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._resolve(name) is not None

    def _resolve(self, name: str) -> _Entry | None:
        path = "/" + name.lstrip("./").lstrip("/") if not name.startswith("/") else name
        for _ in range(8):  # legacy docker save links duplicate layer.tar files; bounded hops
            entry = self._entries.get(path)
            if entry is None or entry.kind is not EntryKind.SYMLINK:
                return entry
            base = path.rpartition("/")[0]
            target = entry.linkname
            parts: list[str] = []
            for part in (target if target.startswith("/") else f"{base}/{target}").split("/"):
                if part == "..":
                    if parts:
                        parts.pop()
                elif part not in ("", "."):
                    parts.append(part)
            path = "/" + "/".join(parts)
        return None

    def size_of(self, name: str) -> int:
        """A member's size in bytes, -1 when absent."""
        entry = self._resolve(name)
        return -1 if entry is None else entry.size

    def open(self, name: str) -> BinaryIO:
        """Open a member for reading; a missing member is malformed input naming it."""
        entry = self._resolve(name)
        if entry is None or entry.kind is not EntryKind.FILE:
            raise BadInputError(f"{self._where}: missing blob {name!r} in the archive")
        return io.BufferedReader(MemberWindow(self.path, entry.offset, entry.size), buffer_size=1 << 20)

    def read(self, name: str, *, max_bytes: int) -> bytes:
        """Read a small member whole (manifests, configs), bounded by ``max_bytes``."""
        entry = self._resolve(name)
        if entry is not None and entry.size > max_bytes:
            raise BadInputError(
                f"{self._where}: {name} is {entry.size} bytes, over the {max_bytes}-byte limit"
            )
        with self.open(name) as stream:
            return stream.read()
