"""A scan report built from real packages and real advisories, plus golden-file checks.

Packages: Debian 10's real dpkg status and os-release (``../shared/data/pkgdb``) in layer 0, and
the real ``setuptools-47.1.0`` METADATA (``tests/fixtures/analyze/python``) in layer 1, each
through the real parser. Advisories: real OSV records from ``../shared/data/osv``, turned into
findings here because the matcher is tested on its own: id, aliases, title, references and
fixed versions come from the package's own advisory (DSA/DLA, PYSEC). Debian and PyPA records
carry no rating, so the rating comes from a record of another ecosystem about the same CVE (a
RustSec CVSS vector for lz4, a RubySec score for zlib, a Bitnami vector for setuptools), the
way a scanner borrows NVD's rating for a distro advisory. Records without such a partner stay
UNKNOWN. The image metadata (name, digests, layer ids), the VEX reason of the one suppressed
finding and the warning are made up by this fixture code.
"""

from __future__ import annotations

import dataclasses
import hashlib
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

import pytest
from cvss import CVSS3

from hullguard.analyze import FileHeader, FileInput
from hullguard.analyze.dpkg import parse_dpkg_status
from hullguard.analyze.os_release import PLUGINS as OS_RELEASE_ANALYZERS
from hullguard.analyze.os_release import parse_os_release
from hullguard.analyze.python import parse_core_metadata
from hullguard.inventory import Inventory, LayerInfo, Package
from hullguard.inventory.purl import with_purls
from hullguard.report import (
    CheckInfo,
    DatabaseInfo,
    FixStatus,
    MisconfigFinding,
    ScanReport,
    SecretFinding,
    SecretOrigin,
    Severity,
    SourceLocation,
    SuppressedFinding,
    Suppression,
    VulnerabilityFinding,
)
from hullguard.vulndb._osv import OsvRecord
from tests.goldens import golden_checker

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
GOLDENS = FIXTURES / "report"
TOOL_VERSION = "0.0.0-test"
FIXED_TIME = datetime(2023, 4, 2, 12, 0, 0, tzinfo=UTC)
FIXED_UUID = UUID("00000000-0000-4000-8000-000000000000")
_MEDIA = "application/vnd.docker.image.rootfs.diff.tar.gzip"
_SITE = "/usr/local/lib/python3.7/site-packages"


@dataclass(frozen=True)
class Advisory:
    """One finding to build: the package's advisory, its ecosystem and the record rating its CVE."""

    ecosystem_dir: str
    record_id: str
    ecosystem: str
    rating_dir: str | None = None
    rating_id: str | None = None


ADVISORIES = (
    Advisory("Debian", "DSA-4919-1", "Debian:10", "crates.io", "RUSTSEC-2022-0051"),
    Advisory("Debian", "DSA-5111-1", "Debian:10", "RubyGems", "x_RUBYSEC-nokogiri-CVE-2018-25032"),
    Advisory("PyPI", "PYSEC-2022-43012", "PyPI", "Bitnami", "BIT-setuptools-2022-40897"),
    Advisory("Debian", "DSA-5147-1", "Debian:10"),
    Advisory("Debian", "DLA-3134-1", "Debian:10"),
)
SUPPRESSED = Advisory("Debian", "DSA-5122-1", "Debian:10")
VEX_REASON = "not_affected: vulnerable_code_not_in_execute_path (zgrep is never run in this image)"
WARNING = "the advisory database is older than 7 days"


def layer_id(seed: str) -> str:
    """A made-up but well-formed diff_id."""
    return "sha256:" + hashlib.sha256(seed.encode()).hexdigest()


def _file(path: str, content: bytes, diff_id: str) -> FileInput:
    return FileInput(path, FileHeader(size=len(content), mode=0o644), content, diff_id)


def _record(osv: Path, folder: str, record_id: str) -> OsvRecord:
    with zipfile.ZipFile(osv / folder / "all.zip") as archive:
        member = f"{record_id}.json"
        return OsvRecord.from_json(archive.read(member), where=f"{folder}/all.zip:{member}")


