"""Inventories built from real package data, fixed writer seams and golden-file checks.

* ``alpine_inventory``: Alpine 3.11.5's real apk database and os-release (through the real
  analyzers), plus the real ``Skipped`` note the os-release analyzer makes of a broken file. It
  is small and has real license strings (SPDX ids and free text), so it feeds the goldens.
* ``debian_inventory``: Debian 10's real dpkg status (84 packages) in one layer and every Python
  distribution installed in this virtualenv in a second one. It changes with the venv, so it is
  used for schema validation and round trips, never for goldens.

The image metadata around them (name, digests, layer ids) is made up by this fixture code.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from importlib.metadata import Distribution, distributions
from pathlib import Path
from uuid import UUID

import pytest

from hullguard.analyze import FileHeader, FileInput
from hullguard.analyze.apk import parse_apk_installed
from hullguard.analyze.dpkg import parse_dpkg_status
from hullguard.analyze.os_release import PLUGINS as OS_RELEASE_ANALYZERS
from hullguard.analyze.os_release import parse_os_release
from hullguard.inventory import Inventory, LayerInfo, Location, OSInfo, Package, PackageType
from hullguard.inventory.purl import with_purls
from hullguard.sbom import CycloneDxJsonWriter, SpdxJsonWriter
from tests.goldens import golden_checker

GOLDENS = Path(__file__).resolve().parents[1] / "fixtures" / "sbom"
TOOL_VERSION = "0.0.0-test"
FIXED_TIME = datetime(2020, 3, 23, 12, 0, 0, tzinfo=UTC)
FIXED_UUID = UUID("00000000-0000-4000-8000-000000000000")
_OCI_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
_ADD_ROOTFS = "ADD alpine-minirootfs-3.11.5-x86_64.tar.gz / # buildkit"


def _layer_id(seed: str) -> str:
    return "sha256:" + hashlib.sha256(seed.encode()).hexdigest()


def _file(path: str, content: bytes, diff_id: str) -> FileInput:
    return FileInput(path, FileHeader(size=len(content), mode=0o644), content, diff_id)


def _os(pkgdb: Path, name: str, diff_id: str) -> OSInfo:
    found = parse_os_release(_file("/etc/os-release", (pkgdb / name / "os-release").read_bytes(), diff_id)).os
    assert found is not None
    return found


@pytest.fixture(scope="session")
def pkgdb(shared_dir: Path) -> Path:
    """The real package databases under ``../shared/data/pkgdb``."""
    return shared_dir / "data" / "pkgdb"


@pytest.fixture(scope="session")
def alpine_inventory(pkgdb: Path) -> Inventory:
    """Alpine 3.11.5 as a one-layer image, with one skipped (broken) os-release copy."""
    diff_id = _layer_id("alpine-3.11.5")
    installed = (pkgdb / "apk" / "alpine-3.11.5" / "installed").read_bytes()
    packages = parse_apk_installed(_file("/lib/apk/db/installed", installed, diff_id)).packages
    broken = _file("/usr/lib/os-release", b"NAME=broken\n", diff_id)
    skipped = OS_RELEASE_ANALYZERS[0].analyze(broken).skipped
    assert skipped, "the os-release analyzer should skip a file without ID"
    inventory = Inventory(
        os=_os(pkgdb, "apk/alpine-3.11.5", diff_id),
        packages=packages,
        layers=(LayerInfo(0, diff_id, _layer_id("blob"), _OCI_GZIP, 2_802_957, _ADD_ROOTFS),),
        skipped=skipped,
        image_name="alpine:3.11",
        image_digest=_layer_id("manifest"),
        config_digest=_layer_id("config"),
        repo_tags=("alpine:3.11", "alpine:3.11.5"),
        repo_digests=(f"alpine@{_layer_id('manifest')}",),
        architecture="amd64",
        os_name="linux",
        extra={"created": "2020-03-23T21:19:34.196162891Z", "source": "docker-archive"},
    )
    return with_purls(inventory)


def _licenses(dist: Distribution) -> tuple[str, ...]:
    """What a Python analyzer would read: License-Expression, else a one-line License, else trove."""
    meta = dist.metadata
    if meta["License-Expression"]:
        return (meta["License-Expression"],)
    text = (meta["License"] or "").strip()
    if text and "\n" not in text and len(text) < 80 and text != "UNKNOWN":
        return (text,)
    trove = [c.rpartition(" :: ")[2] for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    return tuple(trove)


def _python_packages(diff_id: str) -> tuple[Package, ...]:
    packages = []
    for dist in distributions():
        name = dist.metadata["Name"]
        if not name:
            continue
        dist_info = f"{name.replace('-', '_')}-{dist.version}.dist-info"
        path = f"/usr/local/lib/python3.11/site-packages/{dist_info}/METADATA"
        packages.append(
            Package(
                name,
                dist.version,
                PackageType.PYTHON,
                Location(path, diff_id),
                "python",
                licenses=_licenses(dist),
            )
        )
    return tuple(sorted(set(packages), key=Package.sort_key))


@pytest.fixture(scope="session")
def debian_inventory(pkgdb: Path) -> Inventory:
    """Debian 10 packages in layer 0, this venv's Python distributions in layer 1."""
    base, app = _layer_id("debian-10"), _layer_id("python-app")
    status = (pkgdb / "dpkg" / "debian-10-buster" / "status").read_bytes()
    debs = parse_dpkg_status(_file("/var/lib/dpkg/status", status, base)).packages
    media = "application/vnd.docker.image.rootfs.diff.tar.gzip"
    inventory = Inventory(
        os=_os(pkgdb, "dpkg/debian-10-buster", base),
        packages=debs + _python_packages(app),
        layers=(
            LayerInfo(0, base, None, media, 27_092_161),
            LayerInfo(1, app, None, media, 1_024, "RUN pip install"),
        ),
        image_name="registry.example/app:1",
        image_digest=_layer_id("app-manifest"),
    )
    return with_purls(inventory)


@pytest.fixture
def fixed_cyclonedx() -> CycloneDxJsonWriter:
    """The CycloneDX writer with a pinned clock and serial number."""
    return CycloneDxJsonWriter(clock=lambda: FIXED_TIME, new_serial=lambda: FIXED_UUID)


@pytest.fixture
def fixed_spdx() -> SpdxJsonWriter:
    """The SPDX writer with a pinned clock and namespace UUID."""
    return SpdxJsonWriter(clock=lambda: FIXED_TIME, new_uuid=lambda: FIXED_UUID)


@pytest.fixture
def golden() -> Callable[[str, str], None]:
    """Compare text with ``tests/fixtures/sbom/<name>``; ``HULLGUARD_UPDATE_GOLDENS=1`` rewrites it."""
    return golden_checker(GOLDENS)
