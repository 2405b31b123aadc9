"""Per-layer results: plain values that the cache stores and the merge step combines."""

from __future__ import annotations

from dataclasses import dataclass

from hullguard.analyze._base import AnalyzerResult
from hullguard.inventory import FileFact, Skipped

__all__ = ["CacheChild", "FileResult", "LayerResult"]


@dataclass(frozen=True, slots=True)
class CacheChild:
    """Files under one child of a package-manager cache directory in one layer."""

    prefix: str
    child: str
    """First path component below ``prefix``; ends with ``/`` when it is a directory."""
    files: int
    bytes: int


@dataclass(frozen=True, slots=True)
class FileResult:
    """What one analyzer made of one file of one layer (empty results are kept: they shadow)."""

    path: str
    analyzer: str
    result: AnalyzerResult


@dataclass(frozen=True, slots=True)
class LayerResult:
    """Everything the layer pass learned from one layer, independent of the layers around it.

    Results are kept even when empty, because a file in an upper layer that yields nothing
    still hides what a lower layer's version of that file yielded.
    """

    diff_id: str
    files: tuple[FileResult, ...] = ()
    whiteouts: tuple[str, ...] = ()
    """Paths deleted by ``.wh.<name>`` entries (the path itself and everything under it)."""
    opaque_dirs: tuple[str, ...] = ()
    """Directories whose lower-layer content is hidden (``.wh..wh..opq``)."""
    skipped: tuple[Skipped, ...] = ()
    entries: int = 0
    size: int = 0
    """Uncompressed size in bytes."""
    facts: tuple[FileFact, ...] = ()
    """Setuid/setgid, world-writable and notable entries of this layer (from headers alone)."""
    caches: tuple[CacheChild, ...] = ()
    entry_hashes: str = ""
    """Sorted 16-hex-digit hashes of every entry path: lets the merge see an upper layer rewrite
    a notable entry (``chmod u-s``) without keeping every path in memory."""
    facts_truncated: bool = False
