"""Python analyzers on real metadata: every ``*.dist-info`` of the test venv (checked against
``importlib.metadata``), Debian egg-info files and lockfiles made by poetry, pipenv and uv
(``tests/fixtures/analyze/python/README.md`` says how). Hostile inputs are built here.
"""

from __future__ import annotations

import sysconfig
from importlib.metadata import PathDistribution
from pathlib import Path

import pytest

from hullguard.analyze import EntryKind, FileHeader, FileInput
from hullguard.analyze.python import PLUGINS
from hullguard.inventory import Location, PackageType
from tests.analyze.skips import assert_skipped

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "analyze" / "python"
DIFF_ID = "sha256:" + "a1" * 32
INSTALLED, LOCKS = PLUGINS
SITE = Path(sysconfig.get_paths()["purelib"])
VENV_METADATA = sorted(SITE.glob("*.dist-info/METADATA"))
LOCKED = {("attrs", "23.1.0"), ("idna", "3.4"), ("iniconfig", "2.0.0"), ("pyjwt", "2.8.0"), ("six", "1.16.0")}
"""What the fixture project pins (see the fixtures README); none of it comes from the parser."""


def _input(path: str, data: bytes) -> FileInput:
    return FileInput(path, FileHeader(size=len(data), mode=0o644), data, DIFF_ID)


def test_plugins_have_stable_ids() -> None:
    assert [p.id for p in PLUGINS] == ["python", "python-lock"]


@pytest.mark.parametrize("metadata", VENV_METADATA, ids=[m.parent.name for m in VENV_METADATA])
def test_venv_dist_info_matches_importlib_metadata(metadata: Path) -> None:
    data = metadata.read_bytes()
    image_path = "/usr/local/lib/python3.11/site-packages/" + str(metadata.relative_to(SITE))
    assert INSTALLED.wants(image_path, FileHeader(size=len(data), mode=0o644))
    result = INSTALLED.analyze(_input(image_path, data))
    oracle = PathDistribution(metadata.parent)
    assert result.skipped == ()
    [package] = result.packages
    assert (package.name, package.version) == (oracle.metadata["Name"], oracle.version)
    assert package.type is PackageType.PYTHON
    assert package.found_by == "python"
    assert package.location == Location(image_path, DIFF_ID)


def test_venv_has_enough_real_metadata_to_mean_something() -> None:
    assert len(VENV_METADATA) >= 20


@pytest.mark.parametrize(
    ("fixture", "image_path", "expected"),
    [
        (
            "traitlets-5.15.0.METADATA",
            "/usr/lib/python3.11/site-packages/traitlets-5.15.0.dist-info/METADATA",
            ("traitlets", "5.15.0", ("BSD License",)),
        ),
        (
            "setuptools-47.1.0.METADATA",
            "/usr/lib/python3.7/site-packages/setuptools-47.1.0.dist-info/METADATA",
            ("setuptools", "47.1.0", ("MIT License",)),
        ),
        (
            "mypy_extensions-1.2.0.METADATA",
            "/app/.venv/lib/python3.11/site-packages/mypy_extensions-1.2.0.dist-info/METADATA",
            ("mypy_extensions", "1.2.0", ("MIT",)),
        ),
        (
            "six-1.16.0.PKG-INFO",
            "/usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO",
            ("six", "1.16.0", ("MIT",)),
        ),
        (
            "crit-3.17.1-py3.11.egg-info",
            "/usr/lib/python3/dist-packages/crit-3.17.1-py3.11.egg-info",
            ("crit", "3.17.1", ("GPLv2",)),
        ),
    ],
    ids=[
        "license-text-pasted-falls-back-to-classifier",
        "license-unknown-falls-back-to-classifier",
        "license-expression-wins-and-name-kept-as-written",
        "debian-egg-info-directory",
        "debian-bare-egg-info-file",
    ],
)
def test_installed_metadata(
    fixture: str, image_path: str, expected: tuple[str, str, tuple[str, ...]]
) -> None:
    data = (FIXTURES / fixture).read_bytes()
    assert INSTALLED.wants(image_path, FileHeader(size=len(data), mode=0o644))
    [package] = INSTALLED.analyze(_input(image_path, data)).packages
    assert (package.name, package.version, package.licenses) == expected