def _rating(record: OsvRecord | None) -> tuple[Severity, float | None, str]:
    """Base score of the partner record's CVSS v3 vector, else its ``database_specific.cvss_v3``."""
    if record is None:
        return Severity.UNKNOWN, None, "none: no advisory rates it"
    vectors = [s for entry in record.affected for s in entry.severity] + list(record.severity)
    for vector in vectors:
        if vector.type == "CVSS_V3":
            score = float(CVSS3(vector.score).base_score)
            return Severity.from_score(score), score, f"CVSS_V3 ({record.id})"
    value = (record.database_specific or {})["cvss_v3"]
    assert isinstance(value, float)
    return Severity.from_score(value), value, f"database_specific.cvss_v3 ({record.id})"


def _fixed(record: OsvRecord, ecosystem: str, name: str) -> tuple[str, ...]:
    return tuple(
        event.fixed
        for entry in record.affected
        if entry.package is not None
        and entry.package.ecosystem == ecosystem
        and entry.package.name.lower() == name.lower()
        for range_ in entry.ranges
        if range_.type == "ECOSYSTEM"
        for event in range_.events
        if event.fixed is not None
    )


def _title(record: OsvRecord) -> str:
    """The summary, else the first sentence of the details (PYSEC records have no summary)."""
    return record.summary or (record.details or "").split(". ")[0]


def _findings(osv: Path, advisory: Advisory, inventory: Inventory) -> list[VulnerabilityFinding]:
    """One finding per installed package the advisory names (by source package for dpkg)."""
    record = _record(osv, advisory.ecosystem_dir, advisory.record_id)
    partner = None
    if advisory.rating_dir is not None and advisory.rating_id is not None:
        partner = _record(osv, advisory.rating_dir, advisory.rating_id)
    severity, score, source = _rating(partner)
    ids = [*record.aliases, *record.related]
    cves = [i for i in ids if i.startswith("CVE-")]
    primary = cves[0] if cves else record.id
    names = {p.name.lower() for p in record.packages() if p.ecosystem == advisory.ecosystem}
    findings = []
    for package in inventory.packages:
        if (package.source_name or package.name).lower() not in names:
            continue
        fixed = _fixed(record, advisory.ecosystem, package.source_name or package.name)
        findings.append(
            VulnerabilityFinding(
                id=primary,
                aliases=tuple(sorted({record.id, *ids} - {primary})),
                package=package,
                installed_version=package.source_version or package.version,
                fixed_versions=fixed,
                status=FixStatus.FIXED if fixed else FixStatus.NOT_FIXED,
                severity=severity,
                score=score,
                severity_source=source,
                title=_title(record),
                references=tuple(ref.url for ref in record.references),
                layer=inventory.layer(package.location.diff_id),
                advisory_ids=(record.id,),
            )
        )
    assert findings, f"{record.id} names no installed package"
    return findings


def _inventory(shared: Path) -> Inventory:
    base, app = layer_id("debian-10"), layer_id("pip-setuptools")
    pkgdb = shared / "data" / "pkgdb" / "dpkg" / "debian-10-buster"
    status = (pkgdb / "status").read_bytes()
    debs = parse_dpkg_status(_file("/var/lib/dpkg/status", status, base)).packages
    distro = parse_os_release(_file("/etc/os-release", (pkgdb / "os-release").read_bytes(), base)).os
    metadata = (FIXTURES / "analyze" / "python" / "setuptools-47.1.0.METADATA").read_bytes()
    pythons = parse_core_metadata(
        _file(f"{_SITE}/setuptools-47.1.0.dist-info/METADATA", metadata, app)
    ).packages
    assert debs and pythons and distro is not None
    return with_purls(
        Inventory(
            os=distro,
            packages=tuple(sorted(debs + pythons, key=Package.sort_key)),
            layers=(
                LayerInfo(0, base, None, _MEDIA, 27_092_161, "ADD rootfs.tar.xz / # buildkit"),
                LayerInfo(1, app, None, _MEDIA, 1_024, "RUN pip install setuptools==47.1.0 # buildkit"),
            ),
            image_name="registry.example/app:1",
            image_digest=layer_id("app-manifest"),
            repo_tags=("registry.example/app:1",),
        )
    )


