"""Which analyzers to ask about a file, found by base name and suffix instead of asking all.

The layer pass sees tens of thousands of files and most analyzers want a handful of names;
asking each analyzer about each file costs more than parsing the tar headers. Analyzers that
declare base names or suffixes (:class:`ParserAnalyzer`) are indexed; the rest are always
asked. The chosen ones still answer ``wants`` themselves, so the index only narrows.
"""

from __future__ import annotations

from collections.abc import Sequence

from hullguard.analyze._base import Analyzer, ParserAnalyzer
from hullguard.image._entry import FileHeader

__all__ = ["AnalyzerSelector"]


class AnalyzerSelector:
    """The analyzers that want a file, in registry order."""

    def __init__(self, analyzers: Sequence[Analyzer]) -> None:
        self._order = {id(a): i for i, a in enumerate(analyzers)}
        self._by_base: dict[str, list[Analyzer]] = {}
        self._by_suffix: list[tuple[tuple[str, ...], Analyzer]] = []
        self._always: list[Analyzer] = []
        for analyzer in analyzers:
            if isinstance(analyzer, ParserAnalyzer) and (analyzer.basenames or analyzer.suffixes):
                for base in analyzer.basenames:
                    self._by_base.setdefault(base, []).append(analyzer)
                if analyzer.suffixes:
                    self._by_suffix.append((analyzer.suffixes, analyzer))
            else:
                self._always.append(analyzer)
        self._all_suffixes = tuple(s for suffixes, _ in self._by_suffix for s in suffixes)

    def select(self, path: str, header: FileHeader) -> list[Analyzer]:
        """Analyzers that want this file."""
        candidates = list(self._always)
        by_base = self._by_base.get(path.rpartition("/")[2])
        if by_base:
            candidates.extend(by_base)
        if self._all_suffixes and path.endswith(self._all_suffixes):
            candidates.extend(
                a for suffixes, a in self._by_suffix if path.endswith(suffixes) and a not in candidates
            )
        wanted = [a for a in candidates if a.wants(path, header)]
        if len(wanted) > 1:
            wanted.sort(key=lambda a: self._order[id(a)])
        return wanted
