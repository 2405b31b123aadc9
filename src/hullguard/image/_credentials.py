"""Registry credentials from a Docker client config file and its credential helpers.

The library reads exactly the file it is given (the CLI picks ``$DOCKER_CONFIG/config.json`` or
``~/.docker/config.json``) and runs helpers found on the search path it is given, so nothing
here depends on the environment of the process. Lookup order follows the Docker CLI: a
per-registry ``credHelpers`` entry, else the global ``credsStore``, else the inline ``auths``
entry. Unlike Docker, a helper that has nothing for a registry falls back to the inline entry,
so a stale ``credsStore`` does not hide credentials written into the file by ``docker login``.
"""

from __future__ import annotations

import base64
import binascii
import json
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hullguard.errors import ImageError

__all__ = [
    "HUB_SERVER_URL",
    "Anonymous",
    "CredentialHelperError",
    "CredentialSource",
    "Credentials",
    "DockerConfigCredentials",
    "credential_host",
]

HUB_SERVER_URL = "https://index.docker.io/v1/"
"""The key under which the Docker CLI stores Docker Hub credentials (its ``IndexServer``)."""

_HUB_HOSTS = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io"})
_TOKEN_USER = "<token>"  # noqa: S105 - a marker the helper protocol defines, not a secret
"""A helper answering this username returns an identity (refresh) token as its secret."""
_NOT_FOUND = "credentials not found"
_MAX_CONFIG = 4 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Credentials:
    """What a registry login holds; secrets stay out of ``repr`` so they never reach a log."""

    username: str = ""
    password: str = field(default="", repr=False)
    identity_token: str = field(default="", repr=False)
    """An OAuth2 refresh token (``identitytoken``), exchanged at the token endpoint."""


class CredentialSource(Protocol):
    """Where the registry client gets logins; ``origin`` names it in authentication errors."""

    @property
    def origin(self) -> str:
        """Where the credentials come from, e.g. the config file path."""
        ...

    def lookup(self, registry: str) -> Credentials | None:
        """Credentials for ``registry`` (``host[:port]`` or ``docker.io``), or None for anonymous."""
        ...


class Anonymous:
    """No credentials at all: every registry is accessed anonymously."""

    @property
    def origin(self) -> str:
        """Shown in errors so the user sees that no credentials were consulted."""
        return "none (anonymous access)"

    def lookup(self, registry: str) -> Credentials | None:
        """Always anonymous."""
        return None


class CredentialHelperError(ImageError):
    """A configured ``docker-credential-*`` helper is missing, failed or answered garbage."""


