"""Installed rpm packages from rpm's database, in any of its three formats.

Red Hat, SUSE and CBL-Mariner advisories name the *source* package and compare
``epoch:version-release``, so both are kept as rpm writes them. The database is read in pure
Python (see :mod:`hullguard.analyze._rpmdb`); a record we cannot read becomes a ``Skipped`` note
next to the packages we could read, never an exception.
"""

from __future__ import annotations

from hullguard.analyze._base import AnalyzerResult, FileInput, ParserAnalyzer
from hullguard.analyze._rpmdb import Blob, DatabaseFormat, RpmdbError, RpmHeader, Unreadable, detect_format
from hullguard.inventory import Location, Package, PackageType, Skipped

__all__ = ["PLUGINS", "RPM_DATABASE_PATHS", "parse_rpmdb", "split_source_rpm"]

_ID = "rpm"
_PUBKEY = "gpg-pubkey"
"""rpm files imported signing keys as pseudo-packages; they are not software."""
_SOURCE_SUFFIXES = (".src.rpm", ".nosrc.rpm")

RPM_DATABASE_PATHS = frozenset(
    f"{directory}/{name}"
    for directory in ("/var/lib/rpm", "/usr/lib/sysimage/rpm")
    for name in ("Packages", "Packages.db", "rpmdb.sqlite")
)
"""BDB, NDB and SQLite databases, at the classic path and at Fedora/openSUSE's sysimage path."""


def split_source_rpm(file_name: str) -> tuple[str, str] | None:
    """``util-linux-2.32.1-42.el8_8.src.rpm`` → ``("util-linux", "2.32.1-42.el8_8")``.

    rpm names source packages ``name-version-release.src.rpm`` and neither version nor release
    may contain a dash, so the last two dashes split the name off. None for anything else.
    """
    for suffix in _SOURCE_SUFFIXES:
        if file_name.endswith(suffix):
            name, version, release = [*file_name.removesuffix(suffix).rsplit("-", 2), "", ""][:3]
            if name and version and release:
                return name, f"{version}-{release}"
    return None


def _with_epoch(epoch: int | None, version: str) -> str:
    """rpm's advisory form: ``epoch:version`` when the package sets an epoch (even 0)."""
    return version if epoch is None else f"{epoch}:{version}"


def _package(header: RpmHeader, location: Location) -> Package:
    """Map a header to the inventory model; the source version carries the package's epoch."""
    source = split_source_rpm(header.source_rpm) if header.source_rpm else None
    return Package(
        name=header.name,
        version=_with_epoch(header.epoch, f"{header.version}-{header.release}"),
        type=PackageType.RPM,
        location=location,
        found_by=_ID,
        source_name=source[0] if source else None,
        source_version=_with_epoch(header.epoch, source[1]) if source else None,
        arch=header.arch or None,
        licenses=(header.license,) if header.license else (),
        files=header.files,
    )


def _skip(file: FileInput, reason: str, *, database: str | None) -> Skipped:
    """A skip note naming the format, so a report reader knows which reader gave up."""
    prefix = f"rpm {database} database" if database else "rpm database"
    return Skipped(file.path, f"{prefix}: {reason}"[:300], file.diff_id, _ID)


def _read(file: FileInput, database: DatabaseFormat) -> AnalyzerResult:
    """Parse every record of a recognised database, keeping good packages and noting bad ones."""
    packages: list[Package] = []
    skipped: list[Skipped] = []
    for record in database.read(file.content):
        match record:
            case Unreadable(number=None, reason=reason):
                skipped.append(_skip(file, reason, database=database.id))
            case Unreadable(number=number, reason=reason):
                skipped.append(_skip(file, f"record {number}: {reason}", database=database.id))
            case Blob(number=number, data=data):
                try:
                    header = RpmHeader.from_blob(data)
                except RpmdbError as exc:
                    skipped.append(_skip(file, f"record {number}: {exc}", database=database.id))
                    continue
                if header.name != _PUBKEY:
                    packages.append(_package(header, file.location))
    packages.sort(key=Package.sort_key)
    return AnalyzerResult(packages=tuple(packages), skipped=tuple(skipped))


def parse_rpmdb(file: FileInput) -> AnalyzerResult:
    """Packages of an rpm database file, whichever format it is in; pure and never raising."""
    try:
        database = detect_format(file.content)
    except RpmdbError as exc:
        return AnalyzerResult(skipped=(_skip(file, str(exc), database=None),))
    try:
        return _read(file, database)
    except RpmdbError as exc:
        return AnalyzerResult(skipped=(_skip(file, str(exc), database=database.id),))


PLUGINS = [
    ParserAnalyzer(
        id=_ID,
        version=1,
        parse=parse_rpmdb,
        basenames=("Packages", "Packages.db", "rpmdb.sqlite"),
        predicate=RPM_DATABASE_PATHS.__contains__,
        max_size=512 * 1024 * 1024,
    )
]
