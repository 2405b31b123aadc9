"""``hullguard sbom`` end to end, through the real console script, on real and hostile images."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import zstandard

from tests.conftest import SampleImages, podman_available, require
from tests.hostile import oci_layout, symlink_tar, tar_bytes

HULLGUARD = str(Path(sys.executable).parent / "hullguard")


def run(*args: str, cache: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "HULLGUARD_CACHE_DIR": str(cache), **(env or {})}
    return subprocess.run([HULLGUARD, *args], capture_output=True, text=True, env=full_env, check=False)


def packages(result: subprocess.CompletedProcess[str]) -> set[tuple[str, str, str]]:
    assert result.returncode == 0, result.stderr
    return {(p["name"], p["version"], p["type"]) for p in json.loads(result.stdout)["packages"]}


@pytest.mark.xdist_group("images")
def test_every_source_gives_the_same_sbom(sample_images: SampleImages, tmp_path: Path) -> None:
    refs = [
        f"docker-archive:{sample_images.archive}",
        f"oci-layout:{sample_images.oci_gzip}:final",
        f"oci-layout:{sample_images.oci_zstd}:final",
        "docker:hullguard-test/sample:1",
        str(sample_images.archive),
    ]
    require(podman_available(), "the Podman API service")
    refs.append("podman:hullguard-test/sample:1")
    sets = [packages(run("sbom", "-q", "-f", "json", "--no-cache", ref, cache=tmp_path)) for ref in refs]
    assert all(s == sets[0] for s in sets[1:])
    kinds = {k for _, _, k in sets[0]}
    assert {"deb", "python", "npm"} <= kinds
    names = {n for n, _, _ in sets[0]}
    assert {"libc6", "requests", "express", "lodash"} <= names
    assert "PyJWT" not in names, "deleted by a later layer (whiteout), must not be listed"


@pytest.mark.xdist_group("images")
def test_layer_cache_is_used_and_no_cache_bypasses_it(sample_images: SampleImages, tmp_path: Path) -> None:
    ref = f"oci-layout:{sample_images.oci_gzip}:final"
    first = run("sbom", "-q", "-f", "json", ref, cache=tmp_path / "c")
    entries = list((tmp_path / "c" / "layers").rglob("*.json"))
    assert entries, "a scan fills the layer cache"
    second = run("sbom", "-q", "-f", "json", ref, cache=tmp_path / "c")
    assert packages(first) == packages(second)
    assert sorted((tmp_path / "c" / "layers").rglob("*.json")) == sorted(entries)
    run("sbom", "-q", "-f", "json", "--no-cache", ref, cache=tmp_path / "n")
    assert not (tmp_path / "n").exists()


@pytest.mark.xdist_group("images")
def test_rootfs_directory(sample_images: SampleImages, tmp_path: Path) -> None:
    result = packages(run("sbom", "-q", "-f", "json", f"rootfs:{sample_images.rootfs}", cache=tmp_path))
    assert ("python3-six", "1.16.0-4", "deb") in result


@pytest.mark.xdist_group("images")
@pytest.mark.parametrize("fmt", ["cyclonedx-json", "spdx-json", "table", "json"])
def test_formats_write_to_a_file(sample_images: SampleImages, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "out"
    result = run(
        "sbom", "-q", "-f", fmt, "-o", str(out), f"oci-layout:{sample_images.oci_zstd}:final", cache=tmp_path
    )
    assert result.returncode == 0, result.stderr
    text = out.read_text()
    assert "express" in text and "libc6" in text


def _layer_with(name: str) -> bytes:
    return tar_bytes((name, b"ID=debian\n"))


@dataclass(frozen=True)
class Hostile:
    """An image to build: its layers, how they are stored, what the config claims, the limits."""

    layers: list[bytes]
    message: str
    stored: list[bytes] | None = None
    diff_ids: list[str] | None = None
    env: dict[str, str] = field(default_factory=dict)


OS_LAYER = _layer_with("etc/os-release")
HOSTILE = {
    "dotdot-entry": Hostile([_layer_with("../../etc/os-release")], "climbs out of the image root"),
    "absolute-entry": Hostile([_layer_with("/etc/os-release")], "absolute path"),
    "truncated-gzip": Hostile([OS_LAYER], "corrupt or truncated", stored=[gzip.compress(OS_LAYER)[:-30]]),
    "truncated-zstd": Hostile(
        [OS_LAYER], "the config says", stored=[zstandard.ZstdCompressor().compress(OS_LAYER)[:-8]]
    ),
    "diff-id-lie": Hostile([OS_LAYER], "the config says", diff_ids=["sha256:" + "0" * 64]),
    "gzip-bomb": Hostile(
        [b"\0" * (32 << 20)], "inflates past", env={"HULLGUARD_MAX_LAYER_BYTES": str(4 << 20)}
    ),
    "ratio-bomb": Hostile(
        [b"\0" * (48 << 20)],
        "inflates more than",
        env={"HULLGUARD_MAX_RATIO": "50", "HULLGUARD_RATIO_FLOOR_BYTES": str(1 << 20)},
    ),
}


@pytest.mark.parametrize("case", list(HOSTILE), ids=list(HOSTILE))
def test_hostile_images_fail_cleanly(tmp_path: Path, case: str) -> None:
    hostile = HOSTILE[case]
    message, env = hostile.message, hostile.env
    layout = oci_layout(tmp_path / "img", hostile.layers, stored=hostile.stored, diff_ids=hostile.diff_ids)
    before = sorted(p.name for p in tmp_path.iterdir())
    out = tmp_path / "sbom.json"
    result = run(
        "sbom",
        "-q",
        "--no-cache",
        "-f",
        "json",
        "-o",
        str(out),
        f"oci-layout:{layout}:t",
        cache=tmp_path / "cache",
        env=env,
    )
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert "error:" in result.stderr.splitlines()[0] and str(layout) in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before, "nothing written, not even the output file"


def test_symlink_escape_is_not_followed(tmp_path: Path) -> None:
    """An image whose os-release points out of the image: the host's file is never read."""
    layout = oci_layout(tmp_path / "img", [symlink_tar("etc/os-release", "../../../../../../etc/os-release")])
    result = run("sbom", "-q", "-f", "json", f"oci-layout:{layout}:t", cache=tmp_path / "c")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["os"] is None


