"""Read the few tags the inventory needs out of one rpm header blob.

A header as rpm stores it in its database (rpm ``lib/header.c``, "hdrblob"):

* ``il`` and ``dl``, big-endian 32-bit: the number of index entries and the data store length;
* ``il`` index entries of 16 bytes: tag, type, offset into the data store, count;
* ``dl`` bytes of data store.

The first entry is usually a region tag (``HEADERIMMUTABLE``) covering the signed part; entries
after the region ("dribbles", such as the install time) replace duplicates inside it, so the last
entry for a tag wins. Every offset and count is checked against the data store before it is read,
and counts are bounded by the bytes they would need, so a hostile blob cannot make us loop or
allocate beyond its own size.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from enum import IntEnum

from hullguard.analyze._rpmdb._records import RpmdbError

__all__ = ["RpmHeader", "Tag"]

_MAGIC = b"\x8e\xad\xe8\x01"
"""The header magic; database blobs omit it, but a blob that has it is read the same way."""
_MAX_ENTRIES = 0xFFFF
"""rpm refuses headers with more index entries (``hdrchkTags``)."""
_MAX_DATA = 0x0FFFFFFF
"""rpm refuses data stores of 256 MiB or more (``HEADER_DATA_MAX``)."""
_ENTRY = struct.Struct(">iIiI")


class Tag(IntEnum):
    """The header tags the inventory reads (rpm ``rpmtag.h``)."""

    NAME = 1000
    VERSION = 1001
    RELEASE = 1002
    EPOCH = 1003
    SIZE = 1009
    VENDOR = 1011
    LICENSE = 1014
    ARCH = 1022
    OLDFILENAMES = 1027
    SOURCERPM = 1044
    DIRINDEXES = 1116
    BASENAMES = 1117
    DIRNAMES = 1118
    LONGSIZE = 5009


class _Type(IntEnum):
    """Tag data types (rpm ``rpmTagType``); anything above ``I18NSTRING`` is invalid."""

    NULL = 0
    CHAR = 1
    INT8 = 2
    INT16 = 3
    INT32 = 4
    INT64 = 5
    STRING = 6
    BIN = 7
    STRING_ARRAY = 8
    I18NSTRING = 9


@dataclass(frozen=True, slots=True)
class _Entry:
    type: int
    offset: int
    count: int


class _Blob:
    """A structurally checked header: the index by tag, and typed readers over the data store."""

    __slots__ = ("_entries", "_store")

    def __init__(self, blob: bytes) -> None:
        if blob.startswith(_MAGIC):
            blob = blob[8:]
        if len(blob) < 8:
            raise RpmdbError(f"header blob of {len(blob)} bytes is too short")
        il, dl = struct.unpack_from(">II", blob, 0)
        if not 0 < il <= _MAX_ENTRIES or dl > _MAX_DATA:
            raise RpmdbError(f"header claims {il} index entries and {dl} data bytes")
        start = 8 + il * _ENTRY.size
        if start + dl > len(blob):
            raise RpmdbError(f"header needs {start + dl} bytes but the blob has {len(blob)}")
        self._store = blob[start : start + dl]
        self._entries: dict[int, _Entry] = {}
        for tag, kind, offset, count in _ENTRY.iter_unpack(blob[8:start]):
            if kind > _Type.I18NSTRING or not 0 <= offset < max(dl, 1) or count == 0:
                raise RpmdbError(f"tag {tag}: bad index entry (type {kind}, offset {offset}, count {count})")
            self._entries[tag] = _Entry(kind, offset, count)

    def _entry(self, tag: Tag, *kinds: _Type) -> _Entry | None:
        entry = self._entries.get(tag)
        if entry is not None and entry.type not in kinds:
            expected = "/".join(kind.name for kind in kinds)
            raise RpmdbError(f"tag {tag.name} has type {entry.type}, expected {expected}")
        return entry

    def strings(self, tag: Tag) -> tuple[str, ...]:
        """All strings of a string, string-array or i18n tag; () when the tag is absent.

        rpm does not enforce an encoding, and old packages carry Latin-1 names, so undecodable
        bytes are replaced rather than costing us the package.
        """
        entry = self._entry(tag, _Type.STRING, _Type.STRING_ARRAY, _Type.I18NSTRING)
        if entry is None:
            return ()
        count = 1 if entry.type == _Type.STRING else entry.count
        if count > len(self._store) - entry.offset:
            raise RpmdbError(f"tag {tag.name}: {count} strings cannot fit in the data store")
        parts = self._store[entry.offset :].split(b"\0", count)
        if len(parts) <= count:
            raise RpmdbError(f"tag {tag.name}: string runs past the end of the data store")
        return tuple(part.decode("utf-8", "replace") for part in parts[:count])

    def string(self, tag: Tag) -> str | None:
        """The first string of a tag (the C locale for i18n strings), or None when absent."""
        values = self.strings(tag)
        return values[0] if values else None

    def integers(self, tag: Tag) -> tuple[int, ...]:
        """All values of an unsigned 16-, 32- or 64-bit integer tag; () when absent."""
        entry = self._entry(tag, _Type.INT16, _Type.INT32, _Type.INT64)
        if entry is None:
            return ()
        code = {_Type.INT16: "H", _Type.INT32: "I", _Type.INT64: "Q"}[_Type(entry.type)]
        if entry.offset + entry.count * struct.calcsize(code) > len(self._store):
            raise RpmdbError(f"tag {tag.name}: {entry.count} integers run past the data store")
        return struct.unpack_from(f">{entry.count}{code}", self._store, entry.offset)

    def integer(self, tag: Tag) -> int | None:
        """The first value of an integer tag, or None when absent."""
        values = self.integers(tag)
        return values[0] if values else None


def _file_paths(blob: _Blob) -> tuple[str, ...]:
    """Owned paths: ``DIRNAMES[DIRINDEXES[i]] + BASENAMES[i]``, or ``OLDFILENAMES`` (rpm < 4.0)."""
    basenames = blob.strings(Tag.BASENAMES)
    if not basenames:
        return tuple(sorted(blob.strings(Tag.OLDFILENAMES)))
    dirnames = blob.strings(Tag.DIRNAMES)
    indexes = blob.integers(Tag.DIRINDEXES)
    if len(indexes) != len(basenames):
        raise RpmdbError(f"{len(basenames)} file base names but {len(indexes)} directory indexes")
    if max(indexes) >= len(dirnames):
        raise RpmdbError(f"directory index {max(indexes)} out of range ({len(dirnames)} directories)")
    return tuple(sorted(dirnames[index] + base for index, base in zip(indexes, basenames, strict=True)))


@dataclass(frozen=True, slots=True)
class RpmHeader:
    """The facts of one installed package, read from its header blob.

    Build it with :meth:`from_blob`, which rejects malformed blobs with :class:`RpmdbError`.
    """

    name: str
    version: str
    release: str
    epoch: int | None
    """None when the package has no epoch tag (not the same as an explicit 0 in rpm's output)."""
    arch: str | None
    source_rpm: str | None
    """File name of the source package, e.g. ``util-linux-2.32.1-42.el8_8.src.rpm``."""
    license: str | None
    vendor: str | None
    size: int | None
    """Installed size in bytes (``LONGSIZE`` when present, else ``SIZE``)."""
    files: tuple[str, ...]
    """Owned file paths, sorted."""

    @classmethod
    def from_blob(cls, blob: bytes) -> RpmHeader:
        """Parse a header blob as stored in an rpm database."""
        header = _Blob(blob)
        name, version, release = (header.string(t) for t in (Tag.NAME, Tag.VERSION, Tag.RELEASE))
        if not name or version is None or release is None:
            raise RpmdbError(f"header lacks name, version or release (name {name!r})")
        return cls(
            name=name,
            version=version,
            release=release,
            epoch=header.integer(Tag.EPOCH),
            arch=header.string(Tag.ARCH),
            source_rpm=header.string(Tag.SOURCERPM),
            license=header.string(Tag.LICENSE),
            vendor=header.string(Tag.VENDOR),
            size=header.integer(Tag.LONGSIZE) or header.integer(Tag.SIZE),
            files=_file_paths(header),
        )
