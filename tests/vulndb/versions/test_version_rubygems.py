"""RubyGems ordering: cases from rubygems' ``test/rubygems/test_gem_version.rb``."""

from __future__ import annotations

import pytest

from hullguard.vulndb.versions import InvalidVersionError
from hullguard.vulndb.versions.rubygems import RUBYGEMS
from tests.vulndb.versions.conftest import (
    OsvVersions,
    assert_ascending,
    assert_pair,
    assert_real_versions_parse,
)

# test_spaceship and friends: (a, a <=> b, b)
PAIRS = [
    ("1.0", 0, "1.0.0"),
    ("1", 0, "1.0"),
    ("1.0", 1, "1.0.a"),
    ("1.8.2", 1, "0.0.0"),
    ("1.8.2", 1, "1.8.2.a"),
    ("1.8.2.b", 1, "1.8.2.a"),
    ("1.8.2.a", -1, "1.8.2"),
    ("1.8.2.a10", 1, "1.8.2.a9"),
    ("0.beta.1", 0, "0.0.beta.1"),
    ("0.0.beta", -1, "0.0.beta.1"),
    ("0.0.beta", -1, "0.beta.1"),
    ("5.a", -1, "5.0.0.rc2"),
    ("5.x", 1, "5.0.0.rc2"),
    ("1.0.0-rc1", 0, "1.0.0.pre.rc1"),
    ("1-1", 0, "1.pre.1"),
    ("1.0.a.2", 0, "1.0a2"),
    ("2.1.0pre1", 0, "2.1.0.pre.1"),
]

ORDERED = [
    ["0.a"],
    ["0", "0.0", "0.0.0"],
    ["1.0.0.a1"],
    ["1.0.0.b1", "1.0.0b1"],
    ["1.0.0.pre.1", "1.0.0-1"],
    ["1.0.0.rc1", "1.0.rc.1"],
    ["1.0.0.rc1.1"],
    ["1", "1.0.0"],
    ["1.0.1"],
    ["1.1.rc"],
    ["1.1"],
    ["4.25.14p12"],
    ["4.25.14.1"],
]

INVALID = [
    "",
    "junk",
    "1.0\n2.0",
    "1..2",
    "1.2 3.4",
    "1.0-",
    "-1",
    "1.0.",
    "2.3422222.222.222222222.22222.ads0as.d_d",
]


@pytest.mark.parametrize(("a", "expected", "b"), PAIRS, ids=[f"{a}|{b}" for a, _, b in PAIRS])
def test_rubygems_compares_like_gem_version(a: str, expected: int, b: str) -> None:
    assert_pair(RUBYGEMS, a, expected, b)


def test_rubygems_table_is_totally_ordered() -> None:
    assert_ascending(RUBYGEMS, ORDERED)


@pytest.mark.parametrize("version", INVALID, ids=repr)
def test_rubygems_refuses(version: str) -> None:
    with pytest.raises(InvalidVersionError, match="rubygems"):
        RUBYGEMS.key(version)


def test_rubygems_parses_real_gem_versions(osv_versions: OsvVersions) -> None:
    assert_real_versions_parse(RUBYGEMS, osv_versions.events["RubyGems"])
