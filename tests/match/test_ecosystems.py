"""Advisory lookup keys: distro ecosystems by source package, language ecosystems by registry."""

from __future__ import annotations

import pytest

from hullguard.inventory import Location, OSInfo, Package, PackageType
from hullguard.match._ecosystems import MatchKey, match_key

LOC = Location("/x")


def pkg(kind: PackageType, name: str, version: str, **extra: str) -> Package:
    return Package(name, version, kind, LOC, "test", **extra)  # type: ignore[arg-type]


CASES = [
    (
        "debian by source package",
        pkg(
            PackageType.DEB,
            "libssl3",
            "3.0.11-1~deb12u2",
            source_name="openssl",
            source_version="3.0.11-1~deb12u2",
        ),
        OSInfo("debian", "12"),
        MatchKey("Debian:12", "openssl", "3.0.11-1~deb12u2"),
    ),
    (
        "debian point release uses the major",
        pkg(PackageType.DEB, "bash", "5.1-2", source_name="bash", source_version="5.1-2"),
        OSInfo("debian", "11.4"),
        MatchKey("Debian:11", "bash", "5.1-2"),
    ),
    (
        "alpine branch by origin",
        pkg(PackageType.APK, "libcrypto1.1", "1.1.1d-r3", source_name="openssl", source_version="1.1.1d-r3"),
        OSInfo("alpine", "3.11.5"),
        MatchKey("Alpine:v3.11", "openssl", "1.1.1d-r3"),
    ),
    (
        "almalinux",
        pkg(PackageType.RPM, "curl", "7.61.1-30.el8"),
        OSInfo("almalinux", "8.9"),
        MatchKey("AlmaLinux:8", "curl", "7.61.1-30.el8"),
    ),
    ("pypi", pkg(PackageType.PYTHON, "requests", "2.19.1"), None, MatchKey("PyPI", "requests", "2.19.1")),
    (
        "npm scope",
        pkg(PackageType.NPM, "@babel/core", "7.0.0"),
        None,
        MatchKey("npm", "@babel/core", "7.0.0"),
    ),
    (
        "maven needs a group",
        pkg(PackageType.JAVA, "commons-lang3", "3.12.0", namespace="org.apache.commons"),
        None,
        MatchKey("Maven", "org.apache.commons:commons-lang3", "3.12.0"),
    ),
    ("deb without an OS", pkg(PackageType.DEB, "bash", "5.1-2"), None, None),
    (
        "deb without an OS: the purl's distro decides",
        pkg(
            PackageType.DEB,
            "bash",
            "5.1-2",
            source_name="bash",
            purl="pkg:deb/debian/bash@5.1-2?arch=amd64&distro=debian-11",
        ),
        None,
        MatchKey("Debian:11", "bash", "5.1-2"),
    ),
    (
        "apk purl distro with a point release",
        pkg(
            PackageType.APK,
            "musl",
            "1.1.18-r3",
            source_name="musl",
            purl="pkg:apk/alpine/musl@1.1.18-r3?distro=alpine-3.7.0",
        ),
        None,
        MatchKey("Alpine:v3.7", "musl", "1.1.18-r3"),
    ),
    ("deb on an unknown distro", pkg(PackageType.DEB, "bash", "5.1-2"), OSInfo("kali", "2024.1"), None),
]


@pytest.mark.parametrize(("package", "os", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_match_key(package: Package, os: OSInfo | None, expected: MatchKey | None) -> None:
    assert match_key(package, os) == expected
