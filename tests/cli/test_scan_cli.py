"""``hullguard scan`` end to end: a real database imported by ``hullguard db import``, real images."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.cli.test_sbom_cli import run
from tests.conftest import SampleImages

pytestmark = pytest.mark.xdist_group("images")

ECOSYSTEMS = ("PyPI", "npm", "Debian", "Alpine")


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory, shared_dir: Path) -> Path:
    """A cache directory whose database holds the real PyPI, npm, Debian and Alpine advisories."""
    root = tmp_path_factory.mktemp("scan-cache")
    zips = [str(shared_dir / "data" / "osv" / eco / "all.zip") for eco in ECOSYSTEMS]
    result = run("db", "import", *zips, cache=root)
    assert result.returncode == 0, result.stderr
    return root


def vulns(result: subprocess.CompletedProcess[str]) -> dict[tuple[str, str], dict[str, object]]:
    assert result.returncode in (0, 1), result.stderr
    document = json.loads(result.stdout)
    return {(v["package"]["name"], v["id"]): v for r in document["results"] for v in r["vulnerabilities"]}


def test_scan_image_finds_the_old_python_packages(sample_images: SampleImages, cache: Path) -> None:
    found = vulns(run("scan", "-q", "-f", "json", f"docker-archive:{sample_images.archive}", cache=cache))
    assert ("requests", "CVE-2023-32681") in found
    assert found[("requests", "CVE-2023-32681")]["fixed_versions"] == ["2.31.0"]
    assert ("urllib3", "CVE-2021-33503") in found
    assert ("certifi", "CVE-2022-23491") in found
    assert not any(name == "PyJWT" for name, _ in found), "PyJWT was deleted by a later layer"
    layer = found[("requests", "CVE-2023-32681")]["layer"]
    assert isinstance(layer, dict) and "pip install" in str(layer["created_by"])


def test_exit_code_gate_and_severity_filter(sample_images: SampleImages, cache: Path) -> None:
    ref = f"oci-layout:{sample_images.oci_gzip}:final"
    gated = run("scan", "-q", "-f", "json", "--exit-code", "5", ref, cache=cache)
    assert gated.returncode == 5
    none_left = run(
        "scan",
        "-q",
        "-f",
        "json",
        "--exit-code",
        "5",
        "--severity",
        "CRITICAL",
        "--ignore-unfixed",
        "--ignorefile",
        "/dev/null",
        ref,
        cache=cache,
    )
    assert none_left.returncode in (0, 5)
    remaining = vulns(run("scan", "-q", "-f", "json", "--severity", "CRITICAL", ref, cache=cache))
    assert all(v["severity"] == "CRITICAL" for v in remaining.values())


def test_scan_sbom_and_fs_agree_with_image(sample_images: SampleImages, cache: Path, tmp_path: Path) -> None:
    cdx = tmp_path / "sample.cdx.json"
    made = run(
        "sbom",
        "-q",
        "-f",
        "cyclonedx",
        "-o",
        str(cdx),
        f"docker-archive:{sample_images.archive}",
        cache=cache,
    )
    assert made.returncode == 0, made.stderr
    from_image = set(
        vulns(run("scan", "-q", "-f", "json", f"docker-archive:{sample_images.archive}", cache=cache))
    )
    from_sbom = set(vulns(run("scan", "-q", "-f", "json", "sbom", str(cdx), cache=cache)))
    assert from_sbom == from_image
    project = tmp_path / "project"
    project.mkdir()
    lock = Path(__file__).resolve().parents[1] / "fixtures" / "analyze" / "python" / "poetry.lock"
    (project / "poetry.lock").write_bytes(lock.read_bytes())
    fs = run("scan", "-q", "-f", "json", "fs", str(project), cache=cache)
    assert fs.returncode == 0, fs.stderr
    assert json.loads(fs.stdout)["artifact"]["name"].endswith("project")


def test_missing_database_says_what_to_do(tmp_path: Path) -> None:
    result = run("scan", "-q", "docker-archive:/nonexistent.tar", cache=tmp_path)
    assert result.returncode == 3
    assert "hullguard db update" in result.stderr and "Traceback" not in result.stderr


def test_ignorefile_suppresses_with_reason(sample_images: SampleImages, cache: Path, tmp_path: Path) -> None:
    ignore = tmp_path / "ignore.yaml"
    ignore.write_text("ignore:\n  - id: CVE-2023-32681\n    reason: we never follow cross-host redirects\n")
    result = run(
        "scan",
        "-q",
        "-f",
        "json",
        "--ignorefile",
        str(ignore),
        f"docker-archive:{sample_images.archive}",
        cache=cache,
    )
    document = json.loads(result.stdout)
    assert ("requests", "CVE-2023-32681") not in vulns(result)
    assert any("cross-host" in json.dumps(s) for s in document["suppressed"])


@pytest.mark.parametrize("fmt", ["table", "sarif", "cyclonedx", "html", "junit"])
def test_every_report_format_names_the_findings(
    sample_images: SampleImages, cache: Path, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"report.{fmt}"
    result = run(
        "scan", "-q", "-f", fmt, "-o", str(out), f"docker-archive:{sample_images.archive}", cache=cache
    )
    assert result.returncode == 0, result.stderr
    text = out.read_text()
    assert "CVE-2023-32681" in text and "requests" in text
