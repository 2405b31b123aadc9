"""Which engine an audit talks to: the docker CLI's precedence, contexts and TLS settings."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from hullguard.audit import EngineKind, TlsFiles, resolve_endpoint
from hullguard.errors import ConfigError

DOCKER = EngineKind.DOCKER


def _context(config: Path, name: str, host: str, *, tls: bool = False, skip_verify: bool = False) -> None:
    digest = hashlib.sha256(name.encode()).hexdigest()
    meta = config / "contexts" / "meta" / digest
    meta.mkdir(parents=True)
    endpoint = {"docker": {"Host": host, "SkipTLSVerify": skip_verify}}
    (meta / "meta.json").write_text(json.dumps({"Name": name, "Metadata": {}, "Endpoints": endpoint}))
    if tls:
        files = config / "contexts" / "tls" / digest / "docker"
        files.mkdir(parents=True)
        for name_ in ("ca.pem", "cert.pem", "key.pem"):
            (files / name_).write_text("pem")


def test_default_is_the_local_socket(tmp_path: Path) -> None:
    endpoint = resolve_endpoint(DOCKER, host=None, context=None, env={}, home=tmp_path)
    assert (endpoint.url, endpoint.tls, endpoint.source) == ("unix:///var/run/docker.sock", None, "default")


def test_flag_beats_environment_beats_context(tmp_path: Path) -> None:
    config = tmp_path / ".docker"
    _context(config, "remote", "tcp://10.0.0.9:2376")
    (config / "config.json").write_text('{"currentContext": "remote"}')
    env = {"DOCKER_HOST": "unix:///env.sock"}
    assert resolve_endpoint(DOCKER, host="unix:///flag.sock", context=None, env=env, home=tmp_path).url == (
        "unix:///flag.sock"
    )
    assert resolve_endpoint(DOCKER, host=None, context=None, env=env, home=tmp_path).source == "DOCKER_HOST"
    current = resolve_endpoint(DOCKER, host=None, context=None, env={}, home=tmp_path)
    assert (current.url, current.source) == ("tcp://10.0.0.9:2376", "context remote")


def test_docker_tls_verify_uses_the_cert_path(tmp_path: Path) -> None:
    for name in ("ca.pem", "cert.pem", "key.pem"):
        (tmp_path / name).write_text("pem")
    env = {"DOCKER_HOST": "tcp://127.0.0.1:2376", "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": str(tmp_path)}
    endpoint = resolve_endpoint(DOCKER, host=None, context=None, env=env, home=Path("/nonexistent"))
    assert endpoint.tls == TlsFiles(tmp_path / "ca.pem", tmp_path / "cert.pem", tmp_path / "key.pem", True)


def test_context_tls_files_and_skip_verify(tmp_path: Path) -> None:
    config = tmp_path / "cfg"
    _context(config, "lab", "tcp://lab:2376", tls=True, skip_verify=True)
    endpoint = resolve_endpoint(
        DOCKER, host=None, context="lab", env={"DOCKER_CONFIG": str(config)}, home=tmp_path
    )
    assert endpoint.tls is not None and endpoint.tls.verify is False and endpoint.tls.key is not None


def test_broken_context_is_a_config_error(tmp_path: Path) -> None:
    config = tmp_path / ".docker"
    meta = config / "contexts" / "meta" / hashlib.sha256(b"bad").hexdigest()
    meta.mkdir(parents=True)
    (meta / "meta.json").write_text("{not json")
    with pytest.raises(ConfigError, match="docker context 'bad' is unreadable"):
        resolve_endpoint(DOCKER, host=None, context="bad", env={}, home=tmp_path)


def test_podman_socket_precedence(tmp_path: Path) -> None:
    (tmp_path / "podman").mkdir()
    (tmp_path / "podman" / "podman.sock").write_text("")
    env = {"XDG_RUNTIME_DIR": str(tmp_path)}
    user = resolve_endpoint(EngineKind.PODMAN, host=None, context=None, env=env, home=tmp_path)
    assert user.url == f"unix://{tmp_path}/podman/podman.sock"
    explicit = {**env, "CONTAINER_HOST": "unix:///x.sock"}
    assert resolve_endpoint(EngineKind.PODMAN, host=None, context=None, env=explicit, home=tmp_path).url == (
        "unix:///x.sock"
    )
    rootful = resolve_endpoint(EngineKind.PODMAN, host=None, context=None, env={}, home=tmp_path)
    assert rootful.url == "unix:///run/podman/podman.sock"
