"""Real images for the harden tests, built on the sample base image (Debian bookworm + python3).

Each is built once per recipe with ``docker build --network none`` (nothing is downloaded):
- ``web``: a non-root USER given by name, a Python HTTP server on 8000 and a HEALTHCHECK;
- ``rootvol``: no USER, writes to /tmp and to its VOLUME /data, with a HEALTHCHECK;
- ``rootweb``: no USER and no VOLUME, an HTTP server on the privileged port 80, no HEALTHCHECK.
"""

from __future__ import annotations

import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SampleImages

RECIPE = "1"
_PROBE = "import urllib.request as u; u.urlopen('http://127.0.0.1:{port}/', timeout=2).read()"

DOCKERFILES = {
    "web": f"""FROM hullguard-test/sample-base:1
RUN useradd --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin web
WORKDIR /srv
USER web
EXPOSE 8000
HEALTHCHECK --interval=2s --timeout=3s --retries=3 CMD ["python3", "-c", "{_PROBE.format(port=8000)}"]
CMD ["python3", "-m", "http.server", "8000"]
""",
    "rootvol": """FROM hullguard-test/sample-base:1
VOLUME /data
HEALTHCHECK --interval=2s --timeout=3s --retries=3 CMD test -s /tmp/beat && test -s /data/beat
CMD ["sh", "-c", "while true; do date > /tmp/beat && date > /data/beat || exit 1; sleep 1; done"]
""",
    "rootweb": """FROM hullguard-test/sample-base:1
WORKDIR /srv
EXPOSE 80
CMD ["sh", "-c", "date > /tmp/started && exec python3 -m http.server 80"]
""",
}


def image_tag(kind: str) -> str:
    """The engine tag of one harden test image."""
    return f"hullguard-test/harden-{kind}:{RECIPE}"


@pytest.fixture(scope="session")
def harden_images(sample_images: SampleImages) -> dict[str, str]:
    """Build (or reuse) the three images; returns kind -> tag."""
    tags = {}
    for kind, dockerfile in DOCKERFILES.items():
        tag = image_tag(kind)
        present = subprocess.run(["docker", "image", "inspect", tag], capture_output=True, check=False)
        if present.returncode != 0:
            with tempfile.TemporaryDirectory() as ctx:
                (Path(ctx) / "Dockerfile").write_text(dockerfile)
                subprocess.run(
                    ["docker", "build", "-q", "--network", "none", "-t", tag, ctx],
                    check=True,
                    capture_output=True,
                )
        tags[kind] = tag
    return tags


@pytest.fixture(scope="session")
def test_network() -> Iterator[str]:
    """A user-defined bridge of our own: the default docker0 is shared with other test daemons."""
    name = f"hg-harden-{uuid.uuid4().hex[:8]}"
    subprocess.run(["docker", "network", "create", name], check=True, capture_output=True)
    yield name
    subprocess.run(["docker", "network", "rm", name], check=False, capture_output=True)
