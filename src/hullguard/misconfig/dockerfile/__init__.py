"""Dockerfile linter: hadolint's DL3xxx/DL4xxx rules and more, on BuildKit's own parse.

``lint_dockerfile(text, path, options)`` returns sorted :class:`~hullguard.report.MisconfigFinding`
values; ``CHECKS`` lists every check's metadata (our ``HG-DF-nnn`` id, the hadolint id it maps
to). RUN bodies are read with bashlex (a token-based reading when bashlex cannot parse them)
and, when the ``shellcheck`` binary is available, checked by ShellCheck in one batched run.
Inline ``# hadolint ignore=DL3008`` and ``# hullguard:ignore=HG-DF-008`` comments are honoured.
"""

from hullguard.misconfig.dockerfile._check import Check, Hit
from hullguard.misconfig.dockerfile._config import load_hadolint_config
from hullguard.misconfig.dockerfile._detect import is_dockerfile
from hullguard.misconfig.dockerfile._lint import (
    PARSE_ERROR,
    UNKNOWN_INSTRUCTION,
    all_checks,
    lint_dockerfile,
    lint_dockerfiles,
    read_dockerfile,
)
from hullguard.misconfig.dockerfile._parse import Dockerfile, DockerfileError, parse_dockerfile
from hullguard.misconfig.dockerfile._shellcheck import ShellCheckError, ShellCheckRunner, find_shellcheck
from hullguard.report import CheckInfo

__all__ = [
    "CHECKS",
    "PARSE_ERROR",
    "UNKNOWN_INSTRUCTION",
    "Check",
    "Dockerfile",
    "DockerfileError",
    "Hit",
    "ShellCheckError",
    "ShellCheckRunner",
    "all_checks",
    "find_shellcheck",
    "is_dockerfile",
    "lint_dockerfile",
    "lint_dockerfiles",
    "load_hadolint_config",
    "parse_dockerfile",
    "read_dockerfile",
]

CHECKS: tuple[CheckInfo, ...] = (
    *(check.info for check in all_checks()),
    PARSE_ERROR,
    UNKNOWN_INSTRUCTION,
)
"""Metadata of every built-in check, sorted by id (ShellCheck findings get ``HG-DF-SC<code>`` ids)."""
