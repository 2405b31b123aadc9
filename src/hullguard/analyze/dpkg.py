"""Debian packages from dpkg's database: ``status``, distroless ``status.d/`` and file lists.

The ``Source:`` field matters most: Debian's advisories (and its security tracker) are keyed
by source package, and its version differs from the binary's when it is given in parentheses.
"""

from __future__ import annotations

from hullguard.analyze._base import AnalyzerResult, FileInput, ParserAnalyzer
from hullguard.analyze._stanza import iter_stanzas
from hullguard.inventory import Package, PackageType

__all__ = ["PLUGINS", "parse_dpkg_list", "parse_dpkg_status"]

_STATUS = "/var/lib/dpkg/status"
_STATUS_D = "/var/lib/dpkg/status.d/"
_INFO = "/var/lib/dpkg/info/"


def _installed(fields: dict[str, str]) -> bool:
    """``Status: want flag state``: only the ``installed`` state counts; status.d has none."""
    status = fields.get("Status")
    return status is None or status.split()[-1:] == ["installed"]


def _source(fields: dict[str, str], version: str) -> tuple[str | None, str | None]:
    source = fields.get("Source", "").strip()
    if not source:
        return None, None
    name, _, rest = source.partition(" ")
    src_version = rest.strip().strip("()").strip() or version
    return name, src_version


def parse_dpkg_status(file: FileInput) -> AnalyzerResult:
    """Packages of a dpkg ``status`` file or one distroless ``status.d`` entry."""
    packages = []
    for fields in iter_stanzas(file.content.decode("utf-8", "replace")):
        name, version = fields.get("Package"), fields.get("Version")
        if not name or not version or not _installed(fields):
            continue
        source_name, source_version = _source(fields, version)
        packages.append(
            Package(
                name=name,
                version=version,
                type=PackageType.DEB,
                location=file.location,
                found_by="dpkg",
                source_name=source_name or name,
                source_version=source_version or version,
                arch=fields.get("Architecture"),
            )
        )
    packages.sort(key=Package.sort_key)
    return AnalyzerResult(packages=tuple(packages))


def parse_dpkg_list(file: FileInput) -> AnalyzerResult:
    """``info/<pkg>[:arch].list``: the files a package owns, one path per line."""
    name = file.path[len(_INFO) : -len(".list")].partition(":")[0]
    paths = sorted(
        {
            line.strip()
            for line in file.content.decode("utf-8", "replace").splitlines()
            if line.strip() not in ("", "/.")
        }
    )
    return AnalyzerResult(owned_files=((name, tuple(paths)),))


def _is_status(path: str) -> bool:
    if path == _STATUS:
        return True
    return path.startswith(_STATUS_D) and "/" not in path[len(_STATUS_D) :] and not path.endswith(".md5sums")


def _is_list(path: str) -> bool:
    return path.startswith(_INFO) and path.endswith(".list")


PLUGINS = [
    ParserAnalyzer(id="dpkg", version=1, parse=parse_dpkg_status, predicate=_is_status),
    ParserAnalyzer(
        id="dpkg-files",
        version=1,
        parse=parse_dpkg_list,
        suffixes=(".list",),
        predicate=_is_list,
        max_size=16 << 20,
    ),
]
