"""The matcher on real advisories: known facts per ecosystem, range edge cases, merging of aliases."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from hullguard.analyze import FileHeader, FileInput
from hullguard.analyze.apk import parse_apk_installed
from hullguard.analyze.dpkg import parse_dpkg_status
from hullguard.analyze.os_release import parse_os_release
from hullguard.inventory import Inventory, Location, OSInfo, Package, PackageType
from hullguard.inventory.purl import with_purls
from hullguard.match import AdvisorySource, match_inventory
from hullguard.report import FixStatus, Severity, VulnerabilityFinding
from hullguard.vulndb import OsvRecord, VulnStore
from hullguard.vulndb.versions import build_version_schemes, scheme_for

SCHEMES = build_version_schemes()


def lookup(ecosystem: str):  # type: ignore[no-untyped-def]
    return scheme_for(SCHEMES, ecosystem)


def pkg(kind: PackageType, name: str, version: str, **extra: str) -> Package:
    return Package(name, version, kind, Location("/app/x"), "test", **extra)  # type: ignore[arg-type]


def findings(
    store: AdvisorySource, *packages: Package, os: OSInfo | None = None
) -> list[VulnerabilityFinding]:
    inventory = with_purls(Inventory(os=os, packages=packages))
    return list(match_inventory(inventory, store, lookup).findings)


def names(found: list[VulnerabilityFinding]) -> set[str]:
    return {n for f in found for n in (f.id, *f.aliases)}


def test_requests_known_facts(store: VulnStore) -> None:
    found = findings(store, pkg(PackageType.PYTHON, "requests", "2.19.1"))
    by_id = {f.id: f for f in found}
    assert "CVE-2018-18074" in by_id
    assert by_id["CVE-2018-18074"].fixed_versions == ("2.20.0",)
    assert by_id["CVE-2018-18074"].status is FixStatus.FIXED
    assert "CVE-2014-1829" not in names(found), "fixed in 2.3.0, long before 2.19.1"


def test_pyyaml_by_any_spelling(store: VulnStore) -> None:
    for spelling in ("PyYAML", "pyyaml", "PyYaml"):
        assert "CVE-2020-14343" in names(findings(store, pkg(PackageType.PYTHON, spelling, "5.3.1")))
    assert "CVE-2020-14343" not in names(findings(store, pkg(PackageType.PYTHON, "PyYAML", "5.4")))


def test_lodash_known_facts(store: VulnStore) -> None:
    found = findings(store, pkg(PackageType.NPM, "lodash", "4.17.15"))
    ids = names(found)
    assert any("516" in n for n in ids), sorted(ids)
    old = findings(store, pkg(PackageType.NPM, "lodash", "4.17.4"))
    fixed_long_ago = names(old) - ids
    assert fixed_long_ago, "advisories fixed in 4.17.5 and 4.17.11 affect 4.17.4 but not 4.17.15"


def test_one_finding_per_package_and_vulnerability(store: VulnStore) -> None:
    found = findings(store, pkg(PackageType.PYTHON, "requests", "2.19.1"))
    flat = [n for f in found for n in (f.id, *f.aliases)]
    assert len(flat) == len(set(flat)), "an id appears in two findings: aliases were not merged"


def test_name_collision_across_ecosystems(store: VulnStore) -> None:
    """``requests`` on npm is another package: PyPI advisories must not match it."""
    assert "CVE-2018-18074" not in names(findings(store, pkg(PackageType.NPM, "requests", "2.19.1")))


def _input(path: str, data: bytes) -> FileInput:
    return FileInput(path, FileHeader(len(data), 0o644), data, "sha256:" + "1" * 64)


def test_debian_matches_by_source_package_and_release(store: VulnStore, shared_path: Path) -> None:
    folder = shared_path / "data" / "pkgdb" / "dpkg" / "debian-10-buster"
    os_info = parse_os_release(_input("/etc/os-release", (folder / "os-release").read_bytes())).os
    packages = parse_dpkg_status(_input("/var/lib/dpkg/status", (folder / "status").read_bytes())).packages
    found = findings(store, *packages, os=os_info)
    assert found, "an old Debian 10 base image has known vulnerabilities in Debian's own advisories"
    assert all(f.package.type is PackageType.DEB for f in found)
    for finding in found[:50]:
        assert finding.fixed_versions or finding.status is FixStatus.NOT_FIXED
    same_on_11 = findings(store, *packages, os=dataclasses.replace(os_info, version_id="11"))  # type: ignore[type-var]
    assert {f.id for f in same_on_11} != {f.id for f in found}, "the release decides which advisories apply"


def test_alpine_matches_by_origin_and_branch(store: VulnStore, shared_path: Path) -> None:
    folder = shared_path / "data" / "pkgdb" / "apk" / "alpine-3.7.0"
    os_info = parse_os_release(_input("/etc/os-release", (folder / "os-release").read_bytes())).os
    packages = parse_apk_installed(
        _input("/lib/apk/db/installed", (folder / "installed").read_bytes())
    ).packages
    found = findings(store, *packages, os=os_info)
    assert found
    assert {f.package.source_name for f in found} <= {p.source_name for p in packages}
    assert any(f.package.name != f.package.source_name for f in found), "libressl2.6-libcrypto via libressl"
    musl = {f.id: f for f in found if f.package.name == "musl"}
    assert musl["ALPINE-CVE-2019-14697"].fixed_versions == ("1.1.18-r4",)


def test_patched_alpine_has_no_findings_in_this_data(store: VulnStore, shared_path: Path) -> None:
    """alpine:3.10.4 (January 2020) already carries every fix the 2020 secdb names for v3.10."""
    folder = shared_path / "data" / "pkgdb" / "apk" / "alpine-3.10.4"
    os_info = parse_os_release(_input("/etc/os-release", (folder / "os-release").read_bytes())).os
    packages = parse_apk_installed(
        _input("/lib/apk/db/installed", (folder / "installed").read_bytes())
    ).packages
    assert findings(store, *packages, os=os_info) == []


def test_withdrawn_records_do_not_match(store: VulnStore) -> None:
    withdrawn = [r for r in store.affected("PyPI", "pyyaml") if r.is_withdrawn]
    live_ids = names(findings(store, pkg(PackageType.PYTHON, "PyYAML", "3.0")))
    assert all(r.id not in live_ids for r in withdrawn)


@pytest.mark.parametrize(
    ("package", "rated"),
    [(pkg(PackageType.NPM, "lodash", "4.17.15"), True), (pkg(PackageType.CARGO, "smallvec", "0.6.9"), True)],
    ids=["npm-cvss", "crates-cvss"],
)
def test_severity_comes_from_cvss_when_given(store: VulnStore, package: Package, rated: bool) -> None:
    found = findings(store, package)
    assert found
    assert (
        any(
            f.severity is not Severity.UNKNOWN and f.score is not None and "CVSS" in f.severity_source
            for f in found
        )
        is rated
    )


class RecordList:
    """An advisory source over records in memory (the Protocol's smallest real implementation)."""

    def __init__(self, *records: OsvRecord) -> None:
        self._records = records

    def affected(self, ecosystem: str, name: str) -> list[OsvRecord]:
        return [
            r
            for r in self._records
            if any(p.name == name and p.ecosystem.startswith(ecosystem) for p in r.packages())
        ]


def test_ubuntu_release_qualifiers() -> None:
    """Ubuntu's OSV ecosystems carry qualifiers (``Ubuntu:22.04:LTS``): matched by release prefix."""
    record = OsvRecord.from_json(
        json.dumps(
            {
                "id": "USN-0000-1",
                "modified": "2024-01-01T00:00:00Z",
                "aliases": ["CVE-2024-0001"],
                "affected": [
                    {
                        "package": {"ecosystem": "Ubuntu:22.04:LTS", "name": "openssl"},
                        "ranges": [
                            {
                                "type": "ECOSYSTEM",
                                "events": [{"introduced": "0"}, {"fixed": "3.0.2-0ubuntu1.12"}],
                            }
                        ],
                    },
                    {
                        "package": {"ecosystem": "Ubuntu:20.04:LTS", "name": "openssl"},
                        "ranges": [
                            {
                                "type": "ECOSYSTEM",
                                "events": [{"introduced": "0"}, {"fixed": "1.1.1f-1ubuntu2.20"}],
                            }
                        ],
                    },
                ],
            }
        ),
        where="test",
    )
    libssl = pkg(
        PackageType.DEB,
        "libssl3",
        "3.0.2-0ubuntu1.10",
        source_name="openssl",
        source_version="3.0.2-0ubuntu1.10",
    )
    found = findings(RecordList(record), libssl, os=OSInfo("ubuntu", "22.04"))
    assert [(f.id, f.fixed_versions) for f in found] == [("CVE-2024-0001", ("3.0.2-0ubuntu1.12",))]
    assert findings(RecordList(record), libssl, os=OSInfo("ubuntu", "24.04")) == []


def test_git_only_ranges_become_a_note_not_a_finding() -> None:
    record = OsvRecord.from_json(
        json.dumps(
            {
                "id": "OSV-GIT-1",
                "modified": "2024-01-01T00:00:00Z",
                "affected": [
                    {
                        "package": {"ecosystem": "PyPI", "name": "demo"},
                        "ranges": [
                            {
                                "type": "GIT",
                                "repo": "https://example.invalid/demo",
                                "events": [{"introduced": "0"}, {"fixed": "a" * 40}],
                            }
                        ],
                    }
                ],
            }
        ),
        where="test",
    )
    inventory = with_purls(Inventory(os=None, packages=(pkg(PackageType.PYTHON, "demo", "1.0"),)))
    result = match_inventory(inventory, RecordList(record), lookup)
    assert result.findings == ()
    assert [("OSV-GIT-1" in n.reason and "GIT" in n.reason) for n in result.notes] == [True]
