"""Java packages in jar, war, ear and Jenkins plug-in archives, nested archives included.

An archive names what it is in three places, tried in this order:

1. ``META-INF/maven/<groupId>/<artifactId>/pom.properties``, written by Maven (and by the
   Maven plug-ins of Gradle and bnd). Shaded jars carry one per bundled artifact, so each file
   is one package.
2. The main section of ``META-INF/MANIFEST.MF`` (JAR File Specification, "Manifest
   Specification"): ``Implementation-Title``/``Implementation-Version``, else the OSGi
   ``Bundle-SymbolicName``/``Bundle-Version``.
3. The file name, ``name-1.2.3.jar``.

Archives inside archives (``WEB-INF/lib/*.jar`` in a war, wars in an ear, Spring Boot's
``BOOT-INF/lib/*.jar``) are read from memory, never extracted, and named the way syft names
them: ``/app/shop.war:WEB-INF/lib/x.jar``. A zip's sizes are claims made by the attacker, so
nesting depth, the number of archives and the total inflated bytes are all capped.
"""

from __future__ import annotations

import dataclasses
import io
import lzma
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field

from hullguard.analyze._base import AnalyzerResult, EntryKind, FileHeader, FileInput
from hullguard.errors import AnalysisError
from hullguard.inventory import Location, Package, PackageType, Skipped

__all__ = ["PLUGINS", "ArchiveLimitError", "JavaArchiveAnalyzer", "parse_manifest", "parse_properties"]

_MiB = 1024 * 1024
ARCHIVE_SUFFIXES = (".jar", ".war", ".ear", ".jpi", ".hpi")
MAX_ARCHIVE_BYTES = 256 * _MiB
"""Largest outer archive read, and largest nested archive inflated."""
MAX_DEPTH = 4
"""An ear holding a war holding a fat jar holding a jar is depth 3; deeper is not real."""
MAX_INFLATED_BYTES = 512 * _MiB
"""Total bytes inflated for one outer archive: stops zip bombs, overlapping entries included."""
MAX_ARCHIVES = 10_000
"""Nested archives opened for one outer archive."""
MAX_METADATA_BYTES = 1 * _MiB
"""Largest pom.properties or MANIFEST.MF read."""

_POM_PREFIX = "META-INF/maven/"
_POM_SUFFIX = "/pom.properties"
_MANIFEST = "META-INF/MANIFEST.MF"
_FILENAME = re.compile(r"^(?P<name>.+?)-(?P<version>\d.*)$")
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    lzma.LZMAError,
    struct.error,
    EOFError,
    OSError,
    NotImplementedError,
    RuntimeError,
    ValueError,
)
"""What zipfile raises on corrupt, encrypted or unsupported archives."""


class ArchiveLimitError(AnalysisError):
    """An archive asked for more bytes, depth or nested archives than we allow."""


def parse_properties(text: str) -> dict[str, str]:
    """Key/value pairs of a ``.properties`` file (``key=value``, ``key: value``, ``#`` comments).

    Continuation lines and escapes are not interpreted: Maven writes neither in pom.properties.
    """
    values: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#!":
            continue
        match = re.match(r"([^=:\s]+)\s*[=:\s]\s*(.*)", line)
        if match:
            values[match.group(1)] = match.group(2).strip()
    return values


def parse_manifest(text: str) -> dict[str, str]:
    """The main section of a MANIFEST.MF: ``Name: value`` lines, continued by a leading space."""
    values: dict[str, str] = {}
    key = ""
    for line in text.splitlines():
        if not line.strip():
            break  # the main section ends at the first blank line
        if line.startswith(" ") and key:
            values[key] += line[1:]
            continue
        key, sep, value = line.partition(":")
        key = key.strip() if sep else ""
        if key:
            values[key] = value.strip()
    return values


def _split_filename(path: str) -> tuple[str, str]:
    """``/x/commons-io-2.11.0.jar`` gives ("commons-io", "2.11.0"); no version gives (stem, "").

    Nested paths (``/a.war:WEB-INF/lib/x-1.0.jar``) are named by their last part.
    """
    stem = re.split(r"[/:]", path)[-1].rpartition(".")[0]
    match = _FILENAME.match(stem)
    return (match.group("name"), match.group("version")) if match else (stem, "")


def _licenses(manifest: dict[str, str]) -> tuple[str, ...]:
    """``Bundle-License`` entries (OSGi core, 3.2.1.11) without their ``;link=...`` attributes."""
    raw = manifest.get("Bundle-License", "")
    return tuple(part.split(";")[0].strip() for part in raw.split(",") if part.split(";")[0].strip())


