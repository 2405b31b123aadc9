"""RBAC checks: what a Role or ClusterRole allows, and who is bound to cluster-admin.

Rules follow the Kubernetes RBAC good-practices guide: wildcards, read access to secrets, exec
into pods and the escalate/bind/impersonate verbs are the grants that turn a foothold into
cluster control.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from hullguard.misconfig._yaml import YamlMap
from hullguard.misconfig.kubernetes import _catalog as c
from hullguard.misconfig.kubernetes._model import Hit, Resource
from hullguard.report import CheckInfo

__all__ = ["RESOURCE_RULES"]

ResourceRule = Callable[[Resource], Iterator[Hit]]

_ROLE_KINDS = frozenset({"Role", "ClusterRole"})
_BINDING_KINDS = frozenset({"RoleBinding", "ClusterRoleBinding"})
_READ = frozenset({"get", "list", "watch", "*"})
_EXEC_RESOURCES = frozenset({"pods/exec", "pods/attach"})
_EXEC_VERBS = frozenset({"create", "get", "*"})  # exec over WebSocket only needs get
_ESCALATING_VERBS = frozenset({"escalate", "bind", "impersonate"})


def _rules(resource: Resource) -> Iterator[tuple[YamlMap, set[str], set[str]]]:
    if resource.kind not in _ROLE_KINDS:
        return
    rules = resource.body.seq("rules")
    for rule, _ in rules.maps() if rules else []:
        verbs = rule.seq("verbs")
        resources = rule.seq("resources")
        yield (
            rule,
            {str(v).lower() for v in verbs or () if isinstance(v, str)},
            {str(v).lower() for v in resources or () if isinstance(v, str)},
        )


def _wildcards(resource: Resource) -> Iterator[Hit]:
    for rule, verbs, resources in _rules(resource):
        for key, values in (("verbs", verbs), ("resources", resources)):
            if "*" in values:
                yield Hit(rule.key_mark(key), f"{resource.kind} grants '*' in {key}")


def _secrets(resource: Resource) -> Iterator[Hit]:
    for rule, verbs, resources in _rules(resource):
        if "secrets" in resources and verbs & _READ and "resourceNames" not in rule:
            allowed = ", ".join(sorted(verbs & _READ))
            yield Hit(rule.key_mark("resources"), f"{resource.kind} allows {allowed} on all secrets")


def _exec(resource: Resource) -> Iterator[Hit]:
    for rule, verbs, resources in _rules(resource):
        found = resources & _EXEC_RESOURCES
        if found and verbs & _EXEC_VERBS:
            yield Hit(rule.key_mark("resources"), f"{resource.kind} allows {', '.join(sorted(found))}")


def _escalate(resource: Resource) -> Iterator[Hit]:
    for rule, verbs, _ in _rules(resource):
        found = verbs & _ESCALATING_VERBS
        if found:
            yield Hit(rule.key_mark("verbs"), f"{resource.kind} grants {', '.join(sorted(found))}")


def _cluster_admin(resource: Resource) -> Iterator[Hit]:
    if resource.kind not in _BINDING_KINDS:
        return
    ref = resource.body.map("roleRef")
    if ref is not None and ref.text("name") == "cluster-admin" and ref.text("kind") in (None, "ClusterRole"):
        yield Hit(ref.value_marks.get("name", ref.mark), f"{resource.kind} binds cluster-admin")


RESOURCE_RULES: tuple[tuple[CheckInfo, ResourceRule], ...] = (
    (c.RBAC_WILDCARD, _wildcards),
    (c.RBAC_SECRETS, _secrets),
    (c.RBAC_EXEC, _exec),
    (c.RBAC_ESCALATE, _escalate),
    (c.CLUSTER_ADMIN_BINDING, _cluster_admin),
)
"""Rules over one RBAC object, with the check each one reports."""
