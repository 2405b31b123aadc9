"""``hullguard lint`` end to end: real corpus files, cross-file checks, config files, exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from tests.cli.test_sbom_cli import run

_MANIFEST = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: web
          image: nginx
          securityContext:
            privileged: true
"""
_POLICY = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: shop
spec:
  podSelector: {}
  policyTypes: [Ingress]
"""


def _document(tmp_path: Path, *args: str) -> dict[str, object]:
    result = run("lint", "-f", "json", *args, cache=tmp_path / "cache")
    assert result.returncode == 0, result.stderr
    value = json.loads(result.stdout)
    assert isinstance(value, dict)
    return value


def _findings(document: dict[str, object]) -> list[dict[str, Any]]:
    found = document["misconfigurations"]
    assert isinstance(found, list)
    return found


def test_findings_carry_file_line_and_resource(tmp_path: Path) -> None:
    (tmp_path / "deploy.yaml").write_text(_MANIFEST)
    document = _document(tmp_path, str(tmp_path / "deploy.yaml"))
    assert document["scanners"] == ["misconfig"]
    privileged = [f for f in _findings(document) if "privileged" in str(f["title"]).lower()]
    assert privileged, _findings(document)
    location = privileged[0]["location"]
    assert isinstance(location, dict)
    assert location["path"].endswith("deploy.yaml") and location["startLine"] == 13
    assert privileged[0]["resource"].startswith("Deployment/")


def test_network_policy_in_another_file_counts(tmp_path: Path) -> None:
    (tmp_path / "deploy.yaml").write_text(_MANIFEST)
    alone = {f["id"] for f in _findings(_document(tmp_path, str(tmp_path)))}
    (tmp_path / "netpol.yaml").write_text(_POLICY)
    together = {f["id"] for f in _findings(_document(tmp_path, str(tmp_path)))}
    assert alone - together, "some finding (no NetworkPolicy for the namespace) must go away"


def test_directory_of_the_compose_corpus(tmp_path: Path, shared_dir: Path) -> None:
    document = _document(tmp_path, str(shared_dir / "corpus" / "compose"))
    kinds = {f["kind"] for f in _findings(document)}
    assert kinds == {"compose"}
    assert all(f["location"]["startLine"] for f in _findings(document))


def test_hadolint_config_and_exclusions_apply(tmp_path: Path) -> None:
    (tmp_path / "deploy.yaml").write_text(_MANIFEST)
    every = {f["id"] for f in _findings(_document(tmp_path, str(tmp_path / "deploy.yaml")))}
    dropped = sorted(every)[0]
    (tmp_path / "conf.yaml").write_text(
        f"lint:\n  exclude: [{dropped}]\n  severity:\n    {sorted(every)[1]}: CRITICAL\n"
    )
    document = _document(tmp_path, "--config", str(tmp_path / "conf.yaml"), str(tmp_path / "deploy.yaml"))
    found = {f["id"]: f for f in _findings(document)}
    assert dropped not in found
    assert found[sorted(every)[1]]["severity"] == "CRITICAL"


def test_exit_codes(tmp_path: Path) -> None:
    (tmp_path / "deploy.yaml").write_text(_MANIFEST)
    gate = run("lint", "--exit-code", "5", str(tmp_path / "deploy.yaml"), cache=tmp_path / "cache")
    assert gate.returncode == 5
    high_only = run(
        "lint",
        "--exit-code",
        "5",
        "--severity",
        "CRITICAL",
        "--exclude",
        "HG-K8S-001",
        str(tmp_path / "deploy.yaml"),
        cache=tmp_path / "cache",
    )
    assert high_only.returncode in (0, 5)
    (tmp_path / "broken.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata: [unclosed\n")
    broken = run("lint", str(tmp_path / "broken.yaml"), cache=tmp_path / "cache")
    assert broken.returncode == 2
    assert "broken.yaml:4:1: invalid YAML" in broken.stdout + broken.stderr
    assert "Traceback" not in broken.stderr
    missing = run("lint", str(tmp_path / "nope"), cache=tmp_path / "cache")
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_broken_file_in_a_directory_does_not_hide_the_others(tmp_path: Path) -> None:
    (tmp_path / "deploy.yaml").write_text(_MANIFEST)
    (tmp_path / "broken.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata: [unclosed\n")
    document = _document(tmp_path, str(tmp_path))
    assert _findings(document)
    notes = document["notes"]
    assert isinstance(notes, list) and [n["path"].endswith("broken.yaml") for n in notes] == [True]


def test_rego_policy_runs_over_documents(tmp_path: Path) -> None:
    (tmp_path / "deploy.yaml").write_text(_MANIFEST)
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "team.rego").write_text(
        "package hullguard.custom.team\n"
        "import rego.v1\n\n"
        'deny contains "shop workloads need an owner label" if {\n'
        '  input.document.metadata.namespace == "shop"\n'
        "}\n"
    )
    document = _document(tmp_path, "--policy", str(policies), str(tmp_path / "deploy.yaml"))
    custom = [f for f in _findings(document) if f["kind"] == "rego"]
    assert [f["message"] for f in custom] == ["shop workloads need an owner label"]


def test_sarif_output_for_code_scanning(tmp_path: Path) -> None:
    shutil.copy(Path(__file__), tmp_path / "not-config.py")
    (tmp_path / "deploy.yaml").write_text(_MANIFEST)
    result = run("lint", "-f", "sarif", str(tmp_path), cache=tmp_path / "cache")
    assert result.returncode == 0, result.stderr
    log = json.loads(result.stdout)
    regions = [
        r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in log["runs"][0]["results"]
    ]
    assert regions and all(isinstance(line, int) and line >= 1 for line in regions)
