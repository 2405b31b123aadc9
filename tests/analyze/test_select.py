"""The analyzer index picks exactly the analyzers that asking every one of them would pick."""

from __future__ import annotations

import pytest

from hullguard.analyze import EntryKind, FileHeader, build_analyzers
from hullguard.analyze._select import AnalyzerSelector

PATHS = [
    "/etc/os-release",
    "/usr/lib/os-release",
    "/etc/debian_version",
    "/var/lib/dpkg/status",
    "/var/lib/dpkg/status.d/tzdata",
    "/var/lib/dpkg/info/libc6:amd64.list",
    "/lib/apk/db/installed",
    "/var/lib/rpm/rpmdb.sqlite",
    "/usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO",
    "/usr/local/lib/python3.11/site-packages/requests-2.25.0.dist-info/METADATA",
    "/srv/app/node_modules/express/package.json",
    "/srv/app/node_modules/express/lib/package.json",
    "/srv/app/package-lock.json",
    "/srv/app/node_modules/x/package-lock.json",
    "/srv/app/poetry.lock",
    "/usr/share/rubygems-integration/all/specifications/rake-13.0.6.gemspec",
    "/src/Cargo.lock",
    "/app/vendor/composer/installed.json",
    "/app/x.deps.json",
    "/opt/app/lib/commons-lang3.jar",
    "/usr/bin/ls",
    "/etc/passwd",
]


@pytest.mark.parametrize("mode", [0o644, 0o755], ids=["file", "executable"])
@pytest.mark.parametrize("path", PATHS)
def test_index_agrees_with_asking_everyone(path: str, mode: int) -> None:
    analyzers = list(build_analyzers())
    header = FileHeader(size=4096, mode=mode)
    expected = [a.id for a in analyzers if a.wants(path, header)]
    assert [a.id for a in AnalyzerSelector(analyzers).select(path, header)] == expected


def test_index_narrows_to_the_named_files() -> None:
    selector = AnalyzerSelector(list(build_analyzers()))
    header = FileHeader(size=100, mode=0o644)
    assert [a.id for a in selector.select("/var/lib/dpkg/status", header)] == ["dpkg"]
    assert selector.select("/etc/passwd", header) == []
    assert selector.select("/etc/os-release", FileHeader(size=0, mode=0o777, kind=EntryKind.SYMLINK)) == []
