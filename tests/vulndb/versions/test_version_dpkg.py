"""dpkg ordering: cases from dpkg's own tests (``scripts/t/100_Dpkg_Version.t``,
``lib/dpkg/t/t-version.c``) and deb-version(7)."""

from __future__ import annotations

import pytest

from hullguard.vulndb.versions import InvalidVersionError
from hullguard.vulndb.versions.dpkg import DPKG
from tests.vulndb.versions.conftest import (
    OsvVersions,
    assert_ascending,
    assert_pair,
    assert_real_versions_parse,
)

# (a, expected, b) rows of dpkg's 100_Dpkg_Version.t whose upstream versions start with a digit
# (dpkg only warns about the others; we refuse them, see test_refuses).
PAIRS = [
    ("1.0-1", -1, "2.0-2"),
    ("2.2~rc-4", -1, "2.2-1"),
    ("1.0000-1", 0, "1.0-1"),
    ("1", 0, "0:1"),
    ("0", 0, "0:0-0"),
    ("2:2.5", 1, "1:7.5"),
    ("1~", -1, "1"),
    ("12345+that-really-is-some-ver-0", -1, "12345+that-really-is-some-ver-10"),
    ("1.09", 0, "1.9"),
    ("1.0.8+nmu1", 1, "1.0.8"),
    ("3.11", 1, "3.10+nmu1"),
    ("0.9j-20080306-4", 1, "0.9i-20070324-2"),
    ("1.2.0~b7-1", 1, "1.2.0~b6-1"),
    ("1.011-1", 1, "1.06-2"),
    ("0.0.9+dfsg1-1", 1, "0.0.8+dfsg1-3"),
    ("4.6.99+svn6582-1", 1, "4.6.99+svn6496-1"),
    ("53", 1, "52"),
    ("0.9.9~pre122-1", 1, "0.9.9~pre111-1"),
    ("2:2.3.2-2+lenny2", 1, "2:2.3.2-2"),
    ("1:3.8.1-1", 1, "3.8.GA-1"),
    ("1.0.1+gpl-1", 1, "1.0.1-2"),
    ("1a", -1, "1000a"),
    # t-version.c: parse-then-compare equalities
    ("0:0-", 0, "0"),
    ("0:0.0-0.0", 0, "0.0-0.0"),
    ("0:0-0-0", 0, "0-0-0"),
    ("0:0:0-0", 0, "0:0:0-0"),
    ("0:09azAZ.-+~:-0", 0, "0:09azAZ.-+~:-0"),
    ("0:0-azAZ09.+~", 0, "0-azAZ09.+~"),
    ("  \t0:0-1", 0, "0:0-1\t  "),
]

# deb-version(7): "~" sorts before everything, even the end; letters before non-letters.
ORDERED = [
    ["0"],
    ["1.0~~"],
    ["1.0~~a"],
    ["1.0~"],
    ["1.0", "1.00", "0:1.0", "1.0-0"],
    ["1.0-0.1"],
    ["1.0-1~bpo1"],
    ["1.0-1", "1.0-01"],
    ["1.0-1+b1"],
    ["1.0-1+deb11u1"],
    ["1.0a"],
    ["1.0+dfsg"],
    ["1.0.1"],
    ["1.1"],
    ["1:0.1"],
    ["2:1.20.11-1+deb11u6"],
]

INVALID = [
    "",
    "  ",
    "0:",
    "0:0 0-1",
    "-1:0-1",
    "999999999999999999999999:0-1",
    "a:0-0",
    "A:0-0",
    "-0",
    "0:-0",
]
INVALID += ["0:abc3-0", "0:0-0:0", "kernel-image-2.4.17-ia64"]
INVALID += [f"0:0{c}-0" for c in "!#@$%&/|\\<>()[]{};,_=*^'"]


@pytest.mark.parametrize(("a", "expected", "b"), PAIRS, ids=[f"{a}|{b}" for a, _, b in PAIRS])
def test_dpkg_compares_like_dpkg(a: str, expected: int, b: str) -> None:
    assert_pair(DPKG, a, expected, b)


def test_dpkg_table_is_totally_ordered() -> None:
    assert_ascending(DPKG, ORDERED)


@pytest.mark.parametrize("version", INVALID, ids=repr)
def test_dpkg_refuses(version: str) -> None:
    with pytest.raises(InvalidVersionError, match="dpkg"):
        DPKG.key(version)


def test_dpkg_parses_real_debian_versions(osv_versions: OsvVersions) -> None:
    # DSA-423, DSA-444 and DSA-481 give a package name instead of a version for woody
    known = frozenset({"kernel-image-2.4.17-ia64"})
    versions = osv_versions.events["Debian"] | osv_versions.events.get("Debian-ELTS", frozenset())
    assert_real_versions_parse(DPKG, versions, known)