@pytest.fixture(scope="session")
def scan_report(shared_dir: Path) -> ScanReport:
    """The real-data report every writer test renders."""
    osv = shared_dir / "data" / "osv"
    inventory = _inventory(shared_dir)
    findings = [f for advisory in ADVISORIES for f in _findings(osv, advisory, inventory)]
    suppressed = [
        SuppressedFinding(f, Suppression.VEX, VEX_REASON) for f in _findings(osv, SUPPRESSED, inventory)
    ]
    broken = _file("/usr/lib/os-release", b"NAME=broken\n", inventory.layers[0].diff_id)
    notes = OS_RELEASE_ANALYZERS[0].analyze(broken).skipped
    assert notes, "the os-release analyzer should skip a file without ID"
    with (
        zipfile.ZipFile(osv / "Debian" / "all.zip") as debian,
        zipfile.ZipFile(osv / "PyPI" / "all.zip") as pypi,
    ):
        records = len(debian.namelist()) + len(pypi.namelist())
    return ScanReport(
        inventory=inventory,
        vulnerabilities=tuple(sorted(findings, key=VulnerabilityFinding.sort_key)),
        suppressed=tuple(suppressed),
        notes=notes,
        database=DatabaseInfo("hullguard-db.sqlite", records, "2023-04-01T00:00:00.000000Z"),
        target="registry.example/app:1",
        warnings=(WARNING,),
    )


@pytest.fixture(scope="session")
def empty_report(scan_report: ScanReport) -> ScanReport:
    """The same image with nothing found: writers must still produce valid documents."""
    return ScanReport(inventory=scan_report.inventory, vulnerabilities=())


@pytest.fixture(scope="session")
def tool_version() -> str:
    """The version every golden file was written with."""
    return TOOL_VERSION


@pytest.fixture(scope="session")
def fixed_time() -> datetime:
    """The clock of writers that print a time."""
    return FIXED_TIME


@pytest.fixture(scope="session")
def fixed_uuid() -> UUID:
    """The serial number of writers that need one."""
    return FIXED_UUID


@pytest.fixture(scope="session")
def report_fixtures() -> Path:
    """``tests/fixtures/report``: goldens, the SARIF schema."""
    return GOLDENS


@pytest.fixture
def golden() -> Callable[[str, str], None]:
    """Compare text with ``tests/fixtures/report/<name>``; ``HULLGUARD_UPDATE_GOLDENS=1`` rewrites it."""
    return golden_checker(GOLDENS)


@pytest.fixture(scope="session")
def findings_report(scan_report: ScanReport) -> ScanReport:
    """The scan report plus a secret (one deleted in a later layer), and misconfigurations with lines.

    The values are hostile on purpose (markup in a message) so every writer's escaping is exercised.
    """
    layers = scan_report.inventory.layers
    check = CheckInfo(
        id="HG-DF-008",
        title="apt-get install without --no-install-recommends",
        severity=Severity.LOW,
        kind="dockerfile",
        description="Recommended packages enlarge the image and its attack surface.",
        remediation="Add --no-install-recommends to apt-get install.",
        references=("https://docs.docker.com/build/building/best-practices/",),
        mappings=(("hadolint", "DL3015"),),
    )
    k8s = CheckInfo(id="HG-K8S-001", title="Privileged container", severity=Severity.HIGH, kind="kubernetes")
    secrets = (
        SecretFinding(
            rule_id="aws-access-key-id",
            title="AWS access key ID",
            severity=Severity.CRITICAL,
            category="AWS",
            location=SourceLocation("/root/.aws/credentials", 2, 19, layer=layers[0]),
            redacted="aws_access_key_id = AKIA************",
            fingerprint="sha256:" + "ab" * 32,
            removed_in=layers[1],
        ),
        SecretFinding(
            rule_id="generic-password",
            title="Password in an environment variable",
            severity=Severity.HIGH,
            category="Generic",
            location=SourceLocation("Env"),
            redacted="DB_PASSWORD=hu********",
            fingerprint="sha256:" + "cd" * 32,
            origin=SecretOrigin.ENV,
        ),
    )
    misconfigurations = (
        MisconfigFinding(
            check=k8s,
            location=SourceLocation("deploy/web.yaml", 21, 11, 21, 27),
            message="container <script>alert(1)</script> runs privileged",
            resource="Deployment/web",
        ),
        MisconfigFinding(
            check=check,
            location=SourceLocation("Dockerfile", 3, 1, 4, 30),
            message="apt-get install curl without --no-install-recommends",
            resource="stage 0",
            severity=Severity.MEDIUM,
        ),
    )
    return dataclasses.replace(
        scan_report,
        secrets=secrets,
        misconfigurations=misconfigurations,
        scanners=("vuln", "secret", "misconfig"),
    )
