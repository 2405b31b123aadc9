"""``hullguard sbom`` on images pulled from real local registries (anonymous and htpasswd)."""

from __future__ import annotations

import base64
import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.cli.test_sbom_cli import packages, run
from tests.conftest import SampleImages, require

pytestmark = [pytest.mark.registry, pytest.mark.xdist_group("images")]


def _registry(variable: str) -> str:
    value = os.environ.get(variable, "")
    require(bool(value), f"the registry named by {variable} (make services)")
    return value


def _push(sample_images: SampleImages, dest: str, *extra: str) -> None:
    subprocess.run(
        [
            "skopeo",
            "copy",
            "-q",
            "--dest-tls-verify=false",
            *extra,
            f"oci:{sample_images.oci_zstd}:final",
            f"docker://{dest}",
        ],
        check=True,
    )


def test_anonymous_registry_pull_matches_the_archive(sample_images: SampleImages, tmp_path: Path) -> None:
    host = _registry("HULLGUARD_TEST_REGISTRY")
    _push(sample_images, f"{host}/hullguard-test/sample:zstd")
    pulled = run(
        "sbom", "-q", "-f", "json", "--no-cache", f"{host}/hullguard-test/sample:zstd", cache=tmp_path
    )
    local = run(
        "sbom", "-q", "-f", "json", "--no-cache", f"docker-archive:{sample_images.archive}", cache=tmp_path
    )
    assert packages(pulled) == packages(local)
    document = json.loads(pulled.stdout)
    assert document["image"]["repoDigests"][0].startswith(f"{host}/hullguard-test/sample@sha256:")


def test_auth_registry_uses_docker_config(sample_images: SampleImages, tmp_path: Path) -> None:
    host = _registry("HULLGUARD_TEST_AUTH_REGISTRY")
    user, password = os.environ["HULLGUARD_TEST_AUTH_USER"], os.environ["HULLGUARD_TEST_AUTH_PASSWORD"]
    _push(sample_images, f"{host}/hullguard-test/sample:auth", "--dest-creds", f"{user}:{password}")
    ref = f"{host}/hullguard-test/sample:auth"

    refused = run("sbom", "-q", ref, cache=tmp_path, env={"DOCKER_CONFIG": str(tmp_path / "none")})
    assert refused.returncode == 3
    assert host in refused.stderr and "Traceback" not in refused.stderr

    config = tmp_path / "docker"
    config.mkdir()
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    (config / "config.json").write_text(json.dumps({"auths": {host: {"auth": token}}}))
    allowed = run("sbom", "-q", "-f", "json", ref, cache=tmp_path, env={"DOCKER_CONFIG": str(config)})
    assert {"libc6", "express"} <= {name for name, _, _ in packages(allowed)}
