"""File facts from tar headers alone: setuid/setgid, world-writable, caches, notable paths.

Image-configuration checks (CIS Docker Benchmark 4.8, Dockle's CIS-DI-0008 and DKL-DI-0005)
need facts about *every* entry, not only files some analyzer reads. The walker hands each
header to a :class:`FactCollector`; only notable entries are kept one by one, package-manager
caches are kept as per-child aggregates, and every entry leaves an 8-byte path hash so that
the merge can tell when a later layer replaced a notable entry (``chmod u-s`` rewrites it).
Memory stays bounded: at most :data:`MAX_FACTS_PER_LAYER` facts, 8 bytes per entry.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hullguard.analyze._layer import CacheChild, LayerResult
from hullguard.analyze._merge import removed_by
from hullguard.image._entry import EntryKind, FileHeader
from hullguard.inventory import CacheUsage, FactKind, FileFact, FileFacts

__all__ = [
    "CACHE_PREFIXES",
    "MAX_FACTS_PER_LAYER",
    "NOTABLE_PATHS",
    "FactCollector",
    "facts_of",
    "merge_facts",
    "path_hash",
]

CACHE_PREFIXES = (
    "/var/cache/apt/archives",
    "/var/lib/apt/lists",
    "/var/cache/apk",
    "/var/cache/yum",
    "/var/cache/dnf",
    "/root/.cache/pip",
    "/root/.npm",
    "/usr/local/share/.cache/yarn",
    "/root/.cache/go-build",
)
"""Package-manager cache directories (treated as prefixes): files left there only bloat the image."""

NOTABLE_PATHS = frozenset(
    {"/usr/sbin/sshd", "/sbin/sshd", "/usr/bin/sudo", "/bin/sudo", "/usr/local/bin/sudo"}
)
"""Paths whose presence alone is a finding (an SSH server, sudo)."""

MAX_FACTS_PER_LAYER = 20_000
"""More notable entries than this in one layer are dropped and the result is marked truncated."""

_CACHE_STARTS = tuple(p + "/" for p in CACHE_PREFIXES)
_CONTENT = (EntryKind.FILE, EntryKind.HARDLINK)
# Files in these (apt's partial downloads and lock files) are bookkeeping, not cached packages.
_CACHE_IGNORED = frozenset({"partial", "lock", "auxfiles"})


def path_hash(path: str) -> str:
    """The 16-hex-digit hash of a path that layers keep for every entry (collisions ~2^-64)."""
    return hashlib.blake2b(path.encode("utf-8", "surrogateescape"), digest_size=8).hexdigest()


def _kinds(path: str, header: FileHeader) -> list[FactKind]:
    kinds: list[FactKind] = []
    mode = header.mode
    if header.kind in _CONTENT:
        if mode & 0o4000:
            kinds.append(FactKind.SETUID)
        if mode & 0o2000:
            kinds.append(FactKind.SETGID)
    if mode & 0o002 and header.kind in (EntryKind.FILE, EntryKind.DIR):
        kinds.append(FactKind.WORLD_WRITABLE)
    if path in NOTABLE_PATHS and header.kind is not EntryKind.DIR:
        kinds.append(FactKind.NOTABLE)
    return kinds


class FactCollector:
    """Collects one layer's facts while the walker streams its headers."""

    def __init__(self, diff_id: str | None) -> None:
        self._diff_id = diff_id
        self._facts: list[FileFact] = []
        self._caches: dict[tuple[str, str], list[int]] = {}
        self._hashes: list[str] = []
        self.truncated = False

    def observe(self, path: str, header: FileHeader) -> None:
        """Look at one entry's header; cheap enough for every entry of every layer."""
        self._hashes.append(path_hash(path))
        if header.mode & 0o6002 or path in NOTABLE_PATHS:
            for kind in _kinds(path, header):
                self._add(path, kind, header)
        if header.kind is EntryKind.FILE and path.startswith(_CACHE_STARTS):
            self._cache(path, header.size)

    def _add(self, path: str, kind: FactKind, header: FileHeader) -> None:
        if len(self._facts) >= MAX_FACTS_PER_LAYER:
            self.truncated = True
            return
        is_dir = header.kind is EntryKind.DIR
        self._facts.append(
            FileFact(path, kind, header.mode, header.size, header.uid, header.gid, is_dir, self._diff_id)
        )

    def _cache(self, path: str, size: int) -> None:
        for prefix in CACHE_PREFIXES:
            if path.startswith(prefix + "/"):
                child, sep, _ = path[len(prefix) + 1 :].partition("/")
                if child in _CACHE_IGNORED or child.endswith(".bin"):
                    return
                counts = self._caches.setdefault((prefix, child + sep), [0, 0])
                counts[0] += 1
                counts[1] += size
                return

    def facts(self) -> tuple[FileFact, ...]:
        """The layer's notable entries, in path order."""
        return tuple(sorted(self._facts, key=lambda f: (f.path, f.kind.value)))

    def caches(self) -> tuple[CacheChild, ...]:
        """Per-child cache aggregates; a child ending in ``/`` is a directory."""
        return tuple(CacheChild(p, c, n, b) for (p, c), (n, b) in sorted(self._caches.items()))

    def entry_hashes(self) -> str:
        """All entries' path hashes, sorted and concatenated (what the merge needs to see replacements)."""
        return "".join(sorted(set(self._hashes)))


