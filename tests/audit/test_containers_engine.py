"""The container audit against running containers on the real Docker Engine.

Containers of the sample image run ``sleep 300``: an insecure root one that shares every host
namespace, adds SYS_ADMIN and mounts the Engine socket; a privileged one; one that publishes
ports (which needs the bridge network, hence a container of its own); and a hardened one.

``--privileged`` runs as the image's user (1000) rather than root: a root privileged container
needs every capability in dockerd's own bounding set, and sandboxed engines (like the one this
suite runs on in development) lack some, so runc refuses with "unable to apply caps".
Other containers may run on the same Engine, so assertions only look at ours.
"""

from __future__ import annotations

import fcntl
import json
import subprocess
import tempfile
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import docker
import pytest

from hullguard.audit import (
    PLUGINS,
    CheckResult,
    ContainerApi,
    Status,
    audit_containers,
    collect_containers,
)
from tests.cli.test_sbom_cli import HULLGUARD
from tests.conftest import docker_available, require

pytestmark = [pytest.mark.engine, pytest.mark.xdist_group("engine")]

IMAGE = "hullguard-test/sample:1"
SOCKET = "unix:///var/run/docker.sock"
LOCK = Path(tempfile.gettempdir()) / "hullguard-audit-engine-ports.lock"

INSECURE = (
    "--user", "root", "--cap-add", "SYS_ADMIN",
    "-v", "/var/run/docker.sock:/var/run/docker.sock",
    "--pid", "host", "--network", "host", "--ipc", "host", "--uts", "host",
)  # fmt: skip
PRIVILEGED = ("--privileged",)
PUBLISHED = ("-p", "0.0.0.0:2222:22", "-p", "80:8080")
HARDENED = (
    "--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges", "--user", "1000",
    "--memory", "64m", "--cpu-shares", "512", "--pids-limit", "100", "--restart", "on-failure:5",
    "--health-cmd", "true", "--health-interval", "2s",
)  # fmt: skip

ROLES: Mapping[str, tuple[str, ...]] = {
    "insecure": INSECURE,
    "privileged": PRIVILEGED,
    "published": PUBLISHED,
    "hardened": HARDENED,
}

P, F, S = Status.PASS, Status.FAIL, Status.SKIP
INFO = Status.INFO

EXPECTED: Mapping[str, tuple[Status, Status, Status, Status]] = {
    # check id                       insecure privileged published hardened
    "container.user":                (F, P, P, P),
    "container.capabilities":        (F, F, P, P),
    "container.privileged":          (P, F, P, P),
    "container.sensitive-mounts":    (P, P, P, P),
    "container.sshd":                (S, S, S, S),
    "container.privileged-ports":    (P, P, F, P),
    "container.host-network":        (F, P, P, P),
    "container.memory":              (F, F, F, P),
    "container.cpu-shares":          (F, F, F, P),
    "container.read-only-rootfs":    (F, F, F, P),
    "container.bind-address":        (P, P, F, P),
    "container.restart-policy":      (P, P, P, P),
    "container.host-pid":            (F, P, P, P),
    "container.host-ipc":            (F, P, P, P),
    "container.host-devices":        (P, INFO, P, P),
    "container.mount-propagation":   (P, P, P, P),
    "container.host-uts":            (F, P, P, P),
    "container.seccomp":             (P, F, P, P),
    "container.cgroup-parent":       (P, P, P, P),
    "container.no-new-privileges":   (F, F, F, P),
    "container.health-check":        (F, F, F, P),
    "container.pids-limit":          (F, F, F, P),
    "container.default-bridge":      (P, INFO, INFO, INFO),
    "container.host-userns":         (P, P, P, P),
    "container.docker-socket":       (F, P, P, P),
    "container.open-ports":          (P, P, INFO, P),
    "container.ulimits":             (P, P, P, P),
    "container.latest-image":        (P, P, P, P),
}  # fmt: skip
"""Check id -> status per role, in ``ROLES`` order. AppArmor (5.2) and SELinux (5.3) are left out: they
depend on the host."""


