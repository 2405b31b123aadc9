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

__all__ = ["ArchiveIndex", "MemberFile", "MemberWindow"]


@dataclass(frozen=True, slots=True)
class _Entry:
    offset: int
    size: int
    kind: EntryKind
    linkname: str


class MemberWindow(io.RawIOBase):
    """A read-only, seekable view of ``size`` bytes at ``offset`` of a file, with its own position."""

    def __init__(self, path: Path, offset: int, size: int) -> None:
        self._path = path
        self._offset = offset
        self._size = size
        self._pos = 0
        self._file = path.open("rb")
        self._file.seek(offset)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = min(max(base + offset, 0), self._size)
        self._file.seek(self._offset + self._pos)
        return self._pos

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        n = min(len(buffer), self._size - self._pos)
        if n <= 0:
            return 0
        got = self._file.readinto(memoryview(buffer)[:n])
        if not got:
            raise BadInputError(f"{self._file.name}: archive ends inside a member")
        self._pos += got
        return got

    def reopen(self) -> MemberWindow:
        """An independent view of the same bytes, from the start."""
        return MemberWindow(self._path, self._offset, self._size)

    @property
    def size(self) -> int:
        """Length of the member in bytes."""
        return self._size

    def close(self) -> None:
        self._file.close()
        super().close()


class MemberFile(io.BufferedReader):
    """A buffered member that can hand out a second, independent reader of itself.

    Uncompressed layers are parsed through one and hashed through the other, on two threads,
    so the parser seeks over file data instead of reading it (see ``open_layer_stream``).
    """

    def __init__(self, window: MemberWindow) -> None:
        super().__init__(window, buffer_size=256 << 10)
        self.window = window

    def reopen(self) -> MemberWindow:
        """A fresh unbuffered view of the same member."""
        return self.window.reopen()


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
        return MemberFile(MemberWindow(self.path, entry.offset, entry.size))

    def read(self, name: str, *, max_bytes: int) -> bytes:
        """Read a small member whole (manifests, configs), bounded by ``max_bytes``."""
        entry = self._resolve(name)
        if entry is not None and entry.size > max_bytes:
            raise BadInputError(
                f"{self._where}: {name} is {entry.size} bytes, over the {max_bytes}-byte limit"
            )
        with self.open(name) as stream:
            return stream.read()
