"""Which engine to audit and how to reach it, decided the way the docker CLI decides.

Precedence for Docker: ``--host``, then ``DOCKER_HOST`` (with ``DOCKER_TLS_VERIFY`` and
``DOCKER_CERT_PATH``), then the context named by ``--context``/``DOCKER_CONTEXT``, then the
``currentContext`` of ``~/.docker/config.json``, then the default socket. Contexts are read from
``~/.docker/contexts/meta/<sha256(name)>/meta.json`` and their TLS files from
``contexts/tls/<sha256(name)>/docker/``. For Podman: ``--host``, ``CONTAINER_HOST``, the user's
socket, then the rootful one. The environment is handed in, never read here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hullguard.audit._collect import EngineApi, EngineUnavailableError
from hullguard.audit._gathered import EngineKind
from hullguard.errors import ConfigError

__all__ = ["Endpoint", "TlsFiles", "connect", "resolve_endpoint"]

DEFAULT_DOCKER = "unix:///var/run/docker.sock"
DEFAULT_PODMAN = "unix:///run/podman/podman.sock"


@dataclass(frozen=True, slots=True)
class TlsFiles:
    """Client TLS material; ``verify`` checks the daemon's certificate against ``ca``."""

    ca: Path | None
    cert: Path | None
    key: Path | None
    verify: bool


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where the engine listens and how to authenticate to it."""

    url: str
    tls: TlsFiles | None = None
    source: str = "default"
    """What chose it (``--host``, ``DOCKER_HOST``, ``context NAME``, ``default``) for messages."""


def _tls_from_dir(directory: Path, *, verify: bool) -> TlsFiles:
    def present(name: str) -> Path | None:
        path = directory / name
        return path if path.is_file() else None

    return TlsFiles(present("ca.pem"), present("cert.pem"), present("key.pem"), verify)


def _context(name: str, docker_config: Path) -> Endpoint:
    digest = hashlib.sha256(name.encode()).hexdigest()
    meta_path = docker_config / "contexts" / "meta" / digest / "meta.json"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        docker = meta["Endpoints"]["docker"]
        host = str(docker["Host"])
    except FileNotFoundError:
        raise ConfigError(
            f"docker context {name!r} not found", hint="list them with docker context ls"
        ) from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"docker context {name!r} is unreadable ({meta_path}): {exc}") from exc
    tls_dir = docker_config / "contexts" / "tls" / digest / "docker"
    tls = None
    if tls_dir.is_dir():
        tls = _tls_from_dir(tls_dir, verify=not bool(docker.get("SkipTLSVerify", False)))
    return Endpoint(host, tls, f"context {name}")


def _current_context(docker_config: Path) -> str | None:
    try:
        config = json.loads((docker_config / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    name = config.get("currentContext") if isinstance(config, dict) else None
    return str(name) if name and name != "default" else None


def resolve_endpoint(
    engine: EngineKind, *, host: str | None, context: str | None, env: Mapping[str, str], home: Path
) -> Endpoint:
    """The endpoint to audit, by the docker CLI's (or Podman's) precedence."""
    if engine is EngineKind.PODMAN:
        return _podman(host, env)
    docker_config = Path(env.get("DOCKER_CONFIG") or home / ".docker")
    if host:
        return Endpoint(host, _env_tls(env, home), "--host")
    if env.get("DOCKER_HOST"):
        return Endpoint(env["DOCKER_HOST"], _env_tls(env, home), "DOCKER_HOST")
    name = context or env.get("DOCKER_CONTEXT") or _current_context(docker_config)
    if name and name != "default":
        return _context(name, docker_config)
    return Endpoint(DEFAULT_DOCKER)


def _env_tls(env: Mapping[str, str], home: Path) -> TlsFiles | None:
    """``DOCKER_TLS_VERIFY`` (any non-empty value) turns TLS on with ``DOCKER_CERT_PATH``'s files."""
    if not env.get("DOCKER_TLS_VERIFY"):
        return None
    return _tls_from_dir(Path(env.get("DOCKER_CERT_PATH") or home / ".docker"), verify=True)


def _podman(host: str | None, env: Mapping[str, str]) -> Endpoint:
    if host:
        return Endpoint(host, None, "--host")
    if env.get("CONTAINER_HOST"):
        return Endpoint(env["CONTAINER_HOST"], None, "CONTAINER_HOST")
    runtime = env.get("XDG_RUNTIME_DIR")
    if runtime and (Path(runtime) / "podman" / "podman.sock").exists():
        return Endpoint(f"unix://{runtime}/podman/podman.sock", None, "XDG_RUNTIME_DIR")
    return Endpoint(DEFAULT_PODMAN)


def connect(endpoint: Endpoint, *, engine: EngineKind, timeout: float) -> EngineApi:
    """A docker-py ``APIClient`` for the endpoint; failures become :class:`EngineUnavailableError`."""
    import docker  # noqa: PLC0415 - the SDK is slow to import and only needed here

    tls: Any = False
    factory: Any = docker.APIClient
    if endpoint.tls is not None:
        factory = _own_ca_client(docker.APIClient)
        files = endpoint.tls
        client_cert = (str(files.cert), str(files.key)) if files.cert and files.key else None
        ca = str(files.ca) if files.ca and files.verify else None
        tls = docker.tls.TLSConfig(client_cert=client_cert, ca_cert=ca, verify=files.verify)
    try:
        client: EngineApi = factory(base_url=endpoint.url, version="auto", timeout=int(timeout), tls=tls)
    except Exception as exc:  # docker.errors.DockerException wraps connection and TLS errors
        reason = "permission denied" if "Permission denied" in str(exc) else str(exc)
        raise EngineUnavailableError(
            f"cannot reach the {engine.value.capitalize()} engine at {endpoint.url} "
            f"({endpoint.source}): {reason}",
            hint="start the engine, check DOCKER_HOST / --host, or run as a member of the docker group",
        ) from exc
    return client


def _own_ca_client(base: Any) -> Any:
    """docker-py's client, made to verify the daemon with the configured CA file only.

    requests lets ``REQUESTS_CA_BUNDLE``/``CURL_CA_BUNDLE`` replace a session's CA file
    (psf/requests#3829), so a TLS daemon would be checked against the system CAs instead of
    ``DOCKER_CERT_PATH``'s ``ca.pem`` and refused; the session's own setting wins here.
    """

    class OwnCaClient(base):  # type: ignore[misc]
        def merge_environment_settings(self, *args: Any) -> Any:
            settings = super().merge_environment_settings(*args)
            settings["verify"] = self.verify
            return settings

    return OwnCaClient
