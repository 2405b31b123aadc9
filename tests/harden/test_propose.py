"""Decisions of :func:`propose`, one behaviour per test, from image configs shaped like real ones."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import pytest

from hullguard.harden import Account, HardenSettings, ImageFacts, MountKind, parse_passwd, propose
from hullguard.image import ImageConfig

# The run config of the official nginx image (docker.io/library/nginx, Debian variant).
NGINX = {
    "Entrypoint": ["/docker-entrypoint.sh"],
    "Cmd": ["nginx", "-g", "daemon off;"],
    "ExposedPorts": {"80/tcp": {}},
    "StopSignal": "SIGQUIT",
}
POSTGRES = {
    "Entrypoint": ["docker-entrypoint.sh"],
    "Cmd": ["postgres"],
    "ExposedPorts": {"5432/tcp": {}},
    "Volumes": {"/var/lib/postgresql/data": {}},
}


def _facts(run: dict[str, Any], **extra: Any) -> ImageFacts:
    return ImageFacts(name="img:1", config=ImageConfig.model_validate({"config": run}), **extra)


def _reasons(run: dict[str, Any], **extra: Any) -> dict[str, str]:
    return {r.setting: r.value for r in propose(_facts(run, **extra), HardenSettings()).reasons}


def test_image_user_is_kept_and_resolved_through_passwd() -> None:
    accounts = MappingProxyType({"web": Account("web", 10001, 10002)})
    proposal = propose(_facts({"User": "web"}, accounts=accounts, inspected=True), HardenSettings())
    assert (proposal.user, proposal.run_as_uid, proposal.run_as_gid) == ("web", 10001, 10002)
    assert proposal.notes == ()


def test_unknown_user_name_is_noted_for_kubernetes() -> None:
    proposal = propose(_facts({"User": "ghost"}, inspected=True), HardenSettings())
    assert proposal.run_as_uid is None
    assert any("runAsUser" in n for n in proposal.notes)


@pytest.mark.parametrize("user", ["", "root", "0", "0:0"], ids=["empty", "root", "zero", "zero-group"])
def test_root_image_without_volume_gets_assumed_uid(user: str) -> None:
    proposal = propose(_facts({"User": user}), HardenSettings(fallback_uid=4242))
    assert proposal.user == "4242:4242"
    reason = next(r for r in proposal.reasons if r.setting == "user")
    assert reason.assumption and "4242" in reason.why


def test_root_image_with_volume_keeps_root_and_says_why() -> None:
    proposal = propose(_facts({"Volumes": {"/data": {}}}), HardenSettings())
    assert proposal.runs_as_root
    assert [m.path for m in proposal.volumes()] == ["/data"]
    assert "VOLUME /data" in next(r.why for r in proposal.reasons if r.setting == "user")


def test_nginx_keeps_root_with_only_the_capabilities_it_drops_with() -> None:
    proposal = propose(_facts(NGINX), HardenSettings())
    assert proposal.runs_as_root
    assert proposal.cap_add == ("CHOWN", "NET_BIND_SERVICE", "SETGID", "SETUID")
    assert "/var/cache/nginx" in {m.path for m in proposal.tmpfs()}


def test_postgres_is_recognised_through_the_entrypoint_argument() -> None:
    proposal = propose(_facts(POSTGRES), HardenSettings())
    assert proposal.cap_add == ("CHOWN", "FOWNER", "SETGID", "SETUID")
    assert [(m.path, m.kind) for m in proposal.volumes()] == [("/var/lib/postgresql/data", MountKind.VOLUME)]


def test_bare_entrypoint_script_matches_only_with_the_package() -> None:
    run = {"Entrypoint": ["docker-entrypoint.sh"], "Cmd": ["serve"]}
    assert propose(_facts(run), HardenSettings()).cap_add == ()
    with_redis = propose(_facts(run, packages=frozenset({"redis-server"})), HardenSettings())
    assert with_redis.cap_add == ("CHOWN", "SETGID", "SETUID")


def test_low_port_adds_net_bind_service_and_high_port_does_not() -> None:
    assert "cap-add NET_BIND_SERVICE" in _reasons({"ExposedPorts": {"80/tcp": {}}})
    assert not any(k.startswith("cap-add") for k in _reasons({"ExposedPorts": {"8080/tcp": {}}}))


def test_ports_bind_loopback_and_bad_keys_become_notes() -> None:
    proposal = propose(_facts({"ExposedPorts": {"53/udp": {}, "8000": {}, "x-y/tcp": {}}}), HardenSettings())
    assert [(p.container_port, p.protocol, p.host_ip) for p in proposal.ports] == [
        (53, "udp", "127.0.0.1"),
        (8000, "tcp", "127.0.0.1"),
    ]
    assert any("x-y/tcp" in n for n in proposal.notes)


def test_writable_paths_come_from_package_owned_paths_when_inspected() -> None:
    paths = frozenset({"/var/tmp", "/var/cache/nginx"})
    proposal = propose(_facts(NGINX, paths=paths, inspected=True), HardenSettings())
    assert {m.path for m in proposal.tmpfs()} == {"/tmp", "/run", "/var/tmp", "/var/cache/nginx"}


def test_tmpfs_of_non_root_user_belongs_to_it() -> None:
    proposal = propose(_facts({"User": "1000:1000"}), HardenSettings())
    run = next(m for m in proposal.tmpfs() if m.path == "/run")
    tmp = next(m for m in proposal.tmpfs() if m.path == "/tmp")
    assert "uid=1000" in run.options and "noexec" in run.options
    assert "mode=1777" in tmp.options and "noexec" not in tmp.options


def test_shell_healthcheck_becomes_sh_c() -> None:
    health = {"Test": ["CMD-SHELL", "curl -f localhost"], "Interval": 5_000_000_000, "Retries": 2}
    proposal = propose(_facts({"Healthcheck": health}), HardenSettings())
    assert proposal.healthcheck is not None
    assert proposal.healthcheck.command == ("/bin/sh", "-c", "curl -f localhost")
    assert (proposal.healthcheck.interval_s, proposal.healthcheck.retries) == (5, 2)


def test_disabled_healthcheck_is_reported() -> None:
    assert _reasons({"Healthcheck": {"Test": ["NONE"]}})["healthcheck"] == "disabled"


def test_parse_passwd_skips_malformed_lines() -> None:
    data = (
        b"root:x:0:0:root:/root:/bin/bash\n# comment\nbroken\nweb:x:10001:10001::/srv:/bin/false\nbad:x:a:b\n"
    )
    assert parse_passwd(data) == {"root": Account("root", 0, 0), "web": Account("web", 10001, 10001)}
