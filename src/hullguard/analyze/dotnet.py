""".NET packages from the ``<app>.deps.json`` file the SDK writes next to every built application.

Its ``libraries`` object is keyed ``Name/Version`` and says of each entry whether it is a NuGet
``package``, the application's own ``project``, or a ``reference``/``referenceassembly`` of the
framework. Only packages come from NuGet and have NuGet advisories, so only they are reported
(https://github.com/dotnet/sdk/blob/main/documentation/specs/runtime-configuration-file.md).
Names keep the spelling the SDK wrote (``Newtonsoft.Json``); NuGet ids are case-insensitive, so
whoever compares them must fold case.
"""

from __future__ import annotations

import json

from hullguard.analyze._base import AnalyzerResult, FileInput, ParserAnalyzer
from hullguard.inventory import Package, PackageType

__all__ = ["PLUGINS", "parse_deps_json"]


def parse_deps_json(file: FileInput) -> AnalyzerResult:
    """One package per ``libraries`` entry of type ``package``."""
    try:
        document = json.loads(file.content)
    except RecursionError as exc:
        raise ValueError("JSON nested too deeply") from exc
    libraries = document.get("libraries") if isinstance(document, dict) else None
    if not isinstance(libraries, dict):
        raise ValueError("deps.json has no 'libraries' object")
    found = set()
    for key, library in libraries.items():
        if not isinstance(library, dict):
            raise ValueError(f"libraries[{key!r}] is not an object")
        if library.get("type") != "package":
            continue
        name, _, version = key.partition("/")
        if not name or not version:
            raise ValueError(f"library key {key!r} is not Name/Version")
        found.add(
            Package(
                name=name, version=version, type=PackageType.NUGET, location=file.location, found_by="dotnet"
            )
        )
    return AnalyzerResult(packages=tuple(sorted(found, key=Package.sort_key)))


PLUGINS = [ParserAnalyzer(id="dotnet", version=1, parse=parse_deps_json, suffixes=(".deps.json",))]
