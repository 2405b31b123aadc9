"""Go modules compiled into an executable, read from the build info the Go linker embeds.

Since Go 1.13 the linker writes a 32-byte header starting with ``\\xff Go buildinf:`` near the
start of the writable data (in ELF, the ``.go.buildinfo`` section). Byte 14 is the pointer
size and byte 15 holds flags: bit 0 means big-endian, bit 1 (Go 1.18+) means the toolchain
version and the module info follow the header as uvarint-prefixed strings. Without bit 1 the
header holds two pointers to Go string headers ``{data, len}`` that must be resolved through
the program's virtual addresses. The module info is the text ``runtime/debug.BuildInfo``
prints (``path``/``mod``/``dep``/``=>``/``build`` lines, tab-separated), framed by 16-byte
sentinels. See Go's ``debug/buildinfo`` and ``runtime/debug.ParseBuildInfo``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

from hullguard.analyze._elf import PF_W, PF_X, PT_LOAD, SHT_NOBITS, ElfAnalyzer, ElfFile
from hullguard.errors import AnalysisError
from hullguard.inventory import Location, Package, PackageType

__all__ = [
    "GO_BINARY",
    "PLUGINS",
    "BuildInfoError",
    "GoBuildInfo",
    "GoModule",
    "packages_from",
    "parse_go_binary",
    "read_build_info",
    "stdlib_version",
]

_MAGIC = b"\xff Go buildinf:"
_HEADER_BYTES = 32
_ALIGN = 16
_SEARCH_BYTES = 64 * 1024
"""Go looks this far into the data for the header; the linker puts it at the very start."""
_MAX_STRING_BYTES = 4 * 1024 * 1024
"""Module info of the largest real programs (kubelet, terraform) stays well below this."""
_FLAG_BIG_ENDIAN = 0x1
_FLAG_INLINE = 0x2
_SENTINEL_BYTES = 16
_STDLIB = "stdlib"


class BuildInfoError(AnalysisError):
    """The build info header was found but its strings cannot be read."""


@dataclass(frozen=True, slots=True)
class GoModule:
    """One module line of the build info, with the ``=>`` line that replaced it, if any."""

    path: str
    version: str
    replace: GoModule | None = None

    def resolved(self) -> tuple[str, str]:
        """The (path, version) whose code was compiled in.

        A module replaced by another module (``=> example.com/fork v1.2.0``) is that module.
        A replacement by a local directory has no module path of its own, so the required path
        is kept and the version becomes the replacement's (``(devel)``): the code came from a
        directory, and claiming the required version would invite wrong vulnerability matches.
        """
        if self.replace is None:
            return self.path, self.version
        if _is_local_path(self.replace.path):
            return self.path, self.replace.version or "(devel)"
        return self.replace.path, self.replace.version


@dataclass(frozen=True, slots=True)
class GoBuildInfo:
    """The toolchain version and modules recorded in one Go executable."""

    go_version: str
    """As Go writes it, e.g. ``go1.21.6``."""
    main: GoModule | None
    """The main module; None for programs built outside module mode."""
    deps: tuple[GoModule, ...]

    @classmethod
    def from_modinfo(cls, go_version: str, modinfo: str) -> GoBuildInfo:
        """Parse the module info text; lines we do not know (``build``, ``path``) are ignored."""
        main: GoModule | None = None
        deps: list[GoModule] = []
        last = ""
        for line in modinfo.splitlines():
            key, _, rest = line.partition("\t")
            fields = rest.split("\t")
            module = GoModule(fields[0], fields[1] if len(fields) > 1 else "")
            if not module.path:
                last = ""
                continue
            if key == "=>" and last == "dep":
                deps[-1] = dataclasses.replace(deps[-1], replace=module)
            elif key == "=>" and main is not None and last == "mod":
                main = dataclasses.replace(main, replace=module)
            elif key == "mod":
                main = module
            elif key == "dep":
                deps.append(module)
            last = key
        return cls(go_version, main, tuple(deps))


def _is_local_path(path: str) -> bool:
    """Go's rule for replacement targets: a directory path starts with ``/``, ``./`` or ``../``."""
    return path.startswith(("/", "./", "../", ".\\", "..\\")) or path in (".", "..")


def read_build_info(data: bytes) -> GoBuildInfo | None:
    """The build info of an ELF executable; None if it has none (e.g. a C program).

    Raises :class:`ElfFormatError` or :class:`BuildInfoError` for malformed files.
    """
    elf = ElfFile.from_bytes(data)
    header = _find_header(elf)
    if header is None:
        return None
    flags = data[header + 15]
    if flags & _FLAG_INLINE:
        version, modinfo = _inline_strings(data, header + _HEADER_BYTES)
    else:
        version, modinfo = _pointer_strings(elf, header)
    if not version:
        raise BuildInfoError("Go build info has an empty toolchain version")
    return GoBuildInfo.from_modinfo(version, _strip_sentinels(modinfo))