def _docker(*args: str) -> str:
    done = subprocess.run(["docker", *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise AssertionError(f"docker {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout.strip()


def _run(name: str, options: Sequence[str]) -> str:
    return _docker("run", "-d", "--name", name, *options, IMAGE, "sleep", "300")


@pytest.fixture(scope="module")
def engine() -> Iterator[docker.DockerClient]:
    require(docker_available(), "the Docker engine")
    client = docker.DockerClient(base_url=SOCKET)
    yield client
    client.close()


@pytest.fixture(scope="module")
def containers(engine: docker.DockerClient) -> Iterator[dict[str, str]]:
    """Role -> container name; every container started is removed, even if a later one fails.

    Host ports 2222 and 80 are fixed, so two workers (or two checkouts) must not hold these
    containers at once: a file lock serialises the fixture. The lock is needed because
    ``--dist loadgroup`` does not currently keep the ``engine`` group on one worker.
    """
    suffix = uuid.uuid4().hex[:8]
    started: list[str] = []
    with LOCK.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            names: dict[str, str] = {}
            for role, options in ROLES.items():
                names[role] = f"hg-audit-{role}-{suffix}"
                started.append(names[role])
                _run(names[role], options)
            yield names
        finally:
            subprocess.run(["docker", "rm", "-f", *started], capture_output=True, check=False)


@pytest.fixture(scope="module")
def results(engine: docker.DockerClient, containers: dict[str, str]) -> dict[tuple[str, str], CheckResult]:
    """(role, check id) -> result, from one real collection and audit."""
    facts, _ = collect_containers(engine)
    roles = {name: role for role, name in containers.items()}
    ours = [f for f in facts if f.name in roles]
    assert sorted(f.name for f in ours) == sorted(roles)
    return {(roles[r.target], r.check_id): r for r in audit_containers(ours, PLUGINS)}


CASES = [
    (check_id, role, status)
    for check_id, row in EXPECTED.items()
    for role, status in zip(ROLES, row, strict=True)
]


@pytest.mark.parametrize(("check_id", "role", "expected"), CASES, ids=[f"{c}:{r}" for c, r, _ in CASES])
def test_running_container_status(
    results: dict[tuple[str, str], CheckResult], check_id: str, role: str, expected: Status
) -> None:
    result = results[(role, check_id)]
    assert result.status is expected, result.evidence


def test_insecure_container_evidence_names_the_setting(results: dict[tuple[str, str], CheckResult]) -> None:
    assert "/var/run/docker.sock" in results[("insecure", "container.docker-socket")].evidence
    assert "'host'" in results[("insecure", "container.host-pid")].evidence
    assert "2222" in results[("published", "container.bind-address")].evidence
    assert "80->8080/tcp" in results[("published", "container.privileged-ports")].evidence
    assert results[("insecure", "container.apparmor")].status is Status.WARN


def test_every_check_runs_on_every_container(
    results: dict[tuple[str, str], CheckResult], containers: dict[str, str]
) -> None:
    assert len(results) == len(PLUGINS) * len(containers)
    assert {check.id for check in PLUGINS} == set(EXPECTED) | {"container.apparmor", "container.selinux"}


@dataclass
class _RemovingApi:
    """A seam around the real API: it removes ``victim`` right after listing, as a race would."""

    inner: ContainerApi
    victim: str

    def containers(self) -> Sequence[Mapping[str, object]]:
        listed = self.inner.containers()
        _docker("rm", "-f", self.victim)
        return listed

    def inspect_container(self, container: str) -> Mapping[str, object]:
        return self.inner.inspect_container(container)


@dataclass
class _CorruptingApi:
    """A seam around the real API that breaks one container's inspect document, as a proxy might."""

    inner: ContainerApi
    victim: str

    def containers(self) -> Sequence[Mapping[str, object]]:
        return self.inner.containers()

    def inspect_container(self, container: str) -> Mapping[str, object]:
        document = dict(self.inner.inspect_container(container))
        if str(document.get("Name", "")).lstrip("/") == self.victim:
            document["HostConfig"] = {"Memory": "lots"}
        return document


@dataclass
class _Client:
    api: ContainerApi


def test_container_removed_between_listing_and_inspection_becomes_a_note(
    engine: docker.DockerClient, containers: dict[str, str]
) -> None:
    victim = f"hg-audit-vanishing-{uuid.uuid4().hex[:8]}"
    try:
        victim_id = _run(victim, ())
        facts, notes = collect_containers(_Client(_RemovingApi(engine.api, victim)))
    finally:
        subprocess.run(["docker", "rm", "-f", victim], capture_output=True, check=False)
    assert any(victim_id[:12] in note for note in notes), notes
    names = {f.name for f in facts}
    assert victim not in names
    assert set(containers.values()) <= names
    results = audit_containers([f for f in facts if f.name in containers.values()], PLUGINS)
    assert len(results) == len(PLUGINS) * len(containers)


def test_malformed_inspect_document_becomes_a_note(
    engine: docker.DockerClient, containers: dict[str, str]
) -> None:
    victim = containers["published"]
    facts, notes = collect_containers(_Client(_CorruptingApi(engine.api, victim)))
    assert any("HostConfig.Memory" in note and "not audited" in note for note in notes), notes
    names = {f.name for f in facts}
    assert victim not in names
    assert set(containers.values()) - {victim} <= names


def test_security_module_checks_skip_when_the_daemon_has_no_such_module(containers: dict[str, str]) -> None:
    """SELinux labels and AppArmor profiles are judged only where the daemon enables the module."""
    options = json.loads(_docker("info", "--format", "{{json .SecurityOptions}}"))
    result = subprocess.run(
        [
            HULLGUARD,
            "audit",
            "docker",
            "-f",
            "json",
            "--checks",
            "container.selinux",
            "--checks",
            "container.apparmor",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    document = json.loads(result.stdout)
    ours = [r for r in document["results"] if r["target"] == containers["insecure"]]
    for check_id, module in (("container.selinux", "selinux"), ("container.apparmor", "apparmor")):
        status = next(r["status"] for r in ours if r["check_id"] == check_id)
        enabled = any(o.startswith(f"name={module}") for o in options)
        assert (status == "SKIP") is not enabled, (check_id, status, options)
