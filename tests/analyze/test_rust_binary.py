"""cargo-auditable data read from real ELF executables built by gcc when the tests run.

``cargo auditable`` is not packaged by Debian and crates.io is out of reach, so the fixture
does what it does by hand: it links a real executable and adds a non-allocated ``.dep-v0``
section holding zlib-compressed JSON in the documented ``auditable-serde`` format
(rust-secure-code/cargo-auditable, ``cargo-auditable.schema.json``).
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from hullguard.analyze import Analyzer, AnalyzerResult, FileHeader, FileInput
from hullguard.analyze.rust_binary import MAX_AUDIT_JSON_BYTES, PLUGINS, RUST_BINARY
from hullguard.inventory import Location, PackageType

DIFF_ID = "sha256:" + "cd" * 32
ANALYZER = RUST_BINARY
# A dependency tree as cargo-auditable records it for a binary using serde with derive:
# the root crate, runtime crates, and proc-macro crates marked "build" (format 1).
AUDIT_DATA = {
    "format": 1,
    "packages": [
        {"name": "hello", "version": "0.1.0", "source": "local", "root": True, "dependencies": [4, 5]},
        {
            "name": "proc-macro2",
            "version": "1.0.78",
            "source": "crates.io",
            "kind": "build",
            "dependencies": [6],
        },
        {"name": "quote", "version": "1.0.35", "source": "crates.io", "kind": "build", "dependencies": [1]},
        {
            "name": "serde_derive",
            "version": "1.0.197",
            "source": "crates.io",
            "kind": "build",
            "dependencies": [1, 2],
        },
        {"name": "serde", "version": "1.0.197", "source": "crates.io", "dependencies": [3]},
        {"name": "smallvec", "version": "1.13.1", "source": {"Other": "my-registry"}},
        {"name": "unicode-ident", "version": "1.0.12", "source": "crates.io", "kind": "build"},
    ],
}


def _tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: apt-get install {package}", pytrace=False)
    return path


@pytest.fixture(scope="session")
def plain_elf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real dynamically linked executable without audit data."""
    tmp = tmp_path_factory.mktemp("rust")
    (tmp / "main.c").write_text('#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n')
    subprocess.run([_tool("gcc", "gcc"), "-O2", "-o", "plain", "main.c"], cwd=tmp, check=True)
    return tmp / "plain"


@pytest.fixture
def with_section(plain_elf: Path, tmp_path: Path) -> Callable[[bytes], bytes]:
    """Returns an executable whose ``.dep-v0`` section holds the given raw bytes."""

    def build(payload: bytes) -> bytes:
        (tmp_path / "dep-v0.bin").write_bytes(payload)
        out = tmp_path / "audited"
        objcopy = _tool("objcopy", "binutils")
        cmd = [objcopy, "--add-section", f".dep-v0={tmp_path / 'dep-v0.bin'}", str(plain_elf), str(out)]
        subprocess.run(cmd, check=True)
        return out.read_bytes()

    return build


def _input(content: bytes, path: str = "/usr/local/bin/hello") -> FileInput:
    return FileInput(path, FileHeader(size=len(content), mode=0o755), content, DIFF_ID)


def test_reports_runtime_crates_and_leaves_build_crates_out(with_section: Callable[[bytes], bytes]) -> None:
    content = with_section(zlib.compress(json.dumps(AUDIT_DATA).encode()))
    result = ANALYZER.analyze(_input(content))
    assert result.skipped == ()
    assert [(p.name, p.version) for p in result.packages] == [
        ("hello", "0.1.0"),
        ("serde", "1.0.197"),
        ("smallvec", "1.13.1"),
    ]
    for package in result.packages:
        assert package.type is PackageType.CARGO
        assert package.found_by == "rust-binary"
        assert package.location == Location("/usr/local/bin/hello", DIFF_ID)
        assert package.purl == ""


