"""npm ordering: node-semver's ``test/fixtures/comparisons.js`` pairs and its lenient prefixes."""

from __future__ import annotations

import pytest

from hullguard.vulndb.versions import InvalidVersionError
from hullguard.vulndb.versions.npm import NPM
from tests.vulndb.versions.conftest import OsvVersions, assert_pair, assert_real_versions_parse

# node-semver comparisons.js: the first version is greater than the second.
GREATER = [
    ("0.0.0", "0.0.0-foo"),
    ("0.0.1", "0.0.0"),
    ("1.0.0", "0.9.9"),
    ("0.10.0", "0.9.0"),
    ("0.99.0", "0.10.0"),
    ("2.0.0", "1.2.3"),
    ("v0.0.0", "0.0.0-foo"),
    ("v0.0.1", "0.0.0"),
    ("=0.0.1", "0.0.0"),
    ("1.2.3", "1.2.3-asdf"),
    ("1.2.3", "1.2.3-4"),
    ("1.2.3", "1.2.3-4-foo"),
    ("1.2.3-5-foo", "1.2.3-5"),
    ("1.2.3-5", "1.2.3-4"),
    ("1.2.3-5-foo", "1.2.3-5-Foo"),
    ("3.0.0", "2.7.2+asdf"),
    ("1.2.3-a.10", "1.2.3-a.5"),
    ("1.2.3-a.b", "1.2.3-a.5"),
    ("1.2.3-a.b", "1.2.3-a"),
    ("1.2.3-a.b.c.10.d.5", "1.2.3-a.b.c.5.d.100"),
    ("1.2.3-r2", "1.2.3-r100"),
    ("1.2.3-r100", "1.2.3-R2"),
]
EQUAL = [("1.2.3", "v1.2.3"), ("1.2.3", "=1.2.3"), ("1.2.3", "=v1.2.3"), ("1.2.3", " 1.2.3 ")]
EQUAL += [("1.2.3-beta+build", "1.2.3-beta+otherbuild"), ("0", "0")]
INVALID = ["", "1.2", "~1.2.3", ">=1.2.3", "1.2.3.4", "v1.2.3.4", "latest", "01.2.3", "1.2.3-01", "vv1.2.3"]


@pytest.mark.parametrize(("a", "b"), GREATER, ids=[f"{a}>{b}" for a, b in GREATER])
def test_npm_orders_like_node_semver(a: str, b: str) -> None:
    assert_pair(NPM, a, 1, b)


@pytest.mark.parametrize(("a", "b"), EQUAL, ids=[f"{a}={b}" for a, b in EQUAL])
def test_npm_accepts_node_semver_prefixes(a: str, b: str) -> None:
    assert_pair(NPM, a, 0, b)


@pytest.mark.parametrize("version", INVALID, ids=repr)
def test_npm_refuses(version: str) -> None:
    with pytest.raises(InvalidVersionError, match="npm"):
        NPM.key(version)


def test_npm_zero_sorts_before_every_version() -> None:
    assert NPM.key("0") < NPM.key("0.0.0-0")


def test_npm_parses_real_npm_versions(osv_versions: OsvVersions) -> None:
    assert_real_versions_parse(NPM, osv_versions.events["npm"])
