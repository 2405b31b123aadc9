"""Reading a mounted host without ever leaving it, whatever its symlinks say."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hullguard.audit import HostPathError, HostRoot


@pytest.fixture
def host(tmp_path: Path) -> HostRoot:
    """A small host tree whose symlinks point outside it in every way a hostile host could."""
    root = tmp_path / "host"
    (root / "etc" / "docker").mkdir(parents=True)
    (root / "etc" / "docker" / "daemon.json").write_text('{"icc": false}')
    (root / "etc" / "group").write_text("root:x:0:\n")
    (root / "var" / "run").mkdir(parents=True)
    outside = tmp_path / "outside-secret"
    outside.write_text("not the host's")
    os.symlink("/etc/group", root / "etc" / "absolute-link")  # absolute: must stay inside
    os.symlink("../../../../../outside-secret", root / "etc" / "dotdot-link")
    os.symlink(str(outside), root / "etc" / "escape-link")
    os.symlink("loop-b", root / "etc" / "loop-a")
    os.symlink("loop-a", root / "etc" / "loop-b")
    os.symlink("/var/run", root / "run")
    return HostRoot(root)


def test_absolute_symlink_is_resolved_inside_the_root(host: HostRoot) -> None:
    assert host.resolve("/etc/absolute-link") == "/etc/group"
    assert host.read_text("/etc/absolute-link") == "root:x:0:\n"


@pytest.mark.parametrize("link", ["/etc/dotdot-link", "/etc/escape-link"])
def test_symlinks_pointing_outside_never_reach_the_auditing_machine(host: HostRoot, link: str) -> None:
    assert host.read_text(link) is None  # re-rooted: /outside-secret or /tmp/... inside the host


def test_symlink_loop_is_an_error_not_a_hang(host: HostRoot) -> None:
    with pytest.raises(HostPathError, match="too many levels"):
        host.stat("/etc/loop-a")


def test_directory_symlink_in_the_middle_of_a_path(host: HostRoot) -> None:
    # /run is /var/run, so its parent is /var (the kernel resolves the link before ..)
    assert host.resolve("/run/../../etc/docker/daemon.json") == "/etc/docker/daemon.json"
    assert host.resolve("/run/../etc/docker/daemon.json") is None
    stat = host.stat("/etc/docker/daemon.json")
    assert stat is not None and stat.kind == "file" and stat.path == "/etc/docker/daemon.json"
    assert host.stat("/etc/docker/missing.json") is None
