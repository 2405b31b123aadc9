"""Go build info read from real executables that the Go toolchain builds when the tests run.

The binaries are built offline: Debian's ``golang-github-google-uuid-dev`` provides a real
module's source, reached either through a directory ``replace`` or through a file-based
``GOPROXY`` this fixture writes (which gives a genuine ``=>`` module replacement with its
``h1:`` sum). ``go version -m`` serves as the independent oracle for what Go recorded.
"""

from __future__ import annotations

import os
import random
import shutil
import struct
import subprocess
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from hullguard.analyze import Analyzer, AnalyzerResult, EntryKind, FileHeader, FileInput
from hullguard.analyze.golang import GO_BINARY, PLUGINS, GoBuildInfo, read_build_info
from hullguard.inventory import Location, Package, PackageType

UUID_SRC = Path("/usr/share/gocode/src/github.com/google/uuid")
DIFF_ID = "sha256:" + "ab" * 32
ANALYZER = GO_BINARY
MAIN_GO = """package main

import (
\t"fmt"
{imports}
)

func main() {{ fmt.Println({call}) }}
"""
GREET_GO = 'package greet\n\nfunc Hello() string { return "hello" }\n'


@dataclass(frozen=True)
class GoBinaries:
    """The executables built once per session, and the toolchain that built them."""

    go_version: str
    plain: Path
    proxied: Path
    local_replace: Path
    stripped: Path
    mips: Path
    """32-bit big-endian: the other word size and byte order of the ELF tables."""


def _go() -> str:
    go = shutil.which("go")
    if go is None:
        pytest.fail("the Go toolchain is missing: apt-get install golang-go", pytrace=False)
    return go


def _gcc() -> str:
    gcc = shutil.which("gcc")
    if gcc is None:
        pytest.fail("gcc is missing: apt-get install gcc", pytrace=False)
    return gcc


