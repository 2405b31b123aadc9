"""Credentials from real Docker config files and a real ``docker-credential-*`` helper program."""

from __future__ import annotations

import base64
import json
import os
import stat
from pathlib import Path

import pytest

from hullguard.errors import ImageError
from hullguard.image._credentials import (
    HUB_SERVER_URL,
    Anonymous,
    CredentialHelperError,
    Credentials,
    DockerConfigCredentials,
    credential_host,
)

# A credential helper as Docker's protocol describes it: `get` reads the server URL on stdin
# and prints {"ServerURL", "Username", "Secret"}; unknown servers exit 1 with "not found".
HELPER = """#!/bin/sh
server=$(cat)
echo "$server" >> "$(dirname "$0")/asked"
case "$server" in
  *unknown*) echo "credentials not found in native keychain"; exit 1 ;;
  *broken*) echo "keychain is locked" >&2; exit 3 ;;
  *garbage*) echo "not json" ;;
  *token*) printf '{"ServerURL":"%s","Username":"<token>","Secret":"refresh-%s"}' "$server" "$server" ;;
  *slow*) exec sleep 30 ;;
  *) printf '{"ServerURL":"%s","Username":"helper-user","Secret":"pw-%s"}' "$server" "$server" ;;
esac
"""


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _config(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "config.json"
    path.write_text(json.dumps(document))
    return path


@pytest.fixture
def helper_dir(tmp_path: Path) -> Path:
    """A directory holding an executable ``docker-credential-testhelper``."""
    directory = tmp_path / "bin"
    directory.mkdir()
    script = directory / "docker-credential-testhelper"
    script.write_text(HELPER)
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return directory


HOSTS = [
    ("host:5000", "host:5000"),
    ("https://host:5000", "host:5000"),
    ("http://host:5000/", "host:5000"),
    ("https://host:5000/v1/", "host:5000"),
    ("HOST:5000", "host:5000"),
    (HUB_SERVER_URL, "docker.io"),
    ("docker.io", "docker.io"),
    ("registry-1.docker.io", "docker.io"),
]


@pytest.mark.parametrize(("key", "host"), HOSTS, ids=[k for k, _ in HOSTS])
def test_credential_host_matches_docker_convert_to_hostname(key: str, host: str) -> None:
    assert credential_host(key) == host


@pytest.mark.parametrize(
    "key", ["host:5000", "https://host:5000", "http://host:5000", "https://host:5000/v2/"]
)
def test_auths_key_in_any_spelling_matches(tmp_path: Path, key: str) -> None:
    path = _config(tmp_path, {"auths": {key: {"auth": _b64("alice:s3cr:et")}}})
    creds = DockerConfigCredentials(path).lookup("host:5000")
    assert creds == Credentials(username="alice", password="s3cr:et")


def test_other_port_does_not_match(tmp_path: Path) -> None:
    path = _config(tmp_path, {"auths": {"host:5000": {"auth": _b64("a:b")}}})
    assert DockerConfigCredentials(path).lookup("host:5001") is None


def test_docker_hub_uses_the_index_server_key(tmp_path: Path) -> None:
    path = _config(tmp_path, {"auths": {HUB_SERVER_URL: {"auth": _b64("hubuser:hubpass")}}})
    creds = DockerConfigCredentials(path).lookup("docker.io")
    assert creds is not None and creds.username == "hubuser"


def test_username_password_and_identity_token_fields(tmp_path: Path) -> None:
    path = _config(
        tmp_path,
        {
            "auths": {
                "a.example": {"username": "u", "password": "p"},
                "b.example": {"auth": _b64("u2:"), "identitytoken": "refresh-me"},
            }
        },
    )
    source = DockerConfigCredentials(path)
    assert source.lookup("a.example") == Credentials("u", "p")
    assert source.lookup("b.example") == Credentials("u2", "", "refresh-me")


def test_missing_config_file_means_anonymous(tmp_path: Path) -> None:
    source = DockerConfigCredentials(tmp_path / "absent.json")
    assert source.lookup("host:5000") is None
    assert source.origin == str(tmp_path / "absent.json")


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("{not json", "not valid"),
        ('{"auths": []}', "not valid"),
        ('{"auths": {"h": {"auth": "%%%"}}}', "base64"),
    ],
    ids=["not-json", "auths-not-object", "auth-not-base64"],
)
def test_broken_config_raises_naming_the_file(tmp_path: Path, content: str, needle: str) -> None:
    path = tmp_path / "config.json"
    path.write_text(content)
    with pytest.raises(ImageError, match=needle) as info:
        DockerConfigCredentials(path).lookup("h")
    assert str(path) in str(info.value) and info.value.hint


