"""Kubernetes objects as the checks see them: resources, pod templates and containers.

Every workload kind keeps its pod template at a different path (a CronJob two levels deeper than
a Deployment); this module is the one place that knows those paths, so checks only ever see a
:class:`PodTemplate` and its :class:`Container` values.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from hullguard.misconfig._yaml import Document, Hit, YamlMap

__all__ = ["Container", "Hit", "PodTemplate", "Resource", "pod_template", "resource_of"]

_TEMPLATE_PATHS: dict[str, tuple[str, ...]] = {
    "Pod": (),
    "Deployment": ("template",),
    "StatefulSet": ("template",),
    "DaemonSet": ("template",),
    "ReplicaSet": ("template",),
    "ReplicationController": ("template",),
    "Job": ("template",),
    "DeploymentConfig": ("template",),  # OpenShift, same layout as a Deployment
    "CronJob": ("jobTemplate", "spec", "template"),
}
"""Where the pod template is under ``spec``; for a Pod the ``spec`` is the pod spec."""

_CONTAINER_LISTS = (
    ("containers", "container"),
    ("initContainers", "init container"),
    ("ephemeralContainers", "ephemeral container"),
)


@dataclass(frozen=True, slots=True)
class Resource:
    """One Kubernetes object (a document with apiVersion and kind)."""

    document: Document
    body: YamlMap
    kind: str
    name: str
    namespace: str | None

    @property
    def label(self) -> str:
        """``Kind/name``, with the namespace when the manifest sets one."""
        base = f"{self.kind}/{self.name}"
        return f"{base} (namespace {self.namespace})" if self.namespace else base


@dataclass(frozen=True, slots=True)
class Container:
    """One container, init container or ephemeral container of a pod template."""

    node: YamlMap
    name: str
    role: str
    """``container``, ``init container`` or ``ephemeral container`` (for messages)."""

    @property
    def security(self) -> YamlMap | None:
        return self.node.map("securityContext")

    def describe(self) -> str:
        return f"{self.role} {self.name!r}"


@dataclass(frozen=True, slots=True)
class PodTemplate:
    """The pod spec of a workload plus the metadata that travels with it (annotations)."""

    resource: Resource
    spec: YamlMap
    annotations: YamlMap | None
    """The pod template's annotations; for a Pod, its own (legacy seccomp/AppArmor annotations)."""

    @property
    def security(self) -> YamlMap | None:
        return self.spec.map("securityContext")

    def containers(self) -> Iterator[Container]:
        """Every container of every kind, in manifest order."""
        for key, role in _CONTAINER_LISTS:
            items = self.spec.seq(key)
            if items is None:
                continue
            for node, _ in items.maps():
                yield Container(node, node.text("name") or "?", role)

    def effective(self, container: Container, key: str) -> tuple[object, YamlMap | None]:
        """A securityContext field as it applies: the container's value overrides the pod's.

        Returns the value and the mapping that holds it (for its position), or ``(None, None)``.
        """
        for context in (container.security, self.security):
            if context is not None and key in context:
                return context[key], context
        return None, None


def resource_of(document: Document) -> Resource | None:
    """The document as a Kubernetes object, or None when it has no apiVersion and kind."""
    body = document.root
    if not isinstance(body, YamlMap):
        return None
    kind = body.text("kind")
    if not kind or body.text("apiVersion") is None:
        return None
    metadata = body.map("metadata")
    name = (metadata.text("name") or metadata.text("generateName")) if metadata else None
    namespace = metadata.text("namespace") if metadata else None
    return Resource(document, body, kind, name or "<unnamed>", namespace)


def pod_template(resource: Resource) -> PodTemplate | None:
    """The pod template of a workload kind, or None for other kinds (and malformed workloads)."""
    path = _TEMPLATE_PATHS.get(resource.kind)
    spec = resource.body.map("spec")
    if path is None or spec is None:
        return None
    if not path:
        metadata = resource.body.map("metadata")
        return PodTemplate(resource, spec, metadata.map("annotations") if metadata else None)
    node: YamlMap | None = spec
    for key in path:
        node = node.map(key) if node is not None else None
    if node is None:
        return None
    pod_spec = node.map("spec")
    if pod_spec is None:
        return None
    metadata = node.map("metadata")
    return PodTemplate(resource, pod_spec, metadata.map("annotations") if metadata else None)
