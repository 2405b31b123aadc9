"""Table tests of the container checks over inspect documents the real Engine produced.

Each case is a ``docker create`` of the sample image with the options under test, inspected at
test time, so the facts have exactly the shape the Engine gives (``CAP_`` prefixes, ``PidsLimit``
null, empty ``HostIp`` for ``-p 80:80``). Created containers never start: these tests judge the
configuration, and ``test_containers_engine.py`` covers running containers.
"""

from __future__ import annotations

import copy
import json
import subprocess
import uuid
from collections.abc import Iterator, Mapping

import pytest

from hullguard import audit
from hullguard._registry import Registry
from hullguard.audit import (
    DOCKER_BENCH_IDS,
    PLUGINS,
    ContainerCheck,
    ContainerFacts,
    InvalidInspectError,
    Status,
    audit_containers,
)
from tests.conftest import docker_available, require

pytestmark = [pytest.mark.engine, pytest.mark.xdist_group("engine")]

IMAGE = "hullguard-test/sample:1"

CASES: Mapping[str, tuple[str, ...]] = {
    "image-defaults": (),
    "root-user": ("--user", "root"),
    "uid-zero-with-group": ("--user", "0:1000"),
    "privileged": ("--privileged",),
    "cap-add-net-admin": ("--cap-add", "NET_ADMIN"),
    "cap-add-audit-control": ("--cap-add", "AUDIT_CONTROL"),
    "cap-drop-all-add-chown": ("--cap-drop", "ALL", "--cap-add", "CHOWN"),
    "bind-etc-read-only": ("-v", "/etc:/host-etc:ro"),
    "bind-root-read-write": ("-v", "/:/host"),
    "bind-docker-socket": ("-v", "/var/run/docker.sock:/sock/docker.sock:ro"),
    "bind-tmp-rshared": ("-v", "/tmp:/mnt/tmp:rshared"),
    "publish-loopback-high": ("-p", "127.0.0.1:8443:443"),
    "publish-low-all-interfaces": ("-p", "443:443"),
    "publish-ephemeral-loopback": ("-p", "127.0.0.1::80"),
    "restart-always": ("--restart", "always"),
    "restart-on-failure-unbounded": ("--restart", "on-failure"),
    "restart-on-failure-10": ("--restart", "on-failure:10"),
    "restart-on-failure-3": ("--restart", "on-failure:3"),
    "cpus-only": ("--cpus", "0.5"),
    "cpu-shares-default-weight": ("--cpu-shares", "1024"),
    "memory-32m": ("--memory", "32m"),
    "device-null": ("--device", "/dev/null:/dev/xnull:r"),
    "seccomp-unconfined": ("--security-opt", "seccomp=unconfined"),
    "no-new-privileges-false": ("--security-opt", "no-new-privileges=false"),
    "no-new-privileges-colon-true": ("--security-opt", "no-new-privileges:true"),
    "apparmor-unconfined": ("--security-opt", "apparmor=unconfined"),
    "cgroup-parent": ("--cgroup-parent", "hullguard-test"),
    "userns-host": ("--userns", "host"),
    "network-none": ("--network", "none"),
    "pids-limit-unlimited": ("--pids-limit", "-1"),
    "pids-limit-50": ("--pids-limit", "50"),
    "selinux-label": ("--security-opt", "label=type:container_t"),
    "selinux-disabled": ("--security-opt", "label=disable"),
    "ulimit-nofile": ("--ulimit", "nofile=512:1024"),
}
"""Case name -> ``docker create`` options; each case isolates one setting."""

P, W, F, S = Status.PASS, Status.WARN, Status.FAIL, Status.SKIP
INFO = Status.INFO

