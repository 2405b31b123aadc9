"""Known facts for every ecosystem of the shared advisories, read by hand from the records.

Each row names the OSV record it comes from; the versions, fixed versions and aliases were read
from that record in ``../shared/data/osv/<folder>/all.zip`` (never from the matcher's output).
Per record: a version inside an affected range (expect the record, its alias, and the fixed
version the range names), the fixed version itself (the record no longer applies), and for
records whose ranges start above zero, stop at ``last_affected`` or come in several intervals,
a version just outside.

Debian-ELTS records use the plain ``Debian:<n>`` ecosystem strings (with a Freexian purl
``repository_url``), so they match any Debian image of that release. Bitnami records cannot match
at all: no package type leads :func:`match_key` to the ``Bitnami`` ecosystem.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from hullguard.inventory import OSInfo, Package, PackageType
from hullguard.match import match_key
from hullguard.report import VulnerabilityFinding
from hullguard.vulndb import VulnStore
from tests.match.test_match import findings, names, pkg

DEBIAN_9 = OSInfo("debian", "9")
DEBIAN_10 = OSInfo("debian", "10")
ALPINE_3_10 = OSInfo("alpine", "3.10.4")
ALPINE_3_11 = OSInfo("alpine", "3.11.3")
ALMA_9 = OSInfo("almalinux", "9.0")


@dataclass(frozen=True)
class Affected:
    """A version the record names as affected, and what it says fixes it."""

    package: Package
    record: str
    """The OSV record id (always among the finding's names)."""
    alias: str | None
    """An id from the record's ``aliases`` (None: distro records list CVEs in ``related`` only)."""
    fixed: tuple[str, ...]
    """The ``fixed`` event that closes the range holding the version; () for ``last_affected``."""
    os: OSInfo | None = None


@dataclass(frozen=True)
class Unaffected:
    """A version outside every range of the record: the fixed version, a gap, past the end."""

    package: Package
    record: str
    os: OSInfo | None = None


def _deb(source: str, version: str, binary: str) -> Package:
    return pkg(PackageType.DEB, binary, version, source_name=source, source_version=version)


def _apk(origin: str, version: str, binary: str) -> Package:
    return pkg(PackageType.APK, binary, version, source_name=origin, source_version=version)


PY, NPM, GO, CARGO = PackageType.PYTHON, PackageType.NPM, PackageType.GO_MODULE, PackageType.CARGO
GEM, PHP, RPM = PackageType.GEM, PackageType.COMPOSER, PackageType.RPM

AFFECTED = {
    # PYSEC-2023-74: requests, introduced 2.3.0, fixed 2.31.0; alias CVE-2023-32681.
    "PyPI-PYSEC-2023-74": Affected(
        pkg(PY, "requests", "2.25.0"), "PYSEC-2023-74", "CVE-2023-32681", ("2.31.0",)
    ),
    # PYSEC-2023-192: urllib3, one range [0, 1.26.17) + [2.0.0, 2.0.6); alias CVE-2023-43804.
    "PyPI-PYSEC-2023-192-1.x": Affected(
        pkg(PY, "urllib3", "1.26.4"), "PYSEC-2023-192", "CVE-2023-43804", ("1.26.17",)
    ),
    "PyPI-PYSEC-2023-192-2.x": Affected(
        pkg(PY, "urllib3", "2.0.3"), "PYSEC-2023-192", "CVE-2023-43804", ("2.0.6",)
    ),
    # x_NSWG-ECO-516: lodash, SEMVER introduced 4.17.15, fixed 4.17.19; no aliases.
    "npm-x_NSWG-ECO-516": Affected(pkg(NPM, "lodash", "4.17.15"), "x_NSWG-ECO-516", None, ("4.17.19",)),
    # x_NSWG-ECO-23: marked, introduced 0, last_affected 0.3.3; alias CVE-2015-8854.
    "npm-x_NSWG-ECO-23": Affected(pkg(NPM, "marked", "0.3.3"), "x_NSWG-ECO-23", "CVE-2015-8854", ()),
    # GO-2020-0015: golang.org/x/text, fixed 0.3.3; alias CVE-2020-14040 (installed Go versions carry a v).
    "Go-GO-2020-0015": Affected(
        pkg(GO, "golang.org/x/text", "v0.3.2"), "GO-2020-0015", "CVE-2020-14040", ("0.3.3",)
    ),
    # GO-2023-1737: github.com/gin-gonic/gin, introduced 1.3.1-0.20190301021747-ccb9e902956d, fixed 1.9.1.
    "Go-GO-2023-1737": Affected(
        pkg(GO, "github.com/gin-gonic/gin", "v1.9.0"), "GO-2023-1737", "CVE-2023-29401", ("1.9.1",)
    ),
    # RUSTSEC-2021-0003: smallvec, [0.6.3, 0.6.14) + [1.0.0, 1.6.1); alias CVE-2021-25900.
    "crates.io-RUSTSEC-2021-0003": Affected(
        pkg(CARGO, "smallvec", "1.6.0"), "RUSTSEC-2021-0003", "CVE-2021-25900", ("1.6.1",)
    ),
    # RUSTSEC-2022-0013: regex, introduced 0.0.0-0, fixed 1.5.5; alias CVE-2022-24713.
    "crates.io-RUSTSEC-2022-0013": Affected(
        pkg(CARGO, "regex", "1.5.4"), "RUSTSEC-2022-0013", "CVE-2022-24713", ("1.5.5",)
    ),
    # x_RUBYSEC-actionpack-CVE-2020-8164: [4.0.0, 5.2.4.3) + [5.3, 6.0.3.1); alias CVE-2020-8164.
    "RubyGems-x_RUBYSEC-actionpack-CVE-2020-8164": Affected(
        pkg(GEM, "actionpack", "6.0.3"), "x_RUBYSEC-actionpack-CVE-2020-8164", "CVE-2020-8164", ("6.0.3.1",)
    ),
    # x_RUBYSEC-activerecord-CVE-2011-0448: introduced 3.0.0, last_affected 3.0.4; alias CVE-2011-0448.
    "RubyGems-x_RUBYSEC-activerecord-CVE-2011-0448": Affected(
        pkg(GEM, "activerecord", "3.0.4"), "x_RUBYSEC-activerecord-CVE-2011-0448", "CVE-2011-0448", ()
    ),
    # x_FRIENDSOFPHP-laravel-framework-CVE-2017-9303: [5.3.0, last_affected 5.3.31], [5.4.0, 5.4.22).
    "Packagist-x_FRIENDSOFPHP-laravel-framework-CVE-2017-9303-5.3": Affected(
        pkg(PHP, "laravel/framework", "5.3.31"),
        "x_FRIENDSOFPHP-laravel-framework-CVE-2017-9303",
        "CVE-2017-9303",
        (),
    ),
    "Packagist-x_FRIENDSOFPHP-laravel-framework-CVE-2017-9303-5.4": Affected(
        pkg(PHP, "laravel/framework", "5.4.21"),
        "x_FRIENDSOFPHP-laravel-framework-CVE-2017-9303",
        "CVE-2017-9303",
        ("5.4.22",),
    ),
    # x_FRIENDSOFPHP-twig-twig-CVE-2022-39261: [1.0.0, 1.44.7) + [2.0.0, 2.15.3) + [3.0.0, 3.4.3).
    "Packagist-x_FRIENDSOFPHP-twig-twig-CVE-2022-39261": Affected(
        pkg(PHP, "twig/twig", "2.15.2"),
        "x_FRIENDSOFPHP-twig-twig-CVE-2022-39261",
        "CVE-2022-39261",
        ("2.15.3",),
    ),
    # DSA-4539-1: source openssl, Debian:10 fixed 1.1.1d-0+deb10u1 (Debian:9 fixed 1.1.0l-1~deb9u1).
    "Debian-DSA-4539-1": Affected(
        _deb("openssl", "1.1.1c-1", "libssl1.1"), "DSA-4539-1", None, ("1.1.1d-0+deb10u1",), DEBIAN_10
    ),
    # DLA-3341-1: source curl, Debian:10 fixed 7.64.0-4+deb10u5 (no other release).
    "Debian-DLA-3341-1": Affected(
        _deb("curl", "7.64.0-4+deb10u4", "libcurl4"), "DLA-3341-1", None, ("7.64.0-4+deb10u5",), DEBIAN_10
    ),
    # ELA-1145-1: source curl, Debian:8/9/10 fixed 7.38.0-4+deb8u28 / 7.52.1-5+deb9u22 / 7.64.0-4+deb10u10.
    "Debian-ELTS-ELA-1145-1": Affected(
        _deb("curl", "7.64.0-4+deb10u9", "libcurl4"), "ELA-1145-1", None, ("7.64.0-4+deb10u10",), DEBIAN_10
    ),
    # ELA-1257-1: source openssl, Debian:9 fixed 1.1.0l-1~deb9u10.
    "Debian-ELTS-ELA-1257-1": Affected(
        _deb("openssl", "1.1.0l-1~deb9u9", "libssl1.1"), "ELA-1257-1", None, ("1.1.0l-1~deb9u10",), DEBIAN_9
    ),
    # ALPINE-CVE-2019-1547: origin openssl, Alpine:v3.10 fixed 1.1.1d-r0, Alpine:v3.11 fixed 1.1.1d-r1.
    "Alpine-ALPINE-CVE-2019-1547-v3.10": Affected(
        _apk("openssl", "1.1.1c-r0", "libcrypto1.1"),
        "ALPINE-CVE-2019-1547",
        None,
        ("1.1.1d-r0",),
        ALPINE_3_10,
    ),
    "Alpine-ALPINE-CVE-2019-1547-v3.11": Affected(
        _apk("openssl", "1.1.1d-r0", "libcrypto1.1"),
        "ALPINE-CVE-2019-1547",
        None,
        ("1.1.1d-r1",),
        ALPINE_3_11,
    ),
    # ALPINE-CVE-2019-5482: origin curl, Alpine:v3.10 fixed 7.66.0-r0.
    "Alpine-ALPINE-CVE-2019-5482": Affected(
        _apk("curl", "7.65.1-r0", "libcurl"), "ALPINE-CVE-2019-5482", None, ("7.66.0-r0",), ALPINE_3_10
    ),
    # ALSA-2022:7288: AlmaLinux:9 openssl-libs (binary RPM names) fixed 1:3.0.1-43.el9_0.
    "AlmaLinux-ALSA-2022:7288": Affected(
        pkg(RPM, "openssl-libs", "1:3.0.1-41.el9_0"), "ALSA-2022:7288", None, ("1:3.0.1-43.el9_0",), ALMA_9
    ),
    # ALSA-2023:0333: AlmaLinux:9 libcurl-minimal fixed 7.76.1-19.el9_1.1.
    "AlmaLinux-ALSA-2023:0333": Affected(
        pkg(RPM, "libcurl-minimal", "7.76.1-19.el9"), "ALSA-2023:0333", None, ("7.76.1-19.el9_1.1",), ALMA_9
    ),
}

UNAFFECTED = {
    "PyPI-PYSEC-2023-74-fixed": Unaffected(pkg(PY, "requests", "2.31.0"), "PYSEC-2023-74"),
    "PyPI-PYSEC-2023-74-below-introduced": Unaffected(pkg(PY, "requests", "2.2.1"), "PYSEC-2023-74"),
    "PyPI-PYSEC-2023-192-fixed-1.x": Unaffected(pkg(PY, "urllib3", "1.26.17"), "PYSEC-2023-192"),
    "PyPI-PYSEC-2023-192-fixed-2.x": Unaffected(pkg(PY, "urllib3", "2.0.6"), "PYSEC-2023-192"),
    "npm-x_NSWG-ECO-516-fixed": Unaffected(pkg(NPM, "lodash", "4.17.19"), "x_NSWG-ECO-516"),
    "npm-x_NSWG-ECO-516-below-introduced": Unaffected(pkg(NPM, "lodash", "4.17.14"), "x_NSWG-ECO-516"),
    "npm-x_NSWG-ECO-23-after-last-affected": Unaffected(pkg(NPM, "marked", "0.3.4"), "x_NSWG-ECO-23"),
    "Go-GO-2020-0015-fixed": Unaffected(pkg(GO, "golang.org/x/text", "v0.3.3"), "GO-2020-0015"),
    "Go-GO-2023-1737-fixed": Unaffected(pkg(GO, "github.com/gin-gonic/gin", "v1.9.1"), "GO-2023-1737"),
    "Go-GO-2023-1737-below-introduced": Unaffected(
        pkg(GO, "github.com/gin-gonic/gin", "v1.3.0"), "GO-2023-1737"
    ),
    "crates.io-RUSTSEC-2021-0003-fixed": Unaffected(pkg(CARGO, "smallvec", "1.6.1"), "RUSTSEC-2021-0003"),
    "crates.io-RUSTSEC-2021-0003-gap": Unaffected(pkg(CARGO, "smallvec", "0.6.14"), "RUSTSEC-2021-0003"),
    "crates.io-RUSTSEC-2021-0003-below-introduced": Unaffected(
        pkg(CARGO, "smallvec", "0.6.2"), "RUSTSEC-2021-0003"
    ),
    "crates.io-RUSTSEC-2022-0013-fixed": Unaffected(pkg(CARGO, "regex", "1.5.5"), "RUSTSEC-2022-0013"),
    "RubyGems-x_RUBYSEC-actionpack-CVE-2020-8164-fixed": Unaffected(
        pkg(GEM, "actionpack", "6.0.3.1"), "x_RUBYSEC-actionpack-CVE-2020-8164"
    ),
    "RubyGems-x_RUBYSEC-actionpack-CVE-2020-8164-gap": Unaffected(
        pkg(GEM, "actionpack", "5.2.4.3"), "x_RUBYSEC-actionpack-CVE-2020-8164"
    ),
    "RubyGems-x_RUBYSEC-activerecord-CVE-2011-0448-after-last-affected": Unaffected(
        pkg(GEM, "activerecord", "3.0.5"), "x_RUBYSEC-activerecord-CVE-2011-0448"
    ),
    "Packagist-x_FRIENDSOFPHP-laravel-framework-CVE-2017-9303-after-last-affected": Unaffected(
        pkg(PHP, "laravel/framework", "5.3.32"), "x_FRIENDSOFPHP-laravel-framework-CVE-2017-9303"
    ),
    "Packagist-x_FRIENDSOFPHP-laravel-framework-CVE-2017-9303-fixed": Unaffected(
        pkg(PHP, "laravel/framework", "5.4.22"), "x_FRIENDSOFPHP-laravel-framework-CVE-2017-9303"
    ),
    "Packagist-x_FRIENDSOFPHP-laravel-framework-CVE-2017-9303-below-introduced": Unaffected(
        pkg(PHP, "laravel/framework", "5.2.45"), "x_FRIENDSOFPHP-laravel-framework-CVE-2017-9303"
    ),
    "Packagist-x_FRIENDSOFPHP-twig-twig-CVE-2022-39261-fixed": Unaffected(
        pkg(PHP, "twig/twig", "2.15.3"), "x_FRIENDSOFPHP-twig-twig-CVE-2022-39261"
    ),
    "Debian-DSA-4539-1-fixed": Unaffected(
        _deb("openssl", "1.1.1d-0+deb10u1", "libssl1.1"), "DSA-4539-1", DEBIAN_10
    ),
    "Debian-DLA-3341-1-fixed": Unaffected(
        _deb("curl", "7.64.0-4+deb10u5", "libcurl4"), "DLA-3341-1", DEBIAN_10
    ),
    "Debian-ELTS-ELA-1145-1-fixed": Unaffected(
        _deb("curl", "7.64.0-4+deb10u10", "libcurl4"), "ELA-1145-1", DEBIAN_10
    ),
    "Debian-ELTS-ELA-1257-1-fixed": Unaffected(
        _deb("openssl", "1.1.0l-1~deb9u10", "libssl1.1"), "ELA-1257-1", DEBIAN_9
    ),
    "Alpine-ALPINE-CVE-2019-1547-fixed-v3.10": Unaffected(
        _apk("openssl", "1.1.1d-r0", "libcrypto1.1"), "ALPINE-CVE-2019-1547", ALPINE_3_10
    ),
    "Alpine-ALPINE-CVE-2019-1547-fixed-v3.11": Unaffected(
        _apk("openssl", "1.1.1d-r1", "libcrypto1.1"), "ALPINE-CVE-2019-1547", ALPINE_3_11
    ),
    "Alpine-ALPINE-CVE-2019-5482-fixed": Unaffected(
        _apk("curl", "7.66.0-r0", "libcurl"), "ALPINE-CVE-2019-5482", ALPINE_3_10
    ),
    "AlmaLinux-ALSA-2022:7288-fixed": Unaffected(
        pkg(RPM, "openssl-libs", "1:3.0.1-43.el9_0"), "ALSA-2022:7288", ALMA_9
    ),
    "AlmaLinux-ALSA-2023:0333-fixed": Unaffected(
        pkg(RPM, "libcurl-minimal", "7.76.1-19.el9_1.1"), "ALSA-2023:0333", ALMA_9
    ),
}


def _with_record(found: list[VulnerabilityFinding], record: str) -> VulnerabilityFinding:
    matching = [f for f in found if record in f.advisory_ids]
    assert len(matching) == 1, f"{record} in {[f.advisory_ids for f in found]}"
    return matching[0]


@pytest.mark.parametrize("fact", AFFECTED.values(), ids=AFFECTED.keys())
def test_affected_version_reports_the_record_and_its_fix(store: VulnStore, fact: Affected) -> None:
    finding = _with_record(findings(store, fact.package, os=fact.os), fact.record)
    if fact.alias is not None:
        assert fact.alias in (finding.id, *finding.aliases)
    assert finding.fixed_versions == fact.fixed
    assert finding.installed_version == fact.package.version


@pytest.mark.parametrize("fact", UNAFFECTED.values(), ids=UNAFFECTED.keys())
def test_version_outside_the_ranges_is_not_reported(store: VulnStore, fact: Unaffected) -> None:
    assert fact.record not in names(findings(store, fact.package, os=fact.os))


# Bitnami records name the components inside Bitnami images (pkg:bitnami/...), read from their
# /opt/bitnami/<component>/.spdx-<component>.spdx files; match_key has no PackageType for them.
BITNAMI = {
    # BIT-airflow-2023-47037: airflow, SEMVER introduced 0, fixed 2.7.3; alias CVE-2023-47037.
    "Bitnami-BIT-airflow-2023-47037": ("airflow", "2.7.2", "BIT-airflow-2023-47037", ("2.7.3",)),
    # BIT-postgresql-jdbc-driver-2022-31197: [0, 42.2.26) + [42.3.0, 42.3.7),
    # and [42.4.0, last_affected 42.4.0].
    "Bitnami-BIT-postgresql-jdbc-driver-2022-31197": (
        "postgresql-jdbc-driver",
        "42.3.6",
        "BIT-postgresql-jdbc-driver-2022-31197",
        ("42.3.7",),
    ),
}


def _bitnami_type(name: str, version: str) -> PackageType:
    kinds = [
        kind
        for kind in PackageType
        if (key := match_key(pkg(kind, name, version), None)) is not None and key.ecosystem == "Bitnami"
    ]
    assert kinds, "no PackageType leads match_key to the Bitnami ecosystem"
    return kinds[0]


@pytest.mark.xfail(
    strict=True,
    reason="known limitation: no PackageType maps to the Bitnami ecosystem in match_key, so the "
    "7,444 Bitnami records can never match an inventory package",
)
@pytest.mark.parametrize(("name", "version", "record", "fixed"), BITNAMI.values(), ids=BITNAMI.keys())
def test_bitnami_component_reports_the_record_and_its_fix(
    store: VulnStore, name: str, version: str, record: str, fixed: tuple[str, ...]
) -> None:
    package = pkg(_bitnami_type(name, version), name, version)
    assert _with_record(findings(store, package), record).fixed_versions == fixed
    assert record not in names(findings(store, pkg(package.type, name, fixed[0])))