def _run(cmd: list[str], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(cmd, check=False, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{cmd} failed:\n{done.stderr}"
    return done.stdout


def _publish(proxy: Path, module: str, version: str, files: dict[str, str]) -> None:
    """Lay out one module version the way GOPROXY=file:// expects (``<module>/@v/<version>.*``)."""
    go_mod = f"module {module}\n\ngo 1.17\n"
    target = proxy / module / "@v"
    target.mkdir(parents=True)
    (target / "list").write_text(f"{version}\n")
    (target / f"{version}.info").write_text(f'{{"Version":"{version}","Time":"2023-01-01T00:00:00Z"}}')
    (target / f"{version}.mod").write_text(go_mod)
    with zipfile.ZipFile(target / f"{version}.zip", "w") as zf:
        zf.writestr(f"{module}@{version}/go.mod", go_mod)
        for name, text in files.items():
            zf.writestr(f"{module}@{version}/{name}", text)


def _build_module(root: Path, env: dict[str, str], go_mod: str, main_go: str, *flags: str) -> Path:
    root.mkdir(exist_ok=True)
    (root / "go.mod").write_text(go_mod)
    (root / "main.go").write_text(main_go)
    _run([_go(), "build", *flags, "-o", "app", "."], root, env)
    return root / "app"


@pytest.fixture(scope="session")
def go_binaries(tmp_path_factory: pytest.TempPathFactory) -> GoBinaries:
    if not (UUID_SRC / "uuid.go").is_file():
        pytest.fail(f"{UUID_SRC} missing: apt-get install golang-github-google-uuid-dev", pytrace=False)
    tmp = tmp_path_factory.mktemp("go")
    uuid_files = {p.name: p.read_text() for p in UUID_SRC.glob("*.go") if not p.name.endswith("_test.go")}
    _publish(tmp / "proxy", "example.com/uuidfork", "v1.3.1", uuid_files)
    _publish(tmp / "proxy", "example.com/greet", "v0.2.0", {"greet.go": GREET_GO})
    env = {
        **os.environ,
        "HOME": str(tmp),
        "GOPATH": str(tmp / "gopath"),
        "GOCACHE": str(tmp / "cache"),
        "GOPROXY": f"file://{tmp / 'proxy'}",
        "GOSUMDB": "off",
        "GOFLAGS": "-mod=mod",
        "GOTOOLCHAIN": "local",
        "CGO_ENABLED": "0",
    }
    head = "module example.com/{name}\n\ngo 1.17\n\n"
    plain = _build_module(
        tmp / "plain", env, head.format(name="plain"), MAIN_GO.format(imports="", call='"hi"')
    )
    uuid_main = MAIN_GO.format(imports='\t"github.com/google/uuid"', call="uuid.NewString()")
    proxied_mod = (
        head.format(name="proxied")
        + "require (\n\tgithub.com/google/uuid v1.3.0\n\texample.com/greet v0.2.0\n)\n\n"
        + "replace github.com/google/uuid => example.com/uuidfork v1.3.1\n"
    )
    proxied_main = MAIN_GO.format(
        imports='\t"example.com/greet"\n\t"github.com/google/uuid"', call="greet.Hello(), uuid.NewString()"
    )
    local_mod = (
        head.format(name="local")
        + "require github.com/google/uuid v1.3.0\n\n"
        + f"replace github.com/google/uuid => {UUID_SRC}\n"
    )
    version_line = _run([_go(), "version"], tmp, env).split()
    return GoBinaries(
        go_version=version_line[2],
        plain=plain,
        proxied=_build_module(tmp / "proxied", env, proxied_mod, proxied_main),
        local_replace=_build_module(tmp / "local", env, local_mod, uuid_main),
        stripped=_build_module(tmp / "stripped", env, proxied_mod, proxied_main, "-ldflags=-s -w"),
        mips=_build_module(tmp / "mips", {**env, "GOARCH": "mips"}, proxied_mod, proxied_main),
    )


def _oracle(binary: Path) -> list[tuple[str, ...]]:
    """``mod``/``dep``/``=>`` lines as ``go version -m`` prints them, as (kind, path, version)."""
    out = subprocess.run([_go(), "version", "-m", str(binary)], capture_output=True, text=True, check=True)
    rows: list[tuple[str, ...]] = []
    for line in out.stdout.splitlines()[1:]:
        fields = line.strip("\n").lstrip("\t").split("\t")
        if fields[0] in ("mod", "dep", "=>"):
            rows.append((fields[0], fields[1], fields[2]))
    return rows


def _flatten(info: GoBuildInfo) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for kind, module in [("mod", info.main)] + [("dep", d) for d in info.deps]:
        assert module is not None
        rows.append((kind, module.path, module.version))
        if module.replace is not None:
            rows.append(("=>", module.replace.path, module.replace.version))
    return rows


def _input(path: str, content: bytes, mode: int = 0o755) -> FileInput:
    return FileInput(path, FileHeader(size=len(content), mode=mode), content, DIFF_ID)


def _coordinates(packages: tuple[Package, ...]) -> list[tuple[str, str]]:
    return [(p.name, p.version) for p in packages]


@pytest.mark.parametrize("name", ["plain", "proxied", "local_replace", "stripped", "mips"])
def test_build_info_matches_go_version_m(go_binaries: GoBinaries, name: str) -> None:
    binary: Path = getattr(go_binaries, name)
    info = read_build_info(binary.read_bytes())
    assert info is not None
    assert info.go_version == go_binaries.go_version
    assert _flatten(info) == _oracle(binary)


def test_stdlib_only_program_reports_main_module_and_stdlib(go_binaries: GoBinaries) -> None:
    result = ANALYZER.analyze(_input("/usr/bin/plain", go_binaries.plain.read_bytes()))
    assert result.skipped == ()
    assert _coordinates(result.packages) == [
        ("example.com/plain", "(devel)"),
        ("stdlib", go_binaries.go_version),
    ]
    assert all(p.type is PackageType.GO_MODULE and p.found_by == "go-binary" for p in result.packages)
    assert all(p.location == Location("/usr/bin/plain", DIFF_ID) and p.purl == "" for p in result.packages)


@pytest.mark.parametrize("name", ["proxied", "stripped", "mips"])
def test_module_replacement_reports_the_replacing_module(go_binaries: GoBinaries, name: str) -> None:
    result = ANALYZER.analyze(_input("/app", getattr(go_binaries, name).read_bytes()))
    assert _coordinates(result.packages) == [
        ("example.com/greet", "v0.2.0"),
        ("example.com/proxied", "(devel)"),
        ("example.com/uuidfork", "v1.3.1"),
        ("stdlib", go_binaries.go_version),
    ]


def test_directory_replacement_keeps_module_path_with_devel_version(go_binaries: GoBinaries) -> None:
    info = read_build_info(go_binaries.local_replace.read_bytes())
    assert info is not None
    (dep,) = info.deps
    assert dep.path == "github.com/google/uuid"
    assert dep.replace is not None and dep.replace.path == str(UUID_SRC)
    result = ANALYZER.analyze(_input("/app", go_binaries.local_replace.read_bytes()))
    assert ("github.com/google/uuid", "(devel)") in _coordinates(result.packages)


def _without_section_headers(data: bytes) -> bytes:
    """What ``sstrip``-style tools leave: e_shoff, e_shnum and e_shstrndx zeroed."""
    order = "<" if data[5] == 1 else ">"
    shoff, shoff_format, shnum = (0x28, "Q", 0x3C) if data[4] == 2 else (0x20, "I", 0x30)
    out = bytearray(data)
    struct.pack_into(order + shoff_format, out, shoff, 0)
    struct.pack_into(order + "HH", out, shnum, 0, 0)
    return bytes(out)


@pytest.mark.parametrize("name", ["proxied", "mips"])
def test_finds_build_info_in_data_segment_without_section_headers(
    go_binaries: GoBinaries, name: str, tmp_path: Path
) -> None:
    binary: Path = getattr(go_binaries, name)
    stripped = _without_section_headers(binary.read_bytes())
    (tmp_path / "stripped").write_bytes(stripped)
    readelf = subprocess.run(
        ["readelf", "-S", str(tmp_path / "stripped")], check=True, capture_output=True, text=True
    )
    assert "There are no sections in this file" in readelf.stdout
    expected = ANALYZER.analyze(_input("/app", binary.read_bytes())).packages
    assert len(expected) == 4
    assert ANALYZER.analyze(_input("/app", stripped)).packages == expected


def _buildinfo_offset(data: bytes) -> int:
    return data.index(b"\xff Go buildinf:")


def _corrupt_length(data: bytes) -> bytes:
    """Make the toolchain-version varint claim far more bytes than the file has."""
    at = _buildinfo_offset(data) + 32
    return data[:at] + b"\xff\xff\xff\xff\x0f" + data[at + 1 :]


def _bad_pointer_size(data: bytes) -> bytes:
    """An old-format header (flags 0) with an impossible pointer size."""
    at = _buildinfo_offset(data) + 14
    return data[:at] + b"\x03\x00" + data[at + 2 :]


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda d: d[: len(d) // 2], "past the end of the file"),
        (lambda d: d[:100], "past the end of the file"),
        (lambda d: d[:40], "shorter than an ELF header"),
        (_corrupt_length, "runs past the end of the file"),
        (_bad_pointer_size, "pointer size 3"),
    ],
    ids=["truncated-half", "truncated-tables", "truncated-header", "huge-string-length", "bad-pointer-size"],
)
def test_malformed_binary_becomes_skip_note(
    go_binaries: GoBinaries, mutate: Callable[[bytes], bytes], reason: str
) -> None:
    result = ANALYZER.analyze(_input("/app", mutate(go_binaries.proxied.read_bytes())))
    assert result.packages == ()
    (skipped,) = result.skipped
    assert reason in skipped.reason
    assert (skipped.path, skipped.diff_id, skipped.analyzer) == ("/app", DIFF_ID, "go-binary")


@pytest.mark.parametrize("seed", range(4))
def test_random_corruption_never_raises(go_binaries: GoBinaries, seed: int) -> None:
    """Bytes flipped in the ELF tables and the build info never escape as an exception."""
    rng = random.Random(seed)
    original = go_binaries.proxied.read_bytes()
    header = _buildinfo_offset(original)
    regions = [(0, 64), (64, 64 + 56 * 8), (len(original) - 64 * 30, len(original)), (header, header + 400)]
    for _ in range(100):
        data = bytearray(original)
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(*rng.choice(regions))] = rng.randrange(256)
        result = ANALYZER.analyze(_input("/app", bytes(data)))
        assert isinstance(result, AnalyzerResult)
        assert all(s.reason for s in result.skipped)


