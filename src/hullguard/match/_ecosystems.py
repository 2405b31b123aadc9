"""Which advisories speak about a package: its OSV ecosystem, the name and the version they use.

OS packages are matched through their distribution's own advisories, keyed the way each distro
keys them: Debian and Alpine by source package (``Source:`` / apk origin) and its version,
RPM distros by package name; language packages by their registry's ecosystem. Upstream ranges
never decide for a distro package: a distro backports fixes without changing upstream versions.
"""

from __future__ import annotations

from dataclasses import dataclass

from hullguard.inventory import OSInfo, Package, PackageType

__all__ = ["MatchKey", "match_key"]


@dataclass(frozen=True, slots=True)
class MatchKey:
    """How to look a package up: OSV ecosystem (with release), name and version to compare."""

    ecosystem: str
    name: str
    version: str


_LANGUAGE = {
    PackageType.PYTHON: "PyPI",
    PackageType.NPM: "npm",
    PackageType.GO_MODULE: "Go",
    PackageType.GEM: "RubyGems",
    PackageType.CARGO: "crates.io",
    PackageType.COMPOSER: "Packagist",
    PackageType.NUGET: "NuGet",
}

_RPM_DISTROS = {
    "almalinux": "AlmaLinux",
    "rocky": "Rocky Linux",
    "rhel": "Red Hat",
    "sles": "SUSE",
    "opensuse-leap": "openSUSE",
    "mariner": "CBL-Mariner",
}


def _major(version_id: str) -> str:
    return version_id.partition(".")[0]


def _os_ecosystem(package: Package, os: OSInfo | None) -> str | None:
    if os is None:
        return None
    if package.type is PackageType.DEB:
        if os.id == "debian":
            return f"Debian:{_major(os.version_id)}" if os.version_id else None
        if os.id == "ubuntu":
            return f"Ubuntu:{os.version_id}" if os.version_id else None
        return None
    if package.type is PackageType.APK:
        if os.id != "alpine" or not os.version_id:
            return None
        return "Alpine:v" + ".".join(os.version_id.split(".")[:2])
    if package.type is PackageType.RPM and os.id in _RPM_DISTROS:
        return f"{_RPM_DISTROS[os.id]}:{_major(os.version_id)}" if os.version_id else None
    return None


def _os_from_purl(purl: str) -> OSInfo | None:
    """The distro a purl names (``?distro=debian-12``): SBOMs from other tools may carry no OS."""
    _, _, query = purl.partition("?")
    for pair in query.split("#", 1)[0].split("&"):
        key, _, value = pair.partition("=")
        if key == "distro" and "-" in value:
            distro, _, version = value.rpartition("-")
            return OSInfo(distro.lower(), version)
    return None


def match_key(package: Package, os: OSInfo | None) -> MatchKey | None:
    """The lookup for ``package`` in an image of ``os``; None when no advisory source covers it.

    Without an OS (an SBOM that names none), a distro package's purl ``distro`` qualifier decides.
    """
    if os is None and package.type in (PackageType.DEB, PackageType.APK, PackageType.RPM):
        os = _os_from_purl(package.purl)
    if package.type in (PackageType.DEB, PackageType.APK):
        ecosystem = _os_ecosystem(package, os)
        if ecosystem is None:
            return None
        return MatchKey(
            ecosystem, package.source_name or package.name, package.source_version or package.version
        )
    if package.type is PackageType.RPM:
        ecosystem = _os_ecosystem(package, os)
        return None if ecosystem is None else MatchKey(ecosystem, package.name, package.version)
    if package.type is PackageType.JAVA:
        if not package.namespace:
            return None
        return MatchKey("Maven", f"{package.namespace}:{package.name}", package.version)
    ecosystem = _LANGUAGE.get(package.type)
    return None if ecosystem is None else MatchKey(ecosystem, package.name, package.version)
