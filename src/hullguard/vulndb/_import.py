"""Import OSV records from a zip, a directory tree, one JSON file or a URL into a store.

Inputs are untrusted (mirrors, USB sticks, advisory repositories), so: zip members are read
with bounded sizes and never extracted; names with ``..`` or an absolute path make the archive
refused (a well-formed export never has them); directory walks do not follow symlinks. A record
that does not parse is *skipped and reported*, never fatal, because one bad advisory upstream
must not keep a site on stale data (osv.dev itself has shipped malformed records).
"""

from __future__ import annotations

import logging
import os
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from hullguard.errors import VulnDBError
from hullguard.vulndb._download import download, is_url
from hullguard.vulndb._osv import InvalidRecordError, OsvRecord
from hullguard.vulndb._store import PreparedRecord, SourceInfo, VulnStore, prepare_record
from hullguard.vulndb._swap import new_temp_path

if TYPE_CHECKING:
    import httpx  # annotations only: the client is passed in by the caller

__all__ = [
    "MAX_MEMBER_BYTES",
    "MAX_TOTAL_BYTES",
    "ArchiveError",
    "ImportResult",
    "Progress",
    "Skipped",
    "SourceKind",
    "import_file",
    "import_source",
    "sniff_kind",
]

MAX_MEMBER_BYTES = 16 * 1024**2
"""The largest single record we read; osv.dev's largest records are a few hundred kB."""
MAX_TOTAL_BYTES = 4 * 1024**3
"""Inflated bytes per archive; the biggest osv.dev ecosystem export inflates to about 2 GiB."""
_NAMED_SKIPS = 10
_DRIVE = re.compile(r"^[A-Za-z]:")

Progress = Callable[[int, int | None], None]
"""``progress(done, total)``: items (records or files) done so far, and the total if known."""

_log = logging.getLogger(__name__)


class ArchiveError(VulnDBError):
    """A zip that is not a zip, is damaged, is too large once inflated, or has hostile names."""


class SourceKind(StrEnum):
    """What an import source turned out to be."""

    ZIP = "zip"
    DIRECTORY = "directory"
    RECORD = "record"
    BUNDLE = "bundle"


@dataclass(frozen=True, slots=True)
class Skipped:
    """A record that was not imported, and why (the reason is shown to the user)."""

    where: str
    reason: str


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What one import did."""

    name: str
    """The source name the records are filed under (replaced as a whole on re-import)."""
    url: str
    kind: SourceKind
    records: int
    """Valid records read (after de-duplicating ids within the source)."""
    stored: int
    superseded: int
    """Valid records not stored because another source has a newer copy of the same id."""
    skipped_count: int
    skipped: tuple[Skipped, ...] = field(default=())
    """The first few skipped records; ``skipped_count`` has the total."""


def sniff_kind(path: Path) -> SourceKind:
    """Zip, export bundle (tar), directory or single record, from the file's first bytes."""
    if path.is_dir():
        return SourceKind.DIRECTORY
    with path.open("rb") as handle:
        head = handle.read(512)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")) or path.suffix == ".zip":
        return SourceKind.ZIP
    if head[257:262] == b"ustar":
        return SourceKind.BUNDLE
    return SourceKind.RECORD


class _Collector:
    """Parses raw records into storage form, counting and naming the ones it skips."""

    def __init__(self) -> None:
        self.skipped: list[Skipped] = []
        self.skipped_count = 0

    def skip(self, where: str, reason: str) -> None:
        self.skipped_count += 1
        _log.info("skipped %s: %s", where, reason)
        if len(self.skipped) < _NAMED_SKIPS:
            self.skipped.append(Skipped(where, reason))

    def prepare(self, raw: bytes, where: str) -> PreparedRecord | None:
        try:
            return prepare_record(raw, OsvRecord.from_json(raw, where=where))
        except InvalidRecordError as exc:
            self.skip(where, exc.reason)
            return None


def _safe_member(name: str) -> bool:
    """No absolute paths, no ``..``, no Windows drive (``C:``); ids may contain ``:`` (``ALBA-2019:0973``)."""
    path = PurePosixPath(name.replace("\\", "/"))
    return not path.is_absolute() and ".." not in path.parts and _DRIVE.match(name) is None


