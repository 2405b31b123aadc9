"""The streaming tar reader on real tar output and on hostile headers built here."""

from __future__ import annotations

import io
import tarfile

import pytest

from hullguard.analyze import EntryKind
from hullguard.errors import BadInputError
from hullguard.image import Limits, UnsafePathError
from hullguard.image._tar import TarReader, normalize_member_path


def _tar(*members: tuple[str, bytes | None, bytes], fmt: int = tarfile.PAX_FORMAT) -> bytes:
    """Build a tar with Python's tarfile: (name, data or None for dir, type flag)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as tar:
        for name, data, kind in members:
            info = tarfile.TarInfo(name)
            info.type = kind
            if kind == tarfile.SYMTYPE:
                info.linkname = "../target"
            if data is not None:
                info.size = len(data)
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return buf.getvalue()


def _read_all(data: bytes, limits: Limits | None = None) -> list[tuple[str, EntryKind, bytes]]:
    reader = TarReader(io.BytesIO(data), limits=limits or Limits(), where="test")
    return [(m.path, m.header.kind, reader.read_member()) for m in reader]


@pytest.mark.parametrize(
    "fmt", [tarfile.USTAR_FORMAT, tarfile.GNU_FORMAT, tarfile.PAX_FORMAT], ids=["ustar", "gnu", "pax"]
)
def test_reads_members_in_every_tar_format(fmt: int) -> None:
    long_name = "usr/" + "d" * 120 + "/file.txt"
    data = _tar(
        ("etc", None, tarfile.DIRTYPE),
        ("etc/os-release", b"ID=debian\n", tarfile.REGTYPE),
        ("etc/link", None, tarfile.SYMTYPE),
        (long_name, b"x" * 700, tarfile.REGTYPE),
        fmt=fmt,
    )
    got = _read_all(data)
    assert got == [
        ("/etc", EntryKind.DIR, b""),
        ("/etc/os-release", EntryKind.FILE, b"ID=debian\n"),
        ("/etc/link", EntryKind.SYMLINK, b""),
        ("/" + long_name, EntryKind.FILE, b"x" * 700),
    ]


def test_unread_member_data_is_skipped() -> None:
    data = _tar(("a", b"1" * 5000, tarfile.REGTYPE), ("b", b"2", tarfile.REGTYPE))
    reader = TarReader(io.BytesIO(data), limits=Limits(), where="t")
    assert [m.path for m in reader] == ["/a", "/b"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [("etc/passwd", "/etc/passwd"), ("./etc//passwd/", "/etc/passwd"), ("./", "/"), ("a/./b", "/a/b")],
    ids=["plain", "dot-prefix", "root", "inner-dot"],
)
def test_normalizes_member_paths(name: str, expected: str) -> None:
    assert normalize_member_path(name, where="t") == expected


@pytest.mark.parametrize(
    "name", ["../etc/passwd", "a/../../b", "/etc/shadow"], ids=["dotdot", "inner-dotdot", "absolute"]
)
def test_refuses_paths_leaving_the_root(name: str) -> None:
    data = _tar((name, b"x", tarfile.REGTYPE), fmt=tarfile.GNU_FORMAT)
    with pytest.raises(UnsafePathError, match="test"):
        _read_all(data)


def test_huge_pax_header_is_refused_before_it_is_read() -> None:
    record = b"path=" + b"a" * 4096
    length = len(record) + 2
    length += len(str(length + len(str(length))))
    pax = _tar(("x", None, tarfile.DIRTYPE))
    # craft a pax header claiming 64 MiB of extended data
    header = bytearray(tarfile.TarInfo("././@PaxHeader").tobuf(format=tarfile.USTAR_FORMAT)[:512])
    header[156:157] = b"x"
    header[124:136] = b"%011o\0" % (64 * 1024 * 1024)
    header[148:156] = b" " * 8
    header[148:156] = b"%06o\0 " % sum(header)
    with pytest.raises(BadInputError, match="extended header"):
        _read_all(bytes(header) + b"\0" * 512 + pax, Limits(max_header_bytes=1024 * 1024))


def test_truncated_tar_is_a_clear_error() -> None:
    data = _tar(("a", b"1" * 5000, tarfile.REGTYPE))
    with pytest.raises(BadInputError, match="ends"):
        _read_all(data[:1500])


def test_garbage_is_not_a_tar() -> None:
    with pytest.raises(BadInputError, match="checksum"):
        _read_all(b"{not a tar}" * 100)


def test_entry_count_is_bounded() -> None:
    data = _tar(*[(f"f{i}", b"", tarfile.REGTYPE) for i in range(20)])
    with pytest.raises(BadInputError, match="more than 10 entries"):
        _read_all(data, Limits(max_entries=10))
