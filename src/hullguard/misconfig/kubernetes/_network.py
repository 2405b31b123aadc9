"""Network isolation: namespaces no NetworkPolicy covers, and Istio mTLS that accepts plain text.

The NetworkPolicy check looks across every document linted together (all files of one
``hullguard lint`` run), because policies usually live in their own file.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from hullguard.misconfig._yaml import YamlMap
from hullguard.misconfig.kubernetes._model import Hit, Resource, pod_template

__all__ = ["istio_mtls", "namespaces_without_policy"]

_NOT_STRICT = frozenset({"PERMISSIVE", "DISABLE"})


def namespaces_without_policy(resources: Sequence[Resource]) -> Iterator[tuple[Resource, Hit]]:
    """One hit per namespace that has a Namespace object or a workload but no NetworkPolicy.

    Objects without ``metadata.namespace`` are counted in one "unset" namespace: they land in
    whatever namespace ``kubectl apply -n`` names, together with the policies that also omit it.
    The hit sits on the Namespace object when there is one, else on the first workload.
    """
    covered = {r.namespace for r in resources if r.kind == "NetworkPolicy"}
    first: dict[str | None, Resource] = {}
    for resource in resources:
        if resource.kind == "Namespace":
            key: str | None = resource.name
            if key not in first or first[key].kind != "Namespace":
                first[key] = resource
        elif pod_template(resource) is not None:
            first.setdefault(resource.namespace, resource)
    for namespace, resource in first.items():
        if namespace in covered:
            continue
        where = (
            f"namespace {namespace!r}" if namespace else "the namespace of objects without metadata.namespace"
        )
        yield resource, Hit(resource.body.mark, f"no NetworkPolicy in the linted files covers {where}")


def istio_mtls(resource: Resource) -> Iterator[Hit]:
    """PeerAuthentication objects whose mTLS mode (global or per port) is PERMISSIVE or DISABLE."""
    if resource.kind != "PeerAuthentication" or not (resource.body.text("apiVersion") or "").startswith(
        "security.istio.io/"
    ):
        return
    spec = resource.body.map("spec")
    if spec is None:
        return
    mtls = spec.map("mtls")
    mode = mtls.text("mode") if mtls else None
    if mtls is not None and mode and mode.upper() in _NOT_STRICT:
        yield Hit(mtls.value_marks.get("mode", mtls.mark), f"mTLS mode is {mode}")
    ports = spec.map("portLevelMtls")
    for port, setting in ports.items() if ports else []:
        port_mode = setting.text("mode") if isinstance(setting, YamlMap) else None
        if port_mode and port_mode.upper() in _NOT_STRICT and ports is not None:
            yield Hit(ports.key_mark(port), f"mTLS mode of port {port} is {port_mode}")
