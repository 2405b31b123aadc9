"""SemVer 2.0.0 precedence: semver.org's own examples, and osv.dev's coercion for ``SEMVER`` ranges."""

from __future__ import annotations

import pytest

from hullguard.vulndb.versions import InvalidVersionError
from hullguard.vulndb.versions.semver import SEMVER, coerce
from tests.vulndb.versions.conftest import OsvVersions, assert_ascending, assert_real_versions_parse

# semver.org spec items 11 and 10 (build metadata does not count), and OSV's "0" first.
ORDERED = [
    ["0"],
    ["0.0.0-0"],
    ["0.0.0"],
    ["1.0.0-alpha", "1.0.0-alpha+001"],
    ["1.0.0-alpha.1"],
    ["1.0.0-alpha.beta"],
    ["1.0.0-beta"],
    ["1.0.0-beta.2"],
    ["1.0.0-beta.11"],
    ["1.0.0-rc.1"],
    ["1.0.0", "1.0.0+20130313144700", "1.0.0+exp.sha.5114f85", "v1.0.0", "1.0", "1"],
    ["2.0.0"],
    ["2.1.0"],
    ["2.1.1"],
    ["2023.3.13", "2023.03.13"],
]

# Invalid even after osv.dev's coercion (from semver.org's regex test list).
INVALID = ["", "alpha", "1.2.3-0123", "1.2.3-0123.0123", "1.1.2+.123", "+invalid", "-invalid", "1.2.3.DEV"]
INVALID += ["1.2.3-alpha_beta", "1.2.3-", "1.2.3+", "nightly.2026-03-10.0", "1.2.3 "]

COERCED = [("v1.2.3", "1.2.3"), ("2023.03.13", "2023.3.13"), ("1.2", "1.2.0"), ("1-rc.1", "1.0.0-rc.1")]


def test_semver_table_is_totally_ordered() -> None:
    assert_ascending(SEMVER, ORDERED)


@pytest.mark.parametrize("version", INVALID, ids=repr)
def test_semver_refuses(version: str) -> None:
    with pytest.raises(InvalidVersionError, match="semver"):
        SEMVER.key(version)


@pytest.mark.parametrize(("raw", "coerced"), COERCED, ids=[raw for raw, _ in COERCED])
def test_semver_coerces_like_osv_dev(raw: str, coerced: str) -> None:
    assert coerce(raw) == coerced


def test_semver_parses_real_bitnami_versions(osv_versions: OsvVersions) -> None:
    # BIT-* records for a nightly build use a date-stamped label that is no version at all.
    assert_real_versions_parse(SEMVER, osv_versions.events["Bitnami"], frozenset({"nightly.2026-03-10.0"}))
