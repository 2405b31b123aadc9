"""PEP 440 ordering: the PEP's own examples, and agreement with ``packaging`` on real versions."""

from __future__ import annotations

import itertools
import random

import pytest
from packaging.version import InvalidVersion, Version

from hullguard.vulndb.versions import InvalidVersionError
from hullguard.vulndb.versions.pep440 import PEP440
from tests.vulndb.versions.conftest import OsvVersions, assert_ascending, assert_real_versions_parse, failures

# PEP 440, "Summary of permitted suffixes and relative ordering", plus epochs and local labels.
ORDERED = [
    ["1.dev0", "1.0.dev", "1-dev0"],
    ["1.0.dev456"],
    ["1.0a1", "1.0alpha1", "1.0-a1", "1.0.a.1", "v1.0a1"],
    ["1.0a2.dev456"],
    ["1.0a12.dev456"],
    ["1.0a12"],
    ["1.0b1.dev456"],
    ["1.0b2"],
    ["1.0b2.post345.dev456"],
    ["1.0b2.post345"],
    ["1.0rc1.dev456"],
    ["1.0rc1", "1.0c1", "1.0pre1", "1.0preview1"],
    ["1.0", "1.0.0", "1.0.0.0", "1", "0!1.0"],
    ["1.0+abc.5", "1.0+ABC-5", "1.0+abc_5"],
    ["1.0+abc.7"],
    ["1.0+5"],
    ["1.0.post456.dev34"],
    ["1.0.post456", "1.0-456", "1.0.r456", "1.0rev456"],
    ["1.0.15"],
    ["1.1.dev1"],
    ["1!0.1"],
]

INVALID = ["", "1.0-n653", "2019-09-12", "french toast", "1.0+", "1.0.", "1.0a1b2", "1.0+abc..1"]


def test_pep440_table_is_totally_ordered() -> None:
    assert_ascending(PEP440, ORDERED)


@pytest.mark.parametrize("version", INVALID, ids=repr)
def test_pep440_refuses_legacy_versions(version: str) -> None:
    with pytest.raises(InvalidVersionError, match="pep440"):
        PEP440.key(version)


def test_pep440_parses_real_pypi_versions(osv_versions: OsvVersions) -> None:
    # Legacy (pre-PEP 440) versions in PYSEC records; pip refuses them too.
    assert_real_versions_parse(PEP440, osv_versions.events["PyPI"], frozenset({"0.2.0-n653", "2019-09-12"}))


def test_pep440_orders_real_versions_exactly_like_packaging(osv_versions: OsvVersions) -> None:
    """Over every PyPI version in the shared data (about 13,000), the tuple key and
    ``packaging.version.Version`` agree on every adjacent pair and on random pairs."""
    pool = osv_versions.events["PyPI"] | osv_versions.listed["PyPI"]
    refused = set(failures(PEP440, pool))
    valid = sorted(pool - refused)
    for version in refused:  # we refuse exactly what packaging refuses
        with pytest.raises(InvalidVersion):
            Version(version)
    by_packaging = sorted(valid, key=Version)
    for a, b in itertools.pairwise(by_packaging):
        assert (PEP440.key(a) < PEP440.key(b)) == (Version(a) < Version(b)), (a, b)
        assert (PEP440.key(a) == PEP440.key(b)) == (Version(a) == Version(b)), (a, b)
    rng = random.Random(440)
    for _ in range(20000):
        a, b = rng.choice(valid), rng.choice(valid)
        assert (PEP440.key(a) < PEP440.key(b)) == (Version(a) < Version(b)), (a, b)
