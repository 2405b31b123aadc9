"""A streaming tar reader for untrusted layers.

Python's ``tarfile`` trusts its input more than we may: it reads pax headers of any size into
memory and resolves member names we must refuse. This reader parses the ustar/GNU/pax headers
itself (POSIX.1-2001 pax, GNU ``L``/``K`` long names), bounds every header, refuses paths that
leave the image root, and hands out member data as a bounded stream. It never touches the host
filesystem.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from hullguard.errors import BadInputError
from hullguard.image._entry import EntryKind, FileHeader, Readable
from hullguard.image._limits import Limits

__all__ = ["TarMember", "TarReader", "UnsafePathError", "normalize_member_path"]

_BLOCK = 512
_KINDS = {
    b"0": EntryKind.FILE,
    b"\0": EntryKind.FILE,
    b"7": EntryKind.FILE,
    b"1": EntryKind.HARDLINK,
    b"2": EntryKind.SYMLINK,
    b"5": EntryKind.DIR,
}


class UnsafePathError(BadInputError):
    """A member path is absolute or climbs out of the image root with ``..``."""


class MalformedTarError(BadInputError):
    """The stream is not a tar archive or ends in the middle of one."""


def normalize_member_path(name: str, *, where: str) -> str:
    """Return ``/a/b`` for ``a/b``, ``./a//b/``; refuse absolute paths and ``..`` components.

    Docker writes relative names (``etc/passwd``) and tools like ``tar -C dir .`` write ``./``
    prefixes; an absolute name or a ``..`` step has no place in a layer and is how path
    traversal attacks on extracting tools work, so it is an error, not something to clean up.
    """
    if name.startswith("/"):
        raise UnsafePathError(f"{where}: entry {name!r} has an absolute path")
    if not name.startswith(".") and "/." not in name and "//" not in name:
        return "/" + name.rstrip("/")  # already clean: the common case, kept cheap
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise UnsafePathError(f"{where}: entry {name!r} climbs out of the image root")
    return "/" + "/".join(parts)


def _octal(field: bytes, *, where: str) -> int:
    if field and field[0] & 0x80:  # GNU base-256 for big numbers
        value = field[0] & 0x3F
        for byte in field[1:]:
            value = (value << 8) | byte
        return value
    text = field.rstrip(b"\0 ")
    if not text.isdigit():  # padding or garbage; digits only, so no sign and no negative size
        text = field.split(b"\0", 1)[0].strip(b" \0")
        if not text:
            return 0
        if not text.isdigit():
            raise MalformedTarError(f"{where}: bad numeric field {field!r} in a tar header")
    try:
        return int(text, 8)
    except ValueError:  # 8 or 9 among the digits
        raise MalformedTarError(f"{where}: bad numeric field {field!r} in a tar header") from None


def _checksum_ok(block: bytes) -> bool:
    """POSIX ustar: the header's byte sum with the checksum field read as eight spaces.

    The byte sum comes from Adler-32's first half (``1 + sum mod 65521``), which zlib computes
    in C: ten times faster than ``sum(block)`` on a 512-byte header, and the header sum (at
    most 130,560) is compared modulo the same prime.
    """
    try:
        expected = int(block[148:156].rstrip(b"\0 ") or b"x", 8)
    except ValueError:
        return False
    total = (zlib.adler32(block) & 0xFFFF) - 1 - sum(block[148:156]) + 8 * 32
    return (total - expected) % 65521 == 0


def _text(raw: bytes) -> str:
    """Names as text; bytes that are not UTF-8 become ``\\xNN`` escapes, printable and encodable."""
    return raw.decode("utf-8", "backslashreplace")


def _parse_pax(data: bytes, *, where: str) -> dict[str, str]:
    """Parse ``"<len> key=value\\n"`` records (POSIX.1-2001 pax extended header)."""
    records: dict[str, str] = {}
    pos = 0
    while pos < len(data):
        space = data.find(b" ", pos)
        if space < 0:
            break
        try:
            length = int(data[pos:space])
        except ValueError:
            raise MalformedTarError(f"{where}: malformed pax record") from None
        if length <= 0 or pos + length > len(data):
            raise MalformedTarError(f"{where}: malformed pax record length")
        record = data[space + 1 : pos + length - 1]
        key, _, value = record.partition(b"=")
        records[_text(key)] = _text(value)
        pos += length
    return records


@dataclass(frozen=True, slots=True)
class TarMember:
    """One entry: its normalised path, header facts and the raw name it was stored under."""

    path: str
    header: FileHeader
    raw_name: str


class TarReader:
    """Iterate the members of a tar stream; read a member's bytes while it is current.

    Member data not read by the caller is skipped. ``where`` names the image and layer in
    every error message.
    """

    def __init__(self, raw: Readable, *, limits: Limits, where: str) -> None:
        self._raw = raw
        self._limits = limits
        self._where = where
        self._remaining = 0  # data bytes of the current member not yet consumed
        self._padding = 0
        self._count = 0
        self.bytes_read = 0
        seekable = getattr(raw, "seekable", None)
        self._seekable = bool(seekable()) if callable(seekable) else False
        skip = getattr(raw, "skip", None)
        self._skipper: Callable[[int], int] | None = skip if callable(skip) else None
        self._pending_bytes = 0

    def _read_exact(self, n: int) -> bytes:
        if n < 0:
            raise MalformedTarError(f"{self._where}: negative length in a tar header")
        data = self._raw.read(n)
        if len(data) < n:
            chunks = [data]
            got = len(data)
            while got < n:
                more = self._raw.read(n - got)
                if not more:
                    raise MalformedTarError(f"{self._where}: tar stream ends in the middle of an entry")
                chunks.append(more)
                got += len(more)
            data = b"".join(chunks)
        self.bytes_read += n
        return data

    def _skip(self, n: int) -> None:
        if n > 0 and self._seekable:
            self._raw.seek(n, 1)  # type: ignore[attr-defined]
            self.bytes_read += n
            return
        if n > 0 and self._skipper is not None:
            if self._skipper(n) != n:
                raise MalformedTarError(f"{self._where}: tar stream ends in the middle of an entry")
            self.bytes_read += n
            return
        while n > 0:
            step = min(n, 1 << 20)
            self._read_exact(step)
            n -= step

    def read_member(self, limit: int | None = None) -> bytes:
        """Read all (or the first ``limit``) bytes of the current member's data."""
        want = self._remaining if limit is None else min(limit, self._remaining)
        data = self._read_exact(want)
        self._remaining -= want
        return data

    def read_chunk(self, n: int) -> bytes:
        """Read up to ``n`` bytes of the current member (b"" at its end); for nested streams."""
        n = min(n, self._remaining)
        if n <= 0:
            return b""
        data = self._read_exact(n)
        self._remaining -= n
        return data

    def _finish_member(self) -> None:
        self._skip(self._remaining + self._padding)
        self._remaining = 0
        self._padding = 0

    def _header_payload(self, size: int) -> bytes:
        if size > self._limits.max_header_bytes:
            raise BadInputError(
                f"{self._where}: a tar extended header of {size} bytes exceeds the limit of "
                f"{self._limits.max_header_bytes}",
                hint="the layer is hostile or corrupt; raise limits only for trusted images",
            )
        data = self._read_exact(size)
        self._skip(-size % _BLOCK)
        return data

    def __iter__(self) -> Iterator[TarMember]:
        pending: dict[str, str] = {}
        while True:
            self._finish_member()
            block = self._raw.read(_BLOCK)
            if len(block) < _BLOCK:
                if not block and self._count == 0 and self.bytes_read == 0:
                    return  # an empty layer (zero bytes) is valid
                if not block:
                    return  # tolerate missing end-of-archive blocks, as GNU tar does
                raise MalformedTarError(f"{self._where}: tar stream ends inside a header")
            self.bytes_read += _BLOCK
            if block == b"\0" * _BLOCK:
                return
            if not _checksum_ok(block):
                raise MalformedTarError(f"{self._where}: tar header checksum mismatch (not a tar layer?)")
            self._count += 1
            if self._count > self._limits.max_entries:
                raise BadInputError(f"{self._where}: more than {self._limits.max_entries} entries")
            member = self._member(block, pending)
            if member is not None:
                pending = {}
                self._pending_bytes = 0
                yield member
            # else: an extended header was consumed into ``pending``

    def _extended(self, flag: bytes, payload: bytes, pending: dict[str, str]) -> None:
        """Fold an extended header into ``pending``, bounded across consecutive headers.

        Global (``g``) headers are read and dropped: the container runtimes (Go's archive/tar in
        Docker and containerd) do not apply them to later entries, so applying them here would
        let an image rename or hide files from the scan that the runtime still creates.
        """
        self._pending_bytes += len(payload)
        if self._pending_bytes > self._limits.max_header_bytes:
            limit = self._limits.max_header_bytes
            raise BadInputError(
                f"{self._where}: extended headers before one entry exceed {limit} bytes",
                hint="the layer is hostile or corrupt",
            )
        if flag == b"x":
            pending.update(_parse_pax(payload, where=self._where))
        elif flag in (b"L", b"K"):
            text = _text(payload.split(b"\0", 1)[0])
            pending["path" if flag == b"L" else "linkpath"] = text

    def _member(self, block: bytes, pending: dict[str, str]) -> TarMember | None:
        size = _octal(block[124:136], where=self._where)
        flag = block[156:157]
        if flag in (b"x", b"g", b"L", b"K"):
            self._extended(flag, self._header_payload(size), pending)
            return None
        name = pending.get("path") or self._ustar_name(block)
        linkname = pending.get("linkpath") or _text(block[157:257].split(b"\0", 1)[0])
        if "size" in pending:
            size = self._pax_int(pending, "size")
        kind = _KINDS.get(flag, EntryKind.OTHER)
        has_data = kind in (EntryKind.FILE, EntryKind.OTHER) and flag not in (b"3", b"4", b"5", b"6")
        self._remaining = size if has_data else 0
        self._padding = -self._remaining % _BLOCK
        header = FileHeader(
            size=self._remaining,
            mode=_octal(block[100:108], where=self._where) & 0o7777,
            kind=kind,
            linkname=linkname,
            uid=self._pax_int(pending, "uid")
            if "uid" in pending
            else _octal(block[108:116], where=self._where),
            gid=self._pax_int(pending, "gid")
            if "gid" in pending
            else _octal(block[116:124], where=self._where),
            mtime=self._pax_time(pending)
            if "mtime" in pending
            else _octal(block[136:148], where=self._where),
        )
        return TarMember(normalize_member_path(name, where=self._where), header, name)

    def _number(self, fields: dict[str, str], key: str, field: bytes) -> int:
        return self._pax_int(fields, key) if key in fields else _octal(field, where=self._where)

    def _pax_int(self, fields: dict[str, str], key: str) -> int:
        value = fields[key]
        if not value.isascii() or not value.isdigit():
            raise MalformedTarError(f"{self._where}: pax {key}={value[:40]!r} is not a non-negative integer")
        return int(value)

    def _pax_time(self, fields: dict[str, str]) -> int:
        seconds, _, _fraction = fields["mtime"].partition(".")
        digits = seconds.removeprefix("-")
        if not digits.isascii() or not digits.isdigit():
            raise MalformedTarError(f"{self._where}: pax mtime={fields['mtime'][:40]!r} is not a time")
        return int(seconds)

    @staticmethod
    def _ustar_name(block: bytes) -> str:
        name = block[0:100].split(b"\0", 1)[0]
        if block[257:262] == b"ustar":
            prefix = block[345:500].split(b"\0", 1)[0]
            if prefix:
                name = prefix + b"/" + name
        return _text(name)
