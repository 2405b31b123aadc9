"""Name normalisation per ecosystem: lookups must find what the registry would consider the same."""

from __future__ import annotations

import pytest

from hullguard.vulndb import ecosystem_base, normalize_name

CASES = [
    ("PyPI", "PyYAML", "pyyaml"),
    ("PyPI", "Django", "django"),
    ("PyPI", "zope.interface", "zope-interface"),
    ("PyPI", "Foo__Bar-.baz", "foo-bar-baz"),
    ("crates.io", "Serde_JSON", "serde-json"),
    ("NuGet", "Newtonsoft.Json", "newtonsoft.json"),
    ("Packagist", "Symfony/Http-Kernel", "symfony/http-kernel"),
    ("RubyGems", "RedCloth", "RedCloth"),
    ("npm", "JSONStream", "JSONStream"),
    ("npm", "@babel/core", "@babel/core"),
    ("Maven", "org.apache.logging.log4j:log4j-core", "org.apache.logging.log4j:log4j-core"),
    ("Go", "github.com/BurntSushi/toml", "github.com/BurntSushi/toml"),
    ("AlmaLinux:8", "NetworkManager", "NetworkManager"),
    ("Debian:12", " openssl ", "openssl"),
    ("SomeFutureEcosystem", "MixedCase", "MixedCase"),
]


@pytest.mark.parametrize(("ecosystem", "name", "expected"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_normalize_name_follows_the_ecosystem(ecosystem: str, name: str, expected: str) -> None:
    assert normalize_name(ecosystem, name) == expected


BASES = [
    ("Debian:12", "Debian"),
    ("Alpine:v3.11", "Alpine"),
    ("Ubuntu:Pro:18.04:LTS", "Ubuntu"),
    ("Rocky Linux:8", "Rocky Linux"),
    ("PyPI", "PyPI"),
]


@pytest.mark.parametrize(("ecosystem", "base"), BASES, ids=[b[0] for b in BASES])
def test_ecosystem_base_drops_the_release(ecosystem: str, base: str) -> None:
    assert ecosystem_base(ecosystem) == base
