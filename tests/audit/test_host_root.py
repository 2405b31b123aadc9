"""Sections 1-3 on a mounted host (``--host-root``) built with deliberate mistakes.

The tree is what a host's disk looks like when mounted elsewhere: unit files, /etc/docker with
TLS files and registry certificates, a real unix socket for docker.sock, /etc/group, audit rules,
and the /proc entries of its dockerd (command line and mount table) as a mounted /proc shows
them. The engine is the real local one; only host files come from the tree.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.test_sbom_cli import run
from tests.conftest import docker_available, require

pytestmark = [pytest.mark.engine, pytest.mark.xdist_group("engine")]

DOCKER_GID = 999
DAEMON_JSON = {
    "icc": False,
    "log-level": "debug",
    "hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2376"],
    "tlsverify": True,
    "tlscacert": "/etc/docker/tls/ca.pem",
    "tlscert": "/etc/docker/tls/cert.pem",
    "tlskey": "/etc/docker/tls/key.pem",
}


def _file(root: Path, path: str, text: str, mode: int, uid: int = 0, gid: int = 0) -> Path:
    target = root / path.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    target.chmod(mode)
    os.chown(target, uid, gid)
    return target


@pytest.fixture
def host(tmp_path: Path) -> Iterator[Path]:
    """The mounted host; its unix socket stays bound for the test's duration."""
    require(os.geteuid() == 0, "root (to give test files root and foreign ownership)")
    root = tmp_path / "host"
    _file(root, "/etc/systemd/system/docker.service", "[Service]\n", 0o666)  # 3.2: too open
    _file(root, "/lib/systemd/system/docker.service", "[Service]\n", 0o644)  # shadowed by /etc
    _file(root, "/lib/systemd/system/docker.socket", "[Socket]\n", 0o644)
    _file(root, "/etc/docker/certs.d/reg.example:5000/ca.crt", "cert", 0o444, uid=1000)  # 3.7: not root
    _file(root, "/etc/docker/tls/ca.pem", "ca", 0o444)
    _file(root, "/etc/docker/tls/cert.pem", "cert", 0o444)
    _file(root, "/etc/docker/tls/key.pem", "key", 0o644)  # 3.14: must be 400
    _file(root, "/etc/docker/daemon.json", json.dumps(DAEMON_JSON), 0o644)
    (root / "etc/docker").chmod(0o777)  # 3.6
    _file(root, "/etc/default/docker", "", 0o644)
    _file(root, "/etc/group", f"root:x:0:\ndocker:x:{DOCKER_GID}:alice,bob\n", 0o644)
    rules = "-w /usr/sbin/dockerd -k docker\n-w /etc/docker -k docker\n# -w /var/lib/docker -k docker\n"
    _file(root, "/etc/audit/rules.d/docker.rules", rules, 0o640)
    _file(root, "/usr/sbin/dockerd", "", 0o755)
    (root / "var/lib/docker").mkdir(parents=True)
    _file(root, "/proc/4242/comm", "dockerd\n", 0o444)
    _file(root, "/proc/4242/cmdline", "dockerd\0--config-file\0/etc/docker/daemon.json\0", 0o444)
    _file(root, "/proc/1/mountinfo", "1 0 254:0 / / rw - ext4 /dev/vda rw\n"
          "2 1 8:17 / /var/lib/docker rw - ext4 /dev/vdb rw\n", 0o444)  # fmt: skip
    (root / "var/run").mkdir(parents=True)
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(root / "var/run/docker.sock"))
    os.chmod(root / "var/run/docker.sock", 0o666)  # 3.16: too open
    os.chown(root / "var/run/docker.sock", 0, DOCKER_GID)
    try:
        yield root
    finally:
        sock.close()


def _snapshot(root: Path) -> dict[str, tuple[int, int, int, int]]:
    found = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        found[str(path)] = (info.st_mode, info.st_uid, info.st_gid, int(info.st_mtime_ns))
    return found


