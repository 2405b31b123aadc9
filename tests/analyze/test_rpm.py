"""The rpm analyzer on real databases, on a database rpm writes during the test, and on hostile input.

Expected values come from ``../shared/data/pkgdb`` (go-rpmdb's assertions and the README's facts)
and from rpm itself: Debian's ``rpm`` reads SQLite and, through ``bdb_ro``, Berkeley DB, so for
those formats it is an independent oracle for every package and file.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from hullguard.analyze import EntryKind, FileHeader, FileInput
from hullguard.analyze._rpmdb import Blob, detect_format
from hullguard.analyze.rpm import PLUGINS, RPM_DATABASE_PATHS, parse_rpmdb, split_source_rpm
from hullguard.inventory import Location, Package, PackageType

REAL = {
    "sqlite-cbl-mariner-2.0": "rpmdb.sqlite",
    "bdb-libuuid": "Packages",
    "ndb-sle15-bci": "Packages.db",
}
"""Real database directories under ``pkgdb/rpm`` and the file name each holds."""
ORACLE_BACKEND = {"rpmdb.sqlite": "sqlite", "Packages": "bdb_ro"}
"""Formats Debian's rpm can read, with the backend that reads them (it has no NDB support)."""
KEY_FOLDERS = ("/etc/apt/trusted.gpg.d", "/usr/share/keyrings")
"""Where a Debian machine keeps armored archive keys; any one serves as a real ``gpg-pubkey``."""
PROBE_SPEC = """\
Name: hullguard-probe
Version: 1.2.3
Release: 4.test
Epoch: 2
Summary: Package built by the hullguard test suite
License: MIT AND Apache-2.0
BuildArch: noarch

%description
Built at test time to check that we read what rpm writes.

%install
mkdir -p %{buildroot}/usr/share/hullguard-probe/sub %{buildroot}/etc
echo hello > %{buildroot}/usr/share/hullguard-probe/hello.txt
echo nested > %{buildroot}/usr/share/hullguard-probe/sub/nested.txt
echo x=1 > %{buildroot}/etc/hullguard-probe.conf

%files
%dir /usr/share/hullguard-probe
/usr/share/hullguard-probe/hello.txt
/usr/share/hullguard-probe/sub
%config /etc/hullguard-probe.conf
"""


def _input(data: bytes, path: str = "/var/lib/rpm/rpmdb.sqlite") -> FileInput:
    return FileInput(path, FileHeader(size=len(data), mode=0o644), data, diff_id="sha256:layer")


@pytest.fixture(scope="module")
def real_db(pkgdb_dir: Path) -> Callable[[str], bytes]:
    """Bytes of a real database by its directory name."""

    def read(name: str) -> bytes:
        return (pkgdb_dir / "rpm" / name / REAL[name]).read_bytes()

    return read


def _run(*args: str) -> str:
    """Run an rpm tool; a missing tool is a broken test machine, so it fails rather than skips."""
    if shutil.which(args[0]) is None:
        pytest.fail(f"{args[0]} is not installed (Debian package 'rpm')", pytrace=False)
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


@dataclass(frozen=True)
class RpmView:
    """What ``rpm -qa`` says about a database: one tuple per package, and the files of each."""

    packages: set[tuple[str, str, str | None, str | None, str | None]]
    files: dict[str, tuple[str, ...]]


def _rpm_view(dbpath: Path, backend: str) -> RpmView:
    base = ("rpm", "--dbpath", str(dbpath), "--define", f"_db_backend {backend}", "-qa", "--qf")
    fields = "%{NAME}|%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}|%{ARCH}|%{SOURCERPM}|%{LICENSE}\\n"
    packages: set[tuple[str, str, str | None, str | None, str | None]] = set()
    for line in _run(*base, fields).splitlines():
        name, evr, arch, srpm, license_ = (None if v == "(none)" else v for v in line.split("|"))
        assert name is not None and evr is not None
        if name != "gpg-pubkey":
            packages.add((name, evr, arch, srpm, license_))
    files: dict[str, list[str]] = {name: [] for name, *_ in packages}
    for line in _run(*base, "[%{=NAME}|%{FILENAMES}\\n]").splitlines():
        name, _, path = line.partition("|")
        if name in files and path != "(none)":
            files[name].append(path)
    return RpmView(packages, {name: tuple(sorted(paths)) for name, paths in files.items()})


