"""A human-readable package table (``--format table``), rendered with rich.

It is for people at a terminal, so it shows what they look at first (name, version, type and
where the package was found), then one summary line, then every file the scan skipped: a
skipped file is data and must not vanish just because the output is a table.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TextIO

from rich import box
from rich.console import Console
from rich.table import Table

from hullguard.inventory import Inventory

__all__ = ["PLUGINS", "TableWriter"]

_FILE_WIDTH = 120


def _short_layer(diff_id: str | None) -> str:
    """A layer as people read it: the first 12 hex digits of its diff_id, as docker shortens ids."""
    if not diff_id:
        return ""
    return diff_id.partition(":")[2][:12] or diff_id[:12]


def _summary(inventory: Inventory) -> str:
    """``98 packages (deb 84, python 14), OS: Debian GNU/Linux 10 (buster)``."""
    counts = Counter(package.type.value for package in inventory.packages)
    per_type = ", ".join(f"{kind} {count}" for kind, count in sorted(counts.items()))
    text = f"{len(inventory.packages)} packages" + (f" ({per_type})" if per_type else "")
    if inventory.os is not None:
        name = inventory.os.pretty_name or f"{inventory.os.id} {inventory.os.version_id}".strip()
        text += f", OS: {name}"
    else:
        text += ", OS: unknown"
    return text


def _packages(inventory: Inventory) -> Table:
    table = Table(box=box.SIMPLE, show_edge=False, pad_edge=False, header_style="bold")
    for column in ("NAME", "VERSION", "TYPE", "LOCATION", "LAYER"):
        table.add_column(column, overflow="fold")
    packages = sorted(inventory.packages, key=lambda p: (p.name, p.version, p.type.value, p.location.path))
    for package in packages:
        table.add_row(
            package.name,
            package.version,
            package.type.value,
            package.location.path,
            _short_layer(package.location.diff_id),
        )
    return table


@dataclass(frozen=True, slots=True)
class TableWriter:
    """Writes the package table, plain text unless ``out`` is a terminal."""

    id: str = "table"
    aliases: tuple[str, ...] = ()
    media_type: str = "text/plain"
    width: int | None = None
    """Line width; None means the terminal's width, or 120 columns when ``out`` is a file or pipe."""
    terminal: bool | None = None
    """Whether to style the output; None lets rich decide from ``out`` (and ``FORCE_COLOR``)."""

    def write(self, inventory: Inventory, out: TextIO, *, tool_version: str) -> None:
        """Render table, summary and skipped files; ``tool_version`` is not shown."""
        width = self.width if self.width is not None else (None if out.isatty() else _FILE_WIDTH)
        console = Console(
            file=out, width=width, force_terminal=self.terminal, markup=False, emoji=False, highlight=False
        )
        if inventory.image_name or inventory.image_digest:
            console.print(" ".join(part for part in (inventory.image_name, inventory.image_digest) if part))
        if inventory.packages:
            console.print(_packages(inventory))
        console.print(_summary(inventory))
        skipped = sorted(inventory.skipped, key=lambda s: (s.path, s.analyzer, s.reason))
        if skipped:
            console.print(f"Skipped {len(skipped)} file(s):")
        for item in skipped:
            layer = f" (layer {_short_layer(item.diff_id)})" if item.diff_id else ""
            by = f" [{item.analyzer}]" if item.analyzer else ""
            console.print(f"  {item.path}{layer}{by}: {item.reason}")


PLUGINS = [TableWriter()]
