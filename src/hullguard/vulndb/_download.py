"""Download one file to disk with an optional conditional request (ETag / Last-Modified).

osv.dev's ``all.zip`` files are tens of MB and change daily for busy ecosystems but rarely for
others, so ``db update`` asks "changed since?" and skips the unchanged ones (304). Downloads go
to a file, not to memory, and are bounded: a broken mirror must not fill the disk.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hullguard.errors import VulnDBError

if TYPE_CHECKING:
    import httpx

__all__ = ["MAX_DOWNLOAD_BYTES", "Download", "DownloadError", "download", "is_url"]

MAX_DOWNLOAD_BYTES = 2 * 1024**3
"""osv.dev's largest per-ecosystem zip is well under 1 GiB; anything bigger is refused."""

Progress = Callable[[int, int | None], None]


class DownloadError(VulnDBError):
    """A download failed: unreachable server, HTTP error, or an oversized or cut-short body."""


@dataclass(frozen=True, slots=True)
class Download:
    """The outcome of one GET: a file on disk, or "not modified"."""

    url: str
    changed: bool
    """False for 304 Not Modified: nothing was written."""
    etag: str | None
    last_modified: str | None
    size: int


def is_url(source: str) -> bool:
    """True for the http(s) URLs we download; everything else is a local path."""
    return source.startswith(("http://", "https://"))


def download(
    http: httpx.Client,
    url: str,
    dest: Path,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    progress: Progress | None = None,
) -> Download:
    """GET ``url`` into ``dest`` (created new); with validators, a 304 leaves ``dest`` absent."""
    import httpx  # noqa: PLC0415 - only downloads need it; keeps it off every command's start-up

    headers = {"Accept-Encoding": "identity"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        with http.stream("GET", url, headers=headers) as response:
            if response.status_code == 304:
                return Download(url, False, etag, last_modified, 0)
            if response.status_code != 200:
                raise DownloadError(
                    f"GET {url}: HTTP {response.status_code} {response.reason_phrase}",
                    hint="check --base-url and that the mirror has this ecosystem",
                )
            size = _save(response, dest, progress)
            return Download(
                url,
                True,
                response.headers.get("ETag"),
                response.headers.get("Last-Modified"),
                size,
            )
    except httpx.HTTPError as exc:
        raise DownloadError(f"GET {url}: {exc or type(exc).__name__}") from exc


def _save(response: httpx.Response, dest: Path, progress: Progress | None) -> int:
    declared = response.headers.get("Content-Length")
    encoded = response.headers.get("Content-Encoding", "identity") != "identity"
    total = int(declared) if declared and declared.isdigit() and not encoded else None
    if total is not None and total > MAX_DOWNLOAD_BYTES:
        raise DownloadError(f"GET {response.url}: {total} bytes is more than {MAX_DOWNLOAD_BYTES}")
    size = 0
    with dest.open("xb") as out:
        for chunk in response.iter_bytes(1 << 20):
            size += len(chunk)
            if size > MAX_DOWNLOAD_BYTES:
                raise DownloadError(f"GET {response.url}: more than {MAX_DOWNLOAD_BYTES} bytes")
            out.write(chunk)
            if progress is not None:
                progress(size, total)
    if total is not None and size != total:
        raise DownloadError(f"GET {response.url}: got {size} of {total} bytes")
    return size
