"""One check shared by every analyzer's hostile-input table: malformed bytes give one skip note."""

from __future__ import annotations

from hullguard.analyze import Analyzer, FileHeader, FileInput

DIFF_ID = "sha256:" + "7" * 64


def assert_skipped(analyzer: Analyzer, path: str, data: bytes, reason: str) -> None:
    """The analyzer yields no package and exactly one skip note naming file, layer, itself and ``reason``."""
    result = analyzer.analyze(FileInput(path, FileHeader(size=len(data), mode=0o644), data, DIFF_ID))
    assert result.packages == ()
    [skipped] = result.skipped
    assert reason in skipped.reason
    assert (skipped.path, skipped.diff_id, skipped.analyzer) == (path, DIFF_ID, analyzer.id)
