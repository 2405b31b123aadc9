"""Ruby analyzer on real gem specifications (every one Debian's ``ruby`` installs on this machine,
plus committed copies) and real ``Gemfile.lock`` files (shipped by Debian's libruby3.1, and one
written by Bundler with a git source; ``tests/fixtures/analyze/ruby/README.md``). The gemspecs
are Ruby code and must never run: the tests feed some that would do harm if they did.
"""

from __future__ import annotations

import glob
from pathlib import Path

import pytest

from hullguard.analyze import EntryKind, FileHeader, FileInput
from hullguard.analyze.ruby import PLUGINS
from hullguard.inventory import Location, PackageType
from tests.analyze.skips import assert_skipped

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "analyze" / "ruby"
DIFF_ID = "sha256:" + "c3" * 32
[ANALYZER] = PLUGINS
DEBIAN_GEMSPECS = sorted(
    glob.glob("/usr/lib/ruby/gems/*/specifications/**/*.gemspec", recursive=True)
    + glob.glob("/usr/share/rubygems-integration/all/specifications/*.gemspec")
)
TYPEPROF_GEMS = {
    ("coverage-helpers", "1.0.0"),
    ("docile", "1.4.0"),
    ("power_assert", "2.0.1"),
    ("rake", "13.0.6"),
    ("rbs", "2.6.0"),
    ("simplecov", "0.21.2"),
    ("simplecov-html", "0.12.3"),
    ("simplecov_json_formatter", "0.1.4"),
    ("stackprof", "0.2.19"),
    ("test-unit", "3.5.3"),
}
"""The ``GEM`` specs of typeprof 0.21.3's lockfile; its ``PATH`` section is typeprof itself."""
GIT_LOCK_GEMS = {("minitest", "5.15.0"), ("rake", "13.0.6"), ("webrick", "1.8.1")}
"""What the fixture ``Gemfile`` pins, webrick from a git repository."""


def _input(path: str, data: bytes) -> FileInput:
    return FileInput(path, FileHeader(size=len(data), mode=0o644), data, DIFF_ID)


def _names(data: bytes, path: str = "/srv/app/Gemfile.lock") -> set[tuple[str, str]]:
    result = ANALYZER.analyze(_input(path, data))
    assert result.skipped == ()
    return {(p.name, p.version) for p in result.packages}


def test_plugin_has_a_stable_id() -> None:
    assert [p.id for p in PLUGINS] == ["ruby"]


def test_debian_ruby_is_installed() -> None:
    if len(DEBIAN_GEMSPECS) < 20:
        pytest.fail("Debian's gem specifications are missing: apt-get install ruby", pytrace=False)


@pytest.mark.parametrize("gemspec", DEBIAN_GEMSPECS, ids=[Path(p).name for p in DEBIAN_GEMSPECS])
def test_every_installed_debian_gemspec_matches_its_file_name(gemspec: str) -> None:
    data = Path(gemspec).read_bytes()
    assert ANALYZER.wants(gemspec, FileHeader(size=len(data), mode=0o644))
    result = ANALYZER.analyze(_input(gemspec, data))
    assert result.skipped == ()
    [package] = result.packages
    assert Path(gemspec).name == f"{package.name}-{package.version}.gemspec"
    assert (package.type, package.found_by, package.location) == (
        PackageType.GEM,
        "ruby",
        Location(gemspec, DIFF_ID),
    )


@pytest.mark.parametrize(
    ("fixture", "image_path", "expected"),
    [
        (
            "rake-13.0.6.gemspec",
            "/usr/share/rubygems-integration/all/specifications/rake-13.0.6.gemspec",
            ("rake", "13.0.6", ("MIT",)),
        ),
        (
            "json-2.6.1.gemspec",
            "/usr/lib/ruby/gems/3.1.0/specifications/default/json-2.6.1.gemspec",
            ("json", "2.6.1", ("Ruby",)),
        ),
        (
            "webrick-1.8.1.gemspec",
            "/var/lib/gems/3.1.0/specifications/webrick-1.8.1.gemspec",
            ("webrick", "1.8.1", ("Ruby", "BSD-2-Clause")),
        ),
    ],
    ids=["debian-rubygems-integration", "default-gem-with-nul-bytes-in-stub", "two-licenses"],
)
def test_gemspec(fixture: str, image_path: str, expected: tuple[str, str, tuple[str, ...]]) -> None:
    [package] = ANALYZER.analyze(_input(image_path, (FIXTURES / fixture).read_bytes())).packages
    assert (package.name, package.version, package.licenses) == expected
    assert package.arch is None


def test_gemspec_platform_becomes_arch() -> None:
    real = (FIXTURES / "rake-13.0.6.gemspec").read_bytes()
    native = real.replace(
        b'  s.version = "13.0.6"\n', b'  s.version = "13.0.6"\n  s.platform = "x86_64-linux".freeze\n'
    )
    [package] = ANALYZER.analyze(
        _input("/g/specifications/rake-13.0.6-x86_64-linux.gemspec", native)
    ).packages
    assert (package.name, package.version, package.arch) == ("rake", "13.0.6", "x86_64-linux")


