"""The three rendered forms of real proposals: shapes a Kubernetes API server and compose accept."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from hullguard.cli import app
from tests.conftest import require

runner = CliRunner()
SCHEMA = json.loads(
    (Path(__file__).parents[1] / "fixtures" / "harden" / "pod-subset.schema.json").read_text()
)


def _document(tag: str, *extra: str) -> dict[str, Any]:
    result = runner.invoke(app, ["harden", f"docker:{tag}", "-f", "json", "-q", *extra])
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


@pytest.mark.parametrize("kind", ["web", "rootvol", "rootweb"])
def test_kubernetes_pod_matches_the_pod_schema(harden_images: dict[str, str], kind: str) -> None:
    pod = _document(harden_images[kind])["kubernetes"]
    jsonschema.validate(pod, SCHEMA)
    context = pod["spec"]["containers"][0]["securityContext"]
    assert context["capabilities"]["drop"] == ["ALL"] and context["readOnlyRootFilesystem"] is True
    assert context["allowPrivilegeEscalation"] is False
    assert context["seccompProfile"] == {"type": "RuntimeDefault"}


def test_schema_rejects_a_misspelled_field() -> None:
    container = {"name": "x", "image": "y", "securityContext": {"readOnlyRootFS": True}}
    bad = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x"}, "spec": {"containers": [container]}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, SCHEMA)


def test_kubernetes_uses_numeric_uid_from_passwd(harden_images: dict[str, str]) -> None:
    context = _document(harden_images["web"])["kubernetes"]["spec"]["containers"][0]["securityContext"]
    assert (context["runAsUser"], context["runAsNonRoot"]) == (10001, True)


def test_kubernetes_low_port_gets_the_unprivileged_port_sysctl(harden_images: dict[str, str]) -> None:
    spec = _document(harden_images["rootweb"])["kubernetes"]["spec"]
    assert spec["securityContext"]["sysctls"] == [
        {"name": "net.ipv4.ip_unprivileged_port_start", "value": "0"}
    ]
    assert spec["containers"][0]["readinessProbe"]["tcpSocket"] == {"port": 80}


@pytest.mark.parametrize("kind", ["web", "rootvol", "rootweb"])
def test_compose_block_is_accepted_by_docker_compose(
    harden_images: dict[str, str], kind: str, tmp_path: Path
) -> None:
    require(shutil.which("docker-compose") is not None, "docker-compose (Debian package docker-compose)")
    result = runner.invoke(app, ["harden", f"docker:{harden_images[kind]}", "-f", "compose", "-q"])
    assert result.exit_code == 0, result.output
    (tmp_path / "compose.yaml").write_text(result.stdout)
    checked = subprocess.run(
        ["docker-compose", "-f", str(tmp_path / "compose.yaml"), "config"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
    service = yaml.safe_load(checked.stdout)["services"]["app"]
    assert service["read_only"] is True and service["cap_drop"] == ["ALL"]
    assert service["security_opt"] == ["no-new-privileges:true"]


def test_table_lists_every_setting_with_its_reason(harden_images: dict[str, str]) -> None:
    result = runner.invoke(app, ["harden", f"docker:{harden_images['rootweb']}", "-q"])
    assert result.exit_code == 0, result.output
    for setting in (
        "user",
        "cap-drop",
        "cap-add NET_BIND_SERVICE",
        "read-only",
        "tmpfs /tmp",
        "no-new-privileges",
    ):
        assert setting in result.stdout
    assert "assumption:" in result.stdout and "docker run --detach" in result.stdout


def test_config_only_reads_no_layer_and_says_so(harden_images: dict[str, str]) -> None:
    document = _document(harden_images["web"], "--config-only")
    assert any("only the image config" in n for n in document["notes"])
    assert "runAsUser" not in document["kubernetes"]["spec"]["containers"][0]["securityContext"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-f", "xml"], "unknown format"),
        (["--memory", "lots"], "is not a size"),
    ],
    ids=["format", "memory"],
)
def test_bad_options_are_one_line_errors(
    harden_images: dict[str, str], args: list[str], message: str
) -> None:
    result = runner.invoke(app, ["harden", f"docker:{harden_images['web']}", "-q", *args])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_directory_target_is_refused(tmp_path: Path) -> None:
    result = runner.invoke(app, ["harden", f"rootfs:{tmp_path}", "-q"])
    assert result.exit_code == 2 and "no image config" in result.output
