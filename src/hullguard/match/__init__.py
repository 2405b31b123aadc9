"""Matching: inventory packages against OSV advisories, per ecosystem and version scheme."""

from hullguard.match._ecosystems import MatchKey, match_key
from hullguard.match._ranges import RangeVerdict, evaluate_affected

__all__ = ["MatchKey", "RangeVerdict", "evaluate_affected", "match_key"]
