"""Daemon-level checks (sections 2, 5.1 and 7) against two real dockerd started for the test.

``configured`` has a daemon.json that changes every setting section 2 reads; ``default`` has an
empty one and is turned into a one-node swarm with one plain and one encrypted overlay network.
Each row below asserts how the same check tells the two daemons apart.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from hullguard.audit import (
    CheckResult,
    EngineKind,
    GatherOptions,
    HostRoot,
    build_checks,
    connect,
    gather,
    resolve_endpoint,
    run_checks,
)
from tests.audit.cli import run_cli as run
from tests.audit.second_daemon import SecondDaemon, can_start
from tests.conftest import require

pytestmark = [pytest.mark.engine, pytest.mark.xdist_group("engine")]

CONFIGURED = {
    "icc": False,
    "live-restore": True,
    "userland-proxy": False,
    "no-new-privileges": True,
    "log-level": "debug",
    "insecure-registries": ["10.9.8.7:5000"],
    "default-ulimits": {"nofile": {"Name": "nofile", "Hard": 2048, "Soft": 1024}},
}

Results = dict[tuple[str, str], CheckResult]


def _audit(daemon: SecondDaemon) -> Results:
    endpoint = resolve_endpoint(EngineKind.DOCKER, host=daemon.socket, context=None, env={}, home=Path("/"))
    options = GatherOptions(EngineKind.DOCKER, endpoint.url, HostRoot(Path("/")))
    facts = gather(lambda: connect(endpoint, engine=EngineKind.DOCKER, timeout=30), options)
    assert not facts.notes, facts.notes
    return {(r.cis_id, r.target): r for r in run_checks(facts, build_checks())}


@pytest.fixture(scope="module")
def daemons() -> Iterator[dict[str, SecondDaemon]]:
    """Both daemons, started in parallel; stopped and cleaned up even when a step fails."""
    require(can_start(), "root, dockerd, unshare and ip to start a second dockerd")
    started = {"configured": SecondDaemon(CONFIGURED), "default": SecondDaemon({})}
    try:
        for daemon in started.values():
            daemon.start()
        for daemon in started.values():
            daemon.wait_ready()
        swarm = started["default"]
        swarm.docker("swarm", "init", "--advertise-addr", "127.0.0.1", "--listen-addr", "127.0.0.1:2377")
        swarm.docker("network", "create", "-d", "overlay", "hg-plain")
        swarm.docker("network", "create", "-d", "overlay", "--opt", "encrypted", "hg-encrypted")
        yield started
    finally:
        for daemon in started.values():
            daemon.stop()


@pytest.fixture(scope="module")
def audited(daemons: dict[str, SecondDaemon]) -> dict[str, Results]:
    return {name: _audit(daemon) for name, daemon in daemons.items()}


ROWS = [
    # cis, target, configured, default
    ("2.2", "daemon", "PASS", "FAIL"),
    ("2.3", "daemon", "FAIL", "PASS"),
    ("2.4", "daemon", "PASS", "PASS"),
    ("2.5", "daemon", "FAIL", "PASS"),
    ("2.7", "daemon", "PASS", "PASS"),
    ("2.8", "daemon", "PASS", "INFO"),
    ("2.10", "daemon", "PASS", "PASS"),
    ("2.14", "daemon", "PASS", "FAIL"),
    ("2.15", "daemon", "PASS", "PASS"),  # default: swarm mode, with which live-restore is incompatible
    ("2.16", "daemon", "PASS", "FAIL"),
    ("2.17", "daemon", "PASS", "PASS"),
    ("2.18", "daemon", "PASS", "PASS"),
    ("5.1", "daemon", "PASS", "WARN"),
    ("7.1", "swarm", "PASS", "PASS"),
    ("7.2", "swarm", "PASS", "PASS"),  # listening on 127.0.0.1:2377 in the daemon's namespace
    ("7.5", "swarm", "PASS", "FAIL"),  # no --autolock
]


@pytest.mark.parametrize(("cis", "target", "configured", "default"), ROWS, ids=[r[0] for r in ROWS])
def test_check_tells_the_two_daemons_apart(
    audited: dict[str, Results], cis: str, target: str, configured: str, default: str
) -> None:
    got = (audited["configured"][(cis, target)], audited["default"][(cis, target)])
    assert (got[0].status.value, got[1].status.value) == (configured, default), [r.evidence for r in got]


def test_evidence_names_where_the_setting_came_from(
    audited: dict[str, Results], daemons: dict[str, SecondDaemon]
) -> None:
    configured, default = audited["configured"], audited["default"]
    assert configured[("2.2", "daemon")].evidence == f"icc=false ({daemons['configured'].config_file})"
    assert "10.9.8.7:5000" in configured[("2.5", "daemon")].evidence
    assert "swarm mode is active" in default[("2.15", "daemon")].evidence


def test_file_checks_follow_the_running_daemon(
    audited: dict[str, Results], daemons: dict[str, SecondDaemon]
) -> None:
    for name, daemon in daemons.items():
        results = audited[name]
        config = str(daemon.config_file)
        socket = daemon.socket.removeprefix("unix://")
        assert results[("3.17", config)].status.value == "PASS"
        assert results[("3.18", config)].status.value == "PASS"
        assert results[("3.16", socket)].status.value == "PASS"
        assert results[("1.1.11", config)].status.value in {"PASS", "FAIL"}


def test_overlay_networks_are_judged_one_by_one(audited: dict[str, Results]) -> None:
    default = audited["default"]
    assert default[("7.3", "hg-plain")].status.value == "FAIL"
    assert default[("7.3", "hg-encrypted")].status.value == "PASS"
    assert audited["configured"][("7.3", "swarm")].status.value == "PASS"


def test_docker_context_selects_the_daemon(daemons: dict[str, SecondDaemon], tmp_path: Path) -> None:
    """A context written the way ``docker context create`` writes it, used by name and by env."""

    config = tmp_path / "docker-config"
    meta = config / "contexts" / "meta" / hashlib.sha256(b"hg-second").hexdigest()
    meta.mkdir(parents=True)
    endpoint = {"docker": {"Host": daemons["configured"].socket, "SkipTLSVerify": False}}
    (meta / "meta.json").write_text(json.dumps({"Name": "hg-second", "Metadata": {}, "Endpoints": endpoint}))
    env = {"DOCKER_CONFIG": str(config), "DOCKER_HOST": ""}
    by_flag = run("audit", "docker", "--context", "hg-second", "--checks", "2.15", "-f", "json",
                  cache=tmp_path, env=env)  # fmt: skip
    by_env = run("audit", "docker", "--checks", "2.15", "-f", "json", cache=tmp_path,
                 env={**env, "DOCKER_CONTEXT": "hg-second"})  # fmt: skip
    for result in (by_flag, by_env):
        assert result.returncode == 0, result.stderr
        document = json.loads(result.stdout)
        assert document["endpoint"] == daemons["configured"].socket
        assert [r["evidence"] for r in document["results"]] == ["LiveRestoreEnabled=true"]
    missing = run("audit", "docker", "--context", "nope", cache=tmp_path, env=env)
    assert missing.returncode == 2 and "docker context 'nope' not found" in missing.stderr


def test_unreadable_socket_for_a_non_member_is_a_clear_error(
    daemons: dict[str, SecondDaemon], tmp_path: Path
) -> None:
    """Run the CLI as ``nobody``: the 0660 root:docker socket refuses it; host checks still run."""
    require(os.path.exists("/usr/bin/setpriv"), "setpriv (util-linux)")
    tmp_path.chmod(0o777)
    result = run("audit", "docker", "-H", daemons["configured"].socket, "-f", "json", "--checks", "1.2.1",
                 "--checks", "2.15", cache=tmp_path, runner=("setpriv", "--reuid=nobody", "--regid=nogroup",
                 "--clear-groups"))  # fmt: skip
    assert result.returncode == 3, result.stderr
    assert "permission denied" in result.stderr and "Traceback" not in result.stderr
    statuses = {r["cis_id"]: r["status"] for r in json.loads(result.stdout)["results"]}
    assert statuses == {"1.2.1": "INFO", "2.15": "SKIP"}
