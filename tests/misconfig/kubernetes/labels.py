"""Expected verdicts that corpus fixture names encode (checkov, kube-linter, kubesec), mapped to our checks.

Each upstream check family is mapped to the set of our check ids that cover the same ground; a
case "fires" when any of them reports a finding on the case's file (checkov, kubesec) or object
(kube-linter). Families we have no check for are not listed, so they are never judged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from hullguard.misconfig import LintOptions
from hullguard.misconfig._yaml import YamlMap, load_documents
from hullguard.misconfig.kubernetes import lint_kubernetes

CHECKOV_FAMILIES: dict[str, frozenset[str]] = {
    "AllowPrivilegeEscalation": frozenset({"HG-K8S-002"}),
    "AllowedCapabilitiesSysAdmin": frozenset({"HG-K8S-003"}),
    "AllowedCapabilities": frozenset({"HG-K8S-003", "HG-K8S-004"}),
    "DockerSocketVolume": frozenset({"HG-K8S-010"}),
    "DropCapabilities": frozenset({"HG-K8S-005"}),
    "HostPort": frozenset({"HG-K8S-028"}),
    "ImageDigest": frozenset({"HG-K8S-025", "HG-K8S-026"}),
    "ImageTagFixed": frozenset({"HG-K8S-025"}),
    "PrivilegedContainers": frozenset({"HG-K8S-001"}),
    "ReadOnlyFilesystem": frozenset({"HG-K8S-016"}),
    "Requests_Limits": frozenset({"HG-K8S-020", "HG-K8S-021", "HG-K8S-022", "HG-K8S-023"}),
    "RootContainers": frozenset({"HG-K8S-014", "HG-K8S-015"}),
    "Seccomp": frozenset({"HG-K8S-017", "HG-K8S-018"}),
    "ServiceAccountTokens": frozenset({"HG-K8S-024"}),
    "ShareHost": frozenset({"HG-K8S-007", "HG-K8S-008", "HG-K8S-009"}),
    "WildcardRoles": frozenset({"HG-K8S-031"}),
    "RbacEscalateRoles": frozenset({"HG-K8S-034"}),
    "RbacBindRoleBindings": frozenset({"HG-K8S-034"}),
}

KUBE_LINTER_CHECKS: dict[str, frozenset[str]] = {
    "privileged-container": frozenset({"HG-K8S-001"}),
    "privilege-escalation-container": frozenset({"HG-K8S-002"}),
    "host-network": frozenset({"HG-K8S-007"}),
    "host-pid": frozenset({"HG-K8S-008"}),
    "host-ipc": frozenset({"HG-K8S-009"}),
    "docker-sock": frozenset({"HG-K8S-010"}),
    "sensitive-host-mounts": frozenset({"HG-K8S-010", "HG-K8S-011", "HG-K8S-012"}),
    "run-as-non-root": frozenset({"HG-K8S-014", "HG-K8S-015", "HG-K8S-038"}),
    "no-read-only-root-fs": frozenset({"HG-K8S-016"}),
    "latest-tag": frozenset({"HG-K8S-025"}),
    "env-var-secret": frozenset({"HG-K8S-027"}),
    "drop-net-raw-capability": frozenset({"HG-K8S-005"}),
    "unsafe-sysctls": frozenset({"HG-K8S-029"}),
    "unsafe-proc-mount": frozenset({"HG-K8S-030"}),
    "wildcard-in-rules": frozenset({"HG-K8S-031"}),
    "access-to-secrets": frozenset({"HG-K8S-032"}),
    "cluster-admin-role-binding": frozenset({"HG-K8S-035"}),
    "unset-cpu-requirements": frozenset({"HG-K8S-020", "HG-K8S-022"}),
    "unset-memory-requirements": frozenset({"HG-K8S-021", "HG-K8S-023"}),
}

KUBESEC_CASES: dict[str, tuple[frozenset[str], bool]] = {
    "score-0-cap-sys-admin.yml": (frozenset({"HG-K8S-003"}), True),
    "score-0-cap-sys-admin-and-cap-chown.yml": (frozenset({"HG-K8S-003"}), True),
    "score-0-cap-chown.yml": (frozenset({"HG-K8S-003"}), False),
    "score-0-daemonset-host-network.yml": (frozenset({"HG-K8S-007"}), True),
    "score-0-daemonset-host-pid.yml": (frozenset({"HG-K8S-008"}), True),
    "score-0-daemonset-mount-docker-socket.yml": (frozenset({"HG-K8S-010"}), True),
    "score-0-daemonset-volume-host-docker-socket.yml": (frozenset({"HG-K8S-010"}), True),
    "score-0-daemonset-securitycontext-privileged.yml": (frozenset({"HG-K8S-001"}), True),
    "score-0-dep-apparmor-unconfined-container.yml": (frozenset({"HG-K8S-019"}), True),
    "score-0-dep-apparmor-unconfined-initcontainer.yml": (frozenset({"HG-K8S-019"}), True),
    "score-0-dep-apparmor-unconfined-ephemeralcontainer.yml": (frozenset({"HG-K8S-019"}), True),
    "score-0-dep-apparmor-unconfined-spec-securitycontext.yml": (frozenset({"HG-K8S-019"}), True),
    "score-1-dep-apparmor-nonunconfined-ephemeralcontainer.yml": (frozenset({"HG-K8S-019"}), False),
    "score-1-dep-apparmor-nonunconfined-spec-securitycontext.yml": (frozenset({"HG-K8S-019"}), False),
    "score-0-dep-seccomp-unconfined-container.yml": (frozenset({"HG-K8S-018"}), True),
    "score-0-dep-seccomp-unconfined-initcontainer.yml": (frozenset({"HG-K8S-018"}), True),
    "score-0-dep-seccomp-unconfined-ephemeralcontainer.yml": (frozenset({"HG-K8S-018"}), True),
    "score-0-dep-seccomp-unconfined-spec-securitycontext.yml": (frozenset({"HG-K8S-018"}), True),
    "score-1-dep-seccomp-nonunconfined-container.yml": (frozenset({"HG-K8S-018"}), False),
    "score-1-dep-seccomp-nonunconfined-spec-securitycontext.yml": (frozenset({"HG-K8S-018"}), False),
    "score-1-cap-drop-all.yml": (frozenset({"HG-K8S-005", "HG-K8S-006"}), False),
    "score-1-dep-resource-limit-memory.yml": (frozenset({"HG-K8S-021"}), False),
    "score-1-pod-automountservicetoken.yml": (frozenset({"HG-K8S-024"}), False),
    "score-1-dep-podseccon-run-as-user-1.yml": (frozenset({"HG-K8S-014", "HG-K8S-015"}), False),
    "score-1-dep-seccon-run-as-user-1.yml": (frozenset({"HG-K8S-014", "HG-K8S-015"}), False),
}
"""kubesec fixture -> (our checks, whether one of them must fire). The score names the rule at stake."""


@dataclass(frozen=True)
class Case:
    """One labelled expectation: ``tool``'s ``family`` expects ``fires`` on ``file`` (or one object of it)."""

    tool: str
    family: str
    file: str
    target: str
    """``file`` for file-level verdicts, else ``Kind/name`` of the object judged."""
    fires: bool
    ours: frozenset[str]


