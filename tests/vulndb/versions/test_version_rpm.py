"""rpm ordering: cases from rpm's ``tests/rpmvercmp.at`` (incl. the tilde and caret banners)."""

from __future__ import annotations

import pytest

from hullguard.vulndb.versions import InvalidVersionError
from hullguard.vulndb.versions.rpm import RPM
from tests.vulndb.versions.conftest import (
    OsvVersions,
    assert_ascending,
    assert_pair,
    assert_real_versions_parse,
)

# RPMVERCMP(a, b, result) lines of rpmvercmp.at (each is tested both ways by assert_pair).
PAIRS = [
    ("1.0", 0, "1.0"),
    ("1.0", -1, "2.0"),
    ("2.0", -1, "2.0.1"),
    ("2.0.1a", 1, "2.0.1"),
    ("5.5p1", -1, "5.5p2"),
    ("5.5p1", -1, "5.5p10"),
    ("10xyz", -1, "10.1xyz"),
    ("xyz10", -1, "xyz10.1"),
    ("xyz.4", -1, "8"),
    ("xyz.4", -1, "2"),
    ("5.5p2", -1, "5.6p1"),
    ("5.6p1", -1, "6.5p1"),
    ("6.0.rc1", 1, "6.0"),
    ("10b2", 1, "10a1"),
    ("10a2", -1, "10b2"),
    ("1.0a", -1, "1.0aa"),
    ("10.0001", 0, "10.1"),
    ("10.0001", -1, "10.0039"),
    ("4.999.9", -1, "5.0"),
    ("20101121", -1, "20101122"),
    ("2_0", 0, "2.0"),
    ("a+", 0, "a_"),
    ("+a", 0, "_a"),
    ("1.0~rc1", -1, "1.0"),
    ("1.0~rc1", -1, "1.0~rc2"),
    ("1.0~rc1~git123", -1, "1.0~rc1"),
    ("1.0^", 1, "1.0"),
    ("1.0^git1", 1, "1.0"),
    ("1.0^git1", -1, "1.0^git2"),
    ("1.0^git1", -1, "1.01"),
    ("1.0^20160101", -1, "1.0.1"),
    ("1.0^20160102", 1, "1.0^20160101^git1"),
    ("1.0~rc1^git1", 1, "1.0~rc1"),
    ("1.0^git1", 1, "1.0^git1~pre"),
    # epoch and release (rpmVersionCompare): a missing epoch is 0, the epoch wins over the rest
    ("0:1.0-1", 0, "1.0-1"),
    ("1:1.0-1", 1, "2.0-1"),
    ("1.0-1.el8", -1, "1.0-1.el8_1"),
    ("1.0-2.el8", 1, "1.0-1.el8_10"),
]

ORDERED = [
    ["1.0~rc1~git1"],
    ["1.0~rc1"],
    ["1.0~rc1^git1"],
    ["1.0"],
    ["1.0^git1~pre"],
    ["1.0^git1"],
    ["1.0^git2"],
    ["1.0a"],
    ["1.0.1", "1.0_1", "1.00.01"],
    ["1.0.1-1"],
    ["1.0.1-1.module_el8.5.0+119+9a9ec082"],
    ["1.0.1-2"],
    ["1:0.1-1"],
]

INVALID = ["", " 1.0", "1.0 -1", "a:1.0-1", "1.0-", "-1", ":1.0", "+", "_+"]


@pytest.mark.parametrize(("a", "expected", "b"), PAIRS, ids=[f"{a}|{b}" for a, _, b in PAIRS])
def test_rpm_compares_like_rpmvercmp(a: str, expected: int, b: str) -> None:
    assert_pair(RPM, a, expected, b)


def test_rpm_table_is_totally_ordered() -> None:
    assert_ascending(RPM, ORDERED)


@pytest.mark.parametrize("version", INVALID, ids=repr)
def test_rpm_refuses(version: str) -> None:
    with pytest.raises(InvalidVersionError, match="rpm"):
        RPM.key(version)


def test_rpm_parses_real_almalinux_versions(osv_versions: OsvVersions) -> None:
    assert_real_versions_parse(RPM, osv_versions.events["AlmaLinux"])
