"""Session fixtures every test family shares: real data under ../shared and the real sample images."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.images import build

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``<repo>/../shared``; missing shared data fails the run (never skips)."""
    shared = (REPO / ".." / "shared").resolve()
    if not (shared / "README.md").is_file():
        pytest.fail(f"shared test data missing at {shared}", pytrace=False)
    return shared


def docker_available() -> bool:
    """True when a Docker engine answers on the default socket."""
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "info"], capture_output=True, check=False).returncode == 0


def require(condition: bool, what: str) -> None:
    """Fail when a service is missing in CI (``HULLGUARD_REQUIRE_SERVICES=1``); skip on a dev box."""
    if condition:
        return
    if os.environ.get("HULLGUARD_REQUIRE_SERVICES") == "1" or os.environ.get("CI"):
        pytest.fail(f"{what} is required in CI but is not available", pytrace=False)
    pytest.skip(f"{what} not available (start it with `make services`)")


def podman_available() -> bool:
    """True when Podman's API service answers on its rootful socket."""
    return Path("/run/podman/podman.sock").exists() and shutil.which("podman") is not None


@dataclass(frozen=True)
class SampleImages:
    """Paths of the real sample images (see tests/images/build.py)."""

    root: Path

    @property
    def oci_base(self) -> Path:
        """Engine-free OCI layout (gzip), tag ``sample``; its last layer whites out /root/.npmrc."""
        return self.root / "sample-oci-gzip"

    @property
    def archive(self) -> Path:
        """``docker save`` of the final image (``hullguard-test/sample:1``)."""
        return self.root / "sample.tar"

    @property
    def oci_gzip(self) -> Path:
        return self.root / "final-oci-gzip"

    @property
    def oci_zstd(self) -> Path:
        return self.root / "final-oci-zstd"

    @property
    def rootfs(self) -> Path:
        return self.root / "rootfs"


def _images_dir() -> Path:
    base = Path(os.environ.get("HULLGUARD_TEST_IMAGES", Path.home() / ".cache" / "hullguard-test-images"))
    return base / f"recipe-{build.RECIPE}"


@pytest.fixture(scope="session")
def sample_images() -> Iterator[SampleImages]:
    """Build (once, under a file lock shared by xdist workers) or reuse the sample images."""
    require(docker_available(), "the Docker engine")
    out = _images_dir()
    out.mkdir(parents=True, exist_ok=True)
    with (out / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        build.build_engine_images(out)
        build.load_into_podman(out)
        subprocess.run(["docker", "image", "inspect", build.FINAL_TAG], check=True, capture_output=True)
    yield SampleImages(out)
