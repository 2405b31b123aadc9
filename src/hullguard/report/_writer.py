"""The report writer interface and the registry of ``hullguard scan --format`` choices.

One scan report, many writers (as syft's ``FormatEncoder`` and pip-audit's output formats): each
writer has a stable ``id``, optional aliases, a media type and one ``write`` method. The choices
come from the registry, which imports the public modules of :mod:`hullguard.report.writers`
(each lists its writers in ``PLUGINS``) and the ``hullguard.report_formats`` entry-point group,
so a new format is one new module and its test.
"""

from __future__ import annotations

from typing import Protocol, TextIO, runtime_checkable

from hullguard._registry import DuplicatePluginError, Registry, discover
from hullguard.errors import ConfigError
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


def _writers(found: list[tuple[object, str]]) -> list[tuple[ReportWriter, str]]:
    """Refuse plug-ins that are not report writers, naming where they came from."""
    writers: list[tuple[ReportWriter, str]] = []
    for plugin, origin in found:
        if not isinstance(plugin, ReportWriter):
            raise ConfigError(f"{origin} lists {plugin!r}, which is not a report writer")
        writers.append((plugin, origin))
    return writers


def _check_aliases(writers: list[tuple[ReportWriter, str]]) -> None:
    """An alias may not shadow an id or another alias, or :func:`find_report_writer` would guess."""
    owners = {writer.id: origin for writer, origin in writers}
    for writer, origin in writers:
        for alias in writer.aliases:
            if alias in owners:
                raise DuplicatePluginError(
                    f"report format name {alias!r} is claimed twice: in {owners[alias]} and in {origin}",
                    hint="rename one of them",
                )
            owners[alias] = origin


def report_writers_of(found: list[tuple[object, str]]) -> Registry[ReportWriter]:
    """A registry from ``(plugin, origin)`` pairs, checked like the built-in one.

    Separate from :func:`build_report_writers` so tests can build a registry from only the
    writers they need, and see duplicate names refused.
    """
    writers = _writers(found)
    _check_aliases(writers)
    return Registry.of(writers)


def build_report_writers() -> Registry[ReportWriter]:
    """All report formats: the modules of :mod:`hullguard.report.writers` plus entry points."""
    return report_writers_of(discover(_PACKAGE, _GROUP))


def find_report_writer(registry: Registry[ReportWriter], name: str) -> ReportWriter:
    """The writer whose id or alias is ``name``; a ConfigError lists the valid names otherwise."""
    if name in registry:
        return registry.get(name)
    for writer in registry:
        if name in writer.aliases:
            return writer
    names = sorted({*registry.ids(), *(alias for writer in registry for alias in writer.aliases)})
    raise ConfigError(f"unknown report format {name!r}", hint=f"choose one of: {', '.join(names)}")