class _AuthEntry(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    auth: str = ""
    username: str = ""
    password: str = ""
    identitytoken: str = ""


class _DockerConfig(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)
    auths: dict[str, _AuthEntry] = Field(default_factory=dict)
    creds_store: str = Field(default="", alias="credsStore")
    cred_helpers: dict[str, str] = Field(default_factory=dict, alias="credHelpers")


class _HelperAnswer(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    Username: str = ""
    Secret: str = ""


def credential_host(key: str) -> str:
    """The host a config key stands for, as Docker's ``ConvertToHostname`` computes it.

    ``https://host:5000/v1/``, ``http://host:5000`` and ``host:5000`` all mean ``host:5000``; every
    Docker Hub spelling means ``docker.io``.
    """
    stripped = key.removeprefix("https://").removeprefix("http://")
    host = stripped.partition("/")[0].lower()
    return "docker.io" if host in _HUB_HOSTS else host


class DockerConfigCredentials:
    """Credentials from one Docker ``config.json``; a missing file means anonymous access.

    ``helper_path`` is the search path for ``docker-credential-<name>`` (None: the process
    ``PATH``), ``helper_env`` the helpers' environment (None: inherited), and ``helper_timeout``
    bounds each helper run, since a helper waiting for a keychain prompt would hang a scan.
    """

    def __init__(
        self,
        path: Path,
        *,
        helper_path: str | None = None,
        helper_env: Mapping[str, str] | None = None,
        helper_timeout: float = 30.0,
    ) -> None:
        self._path = path
        self._helper_path = helper_path
        self._helper_env = dict(helper_env) if helper_env is not None else None
        self._helper_timeout = helper_timeout
        self._config: _DockerConfig | None = None

    @property
    def origin(self) -> str:
        """The config file consulted."""
        return str(self._path)

    def lookup(self, registry: str) -> Credentials | None:
        """Credentials for ``registry``: helper first (per-registry, then global), then ``auths``."""
        config = self._load()
        host = credential_host(registry)
        server = HUB_SERVER_URL if host == "docker.io" else host
        helper = next((h for k, h in config.cred_helpers.items() if credential_host(k) == host), "")
        helper = helper or config.creds_store
        if helper:
            found = self._run_helper(helper, server)
            if found is not None:
                return found
        if server in config.auths:
            return self._from_entry(server, config.auths[server])
        for key, entry in sorted(config.auths.items()):
            if credential_host(key) == host:
                return self._from_entry(key, entry)
        return None

    def _load(self) -> _DockerConfig:
        if self._config is not None:
            return self._config
        try:
            with self._path.open("rb") as f:
                data = f.read(_MAX_CONFIG + 1)
        except FileNotFoundError:
            data = b"{}"
        except OSError as exc:
            raise ImageError(f"cannot read Docker config {self._path}: {exc}") from exc
        try:
            if len(data) > _MAX_CONFIG:
                raise ValueError(f"larger than {_MAX_CONFIG} bytes")
            self._config = _DockerConfig.model_validate(json.loads(data or b"{}"))
        except (ValueError, ValidationError) as exc:
            raise ImageError(
                f"Docker config {self._path} is not valid: {exc}",
                hint="fix the file or point DOCKER_CONFIG at another directory",
            ) from exc
        return self._config

    def _from_entry(self, key: str, entry: _AuthEntry) -> Credentials:
        username, password = entry.username, entry.password
        if entry.auth:
            try:
                decoded = base64.b64decode(entry.auth, validate=True).decode()
            except (binascii.Error, UnicodeDecodeError) as exc:
                raise ImageError(
                    f"Docker config {self._path}: auths[{key!r}].auth is not base64 of user:password",
                    hint=f"log in again with `docker login {key}`",
                ) from exc
            username, sep, password = decoded.partition(":")
            if not sep:
                raise ImageError(
                    f"Docker config {self._path}: auths[{key!r}].auth has no ':' between user and password",
                    hint=f"log in again with `docker login {key}`",
                )
        return Credentials(username=username, password=password, identity_token=entry.identitytoken)

    def _run_helper(self, helper: str, server: str) -> Credentials | None:
        """Run ``docker-credential-<helper> get`` with the server URL on stdin (the helper protocol)."""
        program = f"docker-credential-{helper}"
        executable = shutil.which(program, path=self._helper_path)
        if executable is None:
            raise CredentialHelperError(
                f"credential helper {program} (configured in {self._path}) is not installed",
                hint=f"install {program}, or remove it from credsStore/credHelpers in {self._path}",
            )
        try:
            done = subprocess.run(
                [executable, "get"],
                input=server.encode(),
                capture_output=True,
                timeout=self._helper_timeout,
                env=self._helper_env,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise CredentialHelperError(
                f"credential helper {program} did not answer within {self._helper_timeout:g}s",
                hint="unlock the keychain it uses, or log in again",
            ) from exc
        except OSError as exc:
            raise CredentialHelperError(f"cannot run credential helper {program}: {exc}") from exc
        return self._parse_helper(program, done)

    def _parse_helper(self, program: str, done: subprocess.CompletedProcess[bytes]) -> Credentials | None:
        message = (done.stdout or done.stderr).decode(errors="replace").strip()
        if done.returncode != 0:
            if _NOT_FOUND in message.lower():
                return None
            raise CredentialHelperError(
                f"credential helper {program} failed (exit {done.returncode}): {message[:200]}",
                hint=f"run `echo <registry> | {program} get` to see the problem",
            )
        try:
            answer = _HelperAnswer.model_validate_json(done.stdout)
        except ValidationError as exc:
            raise CredentialHelperError(f"credential helper {program} answered invalid JSON") from exc
        if answer.Username == _TOKEN_USER:
            return Credentials(identity_token=answer.Secret)
        return Credentials(username=answer.Username, password=answer.Secret)
