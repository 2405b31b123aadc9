"""The analyzer registry: every public module of ``hullguard.analyze`` plus entry points."""

from __future__ import annotations

from collections.abc import Iterable

from hullguard._registry import Registry, discover
from hullguard.analyze._base import Analyzer

__all__ = ["build_analyzers"]


def build_analyzers(only: Iterable[str] | None = None) -> Registry[Analyzer]:
    """All analyzers (built-in and ``hullguard.analyzers`` entry points), or just ``only``."""
    pairs: list[tuple[Analyzer, str]] = []
    for plugin, origin in discover("hullguard.analyze", "hullguard.analyzers"):
        pairs.append((plugin, origin))  # type: ignore[arg-type]
    registry: Registry[Analyzer] = Registry.of(pairs)
    return registry if only is None else registry.only(only)