def _our_view(packages: tuple[Package, ...]) -> RpmView:
    """Our packages in rpm's terms: the source rpm file name is rebuilt without the epoch."""
    rows = set()
    for pkg in packages:
        source_version = (pkg.source_version or "").rpartition(":")[2]
        srpm = f"{pkg.source_name}-{source_version}.src.rpm" if pkg.source_name else None
        rows.add((pkg.name, pkg.version, pkg.arch, srpm, pkg.licenses[0] if pkg.licenses else None))
    return RpmView(rows, {pkg.name: pkg.files for pkg in packages})


@pytest.mark.parametrize(
    ("name", "count"),
    [("sqlite-cbl-mariner-2.0", 129), ("bdb-libuuid", 1), ("ndb-sle15-bci", 35)],
    ids=["sqlite", "bdb", "ndb"],
)
def test_rpm_reads_every_package_of_real_databases(
    real_db: Callable[[str], bytes], name: str, count: int
) -> None:
    path = f"/usr/lib/sysimage/rpm/{REAL[name]}"
    result = parse_rpmdb(_input(real_db(name), path))
    assert result.skipped == ()
    assert len(result.packages) == count
    assert list(result.packages) == sorted(result.packages, key=Package.sort_key)
    assert {(p.type, p.found_by, p.location, p.purl) for p in result.packages} == {
        (PackageType.RPM, "rpm", Location(path, "sha256:layer"), "")
    }


