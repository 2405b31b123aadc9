"""Package URLs (purl) for inventory packages.

A purl is how every later stage names a package: vulnerability matching keys on it, SBOM
consumers compare on it. The rules follow the purl spec's type definitions
(https://github.com/package-url/purl-spec, ``PURL-TYPES.rst``) and, where the spec leaves room,
what syft and trivy emit, so that our SBOMs diff cleanly against theirs:

* distro packages (deb, apk, rpm) carry the distro as namespace and ``distro=<id>-<version_id>``,
  plus ``arch`` and, when the source package differs from the binary, syft's ``upstream``;
* rpm moves the epoch out of the version into an ``epoch`` qualifier (spec, rpm type);
* language packages split their scope/namespace from the name as their ecosystem does.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from packageurl import PackageURL

from hullguard.errors import AnalysisError
from hullguard.inventory._model import Inventory, OSInfo, Package, PackageType

__all__ = [
    "PurlError",
    "package_type_for_purl_type",
    "purl_for",
    "purl_type_for",
    "with_purls",
]


class PurlError(AnalysisError):
    """A package lacks what a purl needs (a name)."""


_PURL_TYPES: Mapping[PackageType, str] = MappingProxyType(
    {
        PackageType.DEB: "deb",
        PackageType.APK: "apk",
        PackageType.RPM: "rpm",
        PackageType.PYTHON: "pypi",
        PackageType.NPM: "npm",
        PackageType.GO_MODULE: "golang",
        PackageType.JAVA: "maven",
        PackageType.GEM: "gem",
        PackageType.CARGO: "cargo",
        PackageType.COMPOSER: "composer",
        PackageType.NUGET: "nuget",
    }
)
_PACKAGE_TYPES: Mapping[str, PackageType] = MappingProxyType({v: k for k, v in _PURL_TYPES.items()})

# syft and trivy both name Red Hat's rpms ``pkg:rpm/redhat/...`` although os-release says ``rhel``,
# and fold openSUSE's flavours (``opensuse-leap``, ``opensuse-tumbleweed``) into ``opensuse``.
_RPM_VENDORS: Mapping[str, str] = MappingProxyType({"rhel": "redhat"})
_RPM_EPOCH = re.compile(r"^(\d+):(.+)$")


@dataclass(frozen=True, slots=True)
class _Parts:
    """The pieces of a purl other than its type."""

    name: str
    namespace: str | None = None
    version: str | None = None
    qualifiers: Mapping[str, str] = dataclasses.field(default_factory=dict)


def purl_type_for(package_type: PackageType) -> str:
    """The purl type string of a package type (``python`` -> ``pypi``)."""
    return _PURL_TYPES[package_type]


def package_type_for_purl_type(purl_type: str) -> PackageType | None:
    """The package type a purl type maps back to, or None for types we do not model."""
    return _PACKAGE_TYPES.get(purl_type.lower())


def _distro(os: OSInfo | None) -> str:
    """syft's ``distro`` qualifier: ``<id>-<version_id>``, or the id alone when no version is known."""
    if os is None:
        return ""
    return f"{os.id}-{os.version_id}" if os.version_id else os.id


def _upstream(package: Package) -> str:
    """``name[@version]`` of the source package when it differs from the binary (syft, deb and apk)."""
    if not package.source_name:
        return ""
    version = package.source_version if package.source_version not in (None, "", package.version) else None
    if package.source_name == package.name and version is None:
        return ""
    return f"{package.source_name}@{version}" if version else package.source_name


def _source_rpm(package: Package) -> str:
    """The source rpm file name, as syft writes rpm ``upstream`` (``util-linux-2.32.1-42.el8_8.src.rpm``)."""
    source = package.source_name
    if not source or source.endswith(".rpm"):
        return source or ""
    if not package.source_version:
        return source
    match = _RPM_EPOCH.match(package.source_version)
    version = match.group(2) if match else package.source_version
    return f"{source}-{version}.src.rpm"


def _qualifiers(*, arch: str | None, distro: str, **more: str) -> dict[str, str]:
    """Drop empty values: the spec says a qualifier without a value is the same as no qualifier."""
    found = {"arch": arch or "", "distro": distro, **more}
    return {key: value for key, value in found.items() if value}


def _deb(package: Package, os: OSInfo | None) -> _Parts:
    qualifiers = _qualifiers(arch=package.arch, distro=_distro(os), upstream=_upstream(package))
    return _Parts(package.name, os.id if os else "debian", package.version, qualifiers)


