"""The report writer interface and the registry of ``hullguard scan --format`` choices.

One scan report, many writers (as syft's ``FormatEncoder`` and pip-audit's output formats): each
writer has a stable ``id``, optional aliases, a media type and one ``write`` method. The choices
come from the registry, which imports the public modules of :mod:`hullguard.report.writers`
(each lists its writers in ``PLUGINS``) and the ``hullguard.report_formats`` entry-point group,
so a new format is one new module and its test.
"""

from __future__ import annotations

from typing import Protocol, TextIO, TypeGuard, runtime_checkable

from hullguard._registry import Registry, discover, find_format, formats_of
from hullguard.report._model import ScanReport

__all__ = ["ReportWriter", "build_report_writers", "find_report_writer"]

_PACKAGE = "hullguard.report.writers"
_GROUP = "hullguard.report_formats"


@runtime_checkable
class ReportWriter(Protocol):
    """Renders a scan report in one output format; adds no facts of its own."""

    @property
    def id(self) -> str:
        """The name ``--format`` offers (``sarif``)."""
        ...

    @property
    def aliases(self) -> tuple[str, ...]:
        """Other names accepted for this format (``cyclonedx-json``)."""
        ...

    @property
    def media_type(self) -> str:
        """IANA media type of the output, for HTTP responses and attestations."""
        ...

    def write(self, report: ScanReport, out: TextIO, *, tool_version: str) -> None:
        """Write the whole document for ``report`` to ``out``."""
        ...


def _is_writer(plugin: object) -> TypeGuard[ReportWriter]:
    return isinstance(plugin, ReportWriter)


def report_writers_of(found: list[tuple[object, str]]) -> Registry[ReportWriter]:
    """A registry from ``(plugin, origin)`` pairs, checked like the built-in one.

    Separate from :func:`build_report_writers` so tests can build a registry from only the
    writers they need, and see duplicate names refused.
    """
    return formats_of(found, _is_writer, what="report format")


def build_report_writers() -> Registry[ReportWriter]:
    """All report formats: the modules of :mod:`hullguard.report.writers` plus entry points."""
    return report_writers_of(discover(_PACKAGE, _GROUP))


def find_report_writer(registry: Registry[ReportWriter], name: str) -> ReportWriter:
    """The writer whose id or alias is ``name``; a ConfigError lists the valid names otherwise."""
    return find_format(registry, name, what="report format")
