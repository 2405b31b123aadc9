"""apk ordering: cases from apk-tools' ``test/version.data`` and ``src/version.c``."""

from __future__ import annotations

import pytest

from hullguard.vulndb.versions import InvalidVersionError
from hullguard.vulndb.versions.apk import APK
from tests.vulndb.versions.conftest import (
    OsvVersions,
    assert_ascending,
    assert_pair,
    assert_real_versions_parse,
)

_OPS = {"<": -1, "=": 0, ">": 1}
# A selection of apk-tools' test/version.data lines ("a op b").
_DATA = """
2.34 > 0.1.0_alpha
0.1.0_alpha < 0.1.3_alpha
0.1.0_alpha2 > 0.1.0_alpha
2.2.39-r1 > 1.0.4-r3
1.0.4-r3 < 1.0.4-r4
1.1 > 1.1_alpha1
1.2.1 > 1.2
1.3_alpha < 1.3_alpha2
3.10.18-r1 > 2.3.0b-r1
2.3.0b-r1 < 2.3.0b-r2
0.12.3 > 0.12
1.06-r6 < 006
006 > 1.0.0
3.1_p16 < 3.1_p17
2.2.2-r1 > 2.2.2
20050718-r2 > 3.9.8-r5
3.9.8-r5 > 2.01.01_alpha10
1.0 > 0.99.3.20040818
1.00_beta2 > 0.9.2
20060720 > 3.0.20060720
2.5.1-r8 < 2.5.1a-r1
0.10.0 < 0.10.1_rc1
3.0.0-r2 < 021109-r3
0.9.16-r1 < 3.9_pre20060124
3.9_pre20060124 > 0.01
0.01 < 0.06
1.02.07 < 1.02.10-r1
4.2.52_p2-r1 < 4.2.52_p4-r2
1.8.5 < 1.8.5_p2
1.7 < 1.7b
2.1.9.200602141850 > 1.6
0.9.28-r2 < 0.9.28.1
22.7-r1 < 22.7.3-r1
2.10.1 > 02.08.01b
1.2.07.8 < 1.2.12.04
4.5_p1-r1 > 4.5_p1
1.6.8_p12-r1 > 1.6.8_p9-r2
7.0.17 < 7.0.174
0.20070118 < 0.20070207_rc1
1.3-r0 < 1.3.1-r0
1.3_pre1-r1 < 1.3.2
1.0_p10-r0 > 1.0_p9-r0
0.1.0_alpha_pre2 < 0.1.0_alpha
1.0.0_pre20191002222144-r0 < 1.0.0_pre20210530193627-r0
"""
PAIRS = [(a, _OPS[op], b) for a, op, b in (line.split() for line in _DATA.strip().splitlines())]

# Suffix order from version.c. When one version runs out first, the later token kind sorts
# first: the end < ``-rN`` < ``~hash`` < ``_suffix`` < letter < ``.N`` (pre-release suffixes lowest).
ORDERED = [
    ["1.0_alpha"],
    ["1.0_alpha0", "1.0_alpha00"],
    ["1.0_alpha1"],
    ["1.0_beta"],
    ["1.0_pre"],
    ["1.0_rc1"],
    ["1.0", "01.0"],
    ["1.0-r0"],
    ["1.0-r1"],
    ["1.0~abc123"],
    ["1.0~abc123-r1"],
    ["1.0_cvs"],
    ["1.0_svn"],
    ["1.0_git20240101"],
    ["1.0_hg"],
    ["1.0_p1"],
    ["1.0a"],
    ["1.0z"],
    ["1.0.0"],
    ["1.01"],
    ["1.1"],
]

INVALID = ["", "a1", "1.", "1..2", "1.0bc", "1.2a3", "1.0_foo", "1.0_", "1.0-r", "1.0-1", "1.0.-r0"]
INVALID += ["23_foo", "1.0-r1_p1", "1.0-r1-r2", "1.0~", "1.0~xyz", "1.0 ", "1.0A"]
# Typos in alpine-secdb (v3.3 ... v3.11) that apk itself would refuse.
SECDB_TYPOS = frozenset(
    {"0.12.5.-r0", "0.8.21.r2", "1.0.4.-r0", "1.11-20-r0", "1.18.-r2", "1.7.5.-r1", "10.2.22.r0"}
    | {
        "10.2.24.r0",
        "10.2.26.r0",
        "2.15.r-r1",
        "2.7.16-33",
        "4.10-1-r1",
        "4.8.0.-r1",
        "57-1-r2",
        "6.6.2p1-r0",
    }
)


@pytest.mark.parametrize(("a", "expected", "b"), PAIRS, ids=[f"{a}|{b}" for a, _, b in PAIRS])
def test_apk_compares_like_apk_tools(a: str, expected: int, b: str) -> None:
    assert_pair(APK, a, expected, b)


def test_apk_table_is_totally_ordered() -> None:
    assert_ascending(APK, ORDERED)


@pytest.mark.parametrize("version", INVALID, ids=repr)
def test_apk_refuses(version: str) -> None:
    with pytest.raises(InvalidVersionError, match="apk"):
        APK.key(version)


def test_apk_parses_real_alpine_versions(osv_versions: OsvVersions) -> None:
    assert_real_versions_parse(APK, osv_versions.events["Alpine"], SECDB_TYPOS)