OLD_FORMAT_C = """
struct gostring {{ const unsigned char *data; unsigned long len; }};
static const unsigned char version_bytes[] = {{ {version} }};
static const unsigned char modinfo_bytes[] = {{ {modinfo} }};
static const struct gostring version = {{ version_bytes, sizeof version_bytes }};
static const struct gostring modinfo = {{ modinfo_bytes, sizeof modinfo_bytes }};
struct buildinfo {{
    unsigned char magic[14]; unsigned char ptr_size; unsigned char flags;
    const struct gostring *version; const struct gostring *modinfo;
}};
__attribute__((used, aligned(16), section(".go.buildinfo")))
const struct buildinfo go_buildinfo = {{ {{ {magic} }}, sizeof(void *), 0, &version, &modinfo }};
int main(void) {{ return 0; }}
"""
# cmd/go/internal/modload infoStart/infoEnd: the markers that frame the module info.
SENTINEL_START = bytes.fromhex("3077af0c9274080241e1c107e6d618e6")
SENTINEL_END = bytes.fromhex("f932433186182072008242104116d8f2")


def _c_bytes(data: bytes) -> str:
    return ", ".join(str(b) for b in data)


def test_pointer_format_of_go_before_1_18(tmp_path: Path) -> None:
    """Go 1.13-1.17 stored pointers to string headers; gcc lays out the same structure here."""
    modinfo = (
        "path\texample.com/old\nmod\texample.com/old\tv1.0.0\t\n"
        "dep\tgolang.org/x/text\tv0.3.7\th1:olpwvP2KacW1ZWvsR7uQhoyTYvKAupfQrRGBFM352Gk=\n"
    )
    source = OLD_FORMAT_C.format(
        version=_c_bytes(b"go1.16.15"),
        modinfo=_c_bytes(SENTINEL_START + modinfo.encode() + SENTINEL_END),
        magic=_c_bytes(b"\xff Go buildinf:"),
    )
    (tmp_path / "old.c").write_text(source)
    subprocess.run([_gcc(), "-no-pie", "-o", "old", "old.c"], cwd=tmp_path, check=True)
    result = ANALYZER.analyze(_input("/bin/old", (tmp_path / "old").read_bytes()))
    assert result.skipped == ()
    assert _coordinates(result.packages) == [
        ("example.com/old", "v1.0.0"),
        ("golang.org/x/text", "v0.3.7"),
        ("stdlib", "go1.16.15"),
    ]


