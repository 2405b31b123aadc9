"""Run the real ``hullguard`` executable, optionally as another user (``setpriv ...``)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

from tests.cli.test_sbom_cli import HULLGUARD

__all__ = ["run_cli"]


def run_cli(
    *args: str, cache: Path, env: dict[str, str] | None = None, runner: Sequence[str] = ()
) -> subprocess.CompletedProcess[str]:
    """``hullguard ARGS`` with its own cache; ``runner`` prefixes the command (to drop privileges)."""
    full_env = {**os.environ, "HULLGUARD_CACHE_DIR": str(cache), **(env or {})}
    command = [*runner, str(HULLGUARD), *args]
    return subprocess.run(command, capture_output=True, text=True, env=full_env, check=False, timeout=120)
