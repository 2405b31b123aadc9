"""Checks of one compose service: pure functions ``(service) -> hits``.

Both syntaxes the compose specification allows are read: short and long volumes and ports, list
and map environments, ``deploy.resources`` and the v2 top-level limit keys.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from hullguard.misconfig._values import (
    DANGEROUS_CAPABILITIES,
    HostPathClass,
    classify_host_path,
    image_problem,
    is_literal_secret,
)
from hullguard.misconfig._yaml import Hit, Mark, YamlMap, YamlSeq
from hullguard.misconfig.compose import _catalog as c
from hullguard.report import CheckInfo

__all__ = ["SERVICE_RULES", "Service", "parse_port"]


@dataclass(frozen=True, slots=True)
class Service:
    """One entry of ``services:``: its name, its mapping and where its name is written."""

    name: str
    node: YamlMap
    mark: Mark

    def describe(self) -> str:
        return f"service {self.name!r}"


ServiceRule = Callable[[Service], Iterator[Hit]]


def _host_mode(key: str, what: str) -> ServiceRule:
    def rule(service: Service) -> Iterator[Hit]:
        value = service.node.text(key)
        if value is not None and value.lower() == "host":
            yield Hit(
                service.node.key_mark(key), f"{service.describe()} shares the host {what} ({key}: host)"
            )

    return rule


def _privileged(service: Service) -> Iterator[Hit]:
    if service.node.get("privileged") is True:
        yield Hit(service.node.key_mark("privileged"), f"{service.describe()} is privileged")


def _capabilities(service: Service) -> Iterator[Hit]:
    added = service.node.seq("cap_add")
    for index, value in enumerate(added or ()):
        name = str(value).upper().removeprefix("CAP_")
        if added is not None and name in DANGEROUS_CAPABILITIES:
            yield Hit(added.item_marks[index], f"{service.describe()} adds capability {name}")


def _host_sources(service: Service) -> Iterator[tuple[str, Mark]]:
    """Host paths bound into the service: ``/src:/dst[:mode]`` and ``type: bind`` long entries."""
    volumes = service.node.seq("volumes")
    for value, mark in zip(volumes, volumes.item_marks, strict=True) if volumes else ():
        if isinstance(value, str):
            source = value.split(":", 1)[0] if ":" in value else ""
            if source.startswith("/"):
                yield source, mark
        elif isinstance(value, YamlMap) and value.text("type") in ("bind", None):
            source = value.text("source") or ""
            if source.startswith("/"):
                yield source, value.value_marks.get("source", value.mark)


def _volumes(wanted: HostPathClass) -> ServiceRule:
    def rule(service: Service) -> Iterator[Hit]:
        for source, mark in _host_sources(service):
            if classify_host_path(source) == wanted:
                yield Hit(mark, f"{service.describe()} mounts host path {source}")

    return rule


def _read_only(service: Service) -> Iterator[Hit]:
    if service.node.get("read_only") is not True:
        mark = service.node.key_mark("read_only") if "read_only" in service.node else service.mark
        yield Hit(mark, f"{service.describe()} has a writable root filesystem (no read_only: true)")


_ROOT_USER = re.compile(r"^(?:root|0)(?::.*)?$")


def _user_root(service: Service) -> Iterator[Hit]:
    user = service.node.text("user")
    if user is not None and _ROOT_USER.match(user.strip()):
        yield Hit(service.node.key_mark("user"), f"{service.describe()} runs as {user}")


def _user_missing(service: Service) -> Iterator[Hit]:
    if "user" not in service.node:
        yield Hit(service.mark, f"{service.describe()} sets no user (the image's USER applies)")


def _security_opts(service: Service) -> list[tuple[str, Mark]]:
    options = service.node.seq("security_opt")
    if options is None:
        return []
    return [(str(v).lower().replace(" ", ""), m) for v, m in zip(options, options.item_marks, strict=True)]


def _unconfined(service: Service) -> Iterator[Hit]:
    for option, mark in _security_opts(service):
        if ("seccomp" in option or "apparmor" in option) and option.endswith("unconfined"):
            yield Hit(mark, f"{service.describe()} sets security_opt {option}")


_NO_NEW_PRIVS = re.compile(r"^no-new-privileges(?:[:=]true)?$")


def _no_new_privileges(service: Service) -> Iterator[Hit]:
    options = _security_opts(service)
    if not any(_NO_NEW_PRIVS.match(option) for option, _ in options):
        mark = service.node.key_mark("security_opt") if options else service.mark
        yield Hit(mark, f"{service.describe()} does not set no-new-privileges:true")


def _limit(v2_keys: tuple[str, ...], deploy_key: str, what: str) -> ServiceRule:
    def rule(service: Service) -> Iterator[Hit]:
        if any(service.node.get(key) not in (None, "", 0) for key in v2_keys):
            return
        deploy = service.node.map("deploy")
        resources = deploy.map("resources") if deploy else None
        limits = resources.map("limits") if resources else None
        if limits is not None and limits.get(deploy_key) not in (None, ""):
            return
        mark = (limits or resources or deploy or service.node).mark if deploy else service.mark
        yield Hit(mark, f"{service.describe()} has no {what} limit")

    return rule


def parse_port(spec: str) -> tuple[str | None, str]:
    """``(host_ip, rest)`` of a short-syntax port: ``127.0.0.1:80:80`` -> ("127.0.0.1", "80:80").

    ``[::1]:80:80`` keeps the brackets off; a spec without an address gives None.
    """
    if spec.startswith("["):
        address, _, rest = spec[1:].partition("]")
        return address, rest.lstrip(":")
    parts = spec.split(":")
    if len(parts) >= 3:
        return ":".join(parts[:-2]), ":".join(parts[-2:])
    return None, spec


_ANY_ADDRESS = frozenset({None, "", "0.0.0.0", "::"})  # noqa: S104 - what we look for


def _ports(service: Service) -> Iterator[Hit]:
    ports = service.node.seq("ports")
    for value, mark in zip(ports, ports.item_marks, strict=True) if ports else ():
        if isinstance(value, YamlMap):
            address = value.text("host_ip")
            exposed = "published" in value or "target" in value
        else:
            address, _ = parse_port(str(value))
            exposed = True
        if exposed and address in _ANY_ADDRESS:
            shown = (
                value if not isinstance(value, YamlMap) else value.text("published") or value.text("target")
            )
            yield Hit(mark, f"{service.describe()} publishes port {shown} on all interfaces")


def _environment(service: Service) -> Iterator[tuple[str, str, Mark]]:
    env = service.node.get("environment")
    if isinstance(env, YamlMap):
        for name, value in env.items():
            if value is not None and not isinstance(value, YamlMap):
                yield name, str(value), env.value_marks[name]
    elif isinstance(env, YamlSeq):
        for value, mark in zip(env, env.item_marks, strict=True):
            if isinstance(value, str) and "=" in value:
                name, _, literal = value.partition("=")
                yield name.strip(), literal, mark


def _secrets(service: Service) -> Iterator[Hit]:
    for name, value, mark in _environment(service):
        if is_literal_secret(name, value):
            yield Hit(mark, f"{service.describe()} sets {name} to a literal value")


def _image(service: Service) -> Iterator[Hit]:
    image = service.node.text("image")
    if image is None:
        return
    problem = image_problem(image)
    if problem is not None:
        yield Hit(service.node.value_marks["image"], f"{service.describe()} uses image {image!r} ({problem})")


SERVICE_RULES: tuple[tuple[CheckInfo, ServiceRule], ...] = (
    (c.PRIVILEGED, _privileged),
    (c.DANGEROUS_CAPABILITY, _capabilities),
    (c.HOST_NETWORK, _host_mode("network_mode", "network")),
    (c.HOST_PID, _host_mode("pid", "PID namespace")),
    (c.HOST_IPC, _host_mode("ipc", "IPC namespace")),
    (c.HOST_USERNS, _host_mode("userns_mode", "user namespace")),
    (c.RUNTIME_SOCKET, _volumes(HostPathClass.RUNTIME_SOCKET)),
    (c.HOST_ROOT, _volumes(HostPathClass.ROOT)),
    (c.SENSITIVE_HOST_PATH, _volumes(HostPathClass.SENSITIVE)),
    (c.WRITABLE_ROOT_FS, _read_only),
    (c.USER_ROOT, _user_root),
    (c.USER_MISSING, _user_missing),
    (c.UNCONFINED, _unconfined),
    (c.NO_NEW_PRIVILEGES, _no_new_privileges),
    (c.MEMORY_LIMIT, _limit(("mem_limit",), "memory", "memory")),
    (c.CPU_LIMIT, _limit(("cpus", "cpu_quota", "cpu_count"), "cpus", "CPU")),
    (c.PIDS_LIMIT, _limit(("pids_limit",), "pids", "PIDs")),
    (c.PORT_ALL_INTERFACES, _ports),
    (c.SECRET_ENV, _secrets),
    (c.IMAGE_TAG, _image),
)
"""Service rules with the check each one reports."""