def _audit(root: Path, tmp_path: Path) -> tuple[dict[tuple[str, str], dict[str, object]], list[str]]:
    require(docker_available(), "the Docker engine")
    result = run("audit", "docker", "--host-root", str(root), "-f", "json",
                 *[a for s in ("1", "2", "3") for a in ("--checks", s)], cache=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    return {(r["cis_id"], r["target"]): r for r in document["results"]}, document["notes"]


EXPECTED = [
    ("1.1.1", "/var/lib/docker", "PASS"),  # its own device in the host's mount table
    ("1.1.2", "host", "WARN"),
    ("1.1.3", "/usr/sbin/dockerd", "PASS"),
    ("1.1.5", "/var/lib/docker", "FAIL"),  # the rule is commented out
    ("1.1.6", "/etc/docker", "PASS"),
    ("1.1.11", "/etc/docker/daemon.json", "FAIL"),
    ("1.1.13", "/etc/sysconfig/docker", "INFO"),
    ("2.2", "daemon", "PASS"),
    ("2.3", "daemon", "FAIL"),
    ("2.7", "daemon", "PASS"),
    ("2.16", "daemon", "FAIL"),
    ("3.1", "/etc/systemd/system/docker.service", "PASS"),
    ("3.2", "/etc/systemd/system/docker.service", "FAIL"),
    ("3.3", "/lib/systemd/system/docker.socket", "PASS"),
    ("3.4", "/lib/systemd/system/docker.socket", "PASS"),
    ("3.5", "/etc/docker", "PASS"),
    ("3.6", "/etc/docker", "FAIL"),
    ("3.7", "/etc/docker/certs.d/reg.example:5000/ca.crt", "FAIL"),
    ("3.8", "/etc/docker/certs.d/reg.example:5000/ca.crt", "PASS"),
    ("3.10", "/etc/docker/tls/ca.pem", "PASS"),
    ("3.12", "/etc/docker/tls/cert.pem", "PASS"),
    ("3.13", "/etc/docker/tls/key.pem", "PASS"),
    ("3.14", "/etc/docker/tls/key.pem", "FAIL"),
    ("3.15", "/var/run/docker.sock", "PASS"),  # root:docker, docker's gid from the host's /etc/group
    ("3.16", "/var/run/docker.sock", "FAIL"),
    ("3.17", "/etc/docker/daemon.json", "PASS"),
    ("3.18", "/etc/docker/daemon.json", "PASS"),
    ("3.20", "/etc/default/docker", "PASS"),
    ("3.21", "/etc/sysconfig/docker", "INFO"),
]


def test_mounted_host_with_deliberate_mistakes(host: Path, tmp_path: Path) -> None:
    before = _snapshot(host)
    results, notes = _audit(host, tmp_path)
    got = {(cis, target): results[(cis, target)]["status"] if (cis, target) in results else None
           for cis, target, _ in EXPECTED}  # fmt: skip
    assert got == {(cis, target): status for cis, target, status in EXPECTED}, notes
    assert "alice, bob" in str(results[("1.1.2", "host")]["evidence"])
    assert "0666" in str(results[("3.16", "/var/run/docker.sock")]["evidence"])
    assert _snapshot(host) == before  # read-only: modes, owners and mtimes unchanged


def test_daemon_json_that_is_not_json_skips_only_what_needs_it(host: Path, tmp_path: Path) -> None:
    (host / "etc/docker/daemon.json").write_text('{"icc": false,,}')
    results, notes = _audit(host, tmp_path)
    assert any("daemon.json is not valid JSON" in note for note in notes), notes
    icc = results[("2.2", "daemon")]
    assert icc["status"] == "SKIP" and "not valid JSON" in str(icc["evidence"])
    assert results[("3.18", "/etc/docker/daemon.json")]["status"] == "PASS"  # file checks still run
    assert results[("2.15", "daemon")]["status"] in {"PASS", "FAIL"}  # docker info checks still run
    assert results[("3.2", "/etc/systemd/system/docker.service")]["status"] == "FAIL"


def test_symlinked_config_cannot_escape_the_host_root(host: Path, tmp_path: Path) -> None:
    """A host whose /etc/docker points at / must not make us audit our own /etc."""
    real = host / "etc/docker"
    real.rename(host / "etc/docker-real")
    os.symlink("/etc/docker-real", real)
    results, _ = _audit(host, tmp_path)
    assert str(results[("3.6", "/etc/docker")]["evidence"]).startswith("/etc/docker-real: directory")
    assert results[("2.2", "daemon")]["status"] == "PASS"  # daemon.json read through the re-rooted link
