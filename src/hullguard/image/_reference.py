"""Image references (``[registry/]repository[:tag][@digest]``), normalised the way Docker does.

The grammar follows distribution's ``reference`` package: a first path component is a registry
only when it looks like a host (it has a ``.`` or a ``:``, is ``localhost``, or has upper-case
letters); otherwise the name is on Docker Hub, and a one-component Hub name lives under
``library/``. A name with neither tag nor digest means ``:latest``.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from hullguard.errors import ImageError
from hullguard.image._digest import InvalidDigestError, parse_digest

__all__ = ["DOCKER_HUB", "InvalidReferenceError", "Reference", "is_loopback_host", "parse_reference"]

DOCKER_HUB = "docker.io"
"""The canonical registry name of Docker Hub, as Docker writes it in normalised names."""

_HUB_ALIASES = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io"})
_MAX_NAME = 255
"""distribution's ``NameTotalLengthMax``: registry and repository together."""

_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_REGISTRY = re.compile(
    rf"^(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[a-fA-F0-9:]+\])(?::[0-9]{{1,5}})?$"
)
_PATH_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_REPOSITORY = re.compile(rf"^{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*$")
_TAG = re.compile(r"^[\w][\w.-]{0,127}$")
_HEX64 = re.compile(r"^[a-f0-9]{64}$")

_HINT = "write it as [registry[:port]/]repository[:tag][@sha256:<digest>], e.g. alpine:3.20"


class InvalidReferenceError(ImageError):
    """Text that is not an image reference."""


@dataclass(frozen=True, slots=True)
class Reference:
    """A fully qualified image reference; build it with :func:`parse_reference`.

    Construction checks every part against the distribution grammar, so a ``Reference`` that
    exists can be put into a URL path without further escaping.
    """

    registry: str
    """Host with optional port, e.g. ``docker.io``, ``localhost:5000``, ``[::1]:5000``."""
    repository: str
    """Path inside the registry, e.g. ``library/alpine``."""
    tag: str | None = None
    digest: str | None = None
    """Manifest digest; when present it wins over the tag for pulls (Docker does the same)."""

    def __post_init__(self) -> None:
        if not _REGISTRY.match(self.registry):
            raise InvalidReferenceError(f"invalid registry host {self.registry!r}", hint=_HINT)
        if not _REPOSITORY.match(self.repository):
            problem = "must be lowercase" if self.repository.lower() != self.repository else "is invalid"
            raise InvalidReferenceError(f"repository name {self.repository!r} {problem}", hint=_HINT)
        if len(self.name) > _MAX_NAME:
            raise InvalidReferenceError(f"image name is longer than {_MAX_NAME} characters", hint=_HINT)
        if self.tag is not None and not _TAG.match(self.tag):
            raise InvalidReferenceError(f"invalid tag {self.tag!r}", hint=_HINT)
        if self.digest is not None:
            try:
                parse_digest(self.digest)
            except InvalidDigestError as exc:
                raise InvalidReferenceError(f"invalid digest {self.digest!r}", hint=exc.hint) from exc

    @property
    def name(self) -> str:
        """``registry/repository``: the reference without tag or digest."""
        return f"{self.registry}/{self.repository}"

    @property
    def host(self) -> str:
        """The registry without its port (and without IPv6 brackets)."""
        if self.registry.startswith("["):
            return self.registry[1:].partition("]")[0]
        return self.registry.partition(":")[0]

    @property
    def is_docker_hub(self) -> bool:
        """True for Docker Hub, whose API and credential names differ from ``docker.io``."""
        return self.registry in _HUB_ALIASES

    @property
    def is_loopback(self) -> bool:
        """True for ``localhost``, ``127.0.0.0/8`` and ``::1``.

        Docker trusts such registries for plain HTTP by default (its ``insecure-registries``
        always include ``127.0.0.0/8``), because their traffic never leaves the machine.
        """
        return is_loopback_host(self.host)

    @property
    def selector(self) -> str:
        """What to put after ``/manifests/``: the digest if known, else the tag."""
        return self.digest or self.tag or "latest"

    def with_digest(self, digest: str) -> Reference:
        """The same repository pinned to ``digest`` (the tag is kept for display)."""
        return Reference(self.registry, self.repository, self.tag, digest)

    def __str__(self) -> str:
        tag = f":{self.tag}" if self.tag else ""
        digest = f"@{self.digest}" if self.digest else ""
        return f"{self.name}{tag}{digest}"


def is_loopback_host(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (``127.0.0.0/8``, ``::1``), brackets allowed."""
    bare = host.removeprefix("[").removesuffix("]")
    if bare.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(bare).is_loopback
    except ValueError:
        return False


def _split_registry(name: str) -> tuple[str, str]:
    """Split ``name`` into (registry, repository) by Docker's rule for the first component."""
    first, slash, rest = name.partition("/")
    looks_like_host = "." in first or ":" in first or first == "localhost" or first.lower() != first
    if not slash or not looks_like_host:
        return DOCKER_HUB, name
    if first in _HUB_ALIASES:
        return DOCKER_HUB, rest
    return first, rest


def parse_reference(text: str) -> Reference:
    """Parse and normalise ``text`` (``alpine`` → ``docker.io/library/alpine:latest``).

    Raises :class:`InvalidReferenceError` with a hint on anything distribution would reject.
    """
    if not text or text != text.strip():
        raise InvalidReferenceError(f"invalid image reference {text!r}", hint=_HINT)
    rest, at, digest = text.partition("@")
    last_slash = rest.rfind("/")
    colon = rest.rfind(":")
    tag: str | None = None
    if colon > last_slash:
        rest, tag = rest[:colon], rest[colon + 1 :]
    if _HEX64.match(rest) and not tag and not at:
        raise InvalidReferenceError(
            f"{text!r} looks like an image id, not a reference", hint="use repository@sha256:<digest>"
        )
    registry, repository = _split_registry(rest)
    if registry == DOCKER_HUB and "/" not in repository:
        repository = f"library/{repository}"
    if tag is None and not at:
        tag = "latest"
    return Reference(registry, repository, tag, digest if at else None)
