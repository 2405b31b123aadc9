"""Kubernetes manifest checks: workloads and their pod templates, RBAC, NetworkPolicy, Istio mTLS.

``lint_kubernetes(text, path, options)`` lints one file; ``lint_kubernetes_files`` lints several
as one set (a NetworkPolicy in one file covers the workloads of another). ``CHECKS`` lists every
check with its ids in checkov, Trivy, kube-linter and kubesec.
"""

from hullguard.misconfig._yaml import YamlError, YamlKind, detect_yaml_kind
from hullguard.misconfig.kubernetes._catalog import CHECKS
from hullguard.misconfig.kubernetes._lint import (
    lint_kubernetes,
    lint_kubernetes_documents,
    lint_kubernetes_files,
)

__all__ = [
    "CHECKS",
    "YamlError",
    "YamlKind",
    "detect_yaml_kind",
    "lint_kubernetes",
    "lint_kubernetes_documents",
    "lint_kubernetes_files",
]
