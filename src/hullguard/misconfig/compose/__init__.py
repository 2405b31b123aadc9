"""docker-compose checks: privileges, host namespaces and mounts, hardening options, limits, ports, secrets.

``lint_compose(text, path, options)`` lints one file; ``CHECKS`` lists every check with the KICS
query and CIS Docker Benchmark recommendation it matches.
"""

from hullguard.misconfig._yaml import YamlError, YamlKind, detect_yaml_kind
from hullguard.misconfig.compose._catalog import CHECKS
from hullguard.misconfig.compose._lint import lint_compose, lint_compose_documents

__all__ = ["CHECKS", "YamlError", "YamlKind", "detect_yaml_kind", "lint_compose", "lint_compose_documents"]
