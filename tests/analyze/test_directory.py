"""``rootfs:DIR`` walking: files found, symlinks never followed, unreadable files noted."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hullguard.analyze import build_analyzers
from hullguard.analyze._directory import walk_directory
from hullguard.errors import ImageError
from hullguard.image import Limits


def test_finds_real_packages_in_a_copied_database(pkgdb_dir: Path, tmp_path: Path) -> None:
    status = tmp_path / "var" / "lib" / "dpkg" / "status"
    status.parent.mkdir(parents=True)
    status.write_bytes((pkgdb_dir / "dpkg" / "debian-10-buster" / "status").read_bytes())
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "os-release").write_bytes(
        (pkgdb_dir / "dpkg" / "debian-10-buster" / "os-release").read_bytes()
    )
    files, skipped = walk_directory(tmp_path, list(build_analyzers()), limits=Limits())
    packages = [p for f in files for p in f.file.result.packages]
    assert len(packages) == 84 and not skipped
    assert all(p.location.path == "/var/lib/dpkg/status" and p.location.diff_id is None for p in packages)


def test_symlinked_database_outside_the_root_is_not_read(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "var" / "lib" / "dpkg").mkdir(parents=True)
    os.symlink("/var/lib/dpkg/status", root / "var" / "lib" / "dpkg" / "status")
    os.symlink(".", root / "var" / "self")
    files, _ = walk_directory(root, list(build_analyzers()), limits=Limits())
    assert files == []


def test_oversized_file_is_noted(tmp_path: Path) -> None:
    status = tmp_path / "var" / "lib" / "dpkg" / "status"
    status.parent.mkdir(parents=True)
    status.write_bytes(b"Package: a\nVersion: 1\n" * 100)
    _, skipped = walk_directory(tmp_path, list(build_analyzers()), limits=Limits(max_file_bytes=100))
    assert [s.path for s in skipped] == ["/var/lib/dpkg/status"]


def test_not_a_directory(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="not a directory"):
        walk_directory(tmp_path / "missing", [], limits=Limits())
