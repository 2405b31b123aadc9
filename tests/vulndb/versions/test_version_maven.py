"""Maven ordering: cases from maven-artifact's ``ComparableVersionTest`` (the version of the test
that goes with the parser treating a letter/digit transition like ``-``)."""

from __future__ import annotations

import pytest

from hullguard.vulndb.versions import InvalidVersionError
from hullguard.vulndb.versions.maven import MAVEN
from tests.vulndb.versions.conftest import assert_ascending, assert_pair

VERSIONS_QUALIFIER = [
    "1-alpha2snapshot", "1-alpha2", "1-alpha-123", "1-beta-2", "1-beta123", "1-m2", "1-m11", "1-rc", "1-cr2",
    "1-rc123", "1-SNAPSHOT", "1", "1-sp", "1-sp2", "1-sp123", "1-abc", "1-def", "1-pom-1", "1-1-snapshot",
    "1-1", "1-2", "1-123",
]  # fmt: skip
VERSIONS_NUMBER = [
    "2.0", "2-1", "2.0.a", "2.0.0.a", "2.0.2", "2.0.123", "2.1.0", "2.1-a", "2.1b", "2.1-c", "2.1-1",
    "2.1.0.1", "2.2", "2.123", "11.a2", "11.a11", "11.b2", "11.b11", "11.m2", "11.m11", "11", "11.a", "11b",
    "11c", "11m",
]  # fmt: skip
EQUAL = [
    ("1", "1.0"), ("1", "1.0.0"), ("1.0", "1.0.0"), ("1", "1-0"), ("1", "1.0-0"), ("1.0", "1.0-0"),
    ("1a", "1-a"), ("1a", "1.0-a"), ("1a", "1.0.0-a"), ("1.0a", "1-a"), ("1.0.0a", "1-a"),
    ("1x", "1-x"), ("1x", "1.0-x"), ("1x", "1.0.0-x"), ("1.0x", "1-x"), ("1.0.0x", "1-x"),
    ("1ga", "1"), ("1release", "1"), ("1final", "1"), ("1cr", "1rc"),
    ("1a1", "1-alpha-1"), ("1b2", "1-beta-2"), ("1m3", "1-milestone-3"),
    ("1X", "1x"), ("1A", "1a"), ("1B", "1b"), ("1M", "1m"), ("1Ga", "1"), ("1GA", "1"), ("1FINAL", "1"),
    ("1Cr", "1Rc"), ("1cR", "1rC"), ("1m3", "1Milestone3"), ("1m3", "1MILESTONE3"),
    ("1-abcdefghijklmnopqrstuvwxyz", "1-ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
]  # fmt: skip
LESS = [
    ("1", "2"), ("1.5", "2"), ("1", "2.5"), ("1.0", "1.1"), ("1.1", "1.2"), ("1.0.0", "1.1"),
    ("1.0.1", "1.1"), ("1.1", "1.2.0"), ("1.0-alpha-1", "1.0"), ("1.0-alpha-1", "1.0-alpha-2"),
    ("1.0-alpha-1", "1.0-beta-1"),
    ("1.0-beta-1", "1.0-SNAPSHOT"), ("1.0-SNAPSHOT", "1.0"), ("1.0-alpha-1-SNAPSHOT", "1.0-alpha-1"),
    ("1.0", "1.0-1"), ("1.0-1", "1.0-2"), ("1.0.0", "1.0-1"), ("2.0-1", "2.0.1"), ("2.0.1-klm", "2.0.1-lmn"),
    ("2.0.1", "2.0.1-xyz"), ("2.0.1", "2.0.1-123"), ("2.0.1-xyz", "2.0.1-123"),
]  # fmt: skip


@pytest.mark.parametrize("table", [VERSIONS_QUALIFIER, VERSIONS_NUMBER], ids=["qualifier", "number"])
def test_maven_orders_comparable_version_tables(table: list[str]) -> None:
    assert_ascending(MAVEN, [[version] for version in table])


@pytest.mark.parametrize(("a", "b"), EQUAL, ids=[f"{a}={b}" for a, b in EQUAL])
def test_maven_equal_versions(a: str, b: str) -> None:
    assert_pair(MAVEN, a, 0, b)


@pytest.mark.parametrize(("a", "b"), LESS, ids=[f"{a}<{b}" for a, b in LESS])
def test_maven_version_comparing(a: str, b: str) -> None:
    assert_pair(MAVEN, a, -1, b)


@pytest.mark.parametrize("version", ["", " ", "1.0 ", "1 .0"], ids=repr)
def test_maven_refuses_blank_and_spaces(version: str) -> None:
    with pytest.raises(InvalidVersionError, match="maven"):
        MAVEN.key(version)