FACTS = [
    # db, name, version, arch, source name, source version, licence
    ("sqlite-cbl-mariner-2.0", "curl", "7.76.0-6.cm2", "x86_64", "curl", "7.76.0-6.cm2", "MIT"),
    ("sqlite-cbl-mariner-2.0", "mariner-release", "2.0-4.cm2", "noarch", "mariner-release", "2.0-4.cm2",
     "MIT"),
    ("sqlite-cbl-mariner-2.0", "ca-certificates-base", "1:2.0.0-1.cm2", "noarch", "ca-certificates",
     "1:2.0.0-1.cm2", "MPLv2.0"),
    ("sqlite-cbl-mariner-2.0", "glibc", "2.34-2.cm2", "x86_64", "glibc", "2.34-2.cm2",
     "BSD AND GPLv2+ AND Inner-Net AND ISC AND LGPLv2+ AND MIT"),
    ("sqlite-cbl-mariner-2.0", "openssl", "1.1.1k-7.cm2", "x86_64", "openssl", "1.1.1k-7.cm2", None),
    ("bdb-libuuid", "libuuid", "2.32.1-42.el8_8", "x86_64", "util-linux", "2.32.1-42.el8_8", "BSD"),
    ("ndb-sle15-bci", "system-user-root", "20190513-3.3.1", "noarch", "system-user-root", "20190513-3.3.1",
     "MIT"),
    ("ndb-sle15-bci", "glibc", "2.31-9.3.2", "x86_64", "glibc", "2.31-9.3.2", None),
    ("ndb-sle15-bci", "libgcc_s1", "11.2.1+git610-1.3.9", "x86_64", "gcc11", "11.2.1+git610-1.3.9", None),
    ("ndb-sle15-bci", "sles-release", "15.3-55.4.1", "x86_64", "sles-release", "15.3-55.4.1", None),
    ("ndb-sle15-bci", "rpm-ndb", "4.14.3-40.1", "x86_64", "rpm-ndb", "4.14.3-40.1", "GPL-2.0-or-later"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("db", "name", "version", "arch", "source_name", "source_version", "license_"),
    FACTS,
    ids=[f"{fact[0].partition('-')[0]}-{fact[1]}" for fact in FACTS],
)
def test_rpm_reports_known_package_facts(
    real_db: Callable[[str], bytes],
    db: str,
    name: str,
    version: str,
    arch: str,
    source_name: str,
    source_version: str,
    license_: str | None,
) -> None:
    packages = {p.name: p for p in parse_rpmdb(_input(real_db(db))).packages}
    pkg = packages[name]
    assert (pkg.version, pkg.arch, pkg.source_name, pkg.source_version) == (
        version,
        arch,
        source_name,
        source_version,
    )
    if license_ is not None:
        assert pkg.licenses == (license_,)


def test_rpm_epochs_appear_only_where_the_package_sets_one(real_db: Callable[[str], bytes]) -> None:
    packages = parse_rpmdb(_input(real_db("sqlite-cbl-mariner-2.0"))).packages
    assert sorted(p.name for p in packages if ":" in p.version) == [
        "ca-certificates-base",
        "ca-certificates-shared",
        "ca-certificates-tools",
    ]


@pytest.mark.parametrize("db", ["sqlite-cbl-mariner-2.0", "bdb-libuuid"], ids=["sqlite", "bdb"])
def test_rpm_agrees_with_rpm_on_real_databases(
    real_db: Callable[[str], bytes], tmp_path: Path, db: str
) -> None:
    data = real_db(db)
    (tmp_path / REAL[db]).write_bytes(data)
    expected = _rpm_view(tmp_path, ORACLE_BACKEND[REAL[db]])
    assert _our_view(parse_rpmdb(_input(data)).packages) == expected


@pytest.fixture(scope="module")
def rpm_written_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database written by this machine's rpm: one package built from PROBE_SPEC, one signing key."""
    root = tmp_path_factory.mktemp("rpm")
    (root / "probe.spec").write_text(PROBE_SPEC)
    _run("rpmbuild", "-bb", "--define", f"_topdir {root / 'build'}", "--define", "_build_id_links none",
         str(root / "probe.spec"))  # fmt: skip
    dbpath = root / "db"
    _run("rpm", "--dbpath", str(dbpath), "--initdb")
    (package,) = (root / "build" / "RPMS" / "noarch").glob("*.rpm")
    _run("rpm", "--dbpath", str(dbpath), "-i", "--nodeps", "--justdb", str(package))
    keys = [key for folder in KEY_FOLDERS for key in sorted(Path(folder).glob("*.asc"))]
    if not keys:
        pytest.fail("no armored OpenPGP key to import (Debian's archive keyring is missing)", pytrace=False)
    _run("rpmkeys", "--dbpath", str(dbpath), "--import", str(keys[0]))
    assert "gpg-pubkey" in _run("rpm", "--dbpath", str(dbpath), "-qa")
    return dbpath


def test_rpm_reads_the_database_rpm_writes(rpm_written_db: Path) -> None:
    (written,) = [p for p in rpm_written_db.iterdir() if p.name in set(REAL.values())]
    result = parse_rpmdb(_input(written.read_bytes(), f"/var/lib/rpm/{written.name}"))
    assert result.skipped == ()
    (probe,) = result.packages
    assert (probe.name, probe.version, probe.arch, probe.licenses) == (
        "hullguard-probe",
        "2:1.2.3-4.test",
        "noarch",
        ("MIT AND Apache-2.0",),
    )
    assert (probe.source_name, probe.source_version) == ("hullguard-probe", "2:1.2.3-4.test")
    assert probe.files == (
        "/etc/hullguard-probe.conf",
        "/usr/share/hullguard-probe",
        "/usr/share/hullguard-probe/hello.txt",
        "/usr/share/hullguard-probe/sub",
        "/usr/share/hullguard-probe/sub/nested.txt",
    )


def test_rpm_database_paths_cover_both_locations_and_all_formats() -> None:
    assert {p.rpartition("/")[0] for p in RPM_DATABASE_PATHS} == {"/var/lib/rpm", "/usr/lib/sysimage/rpm"}
    assert {p.rpartition("/")[2] for p in RPM_DATABASE_PATHS} == {"Packages", "Packages.db", "rpmdb.sqlite"}


@pytest.mark.parametrize(
    ("path", "kind", "size", "wanted"),
    [
        ("/var/lib/rpm/Packages", EntryKind.FILE, 94208, True),
        ("/var/lib/rpm/Packages.db", EntryKind.FILE, 1, True),
        ("/var/lib/rpm/rpmdb.sqlite", EntryKind.FILE, 300 * 1024 * 1024, True),
        ("/usr/lib/sysimage/rpm/Packages", EntryKind.FILE, 1, True),
        ("/usr/lib/sysimage/rpm/Packages.db", EntryKind.FILE, 1, True),
        ("/usr/lib/sysimage/rpm/rpmdb.sqlite", EntryKind.FILE, 1, True),
        ("/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_Packages", EntryKind.FILE, 1, False),
        ("/var/lib/rpm/Name", EntryKind.FILE, 1, False),
        ("/var/lib/rpm/rpmdb.sqlite-wal", EntryKind.FILE, 1, False),
        ("/srv/var/lib/rpm/Packages", EntryKind.FILE, 1, False),
        ("/var/lib/rpm/Packages", EntryKind.SYMLINK, 0, False),
        ("/var/lib/rpm/rpmdb.sqlite", EntryKind.FILE, 513 * 1024 * 1024, False),
    ],
    ids=["bdb", "ndb", "sqlite-300MiB", "sysimage-bdb", "sysimage-ndb", "sysimage-sqlite", "apt-lists",
         "rpm-index", "wal", "not-root", "symlink", "too-big"],
)  # fmt: skip
def test_rpm_wants_only_rpm_databases(path: str, kind: EntryKind, size: int, wanted: bool) -> None:
    (analyzer,) = PLUGINS
    assert analyzer.id == "rpm"
    assert analyzer.wants(path, FileHeader(size=size, mode=0o644, kind=kind)) is wanted


@pytest.mark.parametrize(
    ("file_name", "expected"),
    [
        ("util-linux-2.32.1-42.el8_8.src.rpm", ("util-linux", "2.32.1-42.el8_8")),
        ("gcc11-11.2.1+git610-1.3.9.src.rpm", ("gcc11", "11.2.1+git610-1.3.9")),
        ("kernel-5.14.0-1.nosrc.rpm", ("kernel", "5.14.0-1")),
        ("curl-7.76.0.src.rpm", None),
        ("curl-7.76.0-6.cm2.x86_64.rpm", None),
        ("-1-2.src.rpm", None),
        ("", None),
    ],
    ids=["dashed-name", "plus-in-version", "nosrc", "no-release", "binary-rpm", "no-name", "empty"],
)
def test_rpm_splits_source_rpm_names(file_name: str, expected: tuple[str, str] | None) -> None:
    assert split_source_rpm(file_name) == expected


def _truncate(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _cut_to_metadata(data: bytes) -> bytes:
    return data[:600]


HOSTILE: list[tuple[str, str, Callable[[bytes], bytes], str]] = [
    ("sqlite-cbl-mariner-2.0", "sqlite-truncated", _truncate, "rpm sqlite database: SQLite:"),
    ("sqlite-cbl-mariner-2.0", "sqlite-header-only", lambda d: d[:100], "rpm sqlite database: SQLite:"),
    ("ndb-sle15-bci", "ndb-truncated", _truncate, "lies outside the file"),
    ("ndb-sle15-bci", "ndb-header-only", lambda d: d[:32], "rpm ndb database: truncated"),
    ("bdb-libuuid", "bdb-truncated", _truncate, "rpm bdb database: truncated"),
    ("bdb-libuuid", "bdb-metadata-only", _cut_to_metadata, "bad Berkeley DB page size"),
    ("bdb-libuuid", "garbage", lambda d: bytes(range(256)) * 8, "rpm database: not an rpm database"),
    ("bdb-libuuid", "empty", lambda d: b"", "rpm database: not an rpm database"),
]


@pytest.mark.parametrize(("db", "case", "damage", "reason"), HOSTILE, ids=[case for _, case, _, _ in HOSTILE])
def test_rpm_turns_damaged_databases_into_skip_notes(
    real_db: Callable[[str], bytes], db: str, case: str, damage: Callable[[bytes], bytes], reason: str
) -> None:
    data = damage(real_db(db))
    started = time.perf_counter()
    result = parse_rpmdb(_input(data, "/var/lib/rpm/Packages"))
    assert time.perf_counter() - started < 2.0
    assert result.skipped, case
    assert any(reason in s.reason for s in result.skipped), [s.reason for s in result.skipped]
    where = {(s.path, s.diff_id, s.analyzer) for s in result.skipped}
    assert where == {("/var/lib/rpm/Packages", "sha256:layer", "rpm")}
    assert PLUGINS[0].analyze(_input(data)).skipped  # the analyzer interface gives the same kind of answer


def test_rpm_keeps_readable_packages_of_a_truncated_ndb(real_db: Callable[[str], bytes]) -> None:
    data = real_db("ndb-sle15-bci")
    result = parse_rpmdb(_input(_truncate(data)))
    assert 0 < len(result.packages) < 35
    assert len(result.packages) + len(result.skipped) == 35


def test_rpm_skips_a_malformed_header_and_keeps_the_other_packages(real_db: Callable[[str], bytes]) -> None:
    data = real_db("sqlite-cbl-mariner-2.0")
    second = detect_format(data).read(data)[1]
    assert isinstance(second, Blob)
    at = data.find(second.data[:64])  # the blob's index count, inside its SQLite cell
    assert at > 0 and data.find(second.data[:64], at + 1) == -1
    hostile = data[:at] + b"\xff\xff\xff\xff" + data[at + 4 :]
    result = parse_rpmdb(_input(hostile))
    assert len(result.packages) == 128
    (skipped,) = result.skipped
    data_length = int.from_bytes(second.data[4:8], "big")
    claim = f"header claims 4294967295 index entries and {data_length} data bytes"
    assert skipped.reason == f"rpm sqlite database: record 2: {claim}"