@dataclass(slots=True)
class _Usage:
    files: int
    bytes: int
    diff_ids: list[str]


def _hash_set(layer: LayerResult) -> frozenset[str]:
    data = layer.entry_hashes
    return frozenset(data[i : i + 16] for i in range(0, len(data), 16))


def _drop_cache_children(usage: dict[tuple[str, str], _Usage], layer: LayerResult) -> None:
    """Whiteouts and opaque dirs at or above a cache child remove it (deeper ones are ignored)."""
    whiteouts, opaque = set(layer.whiteouts), set(layer.opaque_dirs)
    for key in list(usage):
        prefix, child = key
        path = f"{prefix}/{child.rstrip('/')}"
        if removed_by(path, whiteouts, opaque):
            del usage[key]


def _merge_caches(layers: Sequence[LayerResult]) -> tuple[CacheUsage, ...]:
    usage: dict[tuple[str, str], _Usage] = {}
    for layer in layers:
        if layer.whiteouts or layer.opaque_dirs:
            _drop_cache_children(usage, layer)
        for item in layer.caches:
            key = (item.prefix, item.child)
            old = usage.get(key)
            if old is None or not item.child.endswith("/"):
                usage[key] = _Usage(item.files, item.bytes, [layer.diff_id])
            else:
                old.files += item.files
                old.bytes += item.bytes
                old.diff_ids.append(layer.diff_id)
    totals: dict[str, _Usage] = {}
    for (prefix, _), value in sorted(usage.items()):
        total = totals.setdefault(prefix, _Usage(0, 0, []))
        total.files += value.files
        total.bytes += value.bytes
        total.diff_ids.extend(d for d in value.diff_ids if d not in total.diff_ids)
    order = {layer.diff_id: i for i, layer in enumerate(layers)}
    return tuple(
        CacheUsage(prefix, u.files, u.bytes, tuple(sorted(u.diff_ids, key=lambda d: order.get(d, 0))))
        for prefix, u in sorted(totals.items())
        if u.files
    )


def merge_facts(layers: Sequence[LayerResult]) -> FileFacts:
    """Apply layers base first: whiteouts and opaque dirs delete facts, any upper entry replaces them.

    A pure function of the layer results, like :func:`~hullguard.analyze.merge_layers`.
    """
    current: dict[str, list[FileFact]] = {}
    for layer in layers:
        if current:
            whiteouts, opaque = set(layer.whiteouts), set(layer.opaque_dirs)
            hashes = _hash_set(layer) if layer.entry_hashes else frozenset()
            for path in list(current):
                if removed_by(path, whiteouts, opaque) or path_hash(path) in hashes:
                    del current[path]
        for fact in layer.facts:
            current.setdefault(fact.path, []).append(fact)
    facts = sorted((f for group in current.values() for f in group), key=lambda f: (f.path, f.kind.value))
    return FileFacts(
        facts=tuple(facts),
        caches=_merge_caches(layers),
        truncated=any(layer.facts_truncated for layer in layers),
    )


def facts_of(collector_facts: Iterable[FileFact], caches: Sequence[CacheChild]) -> FileFacts:
    """A single tree's facts (a directory source: nothing to merge)."""
    merged = merge_facts([LayerResult(diff_id="", facts=tuple(collector_facts), caches=tuple(caches))])
    return FileFacts(merged.facts, tuple(dataclasses.replace(c, diff_ids=()) for c in merged.caches))
