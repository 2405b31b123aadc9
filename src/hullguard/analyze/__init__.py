"""Analyzers: each declares the files it wants and turns their bytes into inventory facts.

Public API: :func:`build_analyzers` (the registry) and :func:`analyze_target` (the layer pass).
"""

from hullguard.analyze._api import analyze_target
from hullguard.analyze._base import (
    Analyzer,
    AnalyzerResult,
    EntryKind,
    FileHeader,
    FileInput,
    ParserAnalyzer,
)
from hullguard.analyze._cache import DirectoryLayerCache, LayerCache, NoLayerCache
from hullguard.analyze._layer import FileResult, LayerResult
from hullguard.analyze._merge import LayeredFile, MergedView, merge_layers
from hullguard.analyze._progress import LayerProgress, NoProgress
from hullguard.analyze._registry import build_analyzers
from hullguard.analyze._scan import scan_layers

__all__ = [
    "Analyzer",
    "AnalyzerResult",
    "DirectoryLayerCache",
    "EntryKind",
    "FileHeader",
    "FileInput",
    "FileResult",
    "LayerCache",
    "LayerProgress",
    "LayerResult",
    "LayeredFile",
    "MergedView",
    "NoLayerCache",
    "NoProgress",
    "ParserAnalyzer",
    "analyze_target",
    "build_analyzers",
    "merge_layers",
    "scan_layers",
]
