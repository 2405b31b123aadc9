"""The report writer registry: discovery of the built-in formats, aliases, duplicate names."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TextIO

import pytest

from hullguard._registry import DuplicatePluginError
from hullguard.errors import ConfigError
from hullguard.report import ScanReport
from hullguard.report._writer import (
    ReportWriter,
    build_report_writers,
    find_report_writer,
    report_writers_of,
)

BUILT_IN = ["cyclonedx", "html", "json", "junit", "sarif", "table"]


@dataclass(frozen=True)
class _Named:
    """A minimal writer for registry tests; renders only the target name."""

    id: str
    aliases: tuple[str, ...] = ()
    media_type: str = "text/plain"

    def write(self, report: ScanReport, out: TextIO, *, tool_version: str) -> None:
        out.write(report.target)


def test_registry_offers_every_built_in_format() -> None:
    assert build_report_writers().ids() == BUILT_IN


def test_every_built_in_writer_satisfies_the_protocol() -> None:
    for writer in build_report_writers():
        assert isinstance(writer, ReportWriter)
        assert writer.media_type


@pytest.mark.parametrize(
    ("name", "expected"),
    [("sarif", "sarif"), ("cyclonedx", "cyclonedx"), ("cyclonedx-json", "cyclonedx"), ("table", "table")],
    ids=["id", "cyclonedx-id", "cyclonedx-alias", "table"],
)
def test_find_resolves_ids_and_aliases(name: str, expected: str) -> None:
    assert find_report_writer(build_report_writers(), name).id == expected


def test_unknown_name_lists_ids_and_aliases() -> None:
    with pytest.raises(ConfigError) as raised:
        find_report_writer(build_report_writers(), "spdx")
    assert "spdx" in str(raised.value)
    assert raised.value.hint == "choose one of: " + ", ".join(sorted([*BUILT_IN, "cyclonedx-json"]))


def test_alias_that_shadows_an_id_names_both_origins() -> None:
    found: list[tuple[object, str]] = [(_Named("json"), "mod.a"), (_Named("other", ("json",)), "mod.b")]
    with pytest.raises(DuplicatePluginError, match=r"mod\.a.*mod\.b"):
        report_writers_of(found)


def test_duplicate_id_is_refused() -> None:
    with pytest.raises(DuplicatePluginError):
        report_writers_of([(_Named("json"), "mod.a"), (_Named("json"), "mod.b")])


def test_object_that_is_not_a_writer_is_refused() -> None:
    with pytest.raises(ConfigError, match="not a report format"):
        report_writers_of([(object(), "mod.c")])


def test_registry_built_from_a_test_writer_renders(scan_report: ScanReport) -> None:
    registry = report_writers_of([(_Named("names"), "tests")])
    out = io.StringIO()
    find_report_writer(registry, "names").write(scan_report, out, tool_version="x")
    assert out.getvalue() == "registry.example/app:1"
