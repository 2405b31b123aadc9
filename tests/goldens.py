"""Golden-file comparison shared by every writer's tests (syft-style snapshots)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

UPDATE_FLAG = "HULLGUARD_UPDATE_GOLDENS"


def golden_checker(folder: Path) -> Callable[[str, str], None]:
    """Compare text with ``folder/<name>``; only ``HULLGUARD_UPDATE_GOLDENS=1`` rewrites a golden."""

    def check(name: str, text: str) -> None:
        path = folder / name
        if os.environ.get(UPDATE_FLAG) == "1":
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        if not path.is_file():
            pytest.fail(f"golden file {path} is missing; create it with {UPDATE_FLAG}=1 and review it")
        expected = path.read_text(encoding="utf-8")
        assert text == expected, (
            f"output differs from {path}; review the change, then rerun with {UPDATE_FLAG}=1"
        )

    return check
