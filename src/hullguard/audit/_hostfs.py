"""Read-only access to a host's files, possibly mounted somewhere else (``--host-root``).

Every host path is resolved component by component under the root: a symlink's target is
re-rooted (an absolute target starts again at the root, ``..`` stops at the root), so a
mounted host whose ``/etc/docker`` points at ``/`` cannot make us read the auditing machine's
files. Nothing is ever written; files are opened with ``O_NOFOLLOW`` after resolution.
"""

from __future__ import annotations

import os
import stat
from collections import deque
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from hullguard.errors import AuditError

__all__ = ["FileStat", "HostPathError", "HostRoot"]

_MAX_SYMLINKS = 40
"""As Linux's ``MAXSYMLINKS``: a longer chain is a loop or hostile."""
_MAX_READ = 4 * 1024 * 1024
"""Configuration files are small; a bigger one is refused rather than read into memory."""


class HostPathError(AuditError):
    """A host path could not be resolved or read (symlink loop, too large, permission denied)."""


@dataclass(frozen=True, slots=True)
class FileStat:
    """Ownership and mode of one host path, as ``stat`` reports them for the resolved file."""

    path: str
    """The path on the audited host (never prefixed with the mount point)."""
    uid: int
    gid: int
    mode: int
    """Permission bits only (``0o644``)."""
    kind: str
    """``file``, ``directory``, ``socket`` or ``other``."""


def _kind(mode: int) -> str:
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "directory"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "other"


@dataclass(frozen=True, slots=True)
class HostRoot:
    """The audited host's ``/``: the real one, or a directory where a host is mounted."""

    root: Path

    @property
    def is_local(self) -> bool:
        """True when auditing the machine we run on (processes and ``auditctl`` are then ours)."""
        return self.root == Path("/")

    def resolve(self, path: str) -> str | None:
        """The host path ``path`` leads to after symlinks, or ``None`` when it does not exist."""
        pending = deque(PurePosixPath(path).parts[1:])
        current: list[str] = []
        hops = 0
        while pending:
            name = pending.popleft()
            if name in {"", "."}:
                continue
            if name == "..":
                if current:
                    current.pop()
                continue
            candidate = self.root.joinpath(*current, name)
            try:
                info = os.lstat(candidate)
            except FileNotFoundError:
                return None
            except OSError as exc:
                raise HostPathError(f"cannot read {path}: {exc.strerror}") from exc
            if not stat.S_ISLNK(info.st_mode):
                current.append(name)
                continue
            hops += 1
            if hops > _MAX_SYMLINKS:
                raise HostPathError(f"cannot resolve {path}: too many levels of symbolic links")
            target = PurePosixPath(os.readlink(candidate))
            if target.is_absolute():
                current = []
            pending.extendleft(reversed(target.parts[1:] if target.is_absolute() else target.parts))
        return "/" + "/".join(current)

    def local(self, host_path: str) -> Path:
        """Where a resolved host path is on this machine."""
        return self.root.joinpath(*PurePosixPath(host_path).parts[1:])

    def stat(self, path: str) -> FileStat | None:
        """Ownership and mode of what ``path`` resolves to; ``None`` when it does not exist."""
        resolved = self.resolve(path)
        if resolved is None:
            return None
        try:
            info = os.lstat(self.local(resolved))
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise HostPathError(f"cannot stat {path}: {exc.strerror}") from exc
        mode = info.st_mode
        return FileStat(resolved, info.st_uid, info.st_gid, stat.S_IMODE(mode), _kind(mode))

    def read_text(self, path: str) -> str | None:
        """A small text file's content; ``None`` when it does not exist."""
        resolved = self.resolve(path)
        if resolved is None:
            return None
        try:
            fd = os.open(self.local(resolved), os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise HostPathError(f"cannot read {path}: {exc.strerror}") from exc
        with os.fdopen(fd, "rb") as handle:
            data = handle.read(_MAX_READ + 1)
        if len(data) > _MAX_READ:
            raise HostPathError(f"{path} is larger than {_MAX_READ} bytes; not read")
        return data.decode("utf-8", errors="replace")

    def list_dir(self, path: str) -> list[str]:
        """Host paths of a directory's entries, sorted; empty when it does not exist."""
        resolved = self.resolve(path)
        if resolved is None:
            return []
        try:
            names = sorted(os.listdir(self.local(resolved)))
        except (FileNotFoundError, NotADirectoryError):
            return []
        except OSError as exc:
            raise HostPathError(f"cannot list {path}: {exc.strerror}") from exc
        base = resolved.rstrip("/")
        return [f"{base}/{name}" for name in names]