@dataclass(slots=True)
class _Walk:
    """One outer archive being read: the caps still left, and what was found so far."""

    file: FileInput
    found_by: str
    budget: int = MAX_INFLATED_BYTES
    archives_left: int = MAX_ARCHIVES
    packages: set[Package] = field(default_factory=set)
    skipped: list[Skipped] = field(default_factory=list)

    def skip(self, display: str, reason: str) -> None:
        self.skipped.append(Skipped(display, reason, self.file.diff_id, self.found_by))

    def read(self, zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
        """Inflate one entry, charging the budget for what really came out, not what was claimed."""
        cap = min(limit, self.budget)
        what = (
            f"the cap of {limit} bytes" if cap == limit else f"the {cap} bytes left of the inflation budget"
        )
        if info.file_size > cap:
            raise ArchiveLimitError(f"{info.filename} declares {info.file_size} bytes, more than {what}")
        with zf.open(info) as handle:
            data = handle.read(cap + 1)
        self.budget -= len(data)
        if len(data) > cap:
            raise ArchiveLimitError(f"{info.filename} inflates past {what}")
        return data

    def visit(self, data: bytes, display: str, depth: int) -> None:
        """Record the packages of one archive, then descend into the archives it holds."""
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                self._identify(zf, display)
                self._descend(zf, display, depth)
        except ArchiveLimitError as exc:
            self.skip(display, str(exc))
        except _ZIP_ERRORS as exc:
            self.skip(display, f"unreadable archive: {type(exc).__name__}: {exc}"[:300])

    def _descend(self, zf: zipfile.ZipFile, display: str, depth: int) -> None:
        for info in zf.infolist():
            if info.is_dir() or not info.filename.lower().endswith(ARCHIVE_SUFFIXES):
                continue
            inner = f"{display}:{info.filename}"
            if depth + 1 > MAX_DEPTH:
                self.skip(inner, f"archive nested deeper than {MAX_DEPTH} levels")
                continue
            if self.archives_left <= 0:
                self.skip(inner, f"more than {MAX_ARCHIVES} nested archives")
                return
            self.archives_left -= 1
            try:
                nested = self.read(zf, info, MAX_ARCHIVE_BYTES)
            except ArchiveLimitError as exc:
                self.skip(inner, str(exc))
                if self.budget <= 0:
                    return
                continue
            except _ZIP_ERRORS as exc:
                self.skip(inner, f"unreadable entry: {type(exc).__name__}: {exc}"[:300])
                continue
            self.visit(nested, inner, depth + 1)

    def _identify(self, zf: zipfile.ZipFile, display: str) -> None:
        """Add this archive's own packages: pom.properties, else manifest, else file name."""
        location = Location(display, self.file.diff_id)
        names = set(zf.namelist())
        manifest = parse_manifest(self._text(zf, _MANIFEST)) if _MANIFEST in names else {}
        licenses = _licenses(manifest)
        file_name, file_version = _split_filename(display)
        poms = sorted(n for n in names if n.startswith(_POM_PREFIX) and n.endswith(_POM_SUFFIX))
        found = [p for p in (self._pom_package(zf, pom, location) for pom in poms) if p is not None]
        if found:
            # The manifest speaks for the archive's own artifact, not for the ones shaded into it.
            owner = found[0] if len(found) == 1 else next((p for p in found if p.name == file_name), None)
            self.packages.update(
                dataclasses.replace(p, licenses=licenses) if p is owner else p for p in found
            )
            return
        title = manifest.get("Implementation-Title", "")
        symbolic = manifest.get("Bundle-SymbolicName", "").split(";")[0].strip()
        # Titles are often prose ("Apache Commons Lang"); only a single token can be a name.
        name = next((n for n in (title, symbolic, file_name) if n and not re.search(r"\s", n)), "")
        version = manifest.get("Implementation-Version") or manifest.get("Bundle-Version") or file_version
        if not name or not version:
            self.skip(display, "no pom.properties, manifest version or versioned file name")
            return
        self.packages.add(
            Package(name, version, PackageType.JAVA, location, self.found_by, licenses=licenses)
        )

    def _pom_package(self, zf: zipfile.ZipFile, entry: str, location: Location) -> Package | None:
        props = parse_properties(self._text(zf, entry))
        artifact, version = props.get("artifactId", ""), props.get("version", "")
        if not artifact or not version:
            return None
        group = props.get("groupId") or None
        return Package(artifact, version, PackageType.JAVA, location, self.found_by, namespace=group)

    def _text(self, zf: zipfile.ZipFile, entry: str) -> str:
        # Manifests are UTF-8 by specification; pom.properties is Latin-1 but Maven coordinates
        # are ASCII, so one lenient decoding serves both.
        return self.read(zf, zf.getinfo(entry), MAX_METADATA_BYTES).decode("utf-8", "replace")


@dataclass(frozen=True, slots=True)
class JavaArchiveAnalyzer:
    """Reports Maven artifacts found in Java archives and in the archives nested inside them."""

    id: str = "java-archive"
    version: int = 1

    def wants(self, path: str, header: FileHeader) -> bool:
        """Regular files named like a Java archive, up to :data:`MAX_ARCHIVE_BYTES`."""
        return (
            header.kind is EntryKind.FILE
            and 0 < header.size <= MAX_ARCHIVE_BYTES
            and path.lower().endswith(ARCHIVE_SUFFIXES)
        )

    def analyze(self, file: FileInput) -> AnalyzerResult:
        """Packages of the archive tree; corrupt or over-limit parts become skip notes."""
        walk = _Walk(file, self.id)
        walk.visit(file.content, file.path, 0)
        return AnalyzerResult(
            packages=tuple(sorted(walk.packages, key=Package.sort_key)),
            skipped=tuple(walk.skipped),
        )


PLUGINS = [JavaArchiveAnalyzer()]
