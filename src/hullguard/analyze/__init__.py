"""Analyzers: each declares the files it wants and turns their bytes into inventory facts."""

from hullguard.analyze._base import (
    Analyzer,
    AnalyzerResult,
    EntryKind,
    FileHeader,
    FileInput,
    ParserAnalyzer,
)

__all__ = ["Analyzer", "AnalyzerResult", "EntryKind", "FileHeader", "FileInput", "ParserAnalyzer"]
