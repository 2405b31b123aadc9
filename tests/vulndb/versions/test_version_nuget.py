"""NuGet ordering: cases from NuGet.Versioning's ``VersionComparerTests`` and its parsing rules."""

from __future__ import annotations

import pytest

from hullguard.vulndb.versions import InvalidVersionError
from hullguard.vulndb.versions.nuget import NUGET
from tests.vulndb.versions.conftest import assert_ascending

ORDERED = [
    ["0"],
    ["1.0.0-1"],
    ["1.0.0-2"],
    ["1.0.0-10"],
    ["1.0.0-alpha", "1.0.0-ALPHA", "1.0.0-Alpha+build"],
    ["1.0.0-alpha.1"],
    ["1.0.0-beta", "1.0.0-BETA"],
    ["1.0.0-beta.2"],
    ["1.0.0-beta.11"],
    ["1.0.0-rc.1", "1.0.0-RC.1"],
    ["1", "1.0", "1.0.0", "1.0.0.0", "1.0.0+metadata", "01.0.0"],
    ["1.0.0.1"],
    ["1.0.1"],
    ["1.1"],
    ["2.0.0.0-beta"],
    ["2.0"],
]

INVALID = ["", "1.", "1.0.0.0.0", "a", "1.0.0-", "1.0.0+", "1.0.0-beta..1", "-1.0", "1.0.0-beta_1", "v1.0"]


def test_nuget_table_is_totally_ordered() -> None:
    assert_ascending(NUGET, ORDERED)


@pytest.mark.parametrize("version", INVALID, ids=repr)
def test_nuget_refuses(version: str) -> None:
    with pytest.raises(InvalidVersionError, match="nuget"):
        NUGET.key(version)
