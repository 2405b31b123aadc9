"""Lookaside signature storage: GPG simple signatures kept beside a registry, not inside it.

Public API::

    lookaside_for(reference, registries_d) -> str | None          # base URL to read from
    lookaside_staging_for(reference, registries_d) -> str | None  # base URL to write to
    read_lookaside(base_url, reference, manifest_digest, *, client=None) -> list[bytes]
    write_lookaside(base_url, reference, manifest_digest, signature) -> Path
    load_registries_d(directory) -> RegistriesD

The layout and the configuration are c/image's (v5.23.1): ``docs/containers-registries.d.5.md``,
``docs/signature-protocols.md`` and ``docker/registries_d.go``. A signature for manifest
``sha256:<hex>`` of repository ``<registry>/<path>`` lives at
``<base>/<path>@sha256=<hex>/signature-<N>``, N counting from 1; readers stop at the first
missing N. The registry host is *not* part of the path. Which base applies comes from the YAML
files of a registries.d directory: the ``docker:`` entry for the exact reference, else for the
most specific enclosing namespace (repository, its parents, the registry, then ``*.domain``
wildcards), else ``default-docker``. Writers prefer ``lookaside-staging`` over ``lookaside``.

Reading works for ``file://`` and ``http(s)://``; writing only for ``file://`` (as in c/image).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

import httpx
import yaml

from hullguard.errors import ConfigError
from hullguard.image._digest import InvalidDigestError, parse_digest
from hullguard.image._reference import InvalidReferenceError, Reference, parse_reference
from hullguard.image._registry_http import read_bounded, transport_errors
from hullguard.trust._errors import TrustError
from hullguard.trust.simple_signing import MAX_SIGNATURE_SIZE

__all__ = [
    "MAX_SIGNATURES",
    "LookasideConfigError",
    "LookasideError",
    "Namespace",
    "RegistriesD",
    "load_registries_d",
    "lookaside_for",
    "lookaside_staging_for",
    "read_lookaside",
    "signature_location",
    "write_lookaside",
]

MAX_SIGNATURES = 128
"""Most signatures read for one manifest; c/image has no bound, a hostile lookaside needs one."""

MAX_CONFIG_SIZE = 1024 * 1024
"""Largest registries.d YAML file we read."""

HTTP_TIMEOUT = 30.0


class LookasideError(TrustError):
    """A lookaside location could not be read or written."""


class LookasideConfigError(LookasideError, ConfigError):
    """A registries.d file or a lookaside URL that cannot be used."""


@dataclass(frozen=True, slots=True)
class Namespace:
    """One ``default-docker`` or ``docker: <scope>:`` entry (only the storage keys we use)."""

    lookaside: str | None = None
    lookaside_staging: str | None = None

    def url(self, *, for_writing: bool) -> str | None:
        """c/image ``signatureTopLevel``: staging first when writing, else the read location."""
        if for_writing and self.lookaside_staging:
            return self.lookaside_staging
        return self.lookaside or None


@dataclass(frozen=True, slots=True)
class RegistriesD:
    """The merged configuration of one registries.d directory."""

    default_docker: Namespace | None = None
    docker: Mapping[str, Namespace] = field(default_factory=dict)

    def top_level(self, reference: Reference, *, for_writing: bool) -> str | None:
        """The base URL configured for ``reference``, or None when nothing applies."""
        for scope in (_identity(reference), *_namespaces(reference)):
            entry = self.docker.get(scope)
            url = entry.url(for_writing=for_writing) if entry else None
            if url:
                return url
        if self.default_docker is not None:
            return self.default_docker.url(for_writing=for_writing)
        return None


def _identity(reference: Reference) -> str:
    """c/image ``PolicyConfigurationIdentity``: name with its digest, else its tag."""
    if reference.digest:
        return f"{reference.name}@{reference.digest}"
    return f"{reference.name}:{reference.tag or 'latest'}"


def _namespaces(reference: Reference) -> list[str]:
    """c/image ``DockerReferenceNamespaces``: the repository and each parent, then ``*.domain``."""
    scopes = []
    name = reference.name
    while True:
        scopes.append(name)
        if "/" not in name:
            break
        name = name.rpartition("/")[0]
    host = name.partition(":")[0]
    while "." in host:
        host = host.partition(".")[2]
        scopes.append(f"*.{host}")
    return scopes


def _namespace(raw: object, where: str) -> Namespace:
    if raw is None:
        return Namespace()
    if not isinstance(raw, dict):
        raise LookasideConfigError(f"{where} must be a mapping")
    values: dict[str, str | None] = {}
    for key, alias in (("lookaside", "sigstore"), ("lookaside-staging", "sigstore-staging")):
        value = raw.get(key) or raw.get(alias)
        if value is not None and not isinstance(value, str):
            raise LookasideConfigError(f"{where}: {key} must be a URL string")
        values[key] = value
    return Namespace(values["lookaside"], values["lookaside-staging"])


def load_registries_d(directory: Path) -> RegistriesD:
    """Merge the ``*.yaml`` files of ``directory`` like c/image ``loadAndMergeConfig``.

    A missing directory is an empty configuration; ``default-docker`` or one ``docker:`` scope
    defined in two files is an error naming both.
    """
    if not directory.is_dir():
        return RegistriesD()
    default: Namespace | None = None
    default_from = ""
    docker: dict[str, Namespace] = {}
    docker_from: dict[str, str] = {}
    for path in sorted(p for p in directory.iterdir() if p.name.endswith(".yaml")):
        config = _load_yaml(path)
        if config.get("default-docker") is not None:
            if default is not None:
                raise LookasideConfigError(f'"default-docker" defined both in {default_from} and {path}')
            default, default_from = _namespace(config["default-docker"], f"{path}: default-docker"), str(path)
        scopes = config.get("docker") or {}
        if not isinstance(scopes, dict):
            raise LookasideConfigError(f"{path}: docker must be a mapping of scopes")
        for scope, raw in scopes.items():
            name = str(scope)
            if name in docker:
                raise LookasideConfigError(
                    f'"docker" scope {name} defined both in {docker_from[name]} and {path}'
                )
            docker[name], docker_from[name] = _namespace(raw, f"{path}: docker: {name}"), str(path)
    return RegistriesD(default, docker)


def _load_yaml(path: Path) -> dict[object, object]:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_CONFIG_SIZE + 1)
    except OSError as exc:
        raise LookasideConfigError(f"cannot read {path}: {exc.strerror}") from exc
    if len(data) > MAX_CONFIG_SIZE:
        raise LookasideConfigError(f"{path} is larger than {MAX_CONFIG_SIZE} bytes")
    try:
        config = yaml.safe_load(data)
    except yaml.YAMLError as exc:
        raise LookasideConfigError(f"{path} is not valid YAML: {str(exc).splitlines()[0]}") from exc
    if config is None:
        return {}
    if not isinstance(config, dict):
        raise LookasideConfigError(f"{path} must be a YAML mapping")
    return config


def _reference(reference: str) -> Reference:
    try:
        return parse_reference(reference)
    except InvalidReferenceError as exc:
        raise LookasideConfigError(exc.message, hint=exc.hint) from exc


def lookaside_for(reference: str, registries_d: Path) -> str | None:
    """The lookaside base URL to *read* signatures of ``reference`` from, or None if unconfigured."""
    return load_registries_d(registries_d).top_level(_reference(reference), for_writing=False)


def lookaside_staging_for(reference: str, registries_d: Path) -> str | None:
    """The base URL to *write* signatures of ``reference`` to (``lookaside-staging`` first)."""
    return load_registries_d(registries_d).top_level(_reference(reference), for_writing=True)


def signature_location(base_url: str, reference: str, manifest_digest: str, index: int) -> str:
    """The URL of signature ``index`` (from 1): ``<base>/<repo path>@<alg>=<hex>/signature-<index>``."""
    try:
        algorithm, _, hexval = parse_digest(manifest_digest, where="the manifest digest").partition(":")
    except InvalidDigestError as exc:
        raise LookasideConfigError(exc.message, hint=exc.hint) from exc
    parts = urlsplit(base_url)
    if parts.scheme not in {"file", "http", "https"}:
        raise LookasideConfigError(
            f"unsupported lookaside URL {base_url[:200]!r}", hint="use file:///absolute/dir or http(s)://..."
        )
    if parts.scheme == "file":
        _file_path(base_url)  # absolute and local, checked before anything is appended
    repository = _reference(reference).repository
    path = f"{parts.path.rstrip('/')}/{repository}@{algorithm}={hexval}/signature-{index}"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def _file_path(url: str) -> Path:
    parts = urlsplit(url)
    if parts.netloc not in {"", "localhost"}:
        raise LookasideConfigError(
            f"file lookaside URL {url[:200]!r} names a host",
            hint="write file:///absolute/path (three slashes)",
        )
    path = Path(unquote(parts.path))
    if not path.is_absolute():
        raise LookasideConfigError(f"file lookaside URL {url[:200]!r} is not an absolute path")
    return path


def _read_file(path: Path) -> bytes | None:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_SIGNATURE_SIZE + 1)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise LookasideError(f"cannot read signature {path}: {exc.strerror}") from exc
    if len(data) > MAX_SIGNATURE_SIZE:
        raise LookasideError(f"signature {path} is larger than {MAX_SIGNATURE_SIZE} bytes")
    return data


def _read_http(client: httpx.Client, url: str) -> bytes | None:
    shown = urlsplit(url)._replace(query="").geturl()
    with (
        transport_errors(f"lookaside {shown}", hint="check the lookaside URL in registries.d"),
        client.stream("GET", url) as response,
    ):
        if response.status_code == httpx.codes.NOT_FOUND:
            return None
        if response.status_code != httpx.codes.OK:
            raise LookasideError(f"reading signature from {shown}: HTTP {response.status_code}")
        return read_bounded(response, MAX_SIGNATURE_SIZE, what=f"signature {shown}")


def read_lookaside(
    base_url: str, reference: str, manifest_digest: str, *, client: httpx.Client | None = None
) -> list[bytes]:
    """All signatures stored for ``manifest_digest`` of ``reference``'s repository, in order.

    Stops at the first missing ``signature-N``; an empty list means "unsigned here". Each blob is
    at most :data:`MAX_SIGNATURE_SIZE` bytes and at most :data:`MAX_SIGNATURES` are read.
    HTTP(S) uses ``client`` when given (so the caller controls TLS and proxies).
    """
    scheme = urlsplit(base_url).scheme
    if scheme != "file" and client is None:
        with httpx.Client(timeout=HTTP_TIMEOUT, follow_redirects=True) as own:
            return read_lookaside(base_url, reference, manifest_digest, client=own)
    found: list[bytes] = []
    for index in range(1, MAX_SIGNATURES + 2):
        url = signature_location(base_url, reference, manifest_digest, index)
        blob = _read_file(_file_path(url)) if scheme == "file" or client is None else _read_http(client, url)
        if blob is None:
            return found
        if index > MAX_SIGNATURES:
            raise LookasideError(f"more than {MAX_SIGNATURES} signatures for {manifest_digest}")
        found.append(blob)
    return found


def write_lookaside(base_url: str, reference: str, manifest_digest: str, signature: bytes) -> Path:
    """Add ``signature`` as the next free ``signature-N`` (a file:// lookaside only); return its path.

    Existing signatures are kept; storing the same bytes twice is a no-op. Each file appears
    whole or not at all (written aside, then hard-linked into place, which also refuses to
    replace a file another writer created meanwhile).
    """
    if urlsplit(base_url).scheme != "file":
        raise LookasideConfigError(
            f"cannot write signatures to {urlsplit(base_url).scheme}:// lookaside {base_url[:200]!r}",
            hint="configure lookaside-staging with a file:// URL (as c/image requires)",
        )
    if not signature or len(signature) > MAX_SIGNATURE_SIZE:
        raise LookasideError(f"refusing to store a signature of {len(signature)} bytes")
    first = _file_path(signature_location(base_url, reference, manifest_digest, 1))
    try:
        first.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LookasideError(f"cannot create {first.parent}: {exc.strerror}") from exc
    staged = first.parent / f".signature-{secrets.token_hex(8)}.tmp"
    try:
        staged.write_bytes(signature)
        for index in range(1, MAX_SIGNATURES + 1):
            target = first.parent / f"signature-{index}"
            try:
                os.link(staged, target)
            except FileExistsError:
                if _read_file(target) == signature:
                    return target
                continue
            return target
    except OSError as exc:
        raise LookasideError(f"cannot write signature into {first.parent}: {exc.strerror}") from exc
    finally:
        with contextlib.suppress(OSError):
            staged.unlink()
    raise LookasideError(f"{first.parent} already holds {MAX_SIGNATURES} signatures")
