"""The compose linter: a compose file in, sorted findings out."""

from __future__ import annotations

from hullguard.misconfig._options import LintOptions
from hullguard.misconfig._yaml import Document, YamlMap, finding_at, load_documents
from hullguard.misconfig.compose._rules import SERVICE_RULES, Service

__all__ = ["lint_compose", "lint_compose_documents", "services_of"]

from hullguard.report import MisconfigFinding


def services_of(document: Document) -> list[Service]:
    """The services of a compose document (entries of the top-level ``services:`` mapping)."""
    root = document.root
    services = root.map("services") if isinstance(root, YamlMap) else None
    if services is None:
        return []
    return [
        Service(name, node, services.key_mark(name))
        for name, node in services.items()
        if isinstance(node, YamlMap)
    ]


def lint_compose(text: str, path: str, options: LintOptions) -> list[MisconfigFinding]:
    """Findings of one compose file.

    Raises :class:`~hullguard.misconfig._yaml.YamlError` when the file is not valid YAML.
    ``extends`` and ``include`` are not resolved: each file is judged as written.
    """
    return lint_compose_documents(load_documents(text, path), options)


def lint_compose_documents(documents: list[Document], options: LintOptions) -> list[MisconfigFinding]:
    """Findings of already parsed compose documents."""
    rules = [(check, rule) for check, rule in SERVICE_RULES if options.selects(check)]
    findings: list[MisconfigFinding] = []
    for document in documents:
        for service in services_of(document):
            for check, rule in rules:
                for hit in rule(service):
                    finding = options.apply(
                        finding_at(check, document, hit.mark, hit.message, f"service {service.name}")
                    )
                    if finding is not None:
                        findings.append(finding)
    return sorted(findings, key=MisconfigFinding.sort_key)
