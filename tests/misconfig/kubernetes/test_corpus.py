"""Our Kubernetes verdicts against what corpus fixture names expect (checkov, kube-linter, kubesec).

Every disagreement is listed in KNOWN with the reason (see /tmp/hg-notes/k8s-readme.md); any
other disagreement, or a listed one that goes away, fails the test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.misconfig.kubernetes.labels import all_cases, our_verdict

KNOWN: dict[tuple[str, str], str] = {
    (
        "bridgecrewio__checkov__tests__kubernetes__checks__example_AllowedCapabilitiesSysAdmin__pod-FAILED2.yaml",
        "file",
    ): "the pod has `containers:` with no entries: nothing can add SYS_ADMIN",
    (
        "bridgecrewio__checkov__tests__kubernetes__checks__example_ImageDigest__imageWithTagAndDigest-PASSED.yaml",
        "file",
    ): "`@sha256:123456` is not a valid digest (needs 64 hex digits); we do not count it as a pin",
    (
        "bridgecrewio__checkov__tests__kubernetes__checks__example_RootContainers__rootContainersFAILED-malformed-spec.yaml",
        "file",
    ): "spec is a list, not a pod spec; the API server rejects it and we do not guess",
    ("stackrox__kube-linter__tests__checks__access-to-secrets.yml", "RoleBinding/role-binding1"): (
        "we report the Role that grants secrets access, not the bindings that reference it"
    ),
    ("stackrox__kube-linter__tests__checks__drop-net-raw-capability.yml", "Deployment/dont-fire"): (
        "NET_RAW is in the default set and not dropped; kube-linter's test only flags an explicit add"
    ),
    ("stackrox__kube-linter__tests__checks__drop-net-raw-capability.yml", "DeploymentConfig/dont-fire"): (
        "same as the Deployment of that file"
    ),
}


@pytest.fixture(scope="module")
def corpus(shared_dir: Path) -> Path:
    return shared_dir / "corpus" / "kubernetes"


def test_labelled_fixtures_agree_except_known_differences(corpus: Path) -> None:
    cases = all_cases(corpus)
    assert len(cases) >= 100  # the three families together; fewer means the corpus or the mapping broke
    differ = {(case.file, case.target) for case in cases if our_verdict(corpus, case) != case.fires}
    assert differ - KNOWN.keys() == set(), "new disagreements"
    assert KNOWN.keys() - differ == set(), "known disagreements that no longer happen"
    assert (len(cases) - len(differ)) / len(cases) >= 0.94


@pytest.mark.parametrize("tool", ["checkov", "kube-linter", "kubesec"])
def test_every_family_has_positive_and_negative_cases(corpus: Path, tool: str) -> None:
    cases = [case for case in all_cases(corpus) if case.tool == tool]
    assert {case.fires for case in cases} == {True, False}


def test_whole_corpus_lints_without_errors_except_malformed_edge_files(corpus: Path) -> None:
    from hullguard.misconfig import LintOptions
    from hullguard.misconfig._yaml import YamlError
    from hullguard.misconfig.kubernetes import lint_kubernetes

    failed = []
    for path in sorted(corpus.iterdir()):
        try:
            lint_kubernetes(path.read_text(encoding="utf-8", errors="replace"), path.name, LintOptions())
        except YamlError as exc:
            assert exc.message.startswith(path.name + ":")
            failed.append(path.name)
    assert failed == [
        "controlplaneio__kubesec__test__asset__form-prefix-file.json",
        "controlplaneio__kubesec__test__asset__form-prefix-not-file.json",
    ]
