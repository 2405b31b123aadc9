"""Matching: inventory packages against OSV advisories, per ecosystem and version scheme."""

from hullguard.match._ecosystems import MatchKey, match_key
from hullguard.match._ignore import IgnoreEntry, IgnoreRules, parse_ignore_file
from hullguard.match._match import AdvisorySource, MatchResult, VersionKey, match_inventory
from hullguard.match._ranges import RangeVerdict, evaluate_affected
from hullguard.match._report import ScanOptions, build_scan_report
from hullguard.match._vex import VexStatement, parse_vex

__all__ = [
    "AdvisorySource",
    "IgnoreEntry",
    "IgnoreRules",
    "MatchKey",
    "MatchResult",
    "RangeVerdict",
    "ScanOptions",
    "VersionKey",
    "VexStatement",
    "build_scan_report",
    "evaluate_affected",
    "match_inventory",
    "match_key",
    "parse_ignore_file",
    "parse_vex",
]
