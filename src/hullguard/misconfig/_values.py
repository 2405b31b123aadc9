"""Judging values that Kubernetes and compose files share: images, host paths, secret-named variables.

Both linters ask the same questions of the same kinds of strings; answering them once keeps the
two in agreement (an image is "unpinned" or a path "sensitive" for the same reasons in both).
"""

from __future__ import annotations

import posixpath
import re
from enum import StrEnum

__all__ = [
    "DANGEROUS_CAPABILITIES",
    "HostPathClass",
    "classify_host_path",
    "image_problem",
    "is_literal_secret",
    "is_secret_name",
]

DANGEROUS_CAPABILITIES = frozenset(
    {
        "ALL", "SYS_ADMIN", "SYS_MODULE", "SYS_PTRACE", "SYS_RAWIO", "SYS_BOOT", "NET_ADMIN",
        "DAC_READ_SEARCH", "BPF", "PERFMON", "MAC_ADMIN", "MAC_OVERRIDE", "SYSLOG", "SYS_TIME",
    }
)  # fmt: skip
"""Capabilities that reach into the host kernel (module loading, ptrace, raw I/O, BPF, ...)."""

_DIGEST = re.compile(r"@[a-z0-9]+(?:[+._-][a-z0-9]+)*:[0-9a-fA-F]{32,}$")


def has_digest(image: str) -> bool:
    """Whether the reference pins content by digest (``name@sha256:...``)."""
    return bool(_DIGEST.search(image))


def image_problem(image: str) -> str | None:
    """Why an image reference is not fixed (``no tag``, ``tag latest``); None when a tag or digest is set.

    References built from variables (``${IMAGE}``) are not judged: their value is unknown here.
    """
    if has_digest(image) or "$" in image or "{{" in image:
        return None
    name = image.rsplit("/", 1)[-1]
    if ":" not in name:
        return "no tag"
    return "tag latest" if name.rsplit(":", 1)[1] == "latest" else None


class HostPathClass(StrEnum):
    """How dangerous sharing a host path with a container is."""

    RUNTIME_SOCKET = "runtime-socket"
    ROOT = "root"
    SENSITIVE = "sensitive"
    OTHER = "other"


RUNTIME_SOCKETS = (
    "docker.sock",
    "containerd.sock",
    "crio.sock",
    "cri-dockerd.sock",
    "podman.sock",
    "dockershim.sock",
)
_RUNTIME_DIRS = frozenset(
    {"/var/run/docker", "/run/containerd", "/var/run/containerd", "/run/crio", "/var/run/crio"}
)
SENSITIVE_PATHS = (
    "/etc", "/proc", "/sys", "/dev", "/boot", "/root", "/home", "/lib", "/usr", "/bin", "/sbin", "/run",
    "/var/run", "/var/lib/kubelet", "/var/lib/docker", "/var/lib/containerd", "/var/lib/etcd",
)  # fmt: skip
"""Host paths (and everything below them) whose exposure leaks node secrets or allows escape."""


def classify_host_path(path: str) -> HostPathClass:
    """Runtime socket, ``/``, sensitive system path, or other, for an absolute host path."""
    normal = "/" + posixpath.normpath("/" + path.strip()).lstrip("/")
    if normal.endswith(RUNTIME_SOCKETS) or normal in _RUNTIME_DIRS:
        return HostPathClass.RUNTIME_SOCKET
    if normal == "/":
        return HostPathClass.ROOT
    if any(normal == prefix or normal.startswith(prefix + "/") for prefix in SENSITIVE_PATHS):
        return HostPathClass.SENSITIVE
    return HostPathClass.OTHER


_SECRET_NAME = re.compile(
    r"PASSW(?:OR)?D|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL|_KEY$|^KEY$|AUTH_?KEY|PASSPHRASE"
)
_NOT_A_SECRET = re.compile(
    r"_(?:FILE|PATH|DIR|LOCATION|NAME|USER|USERNAME|URL|URI|ENDPOINT|HOST|PORT|TTL|TIMEOUT|TYPE|LENGTH|ID)$"
)
_HARMLESS_VALUE = re.compile(
    r"(?i)^(?:true|false|yes|no|none|null|\d{1,6}|/.*|\$\(.*\)|\$\{.*\}|\$\w+|<.*>)$"
)


def is_secret_name(name: str) -> bool:
    """Whether an environment variable's name says it holds a secret (``DB_PASSWORD``, ``API_TOKEN``)."""
    upper = name.upper()
    return bool(_SECRET_NAME.search(upper)) and not _NOT_A_SECRET.search(upper)


def is_literal_secret(name: str, value: str) -> bool:
    """A secret-named variable with a literal value: not a flag, small number, path or reference."""
    stripped = value.strip()
    return is_secret_name(name) and bool(stripped) and not _HARMLESS_VALUE.match(stripped)
