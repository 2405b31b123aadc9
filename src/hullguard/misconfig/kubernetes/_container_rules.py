"""Checks of one container in the context of its pod: security context, resources, image, env.

Each rule is a pure function ``(pod, container) -> hits``; fields the pod and the container both
have (runAsUser, runAsNonRoot, seccompProfile, appArmorProfile) are read through
:meth:`PodTemplate.effective`, because the container's value overrides the pod's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from hullguard.misconfig._values import DANGEROUS_CAPABILITIES, has_digest, image_problem, is_literal_secret
from hullguard.misconfig._yaml import Mark, YamlMap, YamlSeq
from hullguard.misconfig.kubernetes import _catalog as c
from hullguard.misconfig.kubernetes._model import Container, Hit, PodTemplate
from hullguard.report import CheckInfo

__all__ = ["CONTAINER_RULES"]

ContainerRule = Callable[[PodTemplate, Container], Iterator[Hit]]


def _caps(container: Container, key: str) -> list[tuple[str, YamlSeq, int]]:
    security = container.security
    capabilities = security.map("capabilities") if security else None
    items = capabilities.seq(key) if capabilities else None
    if items is None:
        return []
    return [
        (str(v).upper().removeprefix("CAP_"), items, i) for i, v in enumerate(items) if isinstance(v, str)
    ]


def _privileged(pod: PodTemplate, container: Container) -> Iterator[Hit]:
    security = container.security
    if security is not None and security.get("privileged") is True:
        yield Hit(security.key_mark("privileged"), f"{container.describe()} is privileged")


def _escalation(pod: PodTemplate, container: Container) -> Iterator[Hit]:
    security = container.security
    if security is None or "allowPrivilegeEscalation" not in security:
        yield Hit(container.node.mark, f"{container.describe()} does not set allowPrivilegeEscalation: false")
    elif security["allowPrivilegeEscalation"] is not False:
        yield Hit(
            security.key_mark("allowPrivilegeEscalation"),
            f"{container.describe()} allows privilege escalation",
        )


def _dangerous_caps(pod: PodTemplate, container: Container) -> Iterator[Hit]:
    for name, items, index in _caps(container, "add"):
        if name in DANGEROUS_CAPABILITIES:
            yield Hit(items.item_marks[index], f"{container.describe()} adds capability {name}")


def _added_caps(pod: PodTemplate, container: Container) -> Iterator[Hit]:
    for name, items, index in _caps(container, "add"):
        if name not in DANGEROUS_CAPABILITIES and name != "NET_BIND_SERVICE":
            yield Hit(items.item_marks[index], f"{container.describe()} adds capability {name}")


def _drop_mark(container: Container) -> Mark:
    security = container.security
    capabilities = security.map("capabilities") if security else None
    return capabilities.key_mark("drop") if capabilities else container.node.mark


def _net_raw(pod: PodTemplate, container: Container) -> Iterator[Hit]:
    dropped = {name for name, _, _ in _caps(container, "drop")}
    if not dropped & {"ALL", "NET_RAW"}:
        yield Hit(_drop_mark(container), f"{container.describe()} keeps NET_RAW (drop ALL or NET_RAW)")


def _all_dropped(pod: PodTemplate, container: Container) -> Iterator[Hit]:
    dropped = {name for name, _, _ in _caps(container, "drop")}
    if "NET_RAW" in dropped and "ALL" not in dropped:
        yield Hit(_drop_mark(container), f"{container.describe()} does not drop ALL capabilities")


def _user_zero(pod: PodTemplate, container: Container) -> Iterator[Hit]:
    user, holder = pod.effective(container, "runAsUser")
    if user == 0 and not isinstance(user, bool) and holder is not None:
        yield Hit(holder.key_mark("runAsUser"), f"{container.describe()} runs as UID 0")


def _may_be_root(pod: PodTemplate, container: Container) -> Iterator[Hit]:
    user, _ = pod.effective(container, "runAsUser")
    if isinstance(user, int) and not isinstance(user, bool):
        return  # UID 0 is HG-K8S-015's finding; any other UID is not root
    non_root, holder = pod.effective(container, "runAsNonRoot")
    if non_root is True:
        return
    mark = holder.key_mark("runAsNonRoot") if holder is not None else container.node.mark
    yield Hit(mark, f"{container.describe()} may run as root (no runAsNonRoot: true or non-zero runAsUser)")


def _root_group(pod: PodTemplate, container: Container) -> Iterator[Hit]:
    group, holder = pod.effective(container, "runAsGroup")
    if group == 0 and not isinstance(group, bool) and holder is not None:
        yield Hit(holder.key_mark("runAsGroup"), f"{container.describe()} runs with GID 0")


def _read_only(pod: PodTemplate, container: Container) -> Iterator[Hit]:
    security = container.security
    if security is None or security.get("readOnlyRootFilesystem") is not True:
        mark = security.key_mark("readOnlyRootFilesystem") if security else container.node.mark
        yield Hit(mark, f"{container.describe()} has a writable root filesystem")


def _annotation(pod: PodTemplate, *names: str) -> tuple[str, YamlMap] | None:
    if pod.annotations is None:
        return None
    for name in names:
        value = pod.annotations.text(name)
        if value is not None:
            return value.lower(), pod.annotations
    return None


def _profile(pod: PodTemplate, container: Container, key: str) -> tuple[str, YamlMap] | None:
    """The effective ``type`` of seccompProfile/appArmorProfile, lower-cased, with its mapping."""
    profile, _ = pod.effective(container, key)
    if isinstance(profile, YamlMap) and profile.text("type"):
        return (profile.text("type") or "").lower(), profile
    return None


def _seccomp(pod: PodTemplate, container: Container) -> tuple[str, YamlMap] | None:
    found = _profile(pod, container, "seccompProfile")
    if found is not None:
        return found
    return _annotation(
        pod,
        f"container.seccomp.security.alpha.kubernetes.io/{container.name}",
        "seccomp.security.alpha.kubernetes.io/pod",
    )


def _seccomp_missing(pod: PodTemplate, container: Container) -> Iterator[Hit]:
    if _seccomp(pod, container) is None:
        yield Hit(container.node.mark, f"{container.describe()} has no seccomp profile (RuntimeDefault)")


def _seccomp_unconfined(pod: PodTemplate, container: Container) -> Iterator[Hit]:
    found = _seccomp(pod, container)
    if found is not None and found[0] == "unconfined":
        yield Hit(found[1].mark, f"{container.describe()} runs with seccomp Unconfined")


def _apparmor(pod: PodTemplate, container: Container) -> Iterator[Hit]:
    found = _profile(pod, container, "appArmorProfile") or _annotation(
        pod, f"container.apparmor.security.beta.kubernetes.io/{container.name}"
    )
    if found is not None and found[0] == "unconfined":
        yield Hit(found[1].mark, f"{container.describe()} runs with AppArmor unconfined")


def _resource_rule(section: str, resource: str, what: str) -> ContainerRule:
    def rule(pod: PodTemplate, container: Container) -> Iterator[Hit]:
        if container.role == "ephemeral container":
            return  # ephemeral containers cannot have resources
        resources = container.node.map("resources")
        values = resources.map(section) if resources else None
        if values is None or values.get(resource) in (None, ""):
            mark = (values or resources or container.node).mark
            yield Hit(mark, f"{container.describe()} has no {what}")

    return rule


def _image_tag(pod: PodTemplate, container: Container) -> Iterator[Hit]:
    image = container.node.text("image")
    problem = image_problem(image) if image else None
    if image and problem:
        yield Hit(
            container.node.value_marks["image"], f"{container.describe()} uses image {image!r} ({problem})"
        )


def _image_digest(pod: PodTemplate, container: Container) -> Iterator[Hit]:
    image = container.node.text("image")
    if image and image_problem(image) is None and not has_digest(image) and "$" not in image:
        yield Hit(
            container.node.value_marks["image"],
            f"{container.describe()} uses image {image!r} without a digest",
        )


def _secret_env(pod: PodTemplate, container: Container) -> Iterator[Hit]:
    env = container.node.seq("env")
    for item, _ in env.maps() if env else []:
        name, value = item.text("name"), item.text("value")
        if name and value is not None and is_literal_secret(name, value):
            yield Hit(item.value_marks["value"], f"{container.describe()} sets {name} to a literal value")


def _host_port(pod: PodTemplate, container: Container) -> Iterator[Hit]:
    ports = container.node.seq("ports")
    for item, _ in ports.maps() if ports else []:
        if item.get("hostPort") not in (None, 0):
            yield Hit(
                item.key_mark("hostPort"), f"{container.describe()} binds hostPort {item.get('hostPort')}"
            )


def _proc_mount(pod: PodTemplate, container: Container) -> Iterator[Hit]:
    security = container.security
    if security is not None and security.text("procMount") == "Unmasked":
        yield Hit(security.key_mark("procMount"), f"{container.describe()} sets procMount: Unmasked")


CONTAINER_RULES: tuple[tuple[CheckInfo, ContainerRule], ...] = (
    (c.PRIVILEGED, _privileged),
    (c.PRIVILEGE_ESCALATION, _escalation),
    (c.DANGEROUS_CAPABILITY, _dangerous_caps),
    (c.ADDED_CAPABILITY, _added_caps),
    (c.NET_RAW_KEPT, _net_raw),
    (c.ALL_NOT_DROPPED, _all_dropped),
    (c.RUNS_AS_ROOT, _may_be_root),
    (c.RUN_AS_USER_ZERO, _user_zero),
    (c.ROOT_GROUP, _root_group),
    (c.WRITABLE_ROOT_FS, _read_only),
    (c.SECCOMP_MISSING, _seccomp_missing),
    (c.SECCOMP_UNCONFINED, _seccomp_unconfined),
    (c.APPARMOR_UNCONFINED, _apparmor),
    (c.CPU_LIMIT, _resource_rule("limits", "cpu", "CPU limit")),
    (c.MEMORY_LIMIT, _resource_rule("limits", "memory", "memory limit")),
    (c.CPU_REQUEST, _resource_rule("requests", "cpu", "CPU request")),
    (c.MEMORY_REQUEST, _resource_rule("requests", "memory", "memory request")),
    (c.IMAGE_TAG, _image_tag),
    (c.IMAGE_DIGEST, _image_digest),
    (c.SECRET_ENV, _secret_env),
    (c.HOST_PORT, _host_port),
    (c.PROC_MOUNT, _proc_mount),
)
"""Container rules with the check each one reports."""
