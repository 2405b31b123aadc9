"""The daemon's configuration from its command line and its ``daemon.json``: pure parsing.

dockerd takes each setting either as a flag or as a ``daemon.json`` key (it refuses to start
when both set the same one), so the effective value is the flag's, else the file's. Flag names
are mapped to the file's key names (``--insecure-registry`` -> ``insecure-registries``) so a
check asks for one name. Values are kept as strings, the way they appear on a command line.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from hullguard.errors import AuditError

__all__ = ["DaemonSettings", "InvalidDaemonConfigError", "parse_daemon_args", "parse_daemon_json"]


class InvalidDaemonConfigError(AuditError):
    """``daemon.json`` is not a JSON object; dockerd itself would refuse to start with it."""


_SHORT = MappingProxyType({
    "H": "host", "l": "log-level", "D": "debug", "G": "group", "p": "pidfile", "b": "bridge",
    "g": "graph", "s": "storage-driver", "e": "exec-driver",
})  # fmt: skip
_BOOLEAN = frozenset({
    "debug", "icc", "iptables", "ip6tables", "ip-forward", "ip-masq", "ipv6", "live-restore",
    "userland-proxy", "no-new-privileges", "experimental", "tls", "tlsverify", "selinux-enabled",
    "raw-logs", "rootless", "init", "validate",
})  # fmt: skip
"""Flags that take no separate value: ``--icc`` alone means true, ``--icc=false`` false."""
_FILE_KEYS = MappingProxyType({
    "host": "hosts", "insecure-registry": "insecure-registries", "default-ulimit": "default-ulimits",
    "authorization-plugin": "authorization-plugins", "storage-opt": "storage-opts", "log-opt": "log-opts",
    "registry-mirror": "registry-mirrors", "label": "labels", "dns": "dns", "add-runtime": "runtimes",
})  # fmt: skip
"""Flag name -> ``daemon.json`` key, where they differ (``dockerd --help`` vs the docs' file keys)."""


def parse_daemon_args(argv: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Flags of a dockerd command line (argv[0] included), by ``daemon.json`` key, in order."""
    found: dict[str, list[str]] = {}
    args = list(argv[1:])
    index = 0
    while index < len(args):
        arg = args[index]
        index += 1
        if not arg.startswith("-") or arg in {"-", "--"}:
            continue
        name, has_value, value = arg.lstrip("-").partition("=")
        if not arg.startswith("--") and len(name) >= 1:
            name, value, has_value = _short(name, value, has_value)
        if not has_value:
            if name in _BOOLEAN:
                value = "true"
            elif index < len(args):
                value = args[index]
                index += 1
        found.setdefault(_FILE_KEYS.get(name, name), []).append(value)
    return {key: tuple(values) for key, values in found.items()}


def _short(name: str, value: str, has_value: str) -> tuple[str, str, str]:
    """``-H unix://x``, ``-Hunix://x`` and ``-H=unix://x`` all mean ``--host``."""
    letter, rest = name[0], name[1:]
    long_name = _SHORT.get(letter, name)
    if rest and not has_value:
        return long_name, rest, "="
    return long_name, value, has_value


def _as_strings(value: object) -> tuple[str, ...]:
    """A file value as flag-like strings: lists item by item, maps as ``key=value``."""
    if isinstance(value, bool):
        return ("true" if value else "false",)
    if isinstance(value, list):
        return tuple(item for v in value for item in _as_strings(v))
    if isinstance(value, dict):
        return tuple(
            f"{k}={json.dumps(v, sort_keys=True) if isinstance(v, dict) else v}" for k, v in value.items()
        )
    if value is None:
        return ()
    return (str(value),)


def parse_daemon_json(text: str, *, path: str) -> dict[str, tuple[str, ...]]:
    """``daemon.json`` keys as strings; anything but a JSON object raises a clear error."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidDaemonConfigError(
            f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
            hint="dockerd refuses to start with it; fix the file (checks that need it are SKIPped)",
        ) from exc
    if not isinstance(document, dict):
        raise InvalidDaemonConfigError(f"{path} is not a JSON object")
    return {str(key): _as_strings(value) for key, value in document.items()}


@dataclass(frozen=True, slots=True)
class DaemonSettings:
    """A daemon's settings from its flags and its configuration file."""

    flags: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    file: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    file_path: str = "/etc/docker/daemon.json"

    def values(self, key: str) -> tuple[str, ...]:
        """Every value given for ``key`` (flags first); empty when it is not set."""
        return (*self.flags.get(key, ()), *self.file.get(key, ()))

    def last(self, key: str) -> str | None:
        """The effective single value: the last flag, else the file's; ``None`` when unset."""
        if self.flags.get(key):
            return self.flags[key][-1]
        values = self.file.get(key, ())
        return values[-1] if values else None

    def origin(self, key: str) -> str:
        """Where ``key`` was set, for evidence: ``--key`` or the file path."""
        if key in self.flags:
            return "dockerd flag"
        if key in self.file:
            return self.file_path
        return "default"

    def describe(self, key: str) -> str:
        """``key=value (origin)`` or ``key unset (default)``."""
        value = self.values(key)
        if not value:
            return f"{key} not set (default)"
        return f"{key}={','.join(value)} ({self.origin(key)})"
