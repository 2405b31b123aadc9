"""Just enough ELF to find a named section or the bytes behind a virtual address.

The Go and Rust binary analyzers both need to locate data the toolchain left in an
executable (``.go.buildinfo``, cargo-auditable's ``.dep-v0``). They share this reader rather
than a general ELF library because scanned executables are hostile input: every offset and
count read here is checked against the file size before it is used, so a forged header costs
a :class:`ElfFormatError`, never a crash or a large allocation. The layout follows the System V
ABI (gABI) chapter 4, "Object Files": ELF header, section header table, program header table.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from hullguard.analyze._base import AnalyzerResult, EntryKind, FileHeader, FileInput
from hullguard.errors import AnalysisError
from hullguard.inventory import Location, Package, Skipped

__all__ = [
    "ELF_MAGIC",
    "ElfAnalyzer",
    "ElfFile",
    "ElfFormatError",
    "Section",
    "Segment",
    "wants_executable",
]

ELF_MAGIC = b"\x7fELF"
_KiB = 1024
_MiB = 1024 * _KiB
MIN_EXECUTABLE_BYTES = 1 * _KiB
"""Smaller files cannot hold an ELF header, tables and a Go or Rust runtime."""
MAX_EXECUTABLE_BYTES = 256 * _MiB
"""Larger files are not read: the cost of holding them in memory outweighs the odds."""

SHT_NOBITS = 8
PT_LOAD = 1
PF_X = 0x1
PF_W = 0x2
_SHN_XINDEX = 0xFFFF
_MAX_NAME = 256


def wants_executable(header: FileHeader) -> bool:
    """Regular files with an executable bit and a plausible size; decided from the header alone."""
    return (
        header.kind is EntryKind.FILE
        and header.mode & 0o111 != 0
        and MIN_EXECUTABLE_BYTES <= header.size <= MAX_EXECUTABLE_BYTES
    )


class ElfFormatError(AnalysisError):
    """The file starts like an ELF object but its tables point outside it or make no sense."""


ElfParser = Callable[[bytes, Location, str], Iterable[Package]]
"""``(content, location, found_by) -> packages``; raises an :class:`AnalysisError` for bad data."""


@dataclass(frozen=True, slots=True)
class ElfAnalyzer:
    """An analyzer of what a toolchain left inside executables, declared from one parser.

    Every executable of plausible size is wanted, since compiled programs carry no telling
    name; content that is not ELF costs one 4-byte compare. The parser's
    :class:`AnalysisError` (ours, never a foreign exception) becomes a skip note for the file.
    """

    id: str
    version: int
    parse: ElfParser

    def wants(self, path: str, header: FileHeader) -> bool:
        """Executable regular files of plausible size, decided from the header alone."""
        return wants_executable(header)

    def analyze(self, file: FileInput) -> AnalyzerResult:
        """Sorted, de-duplicated packages from the parser, or a skip note naming the file."""
        if not file.content.startswith(ELF_MAGIC):
            return AnalyzerResult()
        try:
            packages = set(self.parse(file.content, file.location, self.id))
        except AnalysisError as exc:
            return AnalyzerResult(skipped=(Skipped(file.path, str(exc), file.diff_id, self.id),))
        return AnalyzerResult(packages=tuple(sorted(packages, key=Package.sort_key)))


@dataclass(frozen=True, slots=True)
class Section:
    """One entry of the section header table."""

    name: str
    type: int
    flags: int
    addr: int
    offset: int
    size: int


@dataclass(frozen=True, slots=True)
class Segment:
    """One entry of the program header table (what the loader maps)."""

    type: int
    flags: int
    offset: int
    vaddr: int
    filesz: int


@dataclass(frozen=True, slots=True)
class _Layout:
    """Word size and byte order, from ``e_ident``; picks the struct formats below."""

    is_64: bool
    byteorder: Literal["little", "big"]

    def fmt(self, wide: str, narrow: str) -> struct.Struct:
        return struct.Struct(("<" if self.byteorder == "little" else ">") + (wide if self.is_64 else narrow))


@dataclass(frozen=True, slots=True)
class ElfFile:
    """The parsed tables of one ELF file; build it with :meth:`from_bytes`."""

    data: bytes
    is_64: bool
    byteorder: Literal["little", "big"]
    sections: tuple[Section, ...]
    segments: tuple[Segment, ...]

    @classmethod
    def from_bytes(cls, data: bytes) -> ElfFile:
        """Parse the ELF header and both tables, checking every extent against ``len(data)``."""
        if len(data) < 52 or not data.startswith(ELF_MAGIC):
            raise ElfFormatError("not an ELF file or shorter than an ELF header")
        ei_class, ei_data = data[4], data[5]
        if ei_class not in (1, 2) or ei_data not in (1, 2):
            raise ElfFormatError(f"unknown ELF class {ei_class} or data encoding {ei_data}")
        layout = _Layout(is_64=ei_class == 2, byteorder="little" if ei_data == 1 else "big")
        ehdr = layout.fmt("16xHHIQQQIHHHHHH", "16xHHIIIIIHHHHHH")
        if len(data) < ehdr.size:
            raise ElfFormatError("truncated ELF header")
        fields = ehdr.unpack_from(data)
        phoff, shoff = fields[4], fields[5]
        phentsize, phnum, shentsize, shnum, shstrndx = fields[8:13]
        segments = _read_segments(data, layout, off=phoff, entsize=phentsize, num=phnum)
        sections = _read_sections(data, layout, off=shoff, entsize=shentsize, num=shnum, strndx=shstrndx)
        return cls(data, layout.is_64, layout.byteorder, sections, segments)

    def section(self, name: str) -> Section | None:
        """The first section called ``name``, if the file still has section headers."""
        return next((s for s in self.sections if s.name == name), None)

    def section_bytes(self, section: Section) -> bytes:
        """The file contents of ``section`` (already checked to lie inside the file)."""
        if section.type == SHT_NOBITS:
            raise ElfFormatError(f"section {section.name} occupies no file space")
        return self.data[section.offset : section.offset + section.size]

    def file_offset(self, addr: int) -> tuple[int, int]:
        """Map a virtual address to ``(file offset, bytes available there)`` via PT_LOAD segments."""
        for seg in self.segments:
            if seg.type == PT_LOAD and seg.vaddr <= addr < seg.vaddr + seg.filesz:
                delta = addr - seg.vaddr
                return seg.offset + delta, seg.filesz - delta
        raise ElfFormatError(f"address {addr:#x} is not backed by any loaded segment")

    def read_vaddr(self, addr: int, size: int) -> bytes:
        """Exactly ``size`` bytes at virtual address ``addr``, or an error if they are not in the file."""
        offset, available = self.file_offset(addr)
        if size > available:
            raise ElfFormatError(f"{size} bytes at {addr:#x} run past the end of their segment")
        return self.data[offset : offset + size]


def _check_table(data: bytes, what: str, *, offset: int, entsize: int, count: int, minimum: int) -> None:
    """A header table must have sane entries and lie wholly inside the file."""
    if count and entsize < minimum:
        raise ElfFormatError(f"{what} entry size {entsize} is smaller than {minimum}")
    if offset + entsize * count > len(data):
        raise ElfFormatError(f"{what} ({count} entries at {offset:#x}) runs past the end of the file")


def _read_segments(data: bytes, layout: _Layout, *, off: int, entsize: int, num: int) -> tuple[Segment, ...]:
    if off == 0:
        return ()
    phdr = layout.fmt("IIQQQQQQ", "IIIIIIII")
    _check_table(data, "program header table", offset=off, entsize=entsize, count=num, minimum=phdr.size)
    segments = []
    for i in range(num):
        f = phdr.unpack_from(data, off + i * entsize)
        if layout.is_64:
            p_type, p_flags, p_offset, p_vaddr, p_filesz = f[0], f[1], f[2], f[3], f[5]
        else:
            p_type, p_offset, p_vaddr, p_filesz, p_flags = f[0], f[1], f[2], f[4], f[6]
        if p_type == PT_LOAD and p_offset + p_filesz > len(data):
            raise ElfFormatError(f"loadable segment {i} runs past the end of the file")
        segments.append(Segment(p_type, p_flags, p_offset, p_vaddr, p_filesz))
    return tuple(segments)


def _read_sections(
    data: bytes, layout: _Layout, *, off: int, entsize: int, num: int, strndx: int
) -> tuple[Section, ...]:
    if off == 0:
        return ()
    shdr = layout.fmt("IIQQQQIIQQ", "IIIIIIIIII")
    table = {"offset": off, "entsize": entsize, "minimum": shdr.size}
    _check_table(data, "section header table", count=max(num, 1), **table)
    first = shdr.unpack_from(data, off)
    if num == 0:  # extended numbering: the real count sits in section 0 (gABI "Sections")
        num = first[5]
        _check_table(data, "section header table", count=num, **table)
    if strndx == _SHN_XINDEX:
        strndx = first[6]
    raw = [shdr.unpack_from(data, off + i * entsize) for i in range(num)]
    for i, (_, sh_type, _, _, sh_offset, sh_size, *_rest) in enumerate(raw):
        if sh_type != SHT_NOBITS and sh_offset + sh_size > len(data):
            raise ElfFormatError(f"section {i} runs past the end of the file")
    names = raw[strndx] if 0 < strndx < num else None
    sections = []
    for sh_name, sh_type, sh_flags, sh_addr, sh_offset, sh_size, *_rest in raw:
        name = _name_at(data, names[4], names[5], sh_name) if names is not None else ""
        sections.append(Section(name, sh_type, sh_flags, sh_addr, sh_offset, sh_size))
    return tuple(sections)


def _name_at(data: bytes, table_offset: int, table_size: int, index: int) -> str:
    """A NUL-terminated name from the section name table; out-of-range indexes give ""."""
    if index >= table_size:
        return ""
    start = table_offset + index
    end = data.find(b"\0", start, min(table_offset + table_size, start + _MAX_NAME))
    return data[start : end if end >= 0 else start].decode("latin-1")
