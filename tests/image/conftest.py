"""Session fixtures for the registry tests: real registries and the test image pushed into them.

Each registry fixture uses the one CI started when the environment names it
(``HULLGUARD_TEST_REGISTRY``; ``HULLGUARD_TEST_AUTH_REGISTRY`` with ``HULLGUARD_TEST_AUTH_USER`` and
``HULLGUARD_TEST_AUTH_PASSWORD``), else starts its own ``docker-registry`` on a free port of
127.0.0.1 and stops it when the session ends. The bearer-token and TLS registries are always
our own. A missing ``docker-registry``, ``skopeo`` or ``htpasswd`` fails the run: never a skip.
"""

from __future__ import annotations

import os
import secrets
import subprocess
from collections.abc import Iterator

import pytest

from tests.image.registry_images import ImageLayout, Pushed, build_layout, skopeo_push
from tests.image.registry_servers import (
    AUTH_PASSWORD,
    AUTH_USER,
    TOKEN_ISSUER,
    TOKEN_SERVICE,
    FakeRegistry,
    RunningRegistry,
    TlsRegistry,
    TokenRegistry,
    TokenServer,
    fake_handler,
    make_key_pair,
    require_tool,
    serve_http,
    serve_registry,
    token_handler,
)


def _from_env(var: str) -> str | None:
    value = os.environ.get(var)
    return value or None


@pytest.fixture(scope="session")
def plain_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningRegistry]:
    """An anonymous plain-HTTP registry (CI's shared one, or one of our own)."""
    require_tool("skopeo")
    address = _from_env("HULLGUARD_TEST_REGISTRY")
    if address:
        yield RunningRegistry(address)
        return
    with serve_registry(tmp_path_factory.mktemp("plain-registry")) as registry:
        yield registry


@pytest.fixture(scope="session")
def auth_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningRegistry]:
    """An htpasswd-protected registry (Basic auth)."""
    address = _from_env("HULLGUARD_TEST_AUTH_REGISTRY")
    if address:
        user = os.environ.get("HULLGUARD_TEST_AUTH_USER", AUTH_USER)
        password = os.environ.get("HULLGUARD_TEST_AUTH_PASSWORD", AUTH_PASSWORD)
        yield RunningRegistry(address, user=user, password=password)
        return
    workdir = tmp_path_factory.mktemp("auth-registry")
    htpasswd = subprocess.run(
        [require_tool("htpasswd"), "-Bbn", AUTH_USER, AUTH_PASSWORD],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    (workdir / "htpasswd").write_text(htpasswd)
    auth = {"htpasswd": {"realm": "hullguard-test", "path": str(workdir / "htpasswd")}}
    with serve_registry(workdir, auth=auth) as registry:
        yield RunningRegistry(registry.address, registry.storage, AUTH_USER, AUTH_PASSWORD)


@pytest.fixture(scope="session")
def token_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TokenRegistry]:
    """A bearer-token registry: ``auth.token`` trusting a certificate made for this session."""
    workdir = tmp_path_factory.mktemp("token-registry")
    tokens = TokenServer(make_key_pair(workdir / "keys", "token-issuer"))
    with serve_http(token_handler(tokens)) as token_address:
        auth = {
            "token": {
                "realm": f"http://{token_address}/token",
                "service": TOKEN_SERVICE,
                "issuer": TOKEN_ISSUER,
                "rootcertbundle": str(tokens.keys.cert_path),
            }
        }
        with serve_registry(workdir, auth=auth) as registry:
            yield TokenRegistry(
                RunningRegistry(registry.address, registry.storage, AUTH_USER, AUTH_PASSWORD), tokens
            )


@pytest.fixture(scope="session")
def tls_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsRegistry]:
    """An anonymous registry on HTTPS with a self-signed certificate for 127.0.0.1."""
    workdir = tmp_path_factory.mktemp("tls-registry")
    keys = make_key_pair(workdir / "keys", "registry-tls", ip="127.0.0.1")
    tls = {"certificate": str(keys.cert_path), "key": str(keys.key_path)}
    with serve_registry(workdir, tls=tls) as registry:
        yield TlsRegistry(registry, keys)


@pytest.fixture(scope="session")
def image_layout(tmp_path_factory: pytest.TempPathFactory) -> ImageLayout:
    """The test image, built once per session."""
    return build_layout(tmp_path_factory.mktemp("layout") / "oci")


@pytest.fixture(scope="session")
def pushed(plain_registry: RunningRegistry, image_layout: ImageLayout) -> Pushed:
    """The test image in the plain registry, in every shape the tests read."""
    repo = f"hullguard-test/s{secrets.token_hex(4)}"
    skopeo_push(image_layout, "single", plain_registry, f"{repo}/single:v1")
    skopeo_push(image_layout, "single", plain_registry, f"{repo}/single:v2")
    skopeo_push(image_layout, "plain", plain_registry, f"{repo}/zstd:v1", "--dest-compress-format=zstd")
    skopeo_push(image_layout, "multi", plain_registry, f"{repo}/multi:latest", "--all")
    return Pushed(plain_registry, image_layout, repo)


@pytest.fixture
def fake_registry() -> Iterator[FakeRegistry]:
    """A fresh fake registry per test."""
    fake = FakeRegistry()
    with serve_http(fake_handler(fake)) as address:
        fake.address = address
        yield fake