def _checkov_verdict(name: str) -> bool | None:
    upper = name.upper()
    if re.search(r"1PASSED|PASSESONE|1FAILED", upper):
        return True  # mixed files: at least one object must be flagged
    if "FAILED" in upper or re.search(r"(?:^|[-_])FAIL", upper):
        return True
    if "PASSED" in upper or re.search(r"(?:^|[-_])PASS", upper):
        return False
    return None


def checkov_cases(corpus: Path) -> Iterator[Case]:
    for path in sorted(corpus.glob("bridgecrewio__checkov__tests__kubernetes__checks__example_*")):
        family, _, rest = path.name.removeprefix(
            "bridgecrewio__checkov__tests__kubernetes__checks__example_"
        ).partition("__")
        verdict = _checkov_verdict(rest)
        if family in CHECKOV_FAMILIES and verdict is not None:
            yield Case("checkov", family, path.name, "file", verdict, CHECKOV_FAMILIES[family])


def kube_linter_cases(corpus: Path) -> Iterator[Case]:
    for path in sorted(corpus.glob("stackrox__kube-linter__tests__checks__*")):
        family = re.sub(r"\.ya?ml$", "", path.name.removeprefix("stackrox__kube-linter__tests__checks__"))
        if family not in KUBE_LINTER_CHECKS:
            continue
        for document in load_documents(path.read_text(encoding="utf-8"), path.name):
            root = document.root
            if not isinstance(root, YamlMap) or not root.text("kind"):
                continue
            metadata = root.map("metadata")
            name = (metadata.text("name") if metadata else None) or "<unnamed>"
            fires = name != "dont-fire"
            yield Case(
                "kube-linter",
                family,
                path.name,
                f"{root.text('kind')}/{name}",
                fires,
                KUBE_LINTER_CHECKS[family],
            )


def kubesec_cases(corpus: Path) -> Iterator[Case]:
    for name, (ours, fires) in sorted(KUBESEC_CASES.items()):
        yield Case("kubesec", name, f"controlplaneio__kubesec__test__asset__{name}", "file", fires, ours)


def all_cases(corpus: Path) -> list[Case]:
    return [*checkov_cases(corpus), *kube_linter_cases(corpus), *kubesec_cases(corpus)]


def our_verdict(corpus: Path, case: Case) -> bool:
    """Whether one of ``case.ours`` reports on the case's file (or on its object)."""
    path = corpus / case.file
    findings = lint_kubernetes(path.read_text(encoding="utf-8"), case.file, LintOptions(include=case.ours))
    if case.target == "file":
        return bool(findings)
    # same Kind/name may appear twice (dont-fire objects); judge every object with that label
    return any(f.resource.split(" (")[0] == case.target for f in findings)
