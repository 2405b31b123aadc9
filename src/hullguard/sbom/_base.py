"""The SBOM writer interface and the registry of output formats.

One inventory, many writers (as syft's ``FormatEncoder``): each writer has a stable ``id`` that
``--format`` offers, optional aliases, and one ``write`` method. The choices come from the
registry, which finds writers by importing the modules of :mod:`hullguard.sbom` (each lists its
writers in ``PLUGINS``) and the ``hullguard.sbom_formats`` entry-point group.
"""

from __future__ import annotations

from typing import Protocol, TextIO, TypeGuard, runtime_checkable

from hullguard._registry import Registry, discover, find_format, formats_of
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


def _is_writer(plugin: object) -> TypeGuard[SbomWriter]:
    return isinstance(plugin, SbomWriter)


def build_sbom_writers() -> Registry[SbomWriter]:
    """All output formats: the built-in modules of :mod:`hullguard.sbom` plus entry points."""
    return formats_of(discover("hullguard.sbom", "hullguard.sbom_formats"), _is_writer, what="SBOM format")


def find_writer(registry: Registry[SbomWriter], name: str) -> SbomWriter:
    """The writer whose id or alias is ``name``; a ConfigError lists the valid names otherwise."""
    return find_format(registry, name, what="SBOM format")
