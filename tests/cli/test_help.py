"""Every command's ``--help`` renders (rich markup in help texts must not break it) and teaches."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.test_sbom_cli import run

COMMANDS = [
    [],
    ["sbom"],
    ["image"],
    ["image", "inspect"],
    ["version"],
    ["db"],
    ["db", "import"],
    ["db", "update"],
    ["db", "status"],
    ["db", "export"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c) or "top" for c in COMMANDS])
def test_help_renders(tmp_path: Path, command: list[str]) -> None:
    result = run(*command, "--help", cache=tmp_path, env={"COLUMNS": "120"})
    assert result.returncode == 0, result.stderr
    assert "Usage: hullguard" in result.stdout
    assert "Traceback" not in result.stderr


def test_sbom_help_has_examples_and_every_format(tmp_path: Path) -> None:
    text = run("sbom", "--help", cache=tmp_path, env={"COLUMNS": "200"}).stdout
    assert "Examples" in text and "os/arch[/variant]" in text
    for name in ("table", "json", "cyclonedx-json", "spdx-json"):
        assert name in text
