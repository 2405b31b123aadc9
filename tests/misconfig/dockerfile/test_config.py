"""A hadolint configuration file becomes LintOptions."""

from __future__ import annotations

from pathlib import Path

import pytest

from hullguard.errors import ConfigError
from hullguard.misconfig import LintOptions
from hullguard.misconfig.dockerfile import load_hadolint_config
from hullguard.report import Severity
from tests.misconfig.dockerfile.conftest import lint


def test_ignored_and_override_are_applied(tmp_path: Path) -> None:
    config = tmp_path / ".hadolint.yaml"
    config.write_text(
        "ignored:\n  - DL3008\noverride:\n  error:\n    - DL3015\n  info: [DL3047]\ntrustedRegistries: [x]\n"
    )
    options = load_hadolint_config(config, base=LintOptions(shellcheck=False))
    findings = lint("FROM debian:12\nRUN apt-get install -y curl\n", options)
    ids = {f.check.id: f.effective_severity for f in findings}
    assert "HG-DF-008" not in ids
    assert ids["HG-DF-015"] is Severity.HIGH
    assert options.severity_overrides["DL3047"] is Severity.LOW
    assert options.shellcheck is False


@pytest.mark.parametrize(
    "text",
    ["ignored: DL3008\n", "override:\n  fatal: [DL3008]\n", "- a\n", "ignored: [\n"],
    ids=["not-a-list", "unknown-level", "not-a-mapping", "bad-yaml"],
)
def test_bad_config_is_a_config_error(tmp_path: Path, text: str) -> None:
    config = tmp_path / ".hadolint.yaml"
    config.write_text(text)
    with pytest.raises(ConfigError):
        load_hadolint_config(config)


def test_missing_config_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_hadolint_config(tmp_path / "nope.yaml")
