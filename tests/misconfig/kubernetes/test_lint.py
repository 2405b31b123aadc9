"""Kubernetes checks on small manifests written for the case: positions, overrides, scopes, options."""

# ruff: noqa: E501 - manifests with full digests

from __future__ import annotations

import textwrap

import pytest

import hullguard.misconfig.kubernetes as k8s
from hullguard.misconfig import LintOptions
from hullguard.misconfig.kubernetes import CHECKS, lint_kubernetes, lint_kubernetes_files
from hullguard.report import MisconfigFinding, Severity

DEPLOYMENT = textwrap.dedent(
    """\
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
      namespace: shop
    spec:
      template:
        metadata:
          annotations:
            container.apparmor.security.beta.kubernetes.io/sidecar: unconfined
        spec:
          hostPID: true
          securityContext:
            runAsUser: 0
            seccompProfile:
              type: RuntimeDefault
          initContainers:
          - name: init
            image: busybox
            securityContext:
              privileged: true
          containers:
          - name: app
            image: registry.example/app:1.2@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
            securityContext:
              runAsUser: 1000
              capabilities:
                add: ["SYS_ADMIN"]
            env:
            - name: DB_PASSWORD
              value: hunter2hunter2
            - name: DB_PASSWORD_FILE
              value: /run/secrets/db
          - name: sidecar
            image: envoy:latest
          volumes:
          - name: sock
            hostPath:
              path: /var/run/docker.sock
          - name: root
            hostPath:
              path: /
    """
)


def _by_check(findings: list[MisconfigFinding], check_id: str) -> list[MisconfigFinding]:
    return [f for f in findings if f.check.id == check_id]


def _lint(text: str = DEPLOYMENT, **options: object) -> list[MisconfigFinding]:
    return lint_kubernetes(text, "deploy.yaml", LintOptions(**options))  # type: ignore[arg-type]


def test_exported_members() -> None:
    assert sorted(k8s.__all__) == sorted(
        name for name in dir(k8s) if not name.startswith("_") and name != "annotations"
    )


def test_check_ids_are_unique_and_numbered() -> None:
    ids = [check.id for check in CHECKS]
    assert len(ids) == len(set(ids))
    assert all(check.kind == "kubernetes" and check.remediation and check.description for check in CHECKS)


@pytest.mark.parametrize(
    ("check_id", "token", "fragment"),
    [
        ("HG-K8S-001", "privileged: true", "init container 'init' is privileged"),
        ("HG-K8S-003", '"SYS_ADMIN"', "adds capability SYS_ADMIN"),
        ("HG-K8S-008", "hostPID", "host PID"),
        ("HG-K8S-010", "/var/run/docker.sock", "/var/run/docker.sock"),
        ("HG-K8S-011", "path: /\n", "host path /"),
        ("HG-K8S-019", "container.apparmor", "'sidecar' runs with AppArmor unconfined"),
        ("HG-K8S-027", "hunter2", "DB_PASSWORD"),
    ],
)
def test_finding_points_at_offending_key(check_id: str, token: str, fragment: str) -> None:
    token = token.replace("\\n", "\n")
    offset = DEPLOYMENT.index(token)
    line = DEPLOYMENT.count("\n", 0, offset) + 1
    column = offset - (DEPLOYMENT.rfind("\n", 0, offset) + 1) + 1
    if token.startswith("path: "):
        column += len("path: ")
    (finding,) = _by_check(_lint(), check_id)
    assert (finding.location.start_line, finding.location.start_column) == (line, column)
    assert fragment in finding.message
    assert finding.resource == "Deployment/web (namespace shop)"


def test_container_run_as_user_overrides_pod_uid_zero() -> None:
    findings = _lint()
    zero = _by_check(findings, "HG-K8S-015")
    assert sorted(f.message.split("'")[1] for f in zero) == ["init", "sidecar"]
    assert all(f.location.start_line == 14 for f in zero)  # the pod-level runAsUser: 0


def test_image_tag_and_digest_rules() -> None:
    findings = _lint()
    assert [f.message for f in _by_check(findings, "HG-K8S-025")] == [
        "init container 'init' uses image 'busybox' (no tag)",
        "container 'sidecar' uses image 'envoy:latest' (tag latest)",
    ]
    assert _by_check(findings, "HG-K8S-026") == []