def test_auth_without_colon_is_rejected(tmp_path: Path) -> None:
    path = _config(tmp_path, {"auths": {"h": {"auth": _b64("nocolon")}}})
    with pytest.raises(ImageError, match="':'"):
        DockerConfigCredentials(path).lookup("h")


def test_cred_helper_gets_the_server_on_stdin(tmp_path: Path, helper_dir: Path) -> None:
    path = _config(tmp_path, {"credHelpers": {"host:5000": "testhelper"}})
    creds = DockerConfigCredentials(path, helper_path=str(helper_dir)).lookup("host:5000")
    assert creds == Credentials("helper-user", "pw-host:5000")
    assert (helper_dir / "asked").read_text().split() == ["host:5000"]


def test_creds_store_for_docker_hub_is_asked_for_the_index_server(tmp_path: Path, helper_dir: Path) -> None:
    path = _config(tmp_path, {"credsStore": "testhelper"})
    creds = DockerConfigCredentials(path, helper_path=str(helper_dir)).lookup("docker.io")
    assert creds == Credentials("helper-user", f"pw-{HUB_SERVER_URL}")


def test_helper_token_username_means_identity_token(tmp_path: Path, helper_dir: Path) -> None:
    path = _config(tmp_path, {"credsStore": "testhelper"})
    creds = DockerConfigCredentials(path, helper_path=str(helper_dir)).lookup("token.example")
    assert creds == Credentials(identity_token="refresh-token.example")


def test_helper_not_found_falls_back_to_auths(tmp_path: Path, helper_dir: Path) -> None:
    path = _config(
        tmp_path, {"credsStore": "testhelper", "auths": {"unknown.example": {"auth": _b64("file:pw")}}}
    )
    source = DockerConfigCredentials(path, helper_path=str(helper_dir))
    assert source.lookup("unknown.example") == Credentials("file", "pw")
    assert source.lookup("unknown.other") is None


def test_per_registry_helper_wins_over_creds_store(tmp_path: Path, helper_dir: Path) -> None:
    path = _config(tmp_path, {"credsStore": "absent", "credHelpers": {"https://h.example": "testhelper"}})
    creds = DockerConfigCredentials(path, helper_path=str(helper_dir)).lookup("h.example")
    assert creds is not None and creds.username == "helper-user"


def test_missing_helper_is_a_clear_error(tmp_path: Path, helper_dir: Path) -> None:
    path = _config(tmp_path, {"credsStore": "nosuchhelper"})
    with pytest.raises(CredentialHelperError, match="docker-credential-nosuchhelper") as info:
        DockerConfigCredentials(path, helper_path=str(helper_dir)).lookup("h.example")
    assert info.value.hint and "credsStore" in info.value.hint and str(path) in info.value.hint


@pytest.mark.parametrize(
    ("server", "needle"), [("broken.example", "exit 3"), ("garbage.example", "invalid JSON")]
)
def test_failing_helper_raises(tmp_path: Path, helper_dir: Path, server: str, needle: str) -> None:
    path = _config(tmp_path, {"credsStore": "testhelper"})
    with pytest.raises(CredentialHelperError, match=needle):
        DockerConfigCredentials(path, helper_path=str(helper_dir)).lookup(server)


def test_hanging_helper_is_cut_off(tmp_path: Path, helper_dir: Path) -> None:
    path = _config(tmp_path, {"credsStore": "testhelper"})
    source = DockerConfigCredentials(path, helper_path=str(helper_dir), helper_timeout=0.5)
    with pytest.raises(CredentialHelperError, match="did not answer"):
        source.lookup("slow.example")


def test_helper_runs_with_the_given_environment(tmp_path: Path, helper_dir: Path) -> None:
    script = helper_dir / "docker-credential-envhelper"
    script.write_text('#!/bin/sh\ncat >/dev/null\nprintf \'{"Username":"%s","Secret":"x"}\' "$HG_USER"\n')
    script.chmod(0o755)
    path = _config(tmp_path, {"credsStore": "envhelper"})
    env = {"PATH": os.defpath, "HG_USER": "from-env"}
    creds = DockerConfigCredentials(path, helper_path=str(helper_dir), helper_env=env).lookup("h")
    assert creds == Credentials("from-env", "x")


def test_secrets_stay_out_of_repr() -> None:
    text = repr(Credentials("alice", "hunter2", "tok-123"))
    assert "alice" in text and "hunter2" not in text and "tok-123" not in text


def test_anonymous_source() -> None:
    assert Anonymous().lookup("docker.io") is None
    assert "anonymous" in Anonymous().origin
