"""``hullguard harden`` proposals, run for real: the image must start, stay up and be healthy.

For each test image: ask the CLI for ``--format docker``, split the emitted command as a shell
would, run it on the engine (only the container name, our own network and a free host port are
changed), then check health, an HTTP answer where there is a server, the container's settings,
and what ``hullguard audit docker`` says about them.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from typer.testing import CliRunner

from hullguard.cli import app
from tests.conftest import docker_available, require

pytestmark = [pytest.mark.engine, pytest.mark.xdist_group("engine")]

runner = CliRunner()
AUDITED = (
    "container.user",
    "container.capabilities",
    "container.memory",
    "container.read-only-rootfs",
    "container.no-new-privileges",
    "container.pids-limit",
    "container.bind-address",
)


@dataclass(frozen=True)
class Started:
    """A container started from a proposal."""

    name: str
    argv: list[str]
    inspect: dict[str, Any]


def _docker(*args: str) -> str:
    return subprocess.run(["docker", *args], check=True, capture_output=True, text=True).stdout


def _proposal_argv(tag: str, name: str) -> list[str]:
    result = runner.invoke(app, ["harden", f"docker:{tag}", "-f", "docker", "--name", name, "-q"])
    assert result.exit_code == 0, result.output
    argv = shlex.split(result.stdout.replace("\\\n", ""))  # a shell joins continued lines
    assert argv[:2] == ["docker", "run"] and argv[-1] == tag
    return argv


def _runnable(argv: list[str], network: str) -> list[str]:
    """Our network, and a free host port for each ``--publish ip:port:port/proto``."""
    out = [*argv[:-1], "--network", network]
    for i, arg in enumerate(out):
        if i and out[i - 1] == "--publish":
            ip, _, rest = arg.split(":", 2)[0], None, arg.split(":", 2)[2]
            out[i] = f"{ip}::{rest}"
    return [*out, argv[-1]]


def _wait_healthy(name: str, timeout: float = 40.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        info: dict[str, Any] = json.loads(_docker("inspect", name))[0]
        state = info["State"]
        health = (state.get("Health") or {}).get("Status")
        if health == "healthy" or (health is None and state["Running"]):
            return info
        if not state["Running"] or health == "unhealthy" or time.monotonic() > deadline:
            logs = subprocess.run(["docker", "logs", name], capture_output=True, text=True, check=False)
            pytest.fail(f"{name}: state {state['Status']} health {health}: {logs.stdout}{logs.stderr}")
        time.sleep(0.5)


@pytest.fixture
def start(test_network: str) -> Iterator[Any]:
    require(docker_available(), "the Docker engine")
    names: list[str] = []

    def run(tag: str) -> Started:
        name = f"hg-harden-{uuid.uuid4().hex[:8]}"
        names.append(name)
        argv = _proposal_argv(tag, name)
        subprocess.run(_runnable(argv, test_network), check=True, capture_output=True, text=True)
        _wait_healthy(name)
        time.sleep(3)  # it must stay up, not just start
        info = _wait_healthy(name, timeout=10)
        assert info["State"]["Running"] and info["RestartCount"] == 0
        return Started(name, argv, info)

    yield run
    for name in names:
        subprocess.run(["docker", "rm", "-f", "-v", name], capture_output=True, check=False)
        volumes = _docker("volume", "ls", "-q", "--filter", f"name={name}-").split()
        if volumes:
            subprocess.run(["docker", "volume", "rm", *volumes], capture_output=True, check=False)


def _audit(name: str) -> dict[str, str]:
    """Check id -> status for our container, from ``hullguard audit docker -f json``."""
    args = ["audit", "docker", "-f", "json"]
    for check in AUDITED:
        args += ["--checks", check]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    return {r["check_id"]: r["status"] for r in document["results"] if r["target"] == name}


def _http_get(info: dict[str, Any], port: str) -> bytes:
    binding = info["NetworkSettings"]["Ports"][port][0]
    assert binding["HostIp"] == "127.0.0.1"
    with urllib.request.urlopen(f"http://127.0.0.1:{binding['HostPort']}/", timeout=5) as answer:
        body: bytes = answer.read()
    return body


def _assert_hardened(info: dict[str, Any]) -> None:
    host = info["HostConfig"]
    assert host["ReadonlyRootfs"] is True
    assert host["CapDrop"] == ["ALL"]
    assert "no-new-privileges:true" in host["SecurityOpt"]
    assert host["Memory"] == 512 * 1024 * 1024 and host["MemorySwap"] == host["Memory"]
    assert host["PidsLimit"] == 256 and host["NanoCpus"] == 1_000_000_000
    assert host["RestartPolicy"] == {"Name": "on-failure", "MaximumRetryCount": 5}


def test_non_root_web_server_runs_hardened_and_healthy(harden_images: dict[str, str], start: Any) -> None:
    started = start(harden_images["web"])
    info = started.inspect
    _assert_hardened(info)
    assert info["Config"]["User"] == "web"
    assert info["HostConfig"]["CapAdd"] is None
    assert b"Directory listing" in _http_get(info, "8000/tcp")
    uid = _docker("exec", started.name, "id", "-u").strip()
    assert uid == "10001"
    audit = _audit(started.name)
    assert audit == {cis: "PASS" for cis in AUDITED}


def test_root_image_with_volume_keeps_root_without_capabilities(
    harden_images: dict[str, str], start: Any
) -> None:
    started = start(harden_images["rootvol"])
    info = started.inspect
    _assert_hardened(info)
    assert info["State"]["Health"]["Status"] == "healthy"
    mounts = {m["Destination"]: m for m in info["Mounts"]}
    assert mounts["/data"]["Type"] == "volume" and mounts["/data"]["Name"] == f"{started.name}-data"
    assert set(info["HostConfig"]["Tmpfs"]) >= {"/tmp", "/run"}
    status = _docker("exec", started.name, "grep", "CapEff", "/proc/1/status")
    assert status.split()[-1] == "0000000000000000"
    write = subprocess.run(
        ["docker", "exec", started.name, "touch", "/etc/x"], capture_output=True, check=False
    )
    assert write.returncode != 0 and b"Read-only file system" in write.stderr
    audit = _audit(started.name)
    assert audit.pop("container.user") == "FAIL"  # kept root, and the proposal says why
    assert audit == {check: "PASS" for check in AUDITED if check != "container.user"}


def test_root_image_on_port_80_runs_as_assumed_uid(harden_images: dict[str, str], start: Any) -> None:
    started = start(harden_images["rootweb"])
    info = started.inspect
    _assert_hardened(info)
    assert info["Config"]["User"] == "65532:65532"
    assert [c.removeprefix("CAP_") for c in info["HostConfig"]["CapAdd"]] == ["NET_BIND_SERVICE"]
    assert b"Directory listing" in _http_get(info, "80/tcp")
    assert _docker("exec", started.name, "id", "-u").strip() == "65532"
    audit = _audit(started.name)
    assert audit == {cis: "PASS" for cis in AUDITED}
