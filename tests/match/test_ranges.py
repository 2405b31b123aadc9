"""OSV range evaluation: introduced 0, fixed, last_affected, limit, several ranges, versions lists."""

from __future__ import annotations

import pytest

from hullguard.errors import VulnDBError
from hullguard.match._ranges import evaluate_affected
from hullguard.vulndb._osv import OsvAffected


def dotted(version: str) -> tuple[int, ...]:
    """A stand-in scheme for plain dotted numbers (real schemes are tested in vulndb/versions)."""
    try:
        return tuple(int(part) for part in version.split("."))
    except ValueError:
        raise VulnDBError(f"not a dotted version: {version!r}") from None


def entry(
    *ranges: list[dict[str, str]], versions: tuple[str, ...] = (), kind: str = "ECOSYSTEM"
) -> OsvAffected:
    return OsvAffected.model_validate(
        {"ranges": [{"type": kind, "events": events} for events in ranges], "versions": list(versions)}
    )


CASES = [
    (
        "introduced 0, before fix",
        entry([{"introduced": "0"}, {"fixed": "2.20.0"}]),
        "2.19.1",
        True,
        ("2.20.0",),
    ),
    ("introduced 0, at fix", entry([{"introduced": "0"}, {"fixed": "2.20.0"}]), "2.20.0", False, ()),
    ("introduced 0, after fix", entry([{"introduced": "0"}, {"fixed": "2.3.0"}]), "2.19.1", False, ()),
    ("before introduced", entry([{"introduced": "1.5"}, {"fixed": "2.0"}]), "1.4.9", False, ()),
    ("at introduced", entry([{"introduced": "1.5"}, {"fixed": "2.0"}]), "1.5", True, ("2.0",)),
    ("last_affected inclusive", entry([{"introduced": "0"}, {"last_affected": "3.1"}]), "3.1", True, ()),
    ("after last_affected", entry([{"introduced": "0"}, {"last_affected": "3.1"}]), "3.1.1", False, ()),
    (
        "second interval of one range",
        entry([{"introduced": "1.0"}, {"fixed": "1.2"}, {"introduced": "2.0"}, {"fixed": "2.4"}]),
        "2.3",
        True,
        ("2.4",),
    ),
    (
        "between two intervals",
        entry([{"introduced": "1.0"}, {"fixed": "1.2"}, {"introduced": "2.0"}, {"fixed": "2.4"}]),
        "1.5",
        False,
        (),
    ),
    (
        "events out of order are sorted",
        entry([{"fixed": "2.4"}, {"introduced": "2.0"}, {"fixed": "1.2"}, {"introduced": "1.0"}]),
        "1.1",
        True,
        ("1.2",),
    ),
    (
        "two ranges, fixed per branch",
        entry([{"introduced": "0"}, {"fixed": "4.17.5"}], [{"introduced": "5.0"}, {"fixed": "5.1"}]),
        "4.17.4",
        True,
        ("4.17.5",),
    ),
    ("limit bounds the range", entry([{"introduced": "0"}, {"limit": "3.0"}]), "3.5", False, ()),
    ("versions list", entry(versions=("1.0.1", "1.0.2")), "1.0.2", True, ()),
    ("versions list, not listed", entry(versions=("1.0.1",)), "1.0.3", False, ()),
    ("GIT ranges are not evaluated", entry([{"introduced": "0"}], kind="GIT"), "1.0", False, ()),
]


@pytest.mark.parametrize(
    ("affected", "version", "expected", "fixed"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_evaluate_affected(
    affected: OsvAffected, version: str, expected: bool, fixed: tuple[str, ...]
) -> None:
    verdict = evaluate_affected(affected, version, dotted)
    assert verdict.affected is expected
    assert verdict.fixed == fixed


def test_unreadable_event_versions_leave_that_range_out_and_say_so() -> None:
    affected = entry(
        [{"introduced": "0"}, {"fixed": "not-a-version"}], [{"introduced": "0"}, {"fixed": "9.0"}]
    )
    verdict = evaluate_affected(affected, "1.0", dotted)
    assert verdict.affected and verdict.fixed == ("9.0",)
    assert "not-a-version" in verdict.unparsable[0]
