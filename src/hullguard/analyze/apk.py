"""Alpine packages from apk's database, ``/lib/apk/db/installed``.

Alpine's secdb advisories are keyed by origin (the source package, ``o:``), so it is kept.
"""

from __future__ import annotations

from hullguard.analyze._base import AnalyzerResult, FileInput, ParserAnalyzer
from hullguard.inventory import Package, PackageType

__all__ = ["PLUGINS", "parse_apk_installed"]


def _package(fields: dict[str, str], files: list[str], file: FileInput) -> Package | None:
    name, version = fields.get("P"), fields.get("V")
    if not name or not version:
        return None
    return Package(
        name=name,
        version=version,
        type=PackageType.APK,
        location=file.location,
        found_by="apk",
        source_name=fields.get("o") or name,
        source_version=version,
        arch=fields.get("A"),
        licenses=(fields["L"],) if fields.get("L") else (),
        files=tuple(sorted(files)),
    )


def parse_apk_installed(file: FileInput) -> AnalyzerResult:
    """One package per blank-line-separated record of ``X:value`` lines (apk ``installed``)."""
    packages: list[Package] = []
    fields: dict[str, str] = {}
    files: list[str] = []
    directory = ""
    for line in [*file.content.decode("utf-8", "replace").splitlines(), ""]:
        if not line.strip():
            pkg = _package(fields, files, file)
            if pkg is not None:
                packages.append(pkg)
            fields, files, directory = {}, [], ""
            continue
        key, sep, value = line.partition(":")
        if not sep or len(key) != 1:
            continue
        if key == "F":
            directory = value
        elif key == "R":
            files.append(f"/{directory}/{value}" if directory else f"/{value}")
        else:
            fields.setdefault(key, value)
    packages.sort(key=Package.sort_key)
    return AnalyzerResult(packages=tuple(packages))


PLUGINS = [
    ParserAnalyzer(
        id="apk",
        version=1,
        parse=parse_apk_installed,
        basenames=("installed",),
        predicate=frozenset({"/lib/apk/db/installed"}).__contains__,
    )
]
