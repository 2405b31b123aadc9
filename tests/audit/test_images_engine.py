"""Section 4 on images built for the test with the legacy builder, whose history keeps each step.

``bad`` adds a file with ADD, updates the package index alone and sets a token in ENV, and has
no HEALTHCHECK; ``good`` copies, updates and installs in one step, and has a HEALTHCHECK. The
``RUN :`` steps only put the text of the command in the history: ``:`` does nothing.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from hullguard.audit import (
    CheckResult,
    EngineKind,
    GatherOptions,
    build_checks,
    connect,
    gather,
    resolve_endpoint,
    run_checks,
)
from tests.conftest import docker_available, require

pytestmark = [pytest.mark.engine, pytest.mark.xdist_group("engine")]

BASE = "hullguard-test/sample:1"
BAD = f"""FROM {BASE}
ADD extra.txt /extra.txt
ENV API_TOKEN=abc123secret DB_PASSWORD=
RUN : apt-get update
"""
GOOD = f"""FROM {BASE}
COPY extra.txt /extra.txt
RUN : apt-get update && : apt-get install -y curl
HEALTHCHECK CMD ["true"]
"""


def _docker(*args: str, cwd: Path | None = None) -> str:
    done = subprocess.run(
        ["docker", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env={**os.environ, "DOCKER_BUILDKIT": "0"},
    )
    if done.returncode != 0:
        raise AssertionError(f"docker {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout.strip()


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Build both images and run a container of ``bad`` only; everything is removed afterwards."""
    require(docker_available(), "the Docker engine")
    suffix = uuid.uuid4().hex[:8]
    tags = {"bad": f"hg-audit-img-bad-{suffix}:1", "good": f"hg-audit-img-good-{suffix}:1"}
    container = f"hg-audit-img-{suffix}"
    try:
        for name, dockerfile in (("bad", BAD), ("good", GOOD)):
            context = tmp_path_factory.mktemp(name)
            (context / "Dockerfile").write_text(dockerfile)
            (context / "extra.txt").write_text("extra\n")
            _docker("build", "-q", "-t", tags[name], ".", cwd=context)
        _docker("run", "-d", "--name", container, tags["bad"], "sleep", "300")
        yield tags
    finally:
        subprocess.run(["docker", "rm", "-f", container], capture_output=True, check=False)
        subprocess.run(["docker", "rmi", *tags.values()], capture_output=True, check=False)


def _audit(*, every_local_image: bool) -> dict[tuple[str, str], CheckResult]:
    endpoint = resolve_endpoint(EngineKind.DOCKER, host=None, context=None, env={}, home=Path("/"))
    options = GatherOptions(EngineKind.DOCKER, endpoint.url, None, every_local_image=every_local_image)
    facts = gather(lambda: connect(endpoint, engine=EngineKind.DOCKER, timeout=30), options)
    checks = [c for c in build_checks() if c.cis_id.startswith("4.")]
    return {(r.cis_id, r.target): r for r in run_checks(facts, checks)}


EXPECTED = [
    ("4.6", "FAIL", "PASS"),
    ("4.7", "INFO", "PASS"),
    ("4.9", "INFO", "PASS"),
    ("4.10", "WARN", "PASS"),
]


def test_build_history_checks(images: dict[str, str]) -> None:
    results = _audit(every_local_image=True)
    got = [(cis, results[(cis, images["bad"])].status.value, results[(cis, images["good"])].status.value)
           for cis, _, _ in EXPECTED]  # fmt: skip
    assert got == EXPECTED
    secrets = results[("4.10", images["bad"])].evidence
    assert "API_TOKEN" in secrets and "abc123secret" not in secrets and "DB_PASSWORD" not in secrets
    assert "extra.txt" in results[("4.9", images["bad"])].evidence
    assert "apt-get update" in results[("4.7", images["bad"])].evidence


def test_only_images_in_use_unless_asked_for_all(images: dict[str, str]) -> None:
    targets = {target for _, target in _audit(every_local_image=False)}
    assert images["bad"] in targets and images["good"] not in targets
