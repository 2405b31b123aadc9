"""Custom Rego checks run by regopy over real documents: contract, locations, errors."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import hullguard.misconfig.rego as rego
from hullguard.misconfig import LintOptions
from hullguard.misconfig._yaml import load_documents
from hullguard.misconfig.rego import PolicyError, load_policies, run_policies
from hullguard.report import Severity

POLICY = textwrap.dedent(
    """\
    package hullguard.custom.team_label
    import rego.v1

    __rego_metadata__ := {"id": "ORG-001", "title": "Team label", "severity": "HIGH",
                          "remediation": "add metadata.labels.team"}

    deny contains sprintf("%v %v has no team label", [input.kind, input.document.metadata.name]) if {
        input.type == "kubernetes"
        not input.document.metadata.labels.team
    }

    deny contains {"msg": sprintf("container %v uses latest", [c.name]), "id": "ORG-002", "severity": "low",
                   "path": ["spec", "template", "spec", "containers", i, "image"]} if {
        input.kind == "Deployment"
        some i
        c := input.document.spec.template.spec.containers[i]
        endswith(c.image, ":latest")
    }
    """
)
MANIFEST = textwrap.dedent(
    """\
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web, labels: {team: shop}}
    spec:
      template:
        spec:
          containers:
          - name: a
            image: a:1
          - name: b
            image: b:latest
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: web}
    """
)


@pytest.fixture
def policy_dir(tmp_path: Path) -> Path:
    (tmp_path / "team.rego").write_text(POLICY)
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "helpers.rego").write_text("package lib.helpers\nimport rego.v1\nyes := true\n")
    return tmp_path


def test_exported_members() -> None:
    assert sorted(rego.__all__) == sorted(
        n for n in dir(rego) if not n.startswith("_") and n != "annotations"
    )


def test_policies_report_with_metadata_and_locations(policy_dir: Path) -> None:
    policies = load_policies(policy_dir)
    assert policies.modules == ("lib/helpers.rego", "team.rego")
    findings = run_policies(policies, load_documents(MANIFEST, "app.yaml"))
    by_id = {f.check.id: f for f in findings}
    assert sorted(by_id) == ["ORG-001", "ORG-002"]
    label = by_id["ORG-001"]
    assert (label.message, label.check.severity, label.resource) == (
        "Service web has no team label",
        Severity.HIGH,
        "Service/web",
    )
    assert label.location.start_line == 13  # the second document
    latest = by_id["ORG-002"]
    assert latest.check.severity is Severity.LOW and latest.message == "container b uses latest"
    assert (latest.location.start_line, latest.location.start_column) == (11, 9)  # the image key


def test_options_apply_to_custom_checks(policy_dir: Path) -> None:
    policies = load_policies(policy_dir)
    findings = run_policies(
        policies, load_documents(MANIFEST, "app.yaml"), LintOptions(exclude=frozenset({"ORG-001"}))
    )
    assert [f.check.id for f in findings] == ["ORG-002"]


def test_compose_documents_get_their_type(tmp_path: Path) -> None:
    (tmp_path / "c.rego").write_text(
        "package hullguard.custom.compose_only\nimport rego.v1\n"
        'deny contains "compose" if { input.type == "compose" }\n'
    )
    docs = load_documents("services:\n  web: {image: x}\n", "compose.yaml") + load_documents(
        MANIFEST, "k.yaml"
    )
    findings = run_policies(load_policies(tmp_path), docs)
    assert [(f.location.path, f.check.id) for f in findings] == [("compose.yaml", "HG-REGO-compose_only")]


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "no .rego files"),
        ({"bad.rego": "package hullguard.custom.bad\ndeny[ {\n"}, "bad.rego"),
        ({"other.rego": "package other\nimport rego.v1\ndeny contains 1 if { true }\n"}, "hullguard.custom"),
    ],
)
def test_bad_policy_directories_are_clear_errors(tmp_path: Path, files: dict[str, str], message: str) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    with pytest.raises(PolicyError, match=message.replace(".", r"\.")):
        load_policies(tmp_path)


def test_runtime_conflict_is_an_error_naming_the_document(tmp_path: Path) -> None:
    (tmp_path / "x.rego").write_text(
        "package hullguard.custom.conflict\nimport rego.v1\nx := 1\nx := 2 if { input.index == 0 }\n"
    )
    with pytest.raises(PolicyError, match=r"app\.yaml"):
        run_policies(load_policies(tmp_path), load_documents(MANIFEST, "app.yaml"))