def test_rootfs_symlink_escape_and_loop(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    (root / "etc" / "os-release").symlink_to("/etc/os-release")
    (root / "loop").symlink_to("loop")
    (root / "var" / "lib" / "dpkg").mkdir(parents=True)
    (root / "var" / "lib" / "dpkg" / "status").symlink_to("/var/lib/dpkg/status")
    result = run("sbom", "-q", "-f", "json", f"rootfs:{root}", cache=tmp_path / "c")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["os"] is None and document["packages"] == []


@pytest.mark.parametrize(
    ("ref", "code", "message"),
    [
        ("docker-archive:/nonexistent.tar", 3, "no such file"),
        ("oci-layout:/nonexistent", 3, "no such directory"),
        ("sbom:/nonexistent.json", 3, "cannot read"),
    ],
    ids=["archive", "layout", "sbom-file"],
)
def test_missing_inputs_name_the_place(tmp_path: Path, ref: str, code: int, message: str) -> None:
    result = run("sbom", "-q", ref, cache=tmp_path)
    assert result.returncode == code
    assert message in result.stderr and "Traceback" not in result.stderr


def test_unknown_format_lists_the_choices(tmp_path: Path) -> None:
    result = run("sbom", "-f", "xml", "rootfs:/nonexistent", cache=tmp_path)
    assert result.returncode == 2
    assert "cyclonedx-json" in result.stderr


def test_not_json_archive_manifest(tmp_path: Path) -> None:
    archive = tmp_path / "a.tar"
    archive.write_bytes(tar_bytes(("manifest.json", b"{{{ not json")))
    result = run("sbom", "-q", f"docker-archive:{archive}", cache=tmp_path / "c")
    assert result.returncode == 2
    assert "manifest.json is not JSON" in result.stderr


@pytest.mark.xdist_group("images")
def test_multi_image_archive_needs_image_choice(sample_images: SampleImages, tmp_path: Path) -> None:
    archive = tmp_path / "two.tar"
    subprocess.run(
        ["docker", "save", "-o", str(archive), "hullguard-test/sample:1", "hullguard-test/sample-base:1"],
        check=True,
    )
    ambiguous = run("sbom", "-q", f"docker-archive:{archive}", cache=tmp_path)
    assert ambiguous.returncode == 3
    assert "--image" in ambiguous.stderr and "hullguard-test/sample-base:1" in ambiguous.stderr
    final = run(
        "sbom",
        "-q",
        "-f",
        "json",
        "--image",
        "hullguard-test/sample:1",
        f"docker-archive:{archive}",
        cache=tmp_path,
    )
    base = run(
        "sbom",
        "-q",
        "-f",
        "json",
        "--image",
        "hullguard-test/sample-base:1",
        f"docker-archive:{archive}",
        cache=tmp_path,
    )
    only_in_base = {name for name, _, _ in packages(base) - packages(final)}
    assert only_in_base == {"PyJWT"}, "the final image deleted PyJWT; everything else is shared"


@pytest.mark.xdist_group("images")
def test_existing_sbom_is_read_back(sample_images: SampleImages, tmp_path: Path) -> None:
    cdx = tmp_path / "image.cdx.json"
    made = run(
        "sbom",
        "-q",
        "-f",
        "cyclonedx",
        "-o",
        str(cdx),
        f"oci-layout:{sample_images.oci_gzip}:final",
        cache=tmp_path,
    )
    assert made.returncode == 0, made.stderr
    direct = packages(
        run("sbom", "-q", "-f", "json", f"oci-layout:{sample_images.oci_gzip}:final", cache=tmp_path)
    )
    converted = packages(run("sbom", "-q", "-f", "json", f"sbom:{cdx}", cache=tmp_path))
    assert converted == direct
