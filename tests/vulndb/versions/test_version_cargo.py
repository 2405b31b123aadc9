"""Cargo ordering: strict SemVer 2.0.0 (semver.org's precedence list and its invalid examples)."""

from __future__ import annotations

import pytest

from hullguard.vulndb.versions import InvalidVersionError
from hullguard.vulndb.versions.cargo import CARGO
from tests.vulndb.versions.conftest import OsvVersions, assert_ascending, assert_real_versions_parse

ORDERED = [
    ["0"],
    ["0.1.0-alpha.1"],
    ["0.1.0"],
    ["1.0.0-alpha"],
    ["1.0.0-alpha.1"],
    ["1.0.0-alpha.beta"],
    ["1.0.0-beta"],
    ["1.0.0-beta.2"],
    ["1.0.0-beta.11"],
    ["1.0.0-rc.1"],
    ["1.0.0", "1.0.0+build.1"],
    ["1.0.1"],
    ["1.10.0"],
]

# Cargo, unlike OSV's coercion, takes nothing but SemVer 2.0.0.
INVALID = ["", "1", "1.2", "v1.2.3", "01.2.3", "1.02.3", "1.2.03", "1.2.3-01", "1.2.3.4", "1.2.3 ", "=1.2.3"]


def test_cargo_table_is_totally_ordered() -> None:
    assert_ascending(CARGO, ORDERED)


@pytest.mark.parametrize("version", INVALID, ids=repr)
def test_cargo_refuses(version: str) -> None:
    with pytest.raises(InvalidVersionError, match="cargo"):
        CARGO.key(version)


def test_cargo_parses_real_crate_versions(osv_versions: OsvVersions) -> None:
    assert_real_versions_parse(CARGO, osv_versions.events["crates.io"])
