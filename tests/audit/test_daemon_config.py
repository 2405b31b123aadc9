"""Parsing dockerd command lines and daemon.json into the settings the daemon checks read."""

from __future__ import annotations

import pytest

from hullguard.audit import DaemonSettings, InvalidDaemonConfigError, parse_daemon_args, parse_daemon_json

ARGS = [
    (["dockerd"], {}),
    (["dockerd", "-H", "fd://", "--containerd=/run/containerd/containerd.sock"],
     {"hosts": ("fd://",), "containerd": ("/run/containerd/containerd.sock",)}),
    (["dockerd", "--host", "unix:///a.sock", "-Htcp://0.0.0.0:2376", "--tlsverify"],
     {"hosts": ("unix:///a.sock", "tcp://0.0.0.0:2376"), "tlsverify": ("true",)}),
    (["dockerd", "--icc=false", "--live-restore", "--userland-proxy=false"],
     {"icc": ("false",), "live-restore": ("true",), "userland-proxy": ("false",)}),
    (["dockerd", "-l", "debug", "-D"], {"log-level": ("debug",), "debug": ("true",)}),
    (["dockerd", "--insecure-registry", "a:5000", "--insecure-registry=b:5000"],
     {"insecure-registries": ("a:5000", "b:5000")}),
    (["dockerd", "--default-ulimit", "nofile=100:200", "--authorization-plugin", "authz"],
     {"default-ulimits": ("nofile=100:200",), "authorization-plugins": ("authz",)}),
    (["/usr/sbin/dockerd", "--config-file", "/x/daemon.json", "--no-new-privileges"],
     {"config-file": ("/x/daemon.json",), "no-new-privileges": ("true",)}),
]  # fmt: skip


@pytest.mark.parametrize(("argv", "expected"), ARGS, ids=[" ".join(a[1:]) or "bare" for a, _ in ARGS])
def test_flags_are_read_under_their_daemon_json_names(
    argv: list[str], expected: dict[str, tuple[str, ...]]
) -> None:
    assert parse_daemon_args(argv) == expected


def test_daemon_json_values_become_flag_like_strings() -> None:
    text = (
        '{"icc": false, "live-restore": true, "insecure-registries": ["r:5000"], "log-level": "warn",'
        ' "default-ulimits": {"nofile": {"Name": "nofile", "Hard": 64, "Soft": 64}}, "hosts": []}'
    )
    parsed = parse_daemon_json(text, path="/etc/docker/daemon.json")
    assert parsed["icc"] == ("false",)
    assert parsed["live-restore"] == ("true",)
    assert parsed["insecure-registries"] == ("r:5000",)
    assert parsed["hosts"] == ()
    assert parsed["default-ulimits"][0].startswith("nofile=")


@pytest.mark.parametrize("text", ["{icc: false}", '{"icc": false,}', "", "[1, 2]"], ids=repr)
def test_daemon_json_that_is_not_a_json_object_is_a_clear_error(text: str) -> None:
    with pytest.raises(InvalidDaemonConfigError, match=r"/etc/docker/daemon\.json is not"):
        parse_daemon_json(text, path="/etc/docker/daemon.json")


def test_flag_wins_over_file_and_origin_is_reported() -> None:
    settings = DaemonSettings(
        flags={"log-level": ("info",)},
        file={"log-level": ("debug",), "icc": ("false",)},
        file_path="/d.json",
    )
    assert settings.last("log-level") == "info"
    assert settings.origin("icc") == "/d.json"
    assert settings.describe("icc") == "icc=false (/d.json)"
    assert settings.describe("iptables") == "iptables not set (default)"
    assert settings.last("iptables") is None
