"""Shared setup for the trust tests: a real registry with a small image pushed by skopeo, keys,
and the trust commands on a Typer app of their own (so other command groups cannot break them).

The registry is CI's (``HULLGUARD_TEST_REGISTRY``, 127.0.0.1:5000) when named, else one
``docker-registry`` started for the session, as the image tests do.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer
from cryptography.hazmat.primitives.asymmetric import ec

from hullguard.image._reference import Reference, parse_reference
from hullguard.image._registry_client import RegistryClient
from hullguard.trust import generate_private_key
from tests.image.registry_images import ImageLayout, build_layout, skopeo_push
from tests.image.registry_servers import RunningRegistry, require_tool, serve_registry

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def trust_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningRegistry]:
    """An anonymous plain-HTTP registry on loopback."""
    require_tool("skopeo")
    address = os.environ.get("HULLGUARD_TEST_REGISTRY")
    if address:
        yield RunningRegistry(address)
        return
    with serve_registry(tmp_path_factory.mktemp("trust-registry")) as registry:
        yield registry


@pytest.fixture(scope="session")
def trust_layout(tmp_path_factory: pytest.TempPathFactory) -> ImageLayout:
    """The image tests' OCI layout (single-arch ``single``, index ``multi``)."""
    return build_layout(tmp_path_factory.mktemp("trust-layout") / "oci")


@dataclass(frozen=True)
class PushedImages:
    """Images pushed for one test: ``app:v1`` (one manifest) and ``multi:latest`` (an index)."""

    registry: RunningRegistry
    layout: ImageLayout
    repo: str

    def ref(self, name: str) -> Reference:
        return parse_reference(f"{self.registry.address}/{self.repo}/{name}")

    def text(self, name: str) -> str:
        return f"{self.registry.address}/{self.repo}/{name}"


@pytest.fixture
def pushed_images(trust_registry: RunningRegistry, trust_layout: ImageLayout) -> PushedImages:
    """Fresh repositories per test, so signatures of one test never meet another's."""
    repo = f"hullguard-trust/t{secrets.token_hex(4)}"
    skopeo_push(trust_layout, "single", trust_registry, f"{repo}/app:v1")
    return PushedImages(trust_registry, trust_layout, repo)


@pytest.fixture
def pushed_index(pushed_images: PushedImages) -> PushedImages:
    """``pushed_images`` plus the two-platform index as ``multi:latest``."""
    skopeo_push(
        pushed_images.layout, "multi", pushed_images.registry, f"{pushed_images.repo}/multi:latest", "--all"
    )
    return pushed_images


@pytest.fixture
def client() -> Iterator[RegistryClient]:
    with RegistryClient() as registry_client:
        yield registry_client


@pytest.fixture(scope="session")
def signing_key() -> ec.EllipticCurvePrivateKey:
    return generate_private_key()


@pytest.fixture(scope="session")
def other_key() -> ec.EllipticCurvePrivateKey:
    return generate_private_key()


@pytest.fixture(scope="session")
def trust_app() -> typer.Typer:
    """Only the trust commands, registered the way the main CLI registers them."""
    from hullguard.cli import trust as trust_commands

    app = typer.Typer(pretty_exceptions_enable=False)
    trust_commands.register(app)
    return app
