"""Go ordering: the table of ``golang.org/x/mod/semver``'s ``semver_test.go``, pseudo-versions,
``+incompatible`` and toolchain names."""

from __future__ import annotations

import pytest

from hullguard.vulndb.versions import InvalidVersionError
from hullguard.vulndb.versions.go import GO
from tests.vulndb.versions.conftest import OsvVersions, assert_ascending, assert_real_versions_parse

# semver_test.go's valid versions, in its ascending order (equal ones grouped).
ORDERED = [
    ["v1.0.0-alpha"],
    ["v1.0.0-alpha.1"],
    ["v1.0.0-alpha.beta"],
    ["v1.0.0-beta"],
    ["v1.0.0-beta.2"],
    ["v1.0.0-beta.11"],
    ["v1.0.0-rc.1"],
    ["v1", "v1.0", "v1.0.0", "1.0.0"],
    ["v1.2", "v1.2.0"],
    ["v1.2.3-456"],
    ["v1.2.3-456.789"],
    ["v1.2.3-456-789"],
    ["v1.2.3-456a"],
    ["v1.2.3-pre", "v1.2.3-pre+meta"],
    ["v1.2.3-pre.0.20191109021931-daa7c04131f5"],
    ["v1.2.3-pre.1"],
    ["v1.2.3-zzz"],
    ["v1.2.3", "v1.2.3+meta", "v1.2.3+meta-pre", "v1.2.3+meta-pre.sha.256a", "1.2.3"],
    ["v1.2.4-0.20191109021931-daa7c04131f5"],
    ["v1.2.4-0.20200101000000-0123456789ab"],
    ["v2.0.0", "v2.0.0+incompatible"],
]

# Pseudo-versions (go.dev/ref/mod#pseudo-versions) order by their timestamp; toolchains by number.
PSEUDO = [
    ["0"],
    ["v0.0.0-20191109021931-daa7c04131f5"],
    ["v0.0.0-20200101000000-000000000000"],
    ["v0.1.0"],
]
TOOLCHAIN = [
    ["go1.20.14", "1.20.14"],
    ["go1.21rc2".replace("rc2", ".0-rc.2")],
    ["1.21.0"],
    ["go1.21.6", "v1.21.6"],
]

INVALID = ["", "bad", "v1-alpha.beta.gamma", "v1-pre", "v1+meta", "v1-pre+meta", "v1.2-pre", "v1.2+meta"]
INVALID += ["v1.2-pre+meta", "v01.2.3", "v1.2.3-01", "vv1.2.3", "v1.2.3.4"]


def test_go_table_is_totally_ordered() -> None:
    assert_ascending(GO, ORDERED)


def test_go_pseudo_versions_order_by_time() -> None:
    assert_ascending(GO, PSEUDO)


def test_go_toolchain_names_are_versions() -> None:
    assert_ascending(GO, TOOLCHAIN)


@pytest.mark.parametrize("version", INVALID, ids=repr)
def test_go_refuses(version: str) -> None:
    with pytest.raises(InvalidVersionError, match="go"):
        GO.key(version)


def test_go_parses_real_go_versions(osv_versions: OsvVersions) -> None:
    assert_real_versions_parse(GO, osv_versions.events["Go"])
