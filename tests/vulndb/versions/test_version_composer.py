"""Composer ordering: normalization cases from composer/semver's ``VersionParserTest`` and the
stability order of its ``Comparator`` (PHP ``version_compare`` on normalized versions)."""

from __future__ import annotations

import pytest

from hullguard.vulndb.versions import InvalidVersionError
from hullguard.vulndb.versions.composer import COMPOSER, normalized_parts
from tests.vulndb.versions.conftest import (
    OsvVersions,
    assert_ascending,
    assert_pair,
    assert_real_versions_parse,
)

# successfulNormalizedVersions: (input, Composer's normalized form); both must order the same.
NORMALIZED = [
    ("1.0.0", "1.0.0.0"),
    ("1.2.3.4", "1.2.3.4"),
    ("1.0.0RC1dev", "1.0.0.0-RC1-dev"),
    ("1.0.0-rC15-dev", "1.0.0.0-RC15-dev"),
    ("1.0.0.RC.15-dev", "1.0.0.0-RC15-dev"),
    ("1.0.0-rc1", "1.0.0.0-RC1"),
    ("1.0.0.pl3-dev", "1.0.0.0-patch3-dev"),
    ("1.0-dev", "1.0.0.0-dev"),
    ("0", "0.0.0.0"),
    ("10.4.13-beta", "10.4.13.0-beta"),
    ("10.4.13beta2", "10.4.13.0-beta2"),
    ("10.4.13beta.2", "10.4.13.0-beta2"),
    ("v1.13.11-beta.0", "1.13.11.0-beta0"),
    ("10.4.13-b", "10.4.13.0-beta"),
    ("10.4.13-b5", "10.4.13.0-beta5"),
    ("v1.0.0", "1.0.0.0"),
    ("2010.01", "2010.01.0.0"),
    ("2010.01.02", "2010.01.02.0"),
    ("v20100102", "20100102"),
    ("2010-01-02.5", "2010.01.02.5"),
    ("20100102-203040", "20100102.203040"),
    ("20100102203040-10", "20100102203040.10"),
    ("20100102-203040-p1", "20100102.203040-patch1"),
    ("201903.0-p2", "201903.0-patch2"),
    ("201903.x-dev", "201903.9999999.9999999.9999999-dev"),
    ("1.x-dev", "1.9999999.9999999.9999999-dev"),
    ("1.0.0+foo@dev", "1.0.0.0"),
    ("1.0.0-beta.5+foo", "1.0.0.0-beta5"),
    ("1.0.0-alpha.3.1+foo", "1.0.0.0-alpha3.1"),
    ("1.0.0-alpha-2.1-3+foo", "1.0.0.0-alpha2.1-3"),
    ("1.0.0+foo as 2.0", "1.0.0.0"),
    ("00.01.03.04", "00.01.03.04"),
    ("0700", "0700.0.0.0"),
    ("041.x-dev", "041.9999999.9999999.9999999-dev"),
    (" 1.0.0", "1.0.0.0"),
    ("1.0.0 ", "1.0.0.0"),
]

# Date versions keep as many parts as they have (Composer does not pad them to four, so
# re-normalizing ``2010.01.02`` gives the classical ``2010.01.02.0``, a later version).
DATES = [
    ("2010-01-02", [2010, 1, 2]),
    ("20100102-203040", [20100102, 203040]),
    ("20100102-203040-p1", [20100102, 203040, "patch", 1]),
]

# dev < alpha < beta < RC < stable < patch, numbers after the stability, "-dev" before its base.
ORDERED = [
    ["1.0.0-dev", "1.0.0.0-dev"],
    ["1.0.0-alpha", "1.0.0-a"],
    ["1.0.0-alpha1-dev"],
    ["1.0.0-alpha1", "1.0.0-a1", "1.0.0alpha.1"],
    ["1.0.0-alpha2"],
    ["1.0.0-beta-dev"],
    ["1.0.0-beta", "1.0.0-b"],
    ["1.0.0-beta2", "1.0.0-beta.2"],
    ["1.0.0-beta10"],
    ["1.0.0-RC1", "1.0.0-rc1"],
    ["1.0.0", "v1.0", "1", "1.0.0.0", "1.0.0-stable"],
    ["1.0.0-p1", "1.0.0-patch1", "1.0.0-pl1"],
    ["1.0.0-p2"],
    ["1.0.1-dev"],
    ["1.0.1"],
    ["1.24.0"],
    ["1.25.0"],
    ["1.x-dev"],
    ["2.4.6-p6"],
]

# Named branches have no order (Composer never matches them against ranges); the rest is garbage.
INVALID = [
    "dev-master",
    "master",
    "trunk",
    "dev-feature-foo",
    "DEV-FOOBAR",
    "dev-feature/foo",
    "dev-master as 1.0.0",
]
INVALID += ["", "a", "1.0.0-foo", "1.0.0-beta+", "1.0.0.0.0", "1.0 .0", "feature-dev"]


@pytest.mark.parametrize(("raw", "normalized"), NORMALIZED, ids=[raw for raw, _ in NORMALIZED])
def test_composer_normalizes_like_version_parser(raw: str, normalized: str) -> None:
    assert_pair(COMPOSER, raw, 0, normalized)


@pytest.mark.parametrize(("raw", "parts"), DATES, ids=[raw for raw, _ in DATES])
def test_composer_keeps_date_versions_unpadded(raw: str, parts: list[int | str]) -> None:
    assert normalized_parts(raw) == parts
    assert COMPOSER.key("2010-01-02") < COMPOSER.key("2010.01.02")


def test_composer_table_is_totally_ordered() -> None:
    assert_ascending(COMPOSER, ORDERED)


@pytest.mark.parametrize("version", INVALID, ids=repr)
def test_composer_refuses(version: str) -> None:
    with pytest.raises(InvalidVersionError, match="composer"):
        COMPOSER.key(version)


def test_composer_parses_real_packagist_versions(osv_versions: OsvVersions) -> None:
    assert_real_versions_parse(COMPOSER, osv_versions.events["Packagist"])
