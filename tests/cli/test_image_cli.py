"""``hullguard image inspect`` on the real sample image."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_sbom_cli import run
from tests.conftest import SampleImages

pytestmark = pytest.mark.xdist_group("images")


def test_inspect_json_shows_layers_history_and_config(sample_images: SampleImages, tmp_path: Path) -> None:
    result = run(
        "image", "inspect", "-q", "-f", "json", f"docker-archive:{sample_images.archive}", cache=tmp_path
    )
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["repoTags"] == ["hullguard-test/sample:1"]
    assert info["config"]["User"] == "1000:1000"
    assert len(info["layers"]) == 7
    assert any("rm -rf PyJWT" in layer["createdBy"] for layer in info["layers"])
    assert all(layer["size"] > 0 for layer in info["layers"])
    assert any(entry.get("empty_layer") for entry in info["history"])


def test_inspect_table(sample_images: SampleImages, tmp_path: Path) -> None:
    result = run("image", "inspect", "-q", f"oci-layout:{sample_images.oci_base}:sample", cache=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Layers" in result.stdout and "npm install" in result.stdout and "History" in result.stdout


def test_inspect_refuses_a_directory(tmp_path: Path) -> None:
    result = run("image", "inspect", f"rootfs:{tmp_path}", cache=tmp_path)
    assert result.returncode == 2 and "not an image" in result.stderr
