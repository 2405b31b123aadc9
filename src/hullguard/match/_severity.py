"""Severity of a vulnerability for one package, from the advisories that report it.

The rule, in order (the first that yields a rating wins; ``severity_source`` says which):
1. a CVSS vector in the ``affected`` entry for this package, then in the record itself:
   v4 before v3.1/v3.0 before v2 (the newer scale describes the same flaw better); the base
   score is computed with the ``cvss`` library and rated on the CVSS v3 scale;
2. a score the publisher gives in ``database_specific`` (``cvss_score``, ``cvss_v3``, ``cvss_v2``);
3. a rating word the publisher gives (``database_specific.severity``: ``high``, ``moderate``);
4. otherwise UNKNOWN (e.g. Debian and Alpine advisories carry no rating of their own).
Among merged advisories (PYSEC + GHSA for one CVE) the highest rating is kept.
"""

from __future__ import annotations

from collections.abc import Iterable

from cvss import CVSS2, CVSS3, CVSS4, CVSSError

from hullguard.report._finding import Severity
from hullguard.vulndb._osv import OsvAffected, OsvRecord, OsvSeverity

__all__ = ["Rating", "rate"]

Rating = tuple[Severity, float | None, str]
"""(rating, base score if known, where it came from)."""

_ORDER = ("CVSS_V4", "CVSS_V3", "CVSS_V2")
_SCORE_FIELDS = ("cvss_score", "cvss_v4", "cvss_v3", "cvss_v2")


def _score(vector: OsvSeverity) -> float | None:
    try:
        if vector.type == "CVSS_V4":
            return float(CVSS4(vector.score).base_score)
        if vector.type == "CVSS_V3":
            return float(CVSS3(vector.score).base_score)
        if vector.type == "CVSS_V2":
            return float(CVSS2(vector.score).base_score)
    except (CVSSError, ValueError, KeyError, TypeError):
        return None
    return None


def _from_vectors(vectors: Iterable[OsvSeverity], origin: str) -> Rating | None:
    by_type = {v.type: v for v in vectors}
    for kind in _ORDER:
        if kind in by_type:
            score = _score(by_type[kind])
            if score is not None:
                return Severity.from_score(score), score, f"{kind} ({origin})"
    return None


def _from_database_specific(record: OsvRecord) -> Rating | None:
    extra = record.database_specific or {}
    for field in _SCORE_FIELDS:
        value = extra.get(field)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return Severity.from_score(float(value)), float(value), f"database_specific.{field} ({record.id})"
    word = extra.get("severity")
    if isinstance(word, str) and Severity.parse(word) is not Severity.UNKNOWN:
        return Severity.parse(word), None, f"database_specific.severity ({record.id})"
    return None


def _rate_one(record: OsvRecord, entry: OsvAffected) -> Rating | None:
    return (
        _from_vectors(entry.severity, f"{record.id} affected")
        or _from_vectors(record.severity, record.id)
        or _from_database_specific(record)
    )


def rate(reports: Iterable[tuple[OsvRecord, OsvAffected]]) -> Rating:
    """The highest rating any of the merged advisories gives; UNKNOWN when none rates it."""
    best: Rating = (Severity.UNKNOWN, None, "none: no advisory rates it")
    for record, entry in reports:
        rating = _rate_one(record, entry)
        if rating is not None and (rating[0].rank, rating[1] or 0.0) > (best[0].rank, best[1] or 0.0):
            best = rating
    return best
