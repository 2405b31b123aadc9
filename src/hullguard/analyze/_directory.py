"""``rootfs:DIR``: an unpacked filesystem on disk, read without ever following a symlink.

Symlinks are reported to analyzers as symlinks (as a layer would), files are opened with
``O_NOFOLLOW`` relative to their directory, and nothing outside ``DIR`` is read, so a hostile
rootfs with links to ``/etc/shadow`` or link loops cannot make us read the host.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path

from hullguard.analyze._base import Analyzer, EntryKind, FileHeader, FileInput
from hullguard.analyze._facts import FactCollector
from hullguard.analyze._layer import FileResult
from hullguard.analyze._merge import LayeredFile
from hullguard.analyze._select import AnalyzerSelector
from hullguard.analyze._walker import run_analyzer
from hullguard.errors import ImageError
from hullguard.image._limits import Limits
from hullguard.inventory import Skipped

__all__ = ["walk_directory"]

_DIR_LAYER = ""


def _kind(mode: int) -> EntryKind:
    if stat.S_ISREG(mode):
        return EntryKind.FILE
    if stat.S_ISDIR(mode):
        return EntryKind.DIR
    if stat.S_ISLNK(mode):
        return EntryKind.SYMLINK
    return EntryKind.OTHER


def _entries(root: Path, limits: Limits) -> Iterator[tuple[str, os.DirEntry[str]]]:
    stack = [(str(root), "")]
    seen = 0
    while stack:
        directory, rel = stack.pop()
        try:
            with os.scandir(directory) as it:
                children = sorted(it, key=lambda e: e.name)
        except OSError:
            continue
        for entry in children:
            seen += 1
            if seen > limits.max_entries:
                raise ImageError(f"rootfs:{root}: more than {limits.max_entries} entries")
            path = f"{rel}/{entry.name}"
            yield path, entry
            if entry.is_dir(follow_symlinks=False):
                stack.append((entry.path, path))


def _read(entry: os.DirEntry[str], size: int) -> bytes:
    fd = os.open(entry.path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        return handle.read(size + 1)


def walk_directory(
    root: Path, analyzers: Sequence[Analyzer], *, limits: Limits, facts: FactCollector | None = None
) -> tuple[list[LayeredFile], list[Skipped]]:
    """Run analyzers over a directory tree; returns visible results and skip notes.

    ``facts``, when given, sees every entry's header (setuid files, caches), as in a layer pass.
    """
    if not root.is_dir():
        raise ImageError(f"rootfs:{root}: not a directory")
    files: list[LayeredFile] = []
    skipped: list[Skipped] = []
    selector = AnalyzerSelector(analyzers)
    for path, entry in _entries(root, limits):
        st = entry.stat(follow_symlinks=False)
        kind = _kind(st.st_mode)
        linkname = os.readlink(entry.path) if kind is EntryKind.SYMLINK else ""
        header = FileHeader(
            st.st_size, st.st_mode & 0o7777, kind, linkname, st.st_uid, st.st_gid, int(st.st_mtime)
        )
        if facts is not None:
            facts.observe(path, header)
        wanted = selector.select(path, header)
        if not wanted:
            continue
        if st.st_size > limits.max_file_bytes:
            skipped.append(Skipped(path, f"larger than the {limits.max_file_bytes}-byte file limit"))
            continue
        try:
            content = _read(entry, st.st_size)
        except OSError as exc:
            skipped.append(Skipped(path, f"unreadable: {exc.strerror}"))
            continue
        file = FileInput(path, header, content, None)
        files.extend(LayeredFile(_DIR_LAYER, FileResult(path, a.id, run_analyzer(a, file))) for a in wanted)
    return files, skipped
