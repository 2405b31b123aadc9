"""``hullguard scan sbom`` on SBOMs that syft and trivy wrote for the real sample image.

The peers run offline on the ``docker save`` archive; scanning their SBOMs must find what
scanning the image itself finds for the Python packages. Missing peers fail in CI (``require``).
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from hullguard.vulndb import normalize_name
from tests.cli.test_sbom_cli import run
from tests.conftest import SampleImages, require

pytestmark = pytest.mark.xdist_group("images")

PEER_BIN = Path.home() / ".cache" / "hullguard-bench" / "peers" / "bin"


def _syft() -> Path:
    return Path(os.environ.get("HULLGUARD_SYFT", PEER_BIN / "syft"))


def _trivy() -> Path:
    """trivy sits next to syft (the benchmark installs both into one bin directory)."""
    return _syft().parent / "trivy"


@dataclass(frozen=True)
class Peer:
    """One peer SBOM: which tool writes it, and how."""

    tool: Callable[[], Path]
    args: Callable[[Path, Path], list[str]]
    """(image archive, output file) -> the tool's arguments."""
    exact_names: bool
    """False where the peer rewrites package names, so only PEP 503 forms can agree."""


PEERS = {
    "syft-cyclonedx": Peer(
        _syft, lambda tar, out: ["scan", "-q", "-o", f"cyclonedx-json={out}", f"docker-archive:{tar}"], False
    ),
    "syft-spdx": Peer(
        _syft, lambda tar, out: ["scan", "-q", "-o", f"spdx-json={out}", f"docker-archive:{tar}"], False
    ),
    "trivy-cyclonedx": Peer(
        _trivy,
        lambda tar, out: [
            *(
                "image",
                "--quiet",
                "--format",
                "cyclonedx",
                "--scanners",
                "license",
                "--cache-backend",
                "memory",
            ),
            *("--skip-db-update", "--skip-java-db-update", "--offline-scan", "--skip-version-check"),
            *("--input", str(tar), "-o", str(out)),
        ],
        True,
    ),
}
"""syft 1.x writes Python names as PEP 503 normalises them (``flask``, ``jinja2``, where the image's
METADATA says ``Flask``, ``Jinja2``); trivy keeps the METADATA spelling."""

Pairs = set[tuple[str, str]]


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory, shared_dir: Path) -> Path:
    """A cache directory whose database holds the real PyPI advisories."""
    root = tmp_path_factory.mktemp("peer-scan-cache")
    result = run("db", "import", str(shared_dir / "data" / "osv" / "PyPI" / "all.zip"), cache=root)
    assert result.returncode == 0, result.stderr
    return root


def python_pairs(result: subprocess.CompletedProcess[str]) -> Pairs:
    """(package, vulnerability id) of every finding in the Python results of a JSON report."""
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    return {
        (v["package"]["name"], v["id"])
        for r in document["results"]
        if r["type"] == "python"
        for v in r["vulnerabilities"]
    }


def pep503(pairs: Pairs) -> Pairs:
    return {(normalize_name("PyPI", name), vuln) for name, vuln in pairs}


@pytest.fixture(scope="module")
def image_pairs(sample_images: SampleImages, cache: Path) -> Pairs:
    """What hullguard finds scanning the image itself."""
    return python_pairs(
        run("scan", "-q", "-f", "json", f"docker-archive:{sample_images.archive}", cache=cache)
    )


@pytest.mark.parametrize("peer", PEERS.values(), ids=PEERS.keys())
def test_peer_sbom_scan_finds_what_the_image_scan_finds(
    sample_images: SampleImages, cache: Path, image_pairs: Pairs, tmp_path: Path, peer: Peer
) -> None:
    tool = peer.tool()
    require(tool.is_file() and os.access(tool, os.X_OK), f"the peer {tool}")
    sbom = tmp_path / "peer.sbom.json"
    made = subprocess.run(
        [str(tool), *peer.args(sample_images.archive, sbom)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert made.returncode == 0 and sbom.is_file(), made.stderr
    found = python_pairs(run("scan", "-q", "-f", "json", "sbom", str(sbom), cache=cache))
    assert ("requests", "CVE-2023-32681") in found
    assert ("urllib3", "CVE-2021-33503") in found
    assert pep503(found) == pep503(image_pairs)
    if peer.exact_names:
        assert found == image_pairs
