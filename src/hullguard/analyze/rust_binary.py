"""Rust crates compiled into an executable, from the audit data ``cargo auditable`` embeds.

``cargo auditable build`` links a section named ``.dep-v0`` into the binary. It holds the
zlib-compressed JSON ``VersionInfo`` of the ``auditable-serde`` crate:
``{"packages": [{"name", "version", "source", "kind", "dependencies", "root"}, ...]}``, where
``kind`` is ``"build"`` or ``"runtime"`` (absent means runtime). The format notes
(rust-secure-code/cargo-auditable, ``PARSING.md``) advise capping the decompressed size at
8 MiB against zlib bombs; we do.
"""

from __future__ import annotations

import zlib
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hullguard.analyze._elf import ElfAnalyzer, ElfFile
from hullguard.errors import AnalysisError
from hullguard.inventory import Location, Package, PackageType

__all__ = [
    "PLUGINS",
    "RUST_BINARY",
    "AuditDataError",
    "parse_audit_data",
    "parse_rust_binary",
    "read_audit_data",
]

_SECTION = ".dep-v0"
MAX_AUDIT_JSON_BYTES = 8 * 1024 * 1024
"""Decompressed ceiling recommended by cargo-auditable's own parsing notes."""


class AuditDataError(AnalysisError):
    """The ``.dep-v0`` section exists but is not valid compressed audit JSON."""


class _AuditPackage(BaseModel):
    """One entry of ``packages``; fields we do not use (source, dependencies, root) are ignored."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    name: str = Field(min_length=1, max_length=256)
    version: str = Field(min_length=1, max_length=256)
    kind: Literal["build", "runtime"] = "runtime"


class _VersionInfo(BaseModel):
    """The top-level audit document."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    packages: list[_AuditPackage]


def read_audit_data(data: bytes) -> bytes | None:
    """The decompressed JSON of the ``.dep-v0`` section; None when the ELF has no such section.

    Raises :class:`ElfFormatError` for a malformed ELF and :class:`AuditDataError` for a
    section that does not inflate cleanly within :data:`MAX_AUDIT_JSON_BYTES`.
    """
    elf = ElfFile.from_bytes(data)
    section = elf.section(_SECTION)
    if section is None:
        return None
    inflater = zlib.decompressobj()
    try:
        raw = inflater.decompress(elf.section_bytes(section), MAX_AUDIT_JSON_BYTES + 1)
    except zlib.error as exc:
        raise AuditDataError(f"{_SECTION} is not valid zlib data: {exc}") from exc
    if len(raw) > MAX_AUDIT_JSON_BYTES:
        raise AuditDataError(f"{_SECTION} inflates past {MAX_AUDIT_JSON_BYTES} bytes")
    if not inflater.eof:
        raise AuditDataError(f"{_SECTION} zlib stream is truncated")
    return raw


def parse_audit_data(raw: bytes, location: Location, found_by: str) -> list[Package]:
    """Runtime crates of one audit document.

    Build-time crates (build scripts, proc-macros) run on the build machine and are not linked
    into the executable, so reporting them as installed would only produce false findings.
    """
    try:
        info = _VersionInfo.model_validate_json(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise AuditDataError(f"{_SECTION} JSON is not cargo-auditable data: {where}: {first['msg']}") from exc
    return [
        Package(entry.name, entry.version, PackageType.CARGO, location, found_by)
        for entry in info.packages
        if entry.kind == "runtime"
    ]


def parse_rust_binary(data: bytes, location: Location, found_by: str) -> list[Package]:
    """Crates of one ELF executable; none for executables built without ``cargo auditable``."""
    raw = read_audit_data(data)
    return [] if raw is None else parse_audit_data(raw, location, found_by)


RUST_BINARY = ElfAnalyzer("rust-binary", 1, parse_rust_binary)
"""Reports the crates of ELF executables built with ``cargo auditable``."""

PLUGINS = [RUST_BINARY]