EXPECTED: list[tuple[str, str, Status]] = [
    ("image-defaults", "container.user", P),  # the sample image sets USER 1000:1000
    ("root-user", "container.user", F),
    ("uid-zero-with-group", "container.user", F),
    ("image-defaults", "container.apparmor", W),
    ("apparmor-unconfined", "container.apparmor", W),
    ("image-defaults", "container.capabilities", P),
    ("privileged", "container.capabilities", F),
    ("cap-add-net-admin", "container.capabilities", F),
    ("cap-add-audit-control", "container.capabilities", W),
    ("cap-drop-all-add-chown", "container.capabilities", P),
    ("privileged", "container.privileged", F),
    ("image-defaults", "container.privileged", P),
    ("bind-etc-read-only", "container.sensitive-mounts", W),
    ("bind-root-read-write", "container.sensitive-mounts", F),
    ("bind-docker-socket", "container.sensitive-mounts", P),
    ("bind-tmp-rshared", "container.sensitive-mounts", P),
    ("image-defaults", "container.sshd", S),
    ("publish-loopback-high", "container.privileged-ports", P),
    ("publish-low-all-interfaces", "container.privileged-ports", F),
    ("publish-ephemeral-loopback", "container.privileged-ports", P),
    ("publish-loopback-high", "container.bind-address", P),
    ("publish-low-all-interfaces", "container.bind-address", F),
    ("publish-ephemeral-loopback", "container.bind-address", P),
    ("image-defaults", "container.bind-address", P),
    ("image-defaults", "container.host-network", P),
    ("image-defaults", "container.memory", F),
    ("memory-32m", "container.memory", P),
    ("image-defaults", "container.cpu-shares", F),
    ("cpu-shares-default-weight", "container.cpu-shares", F),
    ("cpus-only", "container.cpu-shares", W),
    ("image-defaults", "container.read-only-rootfs", F),
    ("image-defaults", "container.restart-policy", P),
    ("restart-always", "container.restart-policy", F),
    ("restart-on-failure-unbounded", "container.restart-policy", F),
    ("restart-on-failure-10", "container.restart-policy", F),
    ("restart-on-failure-3", "container.restart-policy", P),
    ("image-defaults", "container.host-devices", P),
    ("device-null", "container.host-devices", INFO),
    ("privileged", "container.host-devices", INFO),
    ("bind-tmp-rshared", "container.mount-propagation", F),
    ("bind-etc-read-only", "container.mount-propagation", P),
    ("image-defaults", "container.seccomp", P),
    ("seccomp-unconfined", "container.seccomp", F),
    ("privileged", "container.seccomp", F),
    ("image-defaults", "container.cgroup-parent", P),
    ("cgroup-parent", "container.cgroup-parent", W),
    ("image-defaults", "container.no-new-privileges", F),
    ("no-new-privileges-false", "container.no-new-privileges", F),
    ("no-new-privileges-colon-true", "container.no-new-privileges", P),
    ("image-defaults", "container.health-check", F),  # PASS needs a started one: the engine tests
    ("image-defaults", "container.pids-limit", F),
    ("pids-limit-unlimited", "container.pids-limit", F),
    ("pids-limit-50", "container.pids-limit", P),
    ("image-defaults", "container.default-bridge", INFO),
    ("network-none", "container.default-bridge", P),
    ("network-none", "container.host-network", P),
    ("image-defaults", "container.host-userns", P),
    ("userns-host", "container.host-userns", F),
    ("bind-docker-socket", "container.docker-socket", F),
    ("image-defaults", "container.docker-socket", P),
    ("image-defaults", "container.host-pid", P),
    ("image-defaults", "container.host-ipc", P),
    ("image-defaults", "container.host-uts", P),
    ("image-defaults", "container.selinux", W),
    ("selinux-label", "container.selinux", P),
    ("selinux-disabled", "container.selinux", F),
    ("image-defaults", "container.open-ports", P),
    ("publish-low-all-interfaces", "container.open-ports", INFO),
    ("image-defaults", "container.ulimits", P),
    ("ulimit-nofile", "container.ulimits", INFO),
    ("image-defaults", "container.latest-image", P),  # hullguard-test/sample:1 is tagged
    ("untagged-image", "container.latest-image", INFO),
]
"""(case, check id, expected status); the image-defaults rows are the Engine's defaults."""


