"""The secret analyzer: every text file of every layer through the secrets engine.

Not registered by default (no ``PLUGINS``): secret scanning is opt-in, so ``sbom`` never pays
for it. Callers add it to the analyzers they pass to :func:`~hullguard.analyze.analyze_target`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hullguard.analyze._base import AnalyzerResult, EntryKind, FileHeader, FileInput
from hullguard.secrets import IgnoreComments, RulePack, is_binary, scan_bytes
from hullguard.secrets._allow import BINARY_SUFFIXES
from hullguard.secrets._engine import trigger_engine

__all__ = ["DEFAULT_MAX_SECRET_FILE_BYTES", "ENGINE_VERSION", "SecretAnalyzer"]

DEFAULT_MAX_SECRET_FILE_BYTES = 10 * 1024 * 1024
"""Files larger than this are not read for secrets (configurable per analyzer)."""

ENGINE_VERSION = 1
"""Bump when the engine's output for the same rules and bytes changes."""


@dataclass(frozen=True, slots=True)
class SecretAnalyzer:
    """Scans regular text files below a size cap, outside allowlisted paths."""

    rules: RulePack
    max_file_bytes: int = DEFAULT_MAX_SECRET_FILE_BYTES
    id: str = "secrets"
    version: int = field(init=False)
    """Engine version mixed with the rule pack's digest and the size cap: part of the cache key."""

    def __post_init__(self) -> None:
        material = int(self.rules.key[:12], 16) ^ (self.max_file_bytes << 8)
        object.__setattr__(self, "version", ENGINE_VERSION * (1 << 60) + material % (1 << 59))
        trigger_engine(self.rules)  # compile (or fetch) the database before the layer pass starts

    def wants(self, path: str, header: FileHeader) -> bool:
        """Non-empty regular files under the cap, not binary by suffix, not in allowlisted paths.

        Empty files, links and directories carry no secret and are not recorded at all.
        """
        if header.kind is not EntryKind.FILE or not 0 < header.size <= self.max_file_bytes:
            return False
        if path.endswith(BINARY_SUFFIXES):
            return False
        return not self.rules.allowlist.allows_path(path)

    def analyze(self, file: FileInput) -> AnalyzerResult:
        """Skip binary content by a cheap test, then scan all of it."""
        if is_binary(file.content):
            return AnalyzerResult()
        ignore = IgnoreComments(honoured=file.diff_id is None)
        hits = scan_bytes(self.rules, file.content, path=file.path, diff_id=file.diff_id, ignore=ignore)
        return AnalyzerResult(secrets=hits)