def _zip_records(path: Path, out: _Collector, progress: Progress | None) -> Iterator[PreparedRecord]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ArchiveError(f"{path}: not a zip file ({exc})", hint="the download may be cut short") from None
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        unsafe = [info.filename for info in members if not _safe_member(info.filename)]
        if unsafe:
            raise ArchiveError(f"{path}: refusing archive with unsafe member name {unsafe[0]!r}")
        inflated = 0
        for done, info in enumerate(members, 1):
            where = f"{path.name}:{info.filename}"
            if not info.filename.endswith(".json"):
                out.skip(where, "not a .json member")
                continue
            if info.file_size > MAX_MEMBER_BYTES:
                out.skip(where, f"larger than {MAX_MEMBER_BYTES} bytes")
                continue
            try:
                with archive.open(info) as member:
                    raw = member.read(MAX_MEMBER_BYTES + 1)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise ArchiveError(f"{where}: damaged archive ({exc})") from None
            inflated += len(raw)
            if len(raw) > MAX_MEMBER_BYTES:
                out.skip(where, f"larger than {MAX_MEMBER_BYTES} bytes")
                continue
            if inflated > MAX_TOTAL_BYTES:
                raise ArchiveError(f"{path}: inflates to more than {MAX_TOTAL_BYTES} bytes")
            prepared = out.prepare(raw, where)
            if prepared is not None:
                yield prepared
            if progress is not None:
                progress(done, len(members))


def _tree_files(root: Path) -> list[Path]:
    found: list[Path] = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs.sort()
        found.extend(Path(folder, f) for f in sorted(files) if f.endswith(".json"))
    return [f for f in found if not f.is_symlink()]


def _tree_records(root: Path, out: _Collector, progress: Progress | None) -> Iterator[PreparedRecord]:
    files = _tree_files(root)
    for done, file in enumerate(files, 1):
        where = str(file.relative_to(root))
        with file.open("rb") as handle:
            raw = handle.read(MAX_MEMBER_BYTES + 1)
        if len(raw) > MAX_MEMBER_BYTES:
            out.skip(where, f"larger than {MAX_MEMBER_BYTES} bytes")
        elif (prepared := out.prepare(raw, where)) is not None:
            yield prepared
        if progress is not None:
            progress(done, len(files))


def _one_record(path: Path) -> Iterator[PreparedRecord]:
    """A single file is the user's explicit choice, so a bad one is an error, not a skip."""
    with path.open("rb") as handle:
        raw = handle.read(MAX_MEMBER_BYTES + 1)
    if len(raw) > MAX_MEMBER_BYTES:
        raise VulnDBError(f"{path}: larger than {MAX_MEMBER_BYTES} bytes")
    yield prepare_record(raw, OsvRecord.from_json(raw, where=str(path)))


def _default_name(path: PurePosixPath | Path) -> str:
    """osv.dev layout ``<Ecosystem>/all.zip`` is named after the ecosystem; else the file stem."""
    if path.name == "all.zip" and path.parent.name:
        return path.parent.name
    return path.stem if path.suffix in {".zip", ".json"} else path.name


def import_file(
    store: VulnStore,
    path: Path,
    *,
    source: SourceInfo,
    progress: Progress | None = None,
) -> ImportResult:
    """Import a local zip, directory or record as ``source`` (replacing its earlier records)."""
    kind = sniff_kind(path)
    out = _Collector()
    match kind:
        case SourceKind.ZIP:
            records = _zip_records(path, out, progress)
        case SourceKind.DIRECTORY:
            records = _tree_records(path, out, progress)
        case SourceKind.RECORD:
            records = _one_record(path)
        case SourceKind.BUNDLE:
            raise VulnDBError(
                f"{path} is an export bundle, not OSV records",
                hint="import it with `hullguard db import` (it replaces the whole database)",
            )
    prepared = list(records)
    stored, superseded = store.replace_source(source, prepared)
    return ImportResult(
        name=source.name,
        url=source.url,
        kind=kind,
        records=stored + superseded,
        stored=stored,
        superseded=superseded,
        skipped_count=out.skipped_count,
        skipped=tuple(out.skipped),
    )


def import_source(
    store: VulnStore,
    source: str | Path,
    *,
    http: httpx.Client | None,
    progress: Progress | None,
    now: datetime,
    name: str | None = None,
) -> ImportResult:
    """Import a path or an http(s) URL; ``name`` defaults to the ecosystem folder or file stem.

    A URL is downloaded to a temp file beside the store (same disk as the database, cleaned up
    even if we are killed: the next writer removes it), then imported like a local file.
    """
    text = str(source)
    if not is_url(text):
        path = Path(source)
        if not path.exists():
            raise VulnDBError(f"{path}: no such file or directory")
        info = SourceInfo(name or _default_name(path), path.resolve().as_uri(), None, None, now)
        return import_file(store, path, source=info, progress=progress)
    if http is None:
        raise VulnDBError(f"{text}: downloading needs an HTTP client")
    temp = new_temp_path(store.path, ".download")
    try:
        got = download(http, text, temp)
        remote = PurePosixPath(unquote(urlsplit(text).path))
        info = SourceInfo(name or _default_name(remote), text, got.etag, got.last_modified, now)
        return import_file(store, temp, source=info, progress=progress)
    finally:
        temp.unlink(missing_ok=True)
