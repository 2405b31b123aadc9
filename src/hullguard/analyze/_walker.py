"""The one pass over a layer: every entry is seen once, wanted files are read once.

The walker asks each analyzer ``wants(path, header)``; only when one says yes are the bytes
read, and then all analyzers that said yes share them. Whiteouts are recorded, not applied:
applying them is the merge step's job, because a layer's result must not depend on its
neighbours (that is what makes it cacheable by diff_id).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence

from hullguard.analyze._base import Analyzer, AnalyzerResult, FileInput
from hullguard.analyze._facts import FactCollector
from hullguard.analyze._layer import FileResult, LayerResult
from hullguard.analyze._select import AnalyzerSelector
from hullguard.errors import HullguardError
from hullguard.image._entry import EntryKind, FileHeader, Readable
from hullguard.image._limits import Limits
from hullguard.image._tar import TarReader
from hullguard.inventory import Skipped

__all__ = ["WALKER_VERSION", "run_analyzer", "walk_layer"]

logger = logging.getLogger(__name__)

WALKER_VERSION = 3
"""Bump when the walker's output for the same layer changes (part of the cache key)."""

_WHITEOUT = ".wh."
_OPAQUE = ".wh..wh..opq"


def walk_layer(
    stream: Readable,
    analyzers: Sequence[Analyzer],
    *,
    diff_id: str,
    limits: Limits,
    where: str,
) -> LayerResult:
    """Read one uncompressed layer tar and run the analyzers on the files they want.

    ``diff_id`` is what the caller expects; verifying it against the bytes is the caller's job
    once the stream is drained.
    """
    reader = TarReader(stream, limits=limits, where=where)
    selector = AnalyzerSelector(analyzers)
    facts = FactCollector(diff_id)
    files: list[FileResult] = []
    whiteouts: list[str] = []
    opaque: list[str] = []
    skipped: list[Skipped] = []
    entries = 0
    for member in reader:
        entries += 1
        path = member.path
        parent, _, base = path.rpartition("/")
        if base.startswith(_WHITEOUT):
            if base == _OPAQUE:
                opaque.append(parent or "/")
            else:
                whiteouts.append(f"{parent}/{base[len(_WHITEOUT) :]}")
            continue
        header = member.header
        facts.observe(path, header)
        if header.kind is not EntryKind.FILE:
            _shadow(selector, path, header=header, diff_id=diff_id, files=files, skipped=skipped)
            continue
        wanted = selector.select(path, header)
        if not wanted:
            continue
        if header.size > limits.max_file_bytes:
            skipped.append(Skipped(path, f"larger than the {limits.max_file_bytes}-byte file limit", diff_id))
            files.extend(FileResult(path, a.id, AnalyzerResult()) for a in wanted)
            continue
        file = FileInput(path, header, reader.read_member(), diff_id)
        files.extend(FileResult(path, a.id, run_analyzer(a, file)) for a in wanted)
    return LayerResult(
        diff_id=diff_id,
        files=tuple(files),
        whiteouts=tuple(whiteouts),
        opaque_dirs=tuple(opaque),
        skipped=tuple(skipped),
        entries=entries,
        size=reader.bytes_read,
        facts=facts.facts(),
        caches=facts.caches(),
        entry_hashes=facts.entry_hashes(),
        facts_truncated=facts.truncated,
    )


def _shadow(
    selector: AnalyzerSelector,
    path: str,
    *,
    header: FileHeader,
    diff_id: str,
    files: list[FileResult],
    skipped: list[Skipped],
) -> None:
    """A link or directory at a path an analyzer reads replaces what lower layers had there.

    It has no content to analyze, so empty results are recorded: the merge then drops the lower
    layer's results for that path instead of reporting packages the image no longer has.
    """
    shadowed = selector.select(path, dataclasses.replace(header, kind=EntryKind.FILE, size=0))
    files.extend(FileResult(path, a.id, AnalyzerResult()) for a in shadowed)
    if shadowed and header.kind in (EntryKind.SYMLINK, EntryKind.HARDLINK):
        reason = f"a {header.kind.value} to {header.linkname}: not followed"
        skipped.append(Skipped(path, reason, diff_id))


def run_analyzer(analyzer: Analyzer, file: FileInput) -> AnalyzerResult:
    """Run one analyzer; a bug in it becomes a skip note on this file, not a failed scan."""
    try:
        return analyzer.analyze(file)
    except HullguardError:
        raise
    except Exception as exc:  # an analyzer bug must not lose the rest of the image
        logger.warning("analyzer %s failed on %s: %s", analyzer.id, file.path, exc)
        reason = f"analyzer error {type(exc).__name__}: {exc}"[:300]
        return AnalyzerResult(skipped=(Skipped(file.path, reason, file.diff_id, analyzer.id),))
