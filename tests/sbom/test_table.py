"""Table writer: columns, summary line, skipped files, literal text, golden output."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest

from hullguard.inventory import Inventory, Location, Package, PackageType, Skipped
from hullguard.sbom.table import TableWriter
from tests.sbom.conftest import TOOL_VERSION


def _render(inventory: Inventory, width: int = 120) -> str:
    out = io.StringIO()
    TableWriter(width=width, terminal=False).write(inventory, out, tool_version=TOOL_VERSION)
    return out.getvalue()


def test_alpine_output_matches_golden(
    alpine_inventory: Inventory, golden: Callable[[str, str], None]
) -> None:
    golden("alpine-3.11.5.table.txt", _render(alpine_inventory))


def test_header_and_every_package_are_shown(debian_inventory: Inventory) -> None:
    text = _render(debian_inventory, width=200)
    header = next(line for line in text.splitlines() if "NAME" in line)
    assert header.split() == ["NAME", "VERSION", "TYPE", "LOCATION", "LAYER"]
    assert "libc6 " in text and "2.28-10" in text
    assert debian_inventory.layers[0].diff_id.removeprefix("sha256:")[:12] in text


def test_summary_counts_packages_per_type(debian_inventory: Inventory) -> None:
    debs = sum(1 for p in debian_inventory.packages if p.type is PackageType.DEB)
    pythons = len(debian_inventory.packages) - debs
    total = len(debian_inventory.packages)
    summary = f"{total} packages (deb {debs}, python {pythons}), OS: Debian GNU/Linux 10 (buster)"
    assert summary in _render(debian_inventory, width=200)


def test_skipped_files_close_the_output(alpine_inventory: Inventory) -> None:
    lines = _render(alpine_inventory).rstrip("\n").splitlines()
    assert lines[-2] == "Skipped 1 file(s):"
    assert lines[-1].startswith("  /usr/lib/os-release (layer ") and "[os-release]" in lines[-1]


def test_empty_inventory_says_so() -> None:
    assert _render(Inventory(os=None, packages=())) == "0 packages, OS: unknown\n"


def test_files_get_a_fixed_width_and_no_styling(
    alpine_inventory: Inventory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    out = io.StringIO()
    TableWriter().write(alpine_inventory, out, tool_version=TOOL_VERSION)
    assert out.getvalue() == _render(alpine_inventory, width=120)


def test_names_that_look_like_markup_are_printed_literally() -> None:
    package = Package("[bold]evil[/bold]", "1.0", PackageType.NPM, Location("/app/[red]x"), "npm")
    skipped = Skipped("/etc/[blink]", "[red]unreadable", None, "npm")
    text = _render(Inventory(os=None, packages=(package,), skipped=(skipped,)))
    assert "[bold]evil[/bold]" in text and "/app/[red]x" in text
    assert "/etc/[blink] [npm]: [red]unreadable" in text
    assert "\x1b[" not in text
