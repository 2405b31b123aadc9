"""OS analyzers on every real dpkg and apk database in ../shared/data/pkgdb."""

from __future__ import annotations

from pathlib import Path

import pytest

from hullguard.analyze import EntryKind, FileHeader, FileInput
from hullguard.analyze.apk import parse_apk_installed
from hullguard.analyze.dpkg import PLUGINS as DPKG
from hullguard.analyze.dpkg import parse_dpkg_list, parse_dpkg_status
from hullguard.analyze.os_release import PLUGINS as OS_PLUGINS
from hullguard.analyze.os_release import parse_os_release
from hullguard.inventory import PackageType


def _input(path: str, data: bytes) -> FileInput:
    return FileInput(path, FileHeader(len(data), 0o644), data, "sha256:" + "1" * 64)


DPKG_COUNTS = {
    "debian-8-jessie-base": 111,
    "debian-10-buster": 84,
    "debian-11-bullseye-arm64": 96,
    "ubuntu-18.04": 89,
    "ubuntu-18.04-texlive": 357,
}
APK_COUNTS = {"alpine-3.4": 11, "alpine-3.7.0": 11, "alpine-3.10.4": 14, "alpine-3.11.5": 14}


@pytest.mark.parametrize(("name", "count"), DPKG_COUNTS.items(), ids=list(DPKG_COUNTS))
def test_dpkg_status_of_real_images(pkgdb_dir: Path, name: str, count: int) -> None:
    data = (pkgdb_dir / "dpkg" / name / "status").read_bytes()
    result = parse_dpkg_status(_input("/var/lib/dpkg/status", data))
    assert len(result.packages) == count
    assert all(p.type is PackageType.DEB and p.source_name and p.source_version for p in result.packages)
    assert [p.sort_key() for p in result.packages] == sorted(p.sort_key() for p in result.packages)


def test_dpkg_source_version_in_parentheses(pkgdb_dir: Path) -> None:
    data = (pkgdb_dir / "dpkg" / "debian-10-buster" / "status").read_bytes()
    packages = {p.name: p for p in parse_dpkg_status(_input("/var/lib/dpkg/status", data)).packages}
    # libgcc1 is built from gcc-8 with a different version: Source: gcc-8 (8.3.0-6)
    libgcc = packages["libgcc1"]
    assert libgcc.source_name == "gcc-8"
    assert libgcc.source_version == "8.3.0-6"
    assert libgcc.version.startswith("1:8.3.0")
    assert packages["base-files"].version == "10.3+deb10u1"


def test_distroless_status_d(pkgdb_dir: Path) -> None:
    folder = pkgdb_dir / "dpkg" / "distroless-static-debian11" / "status.d"
    wants = DPKG[0]
    names: list[str] = []
    for file in sorted(folder.iterdir()):
        path = f"/var/lib/dpkg/status.d/{file.name}"
        if wants.wants(path, FileHeader(file.stat().st_size, 0o644)):
            names.extend(p.name for p in parse_dpkg_status(_input(path, file.read_bytes())).packages)
    assert sorted(names) == ["base-files", "netbase", "tzdata"]


def test_dpkg_list_gives_owned_files() -> None:
    result = parse_dpkg_list(
        _input("/var/lib/dpkg/info/libc6:amd64.list", b"/.\n/lib\n/lib/x86_64-linux-gnu/libc.so.6\n")
    )
    assert result.owned_files == (("libc6", ("/lib", "/lib/x86_64-linux-gnu/libc.so.6")),)


def test_dpkg_skips_not_installed_stanzas() -> None:
    data = (
        b"Package: a\nStatus: install ok installed\nVersion: 1\n\n"
        b"Package: b\nStatus: deinstall ok config-files\nVersion: 2\n"
    )
    assert [p.name for p in parse_dpkg_status(_input("/var/lib/dpkg/status", data)).packages] == ["a"]


@pytest.mark.parametrize(("name", "count"), APK_COUNTS.items(), ids=list(APK_COUNTS))
def test_apk_installed_of_real_images(pkgdb_dir: Path, name: str, count: int) -> None:
    data = (pkgdb_dir / "apk" / name / "installed").read_bytes()
    packages = parse_apk_installed(_input("/lib/apk/db/installed", data)).packages
    assert len(packages) == count
    musl = next(p for p in packages if p.name == "musl")
    assert musl.source_name == "musl" and musl.files and musl.arch
    assert all(p.type is PackageType.APK for p in packages)


def test_apk_origin_differs_from_name(pkgdb_dir: Path) -> None:
    data = (pkgdb_dir / "apk" / "alpine-3.10.4" / "installed").read_bytes()
    packages = {p.name: p for p in parse_apk_installed(_input("/lib/apk/db/installed", data)).packages}
    assert packages["libcrypto1.1"].source_name == "openssl"
    assert packages["musl-utils"].source_name == "musl"


@pytest.mark.parametrize(
    ("folder", "os_id", "version"),
    [
        ("dpkg/debian-10-buster", "debian", "10"),
        ("apk/alpine-3.10.4", "alpine", "3.10.4"),
        ("apk/alpine-3.7.0", "alpine", "3.7.0"),
    ],
    ids=["debian", "alpine-3.10", "alpine-3.7"],
)
def test_os_release_of_real_images(pkgdb_dir: Path, folder: str, os_id: str, version: str) -> None:
    data = (pkgdb_dir / folder / "os-release").read_bytes()
    os_info = parse_os_release(_input("/etc/os-release", data)).os
    assert os_info is not None
    assert (os_info.id, os_info.version_id) == (os_id, version)


def test_os_release_wants_only_its_paths() -> None:
    analyzer = OS_PLUGINS[0]
    assert analyzer.wants("/usr/lib/os-release", FileHeader(100, 0o644))
    assert not analyzer.wants("/usr/lib/os-release", FileHeader(100, 0o777, EntryKind.SYMLINK))
    assert not analyzer.wants("/srv/etc/os-release", FileHeader(100, 0o644))
