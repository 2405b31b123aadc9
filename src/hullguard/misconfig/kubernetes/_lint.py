"""The Kubernetes linter: documents in, sorted findings out.

Rules come in three scopes (container, pod, object) plus one that looks at the whole set of
files linted together (NetworkPolicy coverage). Rules of checks the options deselect never run.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from hullguard.misconfig._options import LintOptions
from hullguard.misconfig._yaml import Document, finding_at, load_documents
from hullguard.misconfig.kubernetes import _catalog as c
from hullguard.misconfig.kubernetes._container_rules import CONTAINER_RULES
from hullguard.misconfig.kubernetes._model import Hit, Resource, pod_template, resource_of
from hullguard.misconfig.kubernetes._network import istio_mtls, namespaces_without_policy
from hullguard.misconfig.kubernetes._pod_rules import POD_RULES
from hullguard.misconfig.kubernetes._rbac import RESOURCE_RULES
from hullguard.report import CheckInfo, MisconfigFinding

__all__ = ["lint_kubernetes", "lint_kubernetes_documents", "lint_kubernetes_files"]

_OBJECT_RULES = (*RESOURCE_RULES, (c.ISTIO_MTLS, istio_mtls))


def lint_kubernetes(text: str, path: str, options: LintOptions) -> list[MisconfigFinding]:
    """Findings of one manifest file (multi-document, Helm-rendered and ``kind: List`` included).

    Raises :class:`~hullguard.misconfig._yaml.YamlError` when the file is not valid YAML.
    """
    return lint_kubernetes_documents(load_documents(text, path), options)


def lint_kubernetes_files(files: Iterable[tuple[str, str]], options: LintOptions) -> list[MisconfigFinding]:
    """Findings of several ``(path, text)`` files linted as one set (NetworkPolicies may sit apart)."""
    documents = [document for path, text in files for document in load_documents(text, path)]
    return lint_kubernetes_documents(documents, options)


def lint_kubernetes_documents(documents: Sequence[Document], options: LintOptions) -> list[MisconfigFinding]:
    """Findings of already parsed documents; those without apiVersion and kind are ignored."""
    resources = [resource for document in documents if (resource := resource_of(document)) is not None]
    findings: list[MisconfigFinding] = []

    def emit(check: CheckInfo, resource: Resource, hits: Iterable[Hit]) -> None:
        for hit in hits:
            finding = options.apply(
                finding_at(check, resource.document, hit.mark, hit.message, resource.label)
            )
            if finding is not None:
                findings.append(finding)

    container_rules = [(check, rule) for check, rule in CONTAINER_RULES if options.selects(check)]
    pod_rules = [(check, rule) for check, rule in POD_RULES if options.selects(check)]
    object_rules = [(check, rule) for check, rule in _OBJECT_RULES if options.selects(check)]
    for resource in resources:
        for check, object_rule in object_rules:
            emit(check, resource, object_rule(resource))
        pod = pod_template(resource)
        if pod is None:
            continue
        for check, pod_rule in pod_rules:
            emit(check, resource, pod_rule(pod))
        for container in pod.containers():
            for check, container_rule in container_rules:
                emit(check, resource, container_rule(pod, container))
    if options.selects(c.NO_NETWORK_POLICY):
        for resource, hit in namespaces_without_policy(resources):
            emit(c.NO_NETWORK_POLICY, resource, [hit])
    return sorted(findings, key=MisconfigFinding.sort_key)
