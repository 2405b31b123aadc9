"""A typed, immutable registry of plug-ins keyed by a stable id.

Registries are built once at the edge (CLI, server, tests) and passed down; nothing registers
itself into a global. Built-ins are found by importing every module of a package and taking the
objects a module lists in ``PLUGINS``; third parties add theirs through an entry-point group.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Generic, Protocol, TypeGuard, TypeVar

from hullguard.errors import ConfigError

__all__ = [
    "DuplicatePluginError",
    "Format",
    "Identified",
    "Registry",
    "discover",
    "find_format",
    "formats_of",
]


class Identified(Protocol):
    """Anything a registry can hold: it has a stable ``id``."""

    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=Identified)


class DuplicatePluginError(ConfigError):
    """Two plug-ins claimed the same id; the message names both origins."""


@dataclass(frozen=True, slots=True)
class Registry(Generic[T]):
    """An ordered, read-only mapping from plug-in id to plug-in."""

    entries: Mapping[str, T]

    @classmethod
    def of(cls, items: Iterable[tuple[T, str]]) -> Registry[T]:
        """Build from ``(plugin, origin)`` pairs, refusing duplicate ids."""
        found: dict[str, T] = {}
        origins: dict[str, str] = {}
        for item, origin in items:
            if item.id in found:
                raise DuplicatePluginError(
                    f"plug-in id {item.id!r} is defined twice: in {origins[item.id]} and in {origin}",
                    hint="rename one of them",
                )
            found[item.id] = item
            origins[item.id] = origin
        return cls(dict(sorted(found.items())))

    def __iter__(self) -> Iterator[T]:
        return iter(self.entries.values())

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, key: object) -> bool:
        return key in self.entries

    def get(self, key: str) -> T:
        """Return the plug-in with this id, or raise a ConfigError listing the known ids."""
        try:
            return self.entries[key]
        except KeyError:
            known = ", ".join(self.entries)
            raise ConfigError(f"unknown id {key!r}", hint=f"choose one of: {known}") from None

    def ids(self) -> list[str]:
        """All ids, sorted."""
        return list(self.entries)

    def only(self, keys: Iterable[str]) -> Registry[T]:
        """A registry restricted to ``keys`` (each must exist)."""
        return Registry({k: self.get(k) for k in sorted(set(keys))})


def discover(package: str, group: str) -> list[tuple[object, str]]:
    """Import every public module of ``package`` and collect its ``PLUGINS`` list.

    Entry points of ``group`` add third-party plug-ins; each must load to a plug-in object.
    Returns ``(plugin, origin)`` pairs for :meth:`Registry.of`.
    """
    pkg = importlib.import_module(package)
    found: list[tuple[object, str]] = []
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package}.{info.name}")
        found.extend((plugin, module.__name__) for plugin in getattr(module, "PLUGINS", ()))
    for ep in entry_points(group=group):
        found.append((ep.load(), f"entry point {ep.value}"))
    return found


class Format(Identified, Protocol):
    """An output format: an id plus other names ``--format`` accepts for it."""

    @property
    def aliases(self) -> tuple[str, ...]: ...


F = TypeVar("F", bound=Format)


def formats_of(
    found: Iterable[tuple[object, str]], is_format: Callable[[object], TypeGuard[F]], *, what: str
) -> Registry[F]:
    """A registry of output formats from ``(plugin, origin)`` pairs.

    Refuses plug-ins that are not formats and names (ids or aliases) claimed twice, so that
    :func:`find_format` never has to guess.
    """
    formats: list[tuple[F, str]] = []
    owners: dict[str, str] = {}
    for plugin, origin in found:
        if not is_format(plugin):
            raise ConfigError(f"{origin} lists {plugin!r}, which is not a {what}")
        formats.append((plugin, origin))
        owners.setdefault(plugin.id, origin)
    for plugin, origin in formats:
        for alias in plugin.aliases:
            if alias in owners:
                raise DuplicatePluginError(
                    f"{what} name {alias!r} is claimed twice: in {owners[alias]} and in {origin}",
                    hint="rename one of them",
                )
            owners[alias] = origin
    return Registry.of(formats)


def find_format(registry: Registry[F], name: str, *, what: str) -> F:
    """The format whose id or alias is ``name``; a ConfigError lists the valid names otherwise."""
    if name in registry:
        return registry.get(name)
    for plugin in registry:
        if name in plugin.aliases:
            return plugin
    names = sorted({*registry.ids(), *(alias for plugin in registry for alias in plugin.aliases)})
    raise ConfigError(f"unknown {what} {name!r}", hint=f"choose one of: {', '.join(names)}")
