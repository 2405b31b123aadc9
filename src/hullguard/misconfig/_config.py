"""Lint configuration files: our ``.hullguard.yaml`` ``lint:`` section, and hadolint's own file.

Teams arrive with a ``.hadolint.yaml``; reading its ``ignored`` list and ``override`` levels
means they keep their decisions (hadolint ids map onto our checks through ``CheckInfo.mappings``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import yaml

from hullguard.errors import ConfigError
from hullguard.misconfig._options import LintOptions
from hullguard.report import Severity

__all__ = ["DEFAULT_CONFIG_FILES", "load_lint_options"]

DEFAULT_CONFIG_FILES = (".hullguard.yaml", ".hadolint.yaml", ".hadolint.yml")
"""Looked for in the working directory when ``--config`` is not given, first found wins."""


def _load(path: Path) -> Mapping[str, object]:
    try:
        value = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}".splitlines()[0]) from exc
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    return value


def _strings(value: object, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: expected a list of check ids")
    return value


def _from_ours(data: Mapping[str, object], where: str) -> LintOptions:
    section = data.get("lint", {})
    if not isinstance(section, dict):
        raise ConfigError(f"{where}: 'lint' must be a mapping")
    overrides: dict[str, Severity] = {}
    severities = section.get("severity") or {}
    if not isinstance(severities, dict):
        raise ConfigError(f"{where}: lint.severity must map check ids to ratings")
    for rule, word in severities.items():
        severity = Severity.parse(str(word))
        if severity is Severity.UNKNOWN and str(word).upper() != "UNKNOWN":
            raise ConfigError(f"{where}: lint.severity.{rule}: unknown rating {word!r}")
        overrides[str(rule)] = severity
    shellcheck = section.get("shellcheck", True)
    if not isinstance(shellcheck, bool):
        raise ConfigError(f"{where}: lint.shellcheck must be true or false")
    return LintOptions(
        include=frozenset(_strings(section.get("include"), f"{where}: lint.include")),
        exclude=frozenset(_strings(section.get("exclude"), f"{where}: lint.exclude")),
        severity_overrides=overrides,
        shellcheck=shellcheck,
    )


def load_lint_options(path: Path | None, *, cwd: Path | None = None) -> tuple[LintOptions, Path | None]:
    """Options from ``path``, else from the first default file in ``cwd``; defaults when none exists.

    Returns the file actually read, so the CLI can say which configuration applied.
    """
    if path is None:
        base = cwd or Path.cwd()
        path = next((base / name for name in DEFAULT_CONFIG_FILES if (base / name).is_file()), None)
        if path is None:
            return LintOptions(), None
    if path.name.startswith(".hadolint"):
        from hullguard.misconfig.dockerfile import load_hadolint_config  # noqa: PLC0415

        return load_hadolint_config(path), path
    data = _load(path)
    return _from_ours(data, str(path)), path
