"""Rust analyzer on a ``Cargo.lock`` written by cargo itself, offline, from Debian's packaged
crates (``tests/fixtures/analyze/rust/README.md``). Hostile inputs are built here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hullguard.analyze import AnalyzerResult, EntryKind, FileHeader, FileInput
from hullguard.analyze.rust import PLUGINS
from hullguard.inventory import Location, PackageType
from tests.analyze.skips import assert_skipped

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "analyze" / "rust"
DIFF_ID = "sha256:" + "d4" * 32
[ANALYZER] = PLUGINS
CRATES = {
    ("hullguard-cargo-fixture", "0.1.0"),
    ("itoa", "1.0.1"),
    ("ryu", "1.0.2"),
    ("serde", "1.0.152"),
    ("serde_json", "1.0.87"),
}
"""The fixture crate (``Cargo.toml``) and the Debian bookworm crate versions it resolved to."""


def _input(path: str, data: bytes) -> FileInput:
    return FileInput(path, FileHeader(size=len(data), mode=0o644), data, DIFF_ID)


def test_plugin_has_a_stable_id() -> None:
    assert [p.id for p in PLUGINS] == ["rust"]


def test_cargo_lock_reports_every_package_the_workspace_crate_included() -> None:
    path = "/src/app/Cargo.lock"
    result = ANALYZER.analyze(_input(path, (FIXTURES / "cargo-v4/Cargo.lock").read_bytes()))
    assert result.skipped == ()
    assert {(p.name, p.version) for p in result.packages} == CRATES
    assert all(
        (p.type, p.found_by, p.location) == (PackageType.CARGO, "rust", Location(path, DIFF_ID))
        for p in result.packages
    )
    assert list(result.packages) == sorted(result.packages, key=lambda p: p.sort_key())


@pytest.mark.parametrize(
    ("path", "kind", "wanted"),
    [
        ("/src/app/Cargo.lock", EntryKind.FILE, True),
        ("/Cargo.lock", EntryKind.FILE, True),
        ("/src/app/Cargo.lock", EntryKind.DIR, False),
        ("/root/.cargo/registry/src/index-0123456789abcdef/ryu-1.0.2/Cargo.lock", EntryKind.FILE, False),
        (
            "/usr/local/cargo/registry/src/index-0123456789abcdef/serde-1.0.152/Cargo.lock",
            EntryKind.FILE,
            False,
        ),
        ("/root/.cargo/git/checkouts/tool-0a1b2c/abc123/Cargo.lock", EntryKind.FILE, False),
        ("/src/app/Cargo.toml", EntryKind.FILE, False),
        ("/src/app/MyCargo.lock", EntryKind.FILE, False),
    ],
    ids=[
        "project",
        "at-root",
        "directory",
        "downloaded-crate",
        "official-image-cargo-home",
        "git-checkout",
        "manifest",
        "name-suffix-only",
    ],
)
def test_wants(path: str, kind: EntryKind, wanted: bool) -> None:
    assert ANALYZER.wants(path, FileHeader(size=100, mode=0o644, kind=kind)) is wanted


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"[[package]\nname = 'x'", "TOMLDecodeError"),
        (b"package = 'serde'", "not an array"),
        (b"[[package]]\nname = 'serde'\n", "no string name and version"),
        (b"[[package]]\nname = 'serde'\nversion = 1.0\n", "no string name and version"),
        (b"package = [1, 2]", "no string name and version"),
        (b"version = 4\nx = " + b"[" * 50_000 + b"]" * 50_000, "nested too deeply"),
        (b"\xff\xfe[[package]]", "UnicodeDecodeError"),
    ],
    ids=[
        "toml-syntax",
        "package-not-array",
        "no-version",
        "version-is-a-float",
        "entries-not-tables",
        "deep-nesting",
        "not-utf8",
    ],
)
def test_malformed_input_becomes_a_skip_note(data: bytes, reason: str) -> None:
    assert_skipped(ANALYZER, "/src/Cargo.lock", data, reason)


def test_lockfile_without_packages_is_empty_not_an_error() -> None:
    assert ANALYZER.analyze(_input("/src/Cargo.lock", b"version = 4\n")) == AnalyzerResult()