def test_section_is_not_loaded_at_run_time(with_section: Callable[[bytes], bytes], tmp_path: Path) -> None:
    """Like cargo-auditable's own section, ours takes no memory in the running program."""
    with_section(zlib.compress(json.dumps(AUDIT_DATA).encode()))
    headers = subprocess.run(
        [_tool("readelf", "binutils"), "-SW", str(tmp_path / "audited")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    (line,) = [row for row in headers.splitlines() if ".dep-v0" in row]
    assert " A " not in line


def test_executable_without_audit_section_yields_nothing(plain_elf: Path) -> None:
    result = ANALYZER.analyze(_input(plain_elf.read_bytes()))
    assert result == AnalyzerResult()


def test_non_elf_content_yields_nothing() -> None:
    assert ANALYZER.analyze(_input(b"#!/bin/sh\n" + b"true\n" * 400)) == AnalyzerResult()


def _bomb() -> bytes:
    return zlib.compress(b"[" * (MAX_AUDIT_JSON_BYTES + 1024), 9)


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (_bomb(), "inflates past"),
        (b"not zlib at all", "not valid zlib data"),
        (zlib.compress(json.dumps(AUDIT_DATA).encode())[:-20], "truncated"),
        (zlib.compress(b'{"packages": [}'), "not cargo-auditable data"),
        (zlib.compress(b"\xff\xfe{}"), "not cargo-auditable data"),
        (zlib.compress(b'{"crates": []}'), "packages"),
        (zlib.compress(b'{"packages": [{"name": "x", "version": 1, "source": "crates.io"}]}'), "version"),
        (zlib.compress(b'{"packages": [{"name": "", "version": "1.0.0", "source": "local"}]}'), "name"),
        (zlib.compress(b"[" * 100_000 + b"]" * 100_000), "not cargo-auditable data"),
    ],
    ids=[
        "zlib-bomb",
        "not-zlib",
        "truncated-stream",
        "broken-json",
        "not-utf8",
        "no-packages",
        "version-not-string",
        "empty-name",
        "deep-nesting",
    ],
)
def test_bad_audit_data_becomes_skip_note(
    with_section: Callable[[bytes], bytes], payload: bytes, reason: str
) -> None:
    result = ANALYZER.analyze(_input(with_section(payload)))
    assert result.packages == ()
    (skipped,) = result.skipped
    assert reason in skipped.reason
    assert (skipped.path, skipped.diff_id, skipped.analyzer) == (
        "/usr/local/bin/hello",
        DIFF_ID,
        "rust-binary",
    )


@pytest.mark.parametrize(
    ("cut", "reason"),
    [(0.5, "past the end of the file"), (0.02, "past the end of the file")],
    ids=["truncated-half", "truncated-early"],
)
def test_truncated_executable_becomes_skip_note(
    with_section: Callable[[bytes], bytes], cut: float, reason: str
) -> None:
    content = with_section(zlib.compress(json.dumps(AUDIT_DATA).encode()))
    result = ANALYZER.analyze(_input(content[: int(len(content) * cut)]))
    assert result.packages == ()
    (skipped,) = result.skipped
    assert reason in skipped.reason


@pytest.mark.parametrize("seed", range(3))
def test_random_corruption_never_raises(with_section: Callable[[bytes], bytes], seed: int) -> None:
    """Bytes flipped in the ELF tables or the compressed section never escape as an exception."""
    rng = random.Random(seed)
    original = with_section(zlib.compress(json.dumps(AUDIT_DATA).encode()))
    payload = original.index(zlib.compress(json.dumps(AUDIT_DATA).encode()))
    regions = [(0, 64), (64, 64 + 56 * 8), (len(original) - 64 * 30, len(original)), (payload, payload + 300)]
    for _ in range(100):
        data = bytearray(original)
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(*rng.choice(regions))] = rng.randrange(256)
        result = ANALYZER.analyze(_input(bytes(data)))
        assert isinstance(result, AnalyzerResult)


def test_wants_the_same_files_as_the_go_analyzer() -> None:
    assert ANALYZER.wants("/usr/bin/x", FileHeader(size=4096, mode=0o755))
    assert not ANALYZER.wants("/usr/bin/x", FileHeader(size=4096, mode=0o644))


def test_plugin_identity() -> None:
    analyzer: Analyzer = ANALYZER  # mypy checks the protocol is met
    assert [analyzer] == PLUGINS
    assert (analyzer.id, analyzer.version) == ("rust-binary", 1)