@pytest.mark.parametrize(
    ("path", "kind", "installed", "lock"),
    [
        ("/usr/lib/python3/dist-packages/yaml-6.0.dist-info/METADATA", EntryKind.FILE, True, False),
        ("/opt/app/lib/foo-1.0-py3.8.egg/EGG-INFO/PKG-INFO", EntryKind.FILE, True, False),
        ("/usr/lib/python3/dist-packages/six-1.16.0.egg-info", EntryKind.DIR, False, False),
        ("/usr/lib/python3/dist-packages/six-1.16.0.egg-info/top_level.txt", EntryKind.FILE, False, False),
        ("/srv/METADATA", EntryKind.FILE, False, False),
        ("/srv/app/poetry.lock", EntryKind.FILE, False, True),
        ("/srv/app/Pipfile.lock", EntryKind.FILE, False, True),
        ("/uv.lock", EntryKind.FILE, False, True),
        ("/usr/lib/python3/dist-packages/somepkg/uv.lock", EntryKind.FILE, False, False),
        ("/srv/app/requirements.txt", EntryKind.FILE, False, False),
        ("/srv/app/my-poetry.lock", EntryKind.FILE, False, False),
    ],
    ids=[
        "dist-info",
        "unzipped-egg",
        "egg-info-dir-entry",
        "other-egg-info-file",
        "bare-metadata",
        "poetry",
        "pipenv",
        "uv-at-root",
        "lock-shipped-in-installed-package",
        "requirements-not-read",
        "lock-name-suffix-only",
    ],
)
def test_wants(path: str, kind: EntryKind, installed: bool, lock: bool) -> None:
    header = FileHeader(size=100, mode=0o644, kind=kind)
    assert INSTALLED.wants(path, header) is installed
    assert LOCKS.wants(path, header) is lock


@pytest.mark.parametrize(
    "lockfile", ["poetry.lock", "Pipfile.lock", "uv.lock"], ids=["poetry", "pipenv", "uv"]
)
def test_lockfiles_list_the_pinned_dependencies_but_not_the_project(lockfile: str) -> None:
    result = LOCKS.analyze(_input(f"/srv/app/{lockfile}", (FIXTURES / lockfile).read_bytes()))
    assert result.skipped == ()
    assert {(p.name, p.version) for p in result.packages} == LOCKED
    assert all(p.found_by == "python-lock" and p.type is PackageType.PYTHON for p in result.packages)
    assert list(result.packages) == sorted(result.packages, key=lambda p: p.sort_key())


def _deep_toml() -> bytes:
    return b"version = 1\nx = " + b"[" * 50_000 + b"]" * 50_000 + b"\n"


@pytest.mark.parametrize(
    ("path", "data", "reason"),
    [
        ("/s/site-packages/a-1.dist-info/METADATA", b"Metadata-Version: 2.1\nVersion: 1.0\n", "no Name"),
        ("/s/site-packages/a-1.dist-info/METADATA", b"", "no Name"),
        ("/srv/poetry.lock", b"[[package]\nname = 'x'", "TOMLDecodeError"),
        ("/srv/poetry.lock", b"package = 'not a table'", "not an array"),
        ("/srv/uv.lock", b"[[package]]\nname = 'x'\nversion = 1\n", "not a string"),
        ("/srv/uv.lock", b"\xff\xfe[[package]]", "UnicodeDecodeError"),
        ("/srv/uv.lock", _deep_toml(), "nested too deeply"),
        ("/srv/Pipfile.lock", b"[]", "not a JSON object"),
        ("/srv/Pipfile.lock", b'{"default": {"six": {"version": ["==1.16.0"]}}}', "not a string"),
        ("/srv/Pipfile.lock", b'{"default": []}', "not an object"),
        ("/srv/Pipfile.lock", b'{"a":' * 100_000, "nested too deeply"),
    ],
    ids=[
        "metadata-without-name",
        "metadata-empty",
        "toml-syntax",
        "poetry-package-wrong-type",
        "uv-version-is-a-number",
        "uv-not-utf8",
        "toml-deep-nesting",
        "pipfile-not-object",
        "pipfile-version-is-a-list",
        "pipfile-section-wrong-type",
        "json-deep-nesting",
    ],
)
def test_malformed_input_becomes_a_skip_note(path: str, data: bytes, reason: str) -> None:
    analyzer = LOCKS if LOCKS.wants(path, FileHeader(size=len(data), mode=0o644)) else INSTALLED
    assert_skipped(analyzer, path, data, reason)


def test_pipfile_entries_without_version_are_vcs_or_path_pins_and_left_out() -> None:
    real = (FIXTURES / "Pipfile.lock").read_bytes()
    with_git = real.replace(
        b'"develop": {', b'"develop": {"tool": {"git": "https://example.invalid/t.git"},', 1
    )
    result = LOCKS.analyze(_input("/srv/Pipfile.lock", with_git))
    assert {(p.name, p.version) for p in result.packages} == LOCKED
