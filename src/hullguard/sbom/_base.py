"""The SBOM writer interface and the registry of output formats.

One inventory, many writers (as syft's ``FormatEncoder``): each writer has a stable ``id`` that
``--format`` offers, optional aliases, and one ``write`` method. The choices come from the
registry, which finds writers by importing the modules of :mod:`hullguard.sbom` (each lists its
writers in ``PLUGINS``) and the ``hullguard.sbom_formats`` entry-point group.
"""

from __future__ import annotations

from typing import Protocol, TextIO, runtime_checkable

from hullguard._registry import DuplicatePluginError, Registry, discover
from hullguard.errors import ConfigError
from hullguard.inventory import Inventory

__all__ = ["SbomWriter", "build_sbom_writers", "find_writer"]


@runtime_checkable
class SbomWriter(Protocol):
    """Renders an inventory in one output format; adds no facts of its own."""

    @property
    def id(self) -> str:
        """The name ``--format`` offers (``cyclonedx-json``)."""
        ...

    @property
    def aliases(self) -> tuple[str, ...]:
        """Other names accepted for this format (``cyclonedx``)."""
        ...

    @property
    def media_type(self) -> str:
        """IANA media type of the output, for HTTP responses and OCI attestations."""
        ...

    def write(self, inventory: Inventory, out: TextIO, *, tool_version: str) -> None:
        """Write the whole document for ``inventory`` to ``out``."""
        ...


def _writers(found: list[tuple[object, str]]) -> list[tuple[SbomWriter, str]]:
    """Refuse plug-ins that are not writers, naming where they came from."""
    writers: list[tuple[SbomWriter, str]] = []
    for plugin, origin in found:
        if not isinstance(plugin, SbomWriter):
            raise ConfigError(f"{origin} lists {plugin!r}, which is not an SBOM writer")
        writers.append((plugin, origin))
    return writers


def _check_aliases(writers: list[tuple[SbomWriter, str]]) -> None:
    """An alias may not shadow an id or another alias, or ``find_writer`` would be ambiguous."""
    owners = {writer.id: origin for writer, origin in writers}
    for writer, origin in writers:
        for alias in writer.aliases:
            if alias in owners:
                raise DuplicatePluginError(
                    f"format name {alias!r} is claimed twice: in {owners[alias]} and in {origin}",
                    hint="rename one of them",
                )
            owners[alias] = origin


def build_sbom_writers() -> Registry[SbomWriter]:
    """All output formats: the built-in modules of :mod:`hullguard.sbom` plus entry points."""
    writers = _writers(discover("hullguard.sbom", "hullguard.sbom_formats"))
    _check_aliases(writers)
    return Registry.of(writers)


def find_writer(registry: Registry[SbomWriter], name: str) -> SbomWriter:
    """The writer whose id or alias is ``name``; a ConfigError lists the valid names otherwise."""
    if name in registry:
        return registry.get(name)
    for writer in registry:
        if name in writer.aliases:
            return writer
    names = sorted({*registry.ids(), *(alias for writer in registry for alias in writer.aliases)})
    raise ConfigError(f"unknown SBOM format {name!r}", hint=f"choose one of: {', '.join(names)}")
