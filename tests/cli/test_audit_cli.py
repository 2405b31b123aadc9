"""``hullguard audit docker`` on the real engine: statuses, check selection, gates, errors."""

from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.test_sbom_cli import run
from tests.conftest import SampleImages

pytestmark = pytest.mark.xdist_group("engine")


@pytest.fixture(scope="module")
def risky(sample_images: SampleImages) -> Iterator[str]:
    """A running container with an added capability and the Docker socket mounted."""
    name = f"hg-audit-cli-{uuid.uuid4().hex[:8]}"
    subprocess.run(
        [
            "docker",
            "run",
            "-d",
            "--name",
            name,
            "--cap-add",
            "SYS_ADMIN",
            "-v",
            "/var/run/docker.sock:/var/run/docker.sock",
            "hullguard-test/sample:1",
            "sleep",
            "300",
        ],
        check=True,
        capture_output=True,
    )
    yield name
    subprocess.run(["docker", "rm", "-f", name], check=False, capture_output=True)


def _statuses(stdout: str, container: str) -> dict[str, str]:
    document = json.loads(stdout)
    return {r["cis_id"]: r["status"] for r in document["results"] if r["target"] == container}


def test_selected_checks_and_exit_code_gate(risky: str, tmp_path: Path) -> None:
    result = run(
        "audit",
        "docker",
        "-f",
        "json",
        "--checks",
        "5.3",
        "--checks",
        "container.docker-socket",
        "--exit-code",
        "4",
        cache=tmp_path,
    )
    assert result.returncode == 4, result.stderr
    statuses = _statuses(result.stdout, risky)
    assert statuses == {"5.3": "FAIL", "5.31": "FAIL"}, result.stdout[-3000:]


def test_exclude_and_table(risky: str, tmp_path: Path) -> None:
    result = run("audit", "docker", "--exclude", "5.29", cache=tmp_path, env={"COLUMNS": "200"})
    assert result.returncode == 0, result.stderr
    assert risky in result.stdout and "5.29 " not in result.stdout and "FAIL" in result.stdout


def test_unreachable_daemon_is_a_clear_error(tmp_path: Path) -> None:
    result = run("audit", "docker", cache=tmp_path, env={"DOCKER_HOST": f"unix://{tmp_path}/none.sock"})
    assert result.returncode == 3
    assert "Docker engine" in result.stderr and "Traceback" not in result.stderr


def test_no_check_left(tmp_path: Path) -> None:
    result = run("audit", "docker", "--checks", "9.99", cache=tmp_path)
    assert result.returncode == 2 and "no check left" in result.stderr
