"""The entry points ``hullguard db import`` uses: where the database lives, and a safe import."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from hullguard.errors import VulnDBError
from hullguard.vulndb._bundle import import_bundle
from hullguard.vulndb._download import is_url
from hullguard.vulndb._import import ImportResult, Progress, SourceKind, import_source, sniff_kind
from hullguard.vulndb._swap import staged_store, writer_lock

if TYPE_CHECKING:
    import httpx  # annotations only: the client is passed in by the caller

__all__ = ["db_path_in", "import_into"]


def db_path_in(cache_dir: Path) -> Path:
    """The database file inside hullguard's cache directory."""
    return cache_dir / "db" / "vulns.sqlite"


def import_into(
    db_path: Path,
    sources: Sequence[str | Path],
    *,
    http: httpx.Client | None,
    progress: Progress | None,
    now: datetime,
) -> list[ImportResult]:
    """Import ``sources`` into the database at ``db_path`` in one atomic swap (see ``_swap``).

    An export bundle (given alone) replaces the whole database after its checksum is verified;
    zips, directories, records and URLs each replace the records of their source in one staged
    copy, so importing eleven ecosystem zips copies the database once, not eleven times.
    """
    bundles = [s for s in sources if _is_bundle(s)]
    if bundles:
        if len(sources) != 1:
            raise VulnDBError("an export bundle replaces the whole database: import it on its own")
        manifest = import_bundle(db_path, Path(bundles[0]))
        return [
            ImportResult(
                name="bundle",
                url=Path(bundles[0]).resolve().as_uri(),
                kind=SourceKind.BUNDLE,
                records=manifest.records,
                stored=manifest.records,
                superseded=0,
                skipped_count=0,
            )
        ]
    with writer_lock(db_path), staged_store(db_path) as store:
        return [import_source(store, s, http=http, progress=progress, now=now) for s in sources]


def _is_bundle(source: str | Path) -> bool:
    return (
        not is_url(str(source)) and Path(source).is_file() and sniff_kind(Path(source)) is SourceKind.BUNDLE
    )
