"""``db update``: fetch each ecosystem's ``all.zip`` from an OSV mirror and swap in a new database.

The layout is osv.dev's public export (``<base>/<Ecosystem>/all.zip``); an air-gapped site
serves the same files from its own mirror. Steps, per call:

1. take the writer lock (``_swap``);
2. for each ecosystem, a conditional GET with the ETag / Last-Modified stored at its last
   import; 304 means unchanged and costs nothing;
3. the first changed zip starts a staged copy of the live database; each changed zip replaces
   its ecosystem's records there; a zip with no valid record is an error (a broken mirror must
   not empty the database);
4. the staged copy is verified and swapped in. Any error in 2-4 leaves the live file untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import quote

from hullguard.errors import VulnDBError
from hullguard.vulndb._download import download
from hullguard.vulndb._import import ImportResult, import_file
from hullguard.vulndb._store import SourceInfo, VulnStore
from hullguard.vulndb._swap import new_temp_path, staged_store, writer_lock

if TYPE_CHECKING:
    import httpx  # annotations only: the client is passed in by the caller

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_ECOSYSTEMS",
    "EcosystemUpdate",
    "UpdateError",
    "UpdateProgress",
    "UpdateResult",
    "update",
]

DEFAULT_BASE_URL = "https://osv-vulnerabilities.storage.googleapis.com"
"""osv.dev's public export bucket; mirrors use the same ``<Ecosystem>/all.zip`` layout."""

DEFAULT_ECOSYSTEMS: tuple[str, ...] = (
    "Debian",
    "Alpine",
    "AlmaLinux",
    "Rocky Linux",
    "Ubuntu",
    "PyPI",
    "npm",
    "Go",
    "Maven",
    "RubyGems",
    "crates.io",
    "Packagist",
    "NuGet",
    "Bitnami",
)
"""Every ecosystem whose packages hullguard's analyzers find in images."""


class UpdateError(VulnDBError):
    """An update could not complete; the previous database is still in place."""


class UpdateProgress(Protocol):
    """Progress display (``cli._common.BarProgress`` fits): one bar per download and import."""

    def begin(self, description: str, total: int | None) -> None:
        """Start a bar."""

    def advance(self, nbytes: int) -> None:
        """Move the current bar by ``nbytes`` units."""

    def end(self) -> None:
        """Drop the current bar."""


@dataclass(frozen=True, slots=True)
class EcosystemUpdate:
    """What happened to one ecosystem."""

    ecosystem: str
    url: str
    changed: bool
    """False when the server answered 304 Not Modified."""
    downloaded: int
    """Bytes downloaded (0 when unchanged)."""
    result: ImportResult | None
    """The import of the new zip, when it changed."""


@dataclass(frozen=True, slots=True)
class UpdateResult:
    """The outcome of :func:`update`."""

    db_path: Path
    ecosystems: tuple[EcosystemUpdate, ...]
    replaced: bool
    """True when a new database file was swapped in (something changed)."""


def _advance(progress: UpdateProgress | None) -> Callable[[int, int | None], None] | None:
    """Adapt ``(done, total)`` callbacks to a bar that takes increments."""
    if progress is None:
        return None
    last = [0]

    def report(done: int, total: int | None) -> None:
        progress.advance(done - last[0])
        last[0] = done

    return report


def _stored_validators(db_path: Path, ecosystems: Sequence[str]) -> dict[str, tuple[str | None, str | None]]:
    """ETag/Last-Modified per ecosystem; none at all if there is no usable database yet."""
    try:
        with VulnStore.open_readonly(db_path) as store:
            return {eco: store.source_validators(eco) for eco in ecosystems}
    except VulnDBError:
        return {}


def update(
    db_path: Path,
    *,
    base_url: str,
    ecosystems: Sequence[str],
    http: httpx.Client,
    progress: UpdateProgress | None,
    now: datetime,
) -> UpdateResult:
    """Bring the database at ``db_path`` up to date from ``base_url`` (see module doc)."""
    if not ecosystems:
        raise UpdateError("no ecosystems to update", hint="pass --ecosystem NAME")
    outcomes: list[EcosystemUpdate] = []
    with writer_lock(db_path), ExitStack() as staging:  # step 1
        validators = _stored_validators(db_path, ecosystems)
        store: VulnStore | None = None
        for ecosystem in ecosystems:
            url = f"{base_url.rstrip('/')}/{quote(ecosystem, safe='')}/all.zip"
            temp = new_temp_path(db_path, ".download")
            try:
                etag, modified = validators.get(ecosystem, (None, None))
                if progress is not None:
                    progress.begin(f"{ecosystem}: download", None)
                got = download(  # step 2
                    http, url, temp, etag=etag, last_modified=modified, progress=_advance(progress)
                )
                if progress is not None:
                    progress.end()
                if not got.changed:
                    outcomes.append(EcosystemUpdate(ecosystem, url, False, 0, None))
                    continue
                if store is None:  # step 3
                    store = staging.enter_context(staged_store(db_path))
                result = _import_zip(
                    store, temp, SourceInfo(ecosystem, url, got.etag, got.last_modified, now), progress
                )
                outcomes.append(EcosystemUpdate(ecosystem, url, True, got.size, result))
            finally:
                temp.unlink(missing_ok=True)
    # step 4 happened when the ExitStack closed staged_store without an error
    return UpdateResult(db_path, tuple(outcomes), replaced=store is not None)


def _import_zip(
    store: VulnStore, path: Path, source: SourceInfo, progress: UpdateProgress | None
) -> ImportResult:
    if progress is not None:
        progress.begin(f"{source.name}: import", None)
    try:
        result = import_file(store, path, source=source, progress=_advance(progress))
    finally:
        if progress is not None:
            progress.end()
    if result.records == 0:
        raise UpdateError(
            f"{source.url}: no valid OSV record in the download ({result.skipped_count} skipped)",
            hint="the mirror may be broken; the previous database is still in use",
        )
    return result
