"""The registry of version schemes, ``scheme_for`` on real OSV ecosystems, and the package's surface."""

from __future__ import annotations

import pytest

import hullguard.vulndb.versions as versions
from hullguard._registry import Registry
from hullguard.errors import ConfigError, VulnDBError
from hullguard.vulndb.versions import (
    KeyedScheme,
    SortKey,
    VersionScheme,
    build_version_schemes,
    compare,
    scheme_for,
)
from tests.vulndb.versions.conftest import OsvVersions, failures

IDS = [
    "apk",
    "cargo",
    "composer",
    "dpkg",
    "go",
    "maven",
    "npm",
    "nuget",
    "pep440",
    "rpm",
    "rubygems",
    "semver",
]

LOOKUPS = [
    ("Debian:12", "dpkg"),
    ("Debian-ELTS", "dpkg"),
    ("Ubuntu:22.04:LTS", "dpkg"),
    ("Alpine:v3.11", "apk"),
    ("Wolfi", "apk"),
    ("AlmaLinux:8", "rpm"),
    ("Rocky Linux:9", "rpm"),
    ("Red Hat:enterprise_linux:9::appstream", "rpm"),
    ("openSUSE:Leap 15.5", "rpm"),
    ("PyPI", "pep440"),
    ("crates.io", "cargo"),
    ("Bitnami", "semver"),
    ("Packagist", "composer"),
    ("Go", "go"),
    ("npm", "npm"),
    ("RubyGems", "rubygems"),
    ("Maven", "maven"),
    ("NuGet", "nuget"),
]


@pytest.fixture(scope="module")
def registry() -> Registry[VersionScheme]:
    return build_version_schemes()


def test_build_version_schemes_finds_every_built_in(registry: Registry[VersionScheme]) -> None:
    assert registry.ids() == IDS
    assert all(isinstance(scheme, VersionScheme) for scheme in registry)


def test_no_ecosystem_is_claimed_twice(registry: Registry[VersionScheme]) -> None:
    names = [name for scheme in registry for name in scheme.ecosystems]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(("ecosystem", "scheme_id"), LOOKUPS, ids=[e for e, _ in LOOKUPS])
def test_scheme_for_uses_the_name_before_the_colon(
    registry: Registry[VersionScheme], ecosystem: str, scheme_id: str
) -> None:
    scheme = scheme_for(registry, ecosystem)
    assert scheme is not None
    assert scheme.id == scheme_id


@pytest.mark.parametrize("ecosystem", ["", "GIT", "Linux", "debian:12", "Unknown:1"], ids=repr)
def test_scheme_for_unknown_ecosystem_is_none(registry: Registry[VersionScheme], ecosystem: str) -> None:
    assert scheme_for(registry, ecosystem) is None


def test_scheme_for_covers_every_ecosystem_in_the_shared_data(
    registry: Registry[VersionScheme], osv_versions: OsvVersions
) -> None:
    missing = sorted(e for e in osv_versions.ecosystems if scheme_for(registry, e) is None)
    assert not missing


def test_real_range_versions_parse_overall(
    registry: Registry[VersionScheme], osv_versions: OsvVersions
) -> None:
    """At least 99.9 % of all introduced/fixed/last_affected values parse with their scheme."""
    total, refused = 0, []
    for ecosystem, values in sorted(osv_versions.events.items()):
        scheme = scheme_for(registry, ecosystem)
        assert scheme is not None, ecosystem
        total += len(values)
        refused += [f"{ecosystem}:{v}" for v in failures(scheme, values)]
    assert 1 - len(refused) / total >= 0.999, refused


def test_a_registry_refuses_a_plugin_that_is_not_a_scheme() -> None:
    from hullguard.vulndb.versions._lookup import _checked

    with pytest.raises(ConfigError, match="not a version scheme"):
        _checked(object(), "tests")


def test_compare_is_minus_one_zero_or_one() -> None:
    def parse(version: str) -> SortKey:
        return (int(version),)

    scheme = KeyedScheme(id="toy", ecosystems=("Toy",), parse=parse)
    assert [compare(scheme, "1", "2"), compare(scheme, "2", "2"), compare(scheme, "3", "2")] == [-1, 0, 1]


def test_all_lists_the_public_api() -> None:
    assert versions.__all__ == sorted(versions.__all__)
    assert {"InvalidVersionError", "VersionScheme", "build_version_schemes", "scheme_for", "compare"} <= set(
        versions.__all__
    )
    for name in versions.__all__:
        assert hasattr(versions, name), name
    assert issubclass(versions.InvalidVersionError, VulnDBError)
