"""The audit's check registry and the mapping of our check ids to docker-bench-security's.

Checks are found like every other plug-in: each public module of :mod:`hullguard.audit` lists
its checks in ``PLUGINS``, and third parties add theirs through the ``hullguard.audit_checks``
entry-point group. Two checks with one id fail the build.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import TypeGuard

from hullguard._registry import Registry, discover
from hullguard.audit import containers, daemon, files, host, images, swarm
from hullguard.audit._model import Check, ContainerCheck, FactCheck
from hullguard.errors import ConfigError

__all__ = ["DOCKER_BENCH_IDS", "build_checks", "docker_bench_id", "select_checks"]

_PACKAGE = "hullguard.audit"
_GROUP = "hullguard.audit_checks"


def _is_check(plugin: object) -> TypeGuard[Check]:
    return isinstance(plugin, ContainerCheck | FactCheck)


def build_checks() -> Registry[Check]:
    """Every check: the modules of :mod:`hullguard.audit` plus entry points."""
    found: list[tuple[Check, str]] = []
    for plugin, origin in discover(_PACKAGE, _GROUP):
        if not _is_check(plugin):
            raise ConfigError(f"{origin} lists {plugin!r}, which is not an audit check")
        found.append((plugin, origin))
    return Registry.of(found)


def docker_bench_id(check: Check) -> str:
    """docker-bench-security's function for the same recommendation (it follows CIS v1.6.0)."""
    return "check_" + check.cis_id.replace(".", "_")


def _built_in() -> Iterable[Check]:
    for module in (host, daemon, files, images, containers, swarm):
        yield from module.PLUGINS


DOCKER_BENCH_IDS: Mapping[str, str] = MappingProxyType({c.id: docker_bench_id(c) for c in _built_in()})
"""Our check id -> docker-bench-security's function name, for comparing the two reports."""


def select_checks(registry: Registry[Check], only: Iterable[str], exclude: Iterable[str]) -> list[Check]:
    """Checks named in ``only`` (all when empty) minus ``exclude``; names are ids, CIS ids or sections.

    ``5`` selects all of section 5, ``1.1`` all of 1.1.x, ``5.4`` exactly 5.4.
    """

    def matches(check: Check, names: list[str]) -> bool:
        return any(n in {check.id, check.cis_id} or check.cis_id.startswith(n + ".") for n in names)

    wanted, unwanted = list(only), list(exclude)
    chosen = [c for c in registry if not wanted or matches(c, wanted)]
    chosen = [c for c in chosen if not matches(c, unwanted)]
    if not chosen:
        raise ConfigError(
            "no check left to run",
            hint="--checks and --exclude take ids (container.privileged), CIS ids (5.5) or sections (2)",
        )
    return chosen