def test_seccomp_from_pod_applies_to_every_container() -> None:
    assert _by_check(_lint(), "HG-K8S-017") == []


def test_options_select_and_override_severity() -> None:
    findings = _lint(include=frozenset({"CKV_K8S_16"}), severity_overrides={"HG-K8S-001": Severity.LOW})
    assert [f.check.id for f in findings] == ["HG-K8S-001"]
    assert findings[0].effective_severity is Severity.LOW


CRONJOB_LIST = textwrap.dedent(
    """\
    apiVersion: v1
    kind: List
    items:
    - apiVersion: batch/v1
      kind: CronJob
      metadata: {name: nightly}
      spec:
        jobTemplate:
          spec:
            template:
              spec:
                hostNetwork: true
                containers: [{name: c, image: "x:1"}]
    """
)


def test_list_items_and_cronjob_templates_are_checked() -> None:
    (finding,) = _by_check(_lint(CRONJOB_LIST), "HG-K8S-007")
    assert finding.resource == "CronJob/nightly"
    assert finding.location.start_line == 12


HELM = textwrap.dedent(
    """\
    ---
    # Source: shop/templates/rbac.yaml
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRole
    metadata: {name: reader}
    rules:
    - apiGroups: [""]
      resources: ["secrets", "pods/exec"]
      verbs: ["get", "create"]
    - apiGroups: ["*"]
      resources: ["*"]
      verbs: ["escalate"]
    ---
    # Source: shop/templates/binding.yaml
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRoleBinding
    metadata: {name: admins}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
    subjects: [{kind: Group, name: devs}]
    """
)


def test_rbac_checks_and_helm_sources() -> None:
    findings = _lint(HELM)
    ids = sorted(f.check.id for f in findings)
    assert ids == ["HG-K8S-031", "HG-K8S-032", "HG-K8S-033", "HG-K8S-034", "HG-K8S-035"]
    binding = _by_check(findings, "HG-K8S-035")[0]
    assert binding.message.endswith("(rendered from shop/templates/binding.yaml)")
    assert binding.location.start_line == 18
    assert "rendered from shop/templates/rbac.yaml" in _by_check(findings, "HG-K8S-032")[0].message


POD = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: %s}\nspec:\n  containers: [{name: c, image: 'x:1'}]\n"
POLICY = (
    "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: %s}\nspec: {}\n"
)


def test_network_policy_coverage_spans_files() -> None:
    only = LintOptions(include=frozenset({"HG-K8S-036"}))
    files = [("a.yaml", POD % "shop"), ("b.yaml", POD % "blog"), ("c.yaml", POLICY % "shop")]
    findings = lint_kubernetes_files(files, only)
    assert [(f.location.path, f.resource) for f in findings] == [("b.yaml", "Pod/p (namespace blog)")]
    assert lint_kubernetes_files(files[:1], only) != []


def test_istio_permissive_mtls() -> None:
    text = textwrap.dedent(
        """\
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: default, namespace: istio-system}
        spec:
          mtls: {mode: PERMISSIVE}
          portLevelMtls:
            8080: {mode: DISABLE}
        """
    )
    findings = _by_check(_lint(text), "HG-K8S-037")
    assert [f.location.start_line for f in findings] == [5, 7]
    strict = text.replace("PERMISSIVE", "STRICT").replace("DISABLE", "STRICT")
    assert _by_check(_lint(strict), "HG-K8S-037") == []


def test_hardened_pod_has_no_findings_but_network_policy() -> None:
    text = textwrap.dedent(
        """\
        apiVersion: v1
        kind: Pod
        metadata: {name: ok}
        spec:
          automountServiceAccountToken: false
          securityContext: {runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001,
                            seccompProfile: {type: RuntimeDefault}}
          containers:
          - name: c
            image: "registry.example/c:1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
            securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true,
                              capabilities: {drop: [ALL]}}
            resources: {limits: {cpu: 1, memory: 1Gi}, requests: {cpu: 100m, memory: 128Mi}}
        """
    )
    assert [f.check.id for f in _lint(text)] == ["HG-K8S-036"]