def test_non_go_content_yields_nothing(tmp_path: Path) -> None:
    script = b"#!/bin/sh\n" + b"echo hello\n" * 200
    assert ANALYZER.analyze(_input("/usr/bin/hello.sh", script)) == AnalyzerResult()
    (tmp_path / "c.c").write_text("int main(void) { return 0; }\n")
    subprocess.run([_gcc(), "-o", "c", "c.c"], cwd=tmp_path, check=True)
    result = ANALYZER.analyze(_input("/usr/bin/c", (tmp_path / "c").read_bytes()))
    assert (result.packages, result.skipped) == ((), ())


@pytest.mark.parametrize(
    ("header", "wanted"),
    [
        (FileHeader(size=2_000_000, mode=0o755), True),
        (FileHeader(size=2_000_000, mode=0o100), True),
        (FileHeader(size=2_000_000, mode=0o644), False),
        (FileHeader(size=512, mode=0o755), False),
        (FileHeader(size=300 * 1024 * 1024, mode=0o755), False),
        (FileHeader(size=2_000_000, mode=0o755, kind=EntryKind.SYMLINK), False),
        (FileHeader(size=2_000_000, mode=0o755, kind=EntryKind.HARDLINK), False),
    ],
    ids=["executable", "owner-exec-only", "not-executable", "tiny", "huge", "symlink", "hardlink"],
)
def test_wants_executables_by_header_alone(header: FileHeader, wanted: bool) -> None:
    assert ANALYZER.wants("/usr/local/bin/anything", header) is wanted


def test_plugin_identity() -> None:
    analyzer: Analyzer = ANALYZER  # mypy checks the protocol is met
    assert [analyzer] == PLUGINS
    assert (analyzer.id, analyzer.version) == ("go-binary", 1)
