"""Audit report writers and the registry of ``hullguard audit --format`` choices.

One :class:`AuditReport`, many writers (table, json, sarif, junit, html), each a module listing
its writer in ``PLUGINS``; third parties add formats through the ``hullguard.audit_formats``
entry-point group. Writers add no facts of their own.
"""

from __future__ import annotations

from typing import Protocol, TextIO, TypeGuard, runtime_checkable

from hullguard._registry import Registry, discover, find_format, formats_of
from hullguard.audit._report import AuditReport

__all__ = ["AuditWriter", "build_audit_writers", "find_audit_writer"]

_PACKAGE = "hullguard.audit.writers"
_GROUP = "hullguard.audit_formats"


@runtime_checkable
class AuditWriter(Protocol):
    """Renders an audit report in one output format."""

    @property
    def id(self) -> str:
        """The name ``--format`` offers."""
        ...

    @property
    def aliases(self) -> tuple[str, ...]:
        """Other accepted names."""
        ...

    def write(self, report: AuditReport, out: TextIO, *, tool_version: str) -> None:
        """Write the whole document for ``report`` to ``out``."""
        ...


def _is_writer(plugin: object) -> TypeGuard[AuditWriter]:
    return isinstance(plugin, AuditWriter)


def build_audit_writers() -> Registry[AuditWriter]:
    """Every audit format: the modules of this package plus entry points."""
    return formats_of(discover(_PACKAGE, _GROUP), _is_writer, what="audit format")


def find_audit_writer(registry: Registry[AuditWriter], name: str) -> AuditWriter:
    """The writer whose id or alias is ``name``; a ConfigError lists the valid names otherwise."""
    return find_format(registry, name, what="audit format")
