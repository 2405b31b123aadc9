"""Read a hadolint configuration file (``.hadolint.yaml``) into :class:`LintOptions`.

Teams moving from hadolint keep their file: ``ignored:`` becomes the exclusion list and
``override:`` (``error``/``warning``/``info``/``style`` lists) becomes severity overrides, with
hadolint's levels mapped to ours (error HIGH, warning MEDIUM, info and style LOW). Other keys
(``trustedRegistries``, ``label-schema``, ``failure-threshold``) have no equivalent and are ignored.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from hullguard.errors import ConfigError
from hullguard.misconfig._options import LintOptions
from hullguard.report import Severity

__all__ = ["load_hadolint_config"]

_LEVELS = {"error": Severity.HIGH, "warning": Severity.MEDIUM, "info": Severity.LOW, "style": Severity.LOW}
_MAX_BYTES = 1024 * 1024


def _ids(value: object, where: str, path: Path) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{path}: `{where}` must be a list of rule ids")
    return [v.strip() for v in value]


def load_hadolint_config(path: Path, *, base: LintOptions | None = None) -> LintOptions:
    """``base`` (default: all checks) with the file's ignores and severity overrides applied."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from exc
    if len(raw) > _MAX_BYTES:
        raise ConfigError(f"{path}: configuration larger than {_MAX_BYTES} bytes")
    try:
        document = yaml.safe_load(raw) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}".splitlines()[0]) from exc
    if not isinstance(document, dict):
        raise ConfigError(f"{path}: a hadolint configuration is a mapping")
    options = base or LintOptions()
    ignored = _ids(document.get("ignored"), "ignored", path)
    overrides = dict(options.severity_overrides)
    override = document.get("override") or {}
    if not isinstance(override, dict):
        raise ConfigError(f"{path}: `override` must map levels to lists of rule ids")
    for level, ids in override.items():
        severity = _LEVELS.get(str(level))
        if severity is None:
            raise ConfigError(
                f"{path}: unknown level {level!r} in `override`", hint="use error, warning, info or style"
            )
        overrides.update({rule: severity for rule in _ids(ids, f"override.{level}", path)})
    return LintOptions(
        include=options.include,
        exclude=options.exclude | frozenset(ignored),
        severity_overrides=overrides,
        shellcheck=options.shellcheck,
        minimum_severity=options.minimum_severity,
    )
