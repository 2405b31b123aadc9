"""``hullguard audit docker`` on the real engine: statuses, check selection, gates, errors."""

from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.test_sbom_cli import run
from tests.conftest import SampleImages, podman_available, require

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
        "5.4",
        "--checks",
        "container.docker-socket",
        "--exit-code",
        "4",
        cache=tmp_path,
    )
    assert result.returncode == 4, result.stderr
    statuses = _statuses(result.stdout, risky)
    assert statuses == {"5.4": "FAIL", "5.32": "FAIL"}, result.stdout[-3000:]


def test_exclude_and_table(risky: str, tmp_path: Path) -> None:
    result = run("audit", "docker", "--exclude", "5.30", cache=tmp_path, env={"COLUMNS": "200"})
    assert result.returncode == 0, result.stderr
    assert risky in result.stdout and "5.30 " not in result.stdout and "FAIL" in result.stdout


def test_unreachable_daemon_is_a_clear_error(tmp_path: Path) -> None:
    result = run("audit", "docker", cache=tmp_path, env={"DOCKER_HOST": f"unix://{tmp_path}/none.sock"})
    assert result.returncode == 3
    assert "Docker engine" in result.stderr and "Traceback" not in result.stderr


def test_no_check_left(tmp_path: Path) -> None:
    result = run("audit", "docker", "--checks", "9.99", cache=tmp_path)
    assert result.returncode == 2 and "no check left" in result.stderr


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit", "html", "table"])
def test_every_format_to_a_file(risky: str, tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"audit.{fmt}"
    result = run("audit", "docker", "-f", fmt, "-o", str(target), "--checks", "5", cache=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    text = target.read_text(encoding="utf-8")
    assert risky in text and "5.32" in text
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp file left


def test_unreachable_daemon_still_audits_the_host(tmp_path: Path) -> None:
    result = run("audit", "docker", "-f", "json", "--checks", "1.1.2", "--checks", "2.2", "--checks", "5.1",
                 cache=tmp_path, env={"DOCKER_HOST": f"unix://{tmp_path}/none.sock"})  # fmt: skip
    assert result.returncode == 3
    assert "engine checks were skipped, host checks ran" in result.stderr
    statuses = {r["cis_id"]: r["status"] for r in json.loads(result.stdout)["results"]}
    assert statuses["5.1"] == "SKIP"
    assert statuses["1.1.2"] in {"PASS", "WARN"}  # read from this host's /etc/group
    assert statuses["2.2"] == "SKIP"  # no dockerd serves that socket


def test_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    result = run("audit", "docker", "-f", "xml", cache=tmp_path)
    assert result.returncode == 2 and "unknown audit format 'xml'" in result.stderr


@pytest.fixture(scope="module")
def podman_container() -> Iterator[str]:
    """A running Podman container with a capability added, through podman's own CLI.

    Explicit nofile/nproc limits: Podman raises both to its own maximum by default, which a
    sandboxed host (like the development one) refuses with "error setting rlimit".
    """
    require(podman_available(), "the Podman API service")
    name = f"hg-audit-podman-{uuid.uuid4().hex[:8]}"
    limits = ["--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"]
    command = ["podman", "run", "-d", "--name", name, *limits, "--cap-add", "SYS_ADMIN"]
    subprocess.run(
        [*command, "localhost/hullguard-test/sample:1", "sleep", "300"], check=True, capture_output=True
    )
    yield name
    subprocess.run(["podman", "rm", "-f", "-t", "0", name], check=False, capture_output=True)


def test_podman_audits_containers_and_skips_docker_only_checks(podman_container: str, tmp_path: Path) -> None:
    result = run("audit", "podman", "-f", "json", cache=tmp_path)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["engine"] == "podman"
    mine = {r["cis_id"]: r for r in document["results"] if r["target"] == podman_container}
    assert mine["5.4"]["status"] == "FAIL" and "SYS_ADMIN" in mine["5.4"]["evidence"]
    assert mine["5.5"]["status"] == "PASS"
    others = {r["cis_id"]: r for r in document["results"] if r["target_kind"] != "container"}
    for cis in ("1.1.1", "2.2", "3.16", "5.1", "7.1"):
        assert others[cis]["status"] == "SKIP", others[cis]
    assert "Docker-only" in others["2.2"]["evidence"]
    images = {r["target"] for r in document["results"] if r["cis_id"] == "4.6"}
    assert "localhost/hullguard-test/sample:1" in images