def test_gemspec_code_is_read_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    hostile = (
        f'Gem::Specification.new do |s|\n  system("touch {marker}")\n  s.name = `touch {marker}`\n'
        '  s.version = "1.0"\nend\n'
    ).encode()
    result = ANALYZER.analyze(_input("/g/specifications/evil-1.0.gemspec", hostile))
    assert not marker.exists()
    assert result.packages == ()
    assert "no name" in result.skipped[0].reason


def test_gemspec_without_assignments_falls_back_to_the_stub_line() -> None:
    real = (FIXTURES / "rake-13.0.6.gemspec").read_bytes()
    stub_only = b"\n".join(
        line for line in real.splitlines() if b"s.name =" not in line and b"s.version =" not in line
    )
    assert _names(stub_only, "/g/specifications/rake-13.0.6.gemspec") == {("rake", "13.0.6")}


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("typeprof/Gemfile.lock", TYPEPROF_GEMS),
        ("bundler-git/Gemfile.lock", GIT_LOCK_GEMS),
    ],
    ids=["gem-section-path-left-out", "git-section"],
)
def test_gemfile_lock(fixture: str, expected: set[tuple[str, str]]) -> None:
    assert _names((FIXTURES / fixture).read_bytes()) == expected


def test_gemfile_lock_with_two_path_sections_reports_only_server_gems() -> None:
    found = _names((FIXTURES / "rbs/Gemfile.lock").read_bytes())
    assert len(found) == 42
    assert {("rubocop", "1.36.0"), ("debase", "0.2.5.beta2"), ("rake-compiler", "1.2.0")} <= found
    assert not {name for name, _ in found} & {"rbs", "rbs-amber"}


def test_gemfile_lock_platform_variants_collapse_to_the_release() -> None:
    real = (FIXTURES / "bundler-git/Gemfile.lock").read_bytes()
    native = real.replace(
        b"    rake (13.0.6)\n", b"    rake (13.0.6-arm64-darwin)\n    rake (13.0.6-x86_64-linux)\n"
    )
    assert _names(native) == GIT_LOCK_GEMS


@pytest.mark.parametrize(
    ("path", "wanted"),
    [
        ("/usr/lib/ruby/gems/3.1.0/specifications/rake-13.0.6.gemspec", True),
        ("/usr/lib/ruby/gems/3.1.0/specifications/default/json-2.6.1.gemspec", True),
        ("/srv/app/vendor/bundle/ruby/3.1.0/specifications/rack-3.0.8.gemspec", True),
        ("/usr/lib/ruby/gems/3.1.0/gems/rake-13.0.6/rake.gemspec", False),
        ("/srv/app/Gemfile.lock", True),
        ("/Gemfile.lock", True),
        ("/usr/lib/ruby/gems/3.1.0/gems/typeprof-0.21.3/Gemfile.lock", False),
        ("/usr/lib/ruby/gems/3.1.0/gems/rbs-2.7.0/steep/Gemfile.lock", False),
        ("/srv/app/vendor/bundle/ruby/3.1.0/bundler/gems/rails-0a1b2c3d4e5f/Gemfile.lock", False),
        ("/srv/app/Gemfile", False),
    ],
    ids=[
        "installed-spec",
        "default-gem-spec",
        "bundler-vendored-spec",
        "source-gemspec-not-a-spec-dir",
        "project-lock",
        "lock-at-root",
        "lock-inside-installed-gem",
        "lock-deeper-inside-installed-gem",
        "lock-inside-git-checkout",
        "gemfile",
    ],
)
def test_wants(path: str, wanted: bool) -> None:
    assert ANALYZER.wants(path, FileHeader(size=100, mode=0o644)) is wanted
    assert not ANALYZER.wants(path, FileHeader(size=100, mode=0o644, kind=EntryKind.SYMLINK))


@pytest.mark.parametrize(
    ("path", "data", "reason"),
    [
        (
            "/g/specifications/x-1.gemspec",
            b'Gem::Specification.new do |s|\n  s.version = "1"\nend\n',
            "no name",
        ),
        ("/g/specifications/x-1.gemspec", b"", "no name"),
        ("/srv/Gemfile.lock", b"GEM\n  specs:\n    rake (13.0.6)\n\xff\n", "UnicodeDecodeError"),
    ],
    ids=["gemspec-without-name", "gemspec-empty", "lock-not-utf8"],
)
def test_malformed_input_becomes_a_skip_note(path: str, data: bytes, reason: str) -> None:
    assert_skipped(ANALYZER, path, data, reason)


def test_lockfile_of_another_format_yields_nothing() -> None:
    assert _names((FIXTURES.parent / "rust/cargo-v4/Cargo.lock").read_bytes()) == set()