def _find_header(elf: ElfFile) -> int | None:
    """File offset of the 16-byte aligned magic, searched where Go's own reader looks."""
    window = _data_window(elf)
    if window is None:
        return None
    start, end = window
    stop = min(end, start + _SEARCH_BYTES)
    pos = elf.data.find(_MAGIC, start, stop)
    while pos >= 0:
        if (pos - start) % _ALIGN == 0 and pos + _HEADER_BYTES <= end:
            return pos
        pos = elf.data.find(_MAGIC, pos + 1, stop)
    return None


def _data_window(elf: ElfFile) -> tuple[int, int] | None:
    """File extent holding the header: its own section, else the first writable data segment.

    The second case covers executables whose section headers were removed; the linker still
    places the build info first in the read-write, non-executable segment.
    """
    section = elf.section(".go.buildinfo")
    if section is not None and section.type != SHT_NOBITS:
        return section.offset, section.offset + section.size
    for seg in elf.segments:
        if seg.type == PT_LOAD and seg.flags & (PF_W | PF_X) == PF_W:
            return seg.offset, seg.offset + seg.filesz
    return None


def _inline_strings(data: bytes, pos: int) -> tuple[str, str]:
    """Go 1.18+: two uvarint-length-prefixed strings right after the header."""
    version, pos = _uvarint_string(data, pos)
    modinfo, _ = _uvarint_string(data, pos)
    return version, modinfo


def _uvarint_string(data: bytes, pos: int) -> tuple[str, int]:
    length, shift = 0, 0
    while True:
        if pos >= len(data) or shift > 63:
            raise BuildInfoError("Go build info string length is truncated or too long")
        byte = data[pos]
        pos += 1
        length |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            break
    if length > _MAX_STRING_BYTES or pos + length > len(data):
        raise BuildInfoError(f"Go build info string of {length} bytes runs past the end of the file")
    return data[pos : pos + length].decode("utf-8", "replace"), pos + length


def _pointer_strings(elf: ElfFile, header: int) -> tuple[str, str]:
    """Go 1.13-1.17: two pointers to string headers, resolved through the loaded segments."""
    ptr_size = elf.data[header + 14]
    if ptr_size not in (4, 8):
        raise BuildInfoError(f"Go build info has pointer size {ptr_size}")
    order: Literal["little", "big"] = "big" if elf.data[header + 15] & _FLAG_BIG_ENDIAN else "little"

    def pointer(raw: bytes) -> int:
        return int.from_bytes(raw, order)

    strings = []
    for slot in (header + 16, header + 16 + ptr_size):
        string_header = elf.read_vaddr(pointer(elf.data[slot : slot + ptr_size]), 2 * ptr_size)
        address, length = pointer(string_header[:ptr_size]), pointer(string_header[ptr_size:])
        if length > _MAX_STRING_BYTES:
            raise BuildInfoError(f"Go build info string of {length} bytes is implausibly long")
        strings.append(elf.read_vaddr(address, length).decode("utf-8", "replace") if length else "")
    return strings[0], strings[1]


def _strip_sentinels(modinfo: str) -> str:
    """Drop the 16-byte markers around the module info; text without them carries no modules."""
    if len(modinfo) >= 2 * _SENTINEL_BYTES + 1 and modinfo[-_SENTINEL_BYTES - 1] == "\n":
        return modinfo[_SENTINEL_BYTES:-_SENTINEL_BYTES]
    return ""


def stdlib_version(go_version: str) -> str:
    """The standard library's version as syft writes it: the ``goX.Y.Z`` token of the toolchain.

    Toolchain strings may carry more (``go1.22.0 X:boringcrypto``, ``devel go1.23-abc ...``).
    """
    tokens = go_version.split()
    return next((t for t in tokens if t.startswith("go1")), tokens[0] if tokens else "")


def packages_from(info: GoBuildInfo, location: Location, found_by: str) -> list[Package]:
    """The main module, every dependency and the standard library (as syft names it)."""
    modules = ([info.main] if info.main is not None else []) + list(info.deps)
    coordinates = [module.resolved() for module in modules]
    coordinates.append((_STDLIB, stdlib_version(info.go_version)))
    return [
        Package(name, version, PackageType.GO_MODULE, location, found_by)
        for name, version in coordinates
        if name and version
    ]


def parse_go_binary(data: bytes, location: Location, found_by: str) -> list[Package]:
    """Go modules of one ELF executable; none for executables that are not Go programs."""
    info = read_build_info(data)
    return [] if info is None else packages_from(info, location, found_by)


GO_BINARY = ElfAnalyzer("go-binary", 1, parse_go_binary)
"""Reports the Go modules compiled into ELF executables."""

PLUGINS = [GO_BINARY]
