"""Package URLs: one table of cases per purl type, checked against the spec's canonical form."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from packageurl import PackageURL

from hullguard.analyze import FileHeader, FileInput
from hullguard.analyze.dpkg import parse_dpkg_status
from hullguard.inventory import Inventory, Location, OSInfo, Package, PackageType
from hullguard.inventory.purl import (
    PurlError,
    package_type_for_purl_type,
    purl_for,
    purl_type_for,
    with_purls,
)

HERE = Location("/some/db")
DEBIAN_10 = OSInfo("debian", "10", "buster")
DEBIAN_8 = OSInfo("debian", "8", "jessie")
DEBIAN_11 = OSInfo("debian", "11", "bullseye")
UBUNTU = OSInfo("ubuntu", "18.04", "bionic")
ALPINE = OSInfo("alpine", "3.11.5")
RHEL = OSInfo("rhel", "8.8")
MARINER = OSInfo("mariner", "2.0")
SLES = OSInfo("sles", "15.3")
LEAP = OSInfo("opensuse-leap", "15.5")


def _pkg(
    name: str,
    version: str,
    kind: PackageType,
    *,
    arch: str | None = None,
    source_name: str | None = None,
    source_version: str | None = None,
    namespace: str | None = None,
) -> Package:
    return Package(
        name,
        version,
        kind,
        HERE,
        "test",
        namespace=namespace,
        source_name=source_name,
        source_version=source_version,
        arch=arch,
    )


# Facts from ../shared/data/pkgdb/README.md (real databases); expectations follow the purl spec
# type definitions and syft's distro qualifiers.
CASES = [
    pytest.param(
        _pkg(
            "libc6", "2.28-10", PackageType.DEB, arch="amd64", source_name="glibc", source_version="2.28-10"
        ),
        DEBIAN_10,
        "pkg:deb/debian/libc6@2.28-10?arch=amd64&distro=debian-10&upstream=glibc",
        id="deb-source-differs",
    ),
    pytest.param(
        _pkg(
            "zlib1g",
            "1:1.2.8.dfsg-2+b1",
            PackageType.DEB,
            arch="amd64",
            source_name="zlib",
            source_version="1:1.2.8.dfsg-2",
        ),
        DEBIAN_8,
        "pkg:deb/debian/zlib1g@1:1.2.8.dfsg-2%2Bb1?arch=amd64&distro=debian-8&upstream=zlib%401:1.2.8.dfsg-2",
        id="deb-binnmu-source-version",
    ),
    pytest.param(
        _pkg("apt", "1.8.2", PackageType.DEB, arch="amd64", source_name="apt", source_version="1.8.2"),
        DEBIAN_10,
        "pkg:deb/debian/apt@1.8.2?arch=amd64&distro=debian-10",
        id="deb-source-same",
    ),
    pytest.param(
        _pkg("libc6", "2.31-13+deb11u3", PackageType.DEB, arch="arm64"),
        DEBIAN_11,
        "pkg:deb/debian/libc6@2.31-13%2Bdeb11u3?arch=arm64&distro=debian-11",
        id="deb-arm64",
    ),
    pytest.param(
        _pkg("login", "1:4.5-1ubuntu1", PackageType.DEB, arch="amd64", source_name="shadow"),
        UBUNTU,
        "pkg:deb/ubuntu/login@1:4.5-1ubuntu1?arch=amd64&distro=ubuntu-18.04&upstream=shadow",
        id="deb-ubuntu",
    ),
    pytest.param(
        _pkg("netbase", "6.3", PackageType.DEB, arch="all"),
        None,
        "pkg:deb/debian/netbase@6.3?arch=all",
        id="deb-unknown-os",
    ),
    pytest.param(
        _pkg("libssl1.1", "1.1.1d-r3", PackageType.APK, arch="x86_64", source_name="openssl"),
        ALPINE,
        "pkg:apk/alpine/libssl1.1@1.1.1d-r3?arch=x86_64&distro=alpine-3.11.5&upstream=openssl",
        id="apk-origin",
    ),
    pytest.param(
        _pkg("musl", "1.1.24-r2", PackageType.APK, arch="x86_64", source_name="musl"),
        None,
        "pkg:apk/alpine/musl@1.1.24-r2?arch=x86_64",
        id="apk-unknown-os",
    ),
    pytest.param(
        _pkg(
            "libuuid",
            "2.32.1-42.el8_8",
            PackageType.RPM,
            arch="x86_64",
            source_name="util-linux",
            source_version="2.32.1-42.el8_8",
        ),
        RHEL,
        "pkg:rpm/redhat/libuuid@2.32.1-42.el8_8?arch=x86_64&distro=rhel-8.8&upstream=util-linux-2.32.1-42.el8_8.src.rpm",
        id="rpm-rhel-is-redhat",
    ),
    pytest.param(
        _pkg(
            "ca-certificates-base",
            "1:2.0.0-1.cm2",
            PackageType.RPM,
            arch="noarch",
            source_name="ca-certificates",
            source_version="1:2.0.0-1.cm2",
        ),
        MARINER,
        "pkg:rpm/mariner/ca-certificates-base@2.0.0-1.cm2?arch=noarch&distro=mariner-2.0&epoch=1"
        "&upstream=ca-certificates-2.0.0-1.cm2.src.rpm",
        id="rpm-epoch-qualifier",
    ),
    pytest.param(
        _pkg("libgcc_s1", "11.2.1+git610-1.3.9", PackageType.RPM, arch="x86_64", source_name="gcc11"),
        SLES,
        "pkg:rpm/sles/libgcc_s1@11.2.1%2Bgit610-1.3.9?arch=x86_64&distro=sles-15.3&upstream=gcc11",
        id="rpm-sles",
    ),
    pytest.param(
        _pkg("bash", "5.1.16-1.1", PackageType.RPM, arch="x86_64"),
        LEAP,
        "pkg:rpm/opensuse/bash@5.1.16-1.1?arch=x86_64&distro=opensuse-leap-15.5",
        id="rpm-opensuse-flavour",
    ),
    pytest.param(
        _pkg("PyYAML", "6.0.1", PackageType.PYTHON), UBUNTU, "pkg:pypi/pyyaml@6.0.1", id="pypi-lower"
    ),
    pytest.param(
        _pkg("typing_extensions", "4.12.2", PackageType.PYTHON),
        None,
        "pkg:pypi/typing-extensions@4.12.2",
        id="pypi-underscore",
    ),
    pytest.param(
        _pkg("zope.interface", "6.0", PackageType.PYTHON),
        None,
        "pkg:pypi/zope.interface@6.0",
        id="pypi-dot-kept",
    ),
    pytest.param(
        _pkg("@babel/core", "7.0.0", PackageType.NPM), None, "pkg:npm/%40babel/core@7.0.0", id="npm-scope"
    ),
    pytest.param(_pkg("lodash", "4.17.21", PackageType.NPM), None, "pkg:npm/lodash@4.17.21", id="npm-plain"),
    pytest.param(
        _pkg("github.com/sirupsen/logrus", "v1.9.3", PackageType.GO_MODULE),
        None,
        "pkg:golang/github.com/sirupsen/logrus@v1.9.3",
        id="golang-module",
    ),
    pytest.param(
        _pkg("golang.org/x/net", "v0.17.0", PackageType.GO_MODULE),
        None,
        "pkg:golang/golang.org/x/net@v0.17.0",
        id="golang-x",
    ),
    pytest.param(
        _pkg("stdlib", "go1.22.1", PackageType.GO_MODULE),
        None,
        "pkg:golang/stdlib@1.22.1",
        id="golang-stdlib",
    ),
    pytest.param(
        _pkg("log4j-core", "2.14.1", PackageType.JAVA, namespace="org.apache.logging.log4j"),
        None,
        "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
        id="maven-group",
    ),
    pytest.param(
        _pkg("com.google.guava:guava", "32.1.2-jre", PackageType.JAVA),
        None,
        "pkg:maven/com.google.guava/guava@32.1.2-jre",
        id="maven-colon-name",
    ),
    pytest.param(_pkg("rails", "7.1.2", PackageType.GEM), None, "pkg:gem/rails@7.1.2", id="gem"),
    pytest.param(_pkg("serde", "1.0.193", PackageType.CARGO), None, "pkg:cargo/serde@1.0.193", id="cargo"),
    pytest.param(
        _pkg("symfony/Console", "v6.4.1", PackageType.COMPOSER),
        None,
        "pkg:composer/symfony/console@v6.4.1",
        id="composer-vendor",
    ),
    pytest.param(
        _pkg("Newtonsoft.Json", "13.0.3", PackageType.NUGET),
        None,
        "pkg:nuget/Newtonsoft.Json@13.0.3",
        id="nuget",
    ),
]


@pytest.mark.parametrize(("package", "os", "expected"), CASES)
def test_purl_for(package: Package, os: OSInfo | None, expected: str) -> None:
    purl = purl_for(package, os)
    assert purl == expected
    assert PackageURL.from_string(purl).to_string() == purl


@pytest.mark.parametrize("kind", list(PackageType), ids=str)
def test_every_package_type_has_a_purl_type_that_maps_back(kind: PackageType) -> None:
    purl = PackageURL.from_string(purl_for(_pkg("name", "1.0", kind), None))
    assert purl.type == purl_type_for(kind)
    assert package_type_for_purl_type(purl.type) is kind


def test_unmodelled_purl_types_map_to_none() -> None:
    assert package_type_for_purl_type("generic") is None


def test_nameless_package_is_refused() -> None:
    with pytest.raises(PurlError, match="nameless deb package in /some/db"):
        purl_for(_pkg(" ", "1.0", PackageType.DEB), DEBIAN_10)


def test_with_purls_fills_real_debian_packages(shared_dir: Path) -> None:
    status = (shared_dir / "data" / "pkgdb" / "dpkg" / "debian-10-buster" / "status").read_bytes()
    header = FileHeader(size=len(status), mode=0o644)
    packages = parse_dpkg_status(FileInput("/var/lib/dpkg/status", header, status)).packages
    filled = with_purls(Inventory(os=DEBIAN_10, packages=packages)).packages
    assert len(filled) == 84
    by_name = {package.name: package.purl for package in filled}
    assert by_name["login"] == "pkg:deb/debian/login@1:4.5-1.1?arch=amd64&distro=debian-10&upstream=shadow"
    assert (
        by_name["zlib1g"] == "pkg:deb/debian/zlib1g@1:1.2.11.dfsg-1?arch=amd64&distro=debian-10&upstream=zlib"
    )
    for purl in by_name.values():
        parsed = PackageURL.from_string(purl)
        assert (parsed.type, parsed.namespace, parsed.qualifiers["distro"]) == ("deb", "debian", "debian-10")


def test_with_purls_keeps_purls_already_set() -> None:
    known = dataclasses.replace(
        _pkg("musl", "1.1.24-r2", PackageType.APK), purl="pkg:apk/alpine/musl@1.1.24-r2"
    )
    empty = _pkg("zlib", "1.2.11-r3", PackageType.APK)
    filled = with_purls(Inventory(os=ALPINE, packages=(known, empty))).packages
    assert [package.purl for package in filled] == [
        "pkg:apk/alpine/musl@1.1.24-r2",
        "pkg:apk/alpine/zlib@1.2.11-r3?distro=alpine-3.11.5",
    ]
