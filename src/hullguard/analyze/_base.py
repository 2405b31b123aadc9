"""The analyzer interface: say which files you want, get their bytes, return plain values.

An analyzer decides from the path and the tar header alone whether it wants a file
(``wants``); the layer pass reads the bytes once for all analyzers that said yes and hands
them to ``analyze``. Analyzers never open files or talk to the network, so they are pure
functions of their input and are tested on bytes alone.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from hullguard.image._entry import EntryKind, FileHeader
from hullguard.inventory import Location, OSInfo, Package, SecretHit, Skipped

__all__ = [
    "Analyzer",
    "AnalyzerResult",
    "EntryKind",
    "FileHeader",
    "FileInput",
    "ParserAnalyzer",
    "packages_result",
]


@dataclass(frozen=True, slots=True)
class FileInput:
    """One file handed to an analyzer: where it is, its header and its whole content."""

    path: str
    """Absolute, normalised path inside the image (``/usr/lib/os-release``)."""
    header: FileHeader
    content: bytes
    diff_id: str | None = None
    """The layer holding this file; None for a directory source."""

    @property
    def location(self) -> Location:
        """The location packages found in this file should carry."""
        return Location(self.path, self.diff_id)


@dataclass(frozen=True, slots=True)
class AnalyzerResult:
    """What one analyzer found in one file. Merging across layers happens elsewhere."""

    packages: tuple[Package, ...] = ()
    os: OSInfo | None = None
    owned_files: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(package name, paths) pairs from package-manager file lists such as dpkg ``info/*.list``."""
    skipped: tuple[Skipped, ...] = ()
    extra: tuple[tuple[str, str], ...] = field(default=())
    """Small facts for later stages (e.g. ``("debian_version", "12.5")``)."""
    secrets: tuple[SecretHit, ...] = ()
    """Secrets in this file (only the secret analyzer fills it), sorted by line, column, rule."""


class Analyzer(Protocol):
    """A file analyzer; ``version`` is part of the layer cache key: bump it when output changes."""

    @property
    def id(self) -> str: ...

    @property
    def version(self) -> int: ...

    def wants(self, path: str, header: FileHeader) -> bool:
        """Decide from path and header alone whether this file should be read.

        Only regular files are offered: links and directories carry no content.
        """
        ...

    def analyze(self, file: FileInput) -> AnalyzerResult:
        """Turn the file's bytes into packages, OS facts or skip notes. Never raises for bad data."""
        ...


def packages_result(found: Iterable[Package]) -> AnalyzerResult:
    """Packages deduplicated and sorted by :meth:`Package.sort_key`, as every analyzer returns them.

    Lockfiles list one release several times (pnpm once per peer set); duplicates would only
    become duplicate findings later.
    """
    return AnalyzerResult(packages=tuple(sorted(set(found), key=Package.sort_key)))


Parser = Callable[[FileInput], AnalyzerResult]
Predicate = Callable[[str], bool]


@dataclass(frozen=True, slots=True)
class ParserAnalyzer:
    """An analyzer declared from a path predicate and a parser, as syft binds parsers to globs.

    The parser may raise ``ValueError`` (or ``UnicodeDecodeError``, ``KeyError``, ``RecursionError``
    from deeply nested documents) for malformed
    files; they become a :class:`Skipped` entry naming the file, never an exception.
    """

    id: str
    version: int
    parse: Parser
    basenames: Collection[str] = ()
    suffixes: tuple[str, ...] = ()
    predicate: Predicate | None = None
    max_size: int = 64 * 1024 * 1024

    def wants(self, path: str, header: FileHeader) -> bool:
        """Regular files whose base name or suffix matches, and that the predicate (if any) accepts.

        Base names and suffixes are what the layer pass indexes, so an analyzer that declares
        them is asked only about files that can match; a predicate alone is asked about every file.
        """
        if header.kind is not EntryKind.FILE or header.size > self.max_size:
            return False
        if (self.basenames or self.suffixes) and not (
            path.rpartition("/")[2] in self.basenames or (self.suffixes and path.endswith(self.suffixes))
        ):
            return False
        return self.predicate is None or self.predicate(path)

    def analyze(self, file: FileInput) -> AnalyzerResult:
        """Run the parser; malformed input becomes a skip note naming the file."""
        try:
            return self.parse(file)
        except (ValueError, KeyError, IndexError, UnicodeDecodeError, RecursionError) as exc:
            reason = f"{type(exc).__name__}: {exc}"[:300]
            return AnalyzerResult(skipped=(Skipped(file.path, reason, file.diff_id, self.id),))
