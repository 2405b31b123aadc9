"""Filesystem entries as a layer (or a directory) describes them, before any content is read."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

__all__ = ["EntryKind", "FileHeader", "Readable"]


class EntryKind(StrEnum):
    """The kinds of filesystem entry a layer can hold."""

    FILE = "file"
    DIR = "dir"
    SYMLINK = "symlink"
    HARDLINK = "hardlink"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class FileHeader:
    """What the tar header (or ``lstat``) says about an entry; cheap to inspect."""

    size: int
    mode: int
    kind: EntryKind = EntryKind.FILE
    linkname: str = ""
    uid: int = 0
    gid: int = 0
    mtime: int = 0


class Readable(Protocol):
    """The one method the streaming code needs of a byte source (files, sockets, decoders)."""

    def read(self, n: int = -1, /) -> bytes:
        """Up to ``n`` bytes (all remaining when negative); ``b""`` at the end."""
        ...