def _apk(package: Package, os: OSInfo | None) -> _Parts:
    qualifiers = _qualifiers(arch=package.arch, distro=_distro(os), upstream=_upstream(package))
    return _Parts(package.name, os.id if os else "alpine", package.version, qualifiers)


def _rpm(package: Package, os: OSInfo | None) -> _Parts:
    """The purl rpm type keeps ``version-release`` as version and moves the epoch to a qualifier."""
    match = _RPM_EPOCH.match(package.version)
    epoch, version = (match.group(1), match.group(2)) if match else ("", package.version)
    vendor = None
    if os is not None:
        vendor = "opensuse" if os.id.startswith("opensuse") else _RPM_VENDORS.get(os.id, os.id)
    upstream = _source_rpm(package)
    qualifiers = _qualifiers(arch=package.arch, distro=_distro(os), epoch=epoch, upstream=upstream)
    return _Parts(package.name, vendor, version, qualifiers)


def _pypi(package: Package, _os: OSInfo | None) -> _Parts:
    """The spec's pypi rule: lower case, ``_`` replaced by ``-`` (dots are kept)."""
    return _Parts(package.name.lower().replace("_", "-"), version=package.version)


def _split_last(name: str, sep: str) -> tuple[str | None, str]:
    namespace, found, rest = name.rpartition(sep)
    return (namespace, rest) if found and namespace and rest else (None, name)


def _npm(package: Package, _os: OSInfo | None) -> _Parts:
    """``@scope/name``: the scope (with its ``@``) is the namespace; the library encodes it as %40."""
    scope, name = _split_last(package.name, "/") if package.name.startswith("@") else (None, package.name)
    return _Parts(name, scope, package.version)


def _golang(package: Package, _os: OSInfo | None) -> _Parts:
    """A module path splits at its last ``/``; the standard library is ``pkg:golang/stdlib@1.22.1``."""
    if package.name == "stdlib":
        return _Parts("stdlib", version=package.version.removeprefix("go"))
    namespace, name = _split_last(package.name, "/")
    return _Parts(name, namespace, package.version)


def _maven(package: Package, _os: OSInfo | None) -> _Parts:
    """groupId is the namespace; a name written ``group:artifact`` is split when no groupId is set."""
    if package.namespace:
        return _Parts(package.name, package.namespace, package.version)
    namespace, name = _split_last(package.name, ":")
    return _Parts(name, namespace, package.version)


def _composer(package: Package, _os: OSInfo | None) -> _Parts:
    """``vendor/name``: the vendor is the namespace."""
    namespace, name = _split_last(package.name, "/")
    return _Parts(name, namespace, package.version)


def _plain(package: Package, _os: OSInfo | None) -> _Parts:
    """gem, cargo and nuget: name and version, nothing else."""
    return _Parts(package.name, version=package.version)


_BUILDERS: Mapping[PackageType, Callable[[Package, OSInfo | None], _Parts]] = MappingProxyType(
    {
        PackageType.DEB: _deb,
        PackageType.APK: _apk,
        PackageType.RPM: _rpm,
        PackageType.PYTHON: _pypi,
        PackageType.NPM: _npm,
        PackageType.GO_MODULE: _golang,
        PackageType.JAVA: _maven,
        PackageType.GEM: _plain,
        PackageType.CARGO: _plain,
        PackageType.COMPOSER: _composer,
        PackageType.NUGET: _plain,
    }
)


def purl_for(package: Package, os: OSInfo | None) -> str:
    """The canonical purl string of ``package`` in an image whose distribution is ``os``.

    Raises :class:`PurlError` for a package without a name, which no analyzer should produce.
    """
    if not package.name.strip():
        where = package.location.path
        raise PurlError(f"cannot build a purl for a nameless {package.type.value} package in {where}")
    parts = _BUILDERS[package.type](package, os)
    purl = PackageURL(
        type=_PURL_TYPES[package.type],
        namespace=parts.namespace,
        name=parts.name,
        version=parts.version or None,
        qualifiers=dict(parts.qualifiers) or None,
    )
    return purl.to_string()


def with_purls(inventory: Inventory) -> Inventory:
    """The inventory with every package's empty ``purl`` filled in for its OS.

    Purls already set (for instance read from an SBOM) are kept: they are the source's own word.
    """
    packages = tuple(
        package if package.purl else dataclasses.replace(package, purl=purl_for(package, inventory.os))
        for package in inventory.packages
    )
    return dataclasses.replace(inventory, packages=packages)