def _docker(*args: str) -> str:
    done = subprocess.run(["docker", *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise AssertionError(f"docker {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


@pytest.fixture(scope="module")
def inspected() -> Iterator[dict[str, dict[str, object]]]:
    """Create one container per case, inspect them all, and remove them even if a step fails."""
    require(docker_available(), "the Docker engine")
    suffix = uuid.uuid4().hex[:8]
    names = {case: f"hg-audit-{case}-{suffix}" for case in CASES}
    latest = f"hg-audit-latest-{suffix}"  # the sample image tagged, then used without a tag (= :latest)
    created: list[str] = []
    try:
        for case, options in CASES.items():
            _docker("create", "--name", names[case], *options, IMAGE, "sleep", "300")
            created.append(names[case])
        names["untagged-image"] = f"hg-audit-untagged-image-{suffix}"
        _docker("tag", IMAGE, f"{latest}:latest")
        _docker("create", "--name", names["untagged-image"], latest, "sleep", "300")
        created.append(names["untagged-image"])
        documents = json.loads(_docker("inspect", *created))
        by_name = {str(doc["Name"]).lstrip("/"): doc for doc in documents}
        yield {case: by_name[name] for case, name in names.items()}
    finally:
        if created:
            subprocess.run(["docker", "rm", "-f", *created], capture_output=True, check=False)
        subprocess.run(["docker", "rmi", f"{latest}:latest"], capture_output=True, check=False)


def _check(check_id: str) -> ContainerCheck:
    return next(check for check in PLUGINS if check.id == check_id)


@pytest.mark.parametrize(("case", "check_id", "expected"), EXPECTED, ids=[f"{c}:{k}" for c, k, _ in EXPECTED])
def test_check_status_for_real_inspect_document(
    inspected: dict[str, dict[str, object]], case: str, check_id: str, expected: Status
) -> None:
    facts = ContainerFacts.from_inspect(inspected[case])
    result = _check(check_id).evaluate(facts)
    assert result.status is expected, result.evidence
    assert result.target == facts.name
    assert result.evidence


def test_every_check_has_a_table_row() -> None:
    assert {check.id for check in PLUGINS} == {check_id for _, check_id, _ in EXPECTED}


def test_check_ids_are_unique_and_map_to_docker_bench() -> None:
    registry = Registry.of((check, "containers") for check in PLUGINS)
    assert len(registry) == len(PLUGINS)
    assert DOCKER_BENCH_IDS["container.privileged"] == "check_5_5"
    assert DOCKER_BENCH_IDS["container.selinux"] == "check_5_3"
    assert DOCKER_BENCH_IDS["container.docker-socket"] == "check_5_32"
    assert DOCKER_BENCH_IDS["container.user"] == "check_4_1"
    assert set(registry.ids()) <= set(DOCKER_BENCH_IDS)


def test_missing_sections_take_engine_defaults(inspected: dict[str, dict[str, object]]) -> None:
    document = copy.deepcopy(inspected["image-defaults"])
    del document["HostConfig"], document["Mounts"], document["NetworkSettings"]
    facts = ContainerFacts.from_inspect(document)
    assert _check("container.privileged").evaluate(facts).status is Status.PASS
    assert _check("container.docker-socket").evaluate(facts).status is Status.PASS
    assert _check("container.memory").evaluate(facts).status is Status.FAIL


def test_wrongly_typed_field_is_rejected_with_its_path(inspected: dict[str, dict[str, object]]) -> None:
    document = copy.deepcopy(inspected["memory-32m"])
    host_config = document["HostConfig"]
    assert isinstance(host_config, dict)
    host_config["Memory"] = "lots"
    with pytest.raises(InvalidInspectError, match=r"HostConfig\.Memory"):
        ContainerFacts.from_inspect(document)


def test_results_sort_numerically_by_cis_id_then_target(inspected: dict[str, dict[str, object]]) -> None:
    facts = [ContainerFacts.from_inspect(inspected[case]) for case in ("root-user", "image-defaults")]
    results = audit_containers(facts, PLUGINS)
    assert len(results) == 2 * len(PLUGINS)
    keys = [(tuple(int(p) for p in r.cis_id.split(".")), r.target) for r in results]
    assert keys == sorted(keys)
    cis_order = list(dict.fromkeys(r.cis_id for r in results))
    assert cis_order.index("5.9") < cis_order.index("5.10") < cis_order.index("5.32")


def test_public_names_exist() -> None:
    for name in audit.__all__:
        assert hasattr(audit, name), name
    assert {"audit_containers", "collect_containers", "ContainerFacts", "PLUGINS"} <= set(audit.__all__)
