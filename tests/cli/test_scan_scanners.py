"""``hullguard scan --scanners``: secrets and misconfigurations from the same layer pass as packages."""

from __future__ import annotations

import json
import secrets
import string
from pathlib import Path

import pytest

from tests.cli.test_sbom_cli import run
from tests.conftest import SampleImages

pytestmark = pytest.mark.xdist_group("images")


def _document(*args: str, cache: Path, code: int = 0) -> dict[str, object]:
    result = run("scan", "-q", "-f", "json", *args, cache=cache)
    assert result.returncode == code, result.stderr
    value = json.loads(result.stdout)
    assert isinstance(value, dict)
    return value


def test_secret_in_a_deleted_file_and_image_settings(sample_images: SampleImages, tmp_path: Path) -> None:
    document = _document(
        "--scanners", "secret,misconfig", f"docker-archive:{sample_images.archive}", cache=tmp_path
    )
    assert document["scanners"] == ["secret", "misconfig"]
    assert document["results"] == [], "no vulnerability scan was asked for (and no database exists)"
    found = document["secrets"]
    assert isinstance(found, list)
    npmrc = [s for s in found if s["location"]["path"] == "/root/.npmrc"]
    assert npmrc, found
    assert npmrc[0]["removedIn"] is not None, "deleted by the last layer, still extractable"
    assert npmrc[0]["location"]["layer"]["index"] < npmrc[0]["removedIn"]["index"]
    assert "npm_" in npmrc[0]["redacted"] and "*" in npmrc[0]["redacted"]
    checks = {m["id"] for m in document["misconfigurations"]}  # type: ignore[attr-defined]
    assert "HG-IMG-002" in checks, "the sample image has no HEALTHCHECK"


def test_severity_filter_and_exit_code_cover_every_scanner(
    sample_images: SampleImages, tmp_path: Path
) -> None:
    target = f"docker-archive:{sample_images.archive}"
    gated = run("scan", "-q", "--scanners", "secret", "--exit-code", "4", target, cache=tmp_path)
    assert gated.returncode == 4, gated.stderr
    only_critical = _document("--scanners", "misconfig", "--severity", "CRITICAL", target, cache=tmp_path)
    assert only_critical["misconfigurations"] == []


def test_scan_fs_lints_files_and_honours_inline_ignores(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "Dockerfile").write_text("FROM debian\nRUN apt-get update && apt-get install -y curl\n")
    (project / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostNetwork: true\n"
        "  containers:\n    - name: c\n      image: busybox:1.36\n"
    )
    token = "ghp_" + "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(36))
    (project / "deploy.sh").write_text(f"export GH={token}\nexport GH2={token[:-1]}Y  # hullguard:ignore\n")
    document = _document("--scanners", "secret,misconfig", "fs", str(project), cache=tmp_path / "cache")
    found = document["secrets"]
    assert isinstance(found, list)
    assert [(s["location"]["path"].rsplit("/", 1)[-1], s["location"]["startLine"]) for s in found] == [
        ("deploy.sh", 1)
    ]
    kinds = {m["kind"] for m in document["misconfigurations"]}  # type: ignore[attr-defined]
    assert {"dockerfile", "kubernetes"} <= kinds


def test_sbom_takes_the_vulnerability_scan_only(tmp_path: Path) -> None:
    sbom = tmp_path / "bom.json"
    sbom.write_text('{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": []}')
    result = run("scan", "--scanners", "secret", "sbom", str(sbom), cache=tmp_path)
    assert result.returncode == 2
    assert "only --scanners vuln" in result.stderr
    unknown = run("scan", "--scanners", "vulns", "fs", str(tmp_path), cache=tmp_path)
    assert unknown.returncode == 2 and "unknown scanner 'vulns'" in unknown.stderr


def test_output_to_a_device_writes_through(tmp_path: Path) -> None:
    """``-o /dev/null`` must never replace the device node with a regular file."""
    (tmp_path / "Dockerfile").write_text("FROM debian:12\n")
    result = run("lint", "-o", "/dev/null", str(tmp_path / "Dockerfile"), cache=tmp_path / "cache")
    assert result.returncode == 0, result.stderr
    assert Path("/dev/null").is_char_device()
