"""npm analyzers on one real project installed and locked by npm (lockfile v1, v2, v3), yarn
classic and berry, and pnpm 7, 8 and 9 (``tests/fixtures/analyze/npm/README.md`` says how).
Every lockfile must name the same releases the installed tree holds. Hostile inputs are built
here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hullguard.analyze import AnalyzerResult, EntryKind, FileHeader, FileInput
from hullguard.analyze.npm import PLUGINS
from hullguard.inventory import Location, PackageType
from tests.analyze.skips import assert_skipped

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "analyze" / "npm"
PROJECT = FIXTURES / "project"
DIFF_ID = "sha256:" + "b2" * 32
INSTALLED, LOCKS = PLUGINS
INSTALLED_TREE = {
    ("@babel/helper-plugin-utils", "7.10.4", "node_modules/@babel/helper-plugin-utils/package.json"),
    ("debug", "2.6.9", "node_modules/debug/package.json"),
    ("ms", "2.0.0", "node_modules/debug/node_modules/ms/package.json"),
    ("js-tokens", "4.0.0", "node_modules/js-tokens/package.json"),
    ("ms", "0.7.1", "node_modules/legacy-ms/package.json"),
    ("lodash", "4.17.20", "node_modules/lodash/package.json"),
    ("loose-envify", "1.4.0", "node_modules/loose-envify/package.json"),
    ("ms", "2.1.2", "node_modules/ms/package.json"),
    ("react", "18.2.0", "node_modules/react/package.json"),
    ("react-dom", "18.2.0", "node_modules/react-dom/package.json"),
    ("scheduler", "0.23.2", "node_modules/scheduler/package.json"),
}
"""The fixture project's pins (``legacy-ms`` is ``npm:ms@0.7.1``; debug 2.6.9 needs its own ms
2.0.0) and their dependencies, as npm laid them out; none of it comes from the parser."""
LOCKED = {(name, version) for name, version, _ in INSTALLED_TREE}


def _input(path: str, data: bytes) -> FileInput:
    return FileInput(path, FileHeader(size=len(data), mode=0o644), data, DIFF_ID)


def test_plugins_have_stable_ids() -> None:
    assert [p.id for p in PLUGINS] == ["npm", "npm-lock"]


def test_installed_tree_reports_each_installed_copy_where_it_lies() -> None:
    found = set()
    for file in sorted(p for p in PROJECT.rglob("*") if p.is_file()):
        path = "/srv/app/" + file.relative_to(PROJECT).as_posix()
        data = file.read_bytes()
        if INSTALLED.wants(path, FileHeader(size=len(data), mode=0o644)):
            result = INSTALLED.analyze(_input(path, data))
            assert result.skipped == ()
            found |= {(p.name, p.version, p.location.path.removeprefix("/srv/app/")) for p in result.packages}
    assert found == INSTALLED_TREE


def test_installed_package_carries_license_type_and_layer() -> None:
    path = "/srv/app/node_modules/lodash/package.json"
    [package] = INSTALLED.analyze(
        _input(path, (PROJECT / "node_modules/lodash/package.json").read_bytes())
    ).packages
    assert package.licenses == ("MIT",)
    assert (package.type, package.found_by, package.location) == (
        PackageType.NPM,
        "npm",
        Location(path, DIFF_ID),
    )


def test_legacy_licenses_list_is_read() -> None:
    path = "/usr/lib/node_modules/json-schema/package.json"
    result = INSTALLED.analyze(_input(path, (FIXTURES / "legacy-licenses/package.json").read_bytes()))
    [package] = result.packages
    assert (package.name, package.version, package.licenses) == ("json-schema", "0.2.3", ("AFLv2.1", "BSD"))


@pytest.mark.parametrize(
    "lockfile",
    [
        "lock-v1/package-lock.json",
        "lock-v2/package-lock.json",
        "project/package-lock.json",
        "yarn-classic/yarn.lock",
        "yarn-berry/yarn.lock",
        "pnpm-v5/pnpm-lock.yaml",
        "pnpm-v6/pnpm-lock.yaml",
        "pnpm-v9/pnpm-lock.yaml",
    ],
    ids=["npm-v1", "npm-v2", "npm-v3", "yarn-classic", "yarn-berry", "pnpm-v5", "pnpm-v6", "pnpm-v9"],
)
def test_every_lockfile_names_what_is_installed_without_project_or_workspace(lockfile: str) -> None:
    path = "/srv/app/" + lockfile.rpartition("/")[2]
    data = (FIXTURES / lockfile).read_bytes()
    assert LOCKS.wants(path, FileHeader(size=len(data), mode=0o644))
    result = LOCKS.analyze(_input(path, data))
    assert result.skipped == ()
    assert {(p.name, p.version) for p in result.packages} == LOCKED
    assert all(p.found_by == "npm-lock" and p.location == Location(path, DIFF_ID) for p in result.packages)
    assert list(result.packages) == sorted(result.packages, key=lambda p: p.sort_key())


def test_lockfile_v3_records_licenses() -> None:
    result = LOCKS.analyze(_input("/srv/app/package-lock.json", (PROJECT / "package-lock.json").read_bytes()))
    licenses = {(p.name, p.version): p.licenses for p in result.packages}
    assert licenses[("lodash", "4.17.20")] == ("MIT",)
    assert licenses[("ms", "0.7.1")] == ()


def test_pnpm_lock_after_another_yaml_document_is_still_found() -> None:
    data = (
        b"lockfileVersion: '9.0'\nimporters: {}\n---\n" + (FIXTURES / "pnpm-v9/pnpm-lock.yaml").read_bytes()
    )
    result = LOCKS.analyze(_input("/srv/app/pnpm-lock.yaml", data))
    assert {(p.name, p.version) for p in result.packages} == LOCKED


@pytest.mark.parametrize(
    ("path", "kind", "installed", "lock"),
    [
        ("/srv/app/node_modules/ms/package.json", EntryKind.FILE, True, False),
        ("/srv/app/node_modules/@babel/core/package.json", EntryKind.FILE, True, False),
        ("/srv/app/node_modules/a/node_modules/@s/b/package.json", EntryKind.FILE, True, False),
        ("/srv/app/node_modules/.pnpm/ms@2.1.2/node_modules/ms/package.json", EntryKind.FILE, True, False),
        ("/node_modules/ms/package.json", EntryKind.FILE, True, False),
        ("/srv/app/node_modules/ms/package.json", EntryKind.SYMLINK, False, False),
        ("/srv/app/package.json", EntryKind.FILE, False, False),
        ("/node_modules/package.json", EntryKind.FILE, False, False),
        ("/srv/app/node_modules/@babel/package.json", EntryKind.FILE, False, False),
        ("/srv/app/node_modules/@babel/runtime/helpers/esm/package.json", EntryKind.FILE, False, False),
        ("/srv/app/node_modules/.bin/package.json", EntryKind.FILE, False, False),
        ("/srv/app/node_modules/.package-lock.json", EntryKind.FILE, False, False),
        ("/srv/app/package-lock.json", EntryKind.FILE, False, True),
        ("/srv/app/npm-shrinkwrap.json", EntryKind.FILE, False, True),
        ("/srv/app/yarn.lock", EntryKind.FILE, False, True),
        ("/pnpm-lock.yaml", EntryKind.FILE, False, True),
        ("/srv/app/node_modules/uri-js/yarn.lock", EntryKind.FILE, False, False),
        ("/srv/app/node_modules/x/package-lock.json", EntryKind.FILE, False, False),
    ],
    ids=[
        "top-level",
        "scoped",
        "nested-scoped",
        "pnpm-store",
        "at-filesystem-root",
        "symlink",
        "project-manifest",
        "node-modules-itself",
        "scope-dir",
        "sub-folder-module-options",
        "dot-dir",
        "hidden-lockfile",
        "package-lock",
        "shrinkwrap",
        "yarn",
        "pnpm-at-root",
        "dependency-dev-yarn-lock",
        "dependency-dev-package-lock",
    ],
)
def test_wants(path: str, kind: EntryKind, installed: bool, lock: bool) -> None:
    header = FileHeader(size=100, mode=0o644, kind=kind)
    assert INSTALLED.wants(path, header) is installed
    assert LOCKS.wants(path, header) is lock


def test_package_json_without_version_is_no_package_and_no_error() -> None:
    result = INSTALLED.analyze(_input("/a/node_modules/x/package.json", b'{"name": "x", "private": true}'))
    assert result == AnalyzerResult()


def _real(lockfile: str) -> bytes:
    return (FIXTURES / lockfile).read_bytes()


@pytest.mark.parametrize(
    ("path", "data", "reason"),
    [
        ("/a/node_modules/ms/package.json", b'{"name": "ms", "version": ["2.1.2"]}', "'version' is a list"),
        ("/a/node_modules/ms/package.json", b'{"name": 7, "version": "1.0.0"}', "'name' is a int"),
        ("/a/node_modules/ms/package.json", b'["ms", "2.1.2"]', "not a JSON object"),
        ("/a/node_modules/ms/package.json", b'{"name": "ms", "version": "2.1', "JSONDecodeError"),
        ("/a/node_modules/ms/package.json", b"[" * 100_000, "nested too deeply"),
        ("/a/package-lock.json", b'{"lockfileVersion": 3, "packages": []}', "not an object"),
        ("/a/package-lock.json", b'{"packages": {"node_modules/ms": "2.1.2"}}', "is not an object"),
        ("/a/package-lock.json", b'{"dependencies": {"ms": {"version": 2}}}', "not a string"),
        ("/a/yarn.lock", b'# yarn lockfile v1\n\nnot-a-spec:\n  version "1.0.0"\n', "no version part"),
        ("/a/yarn.lock", b"\xff\xfeversion", "UnicodeDecodeError"),
        ("/a/pnpm-lock.yaml", b"lockfileVersion: '9.0'\npackages: [oops\n", "not YAML"),
        ("/a/pnpm-lock.yaml", b"importers: {}\n", "lockfileVersion missing"),
        ("/a/pnpm-lock.yaml", b"lockfileVersion: banana\n", "unknown pnpm lockfileVersion"),
        ("/a/pnpm-lock.yaml", b"lockfileVersion: '9.0'\npackages: [1, 2]\n", "not a mapping"),
        (
            "/a/pnpm-lock.yaml",
            b"lockfileVersion: '9.0'\npackages: " + b"[" * 60_000 + b"]" * 60_000,
            "nest 60000",
        ),
        ("/a/pnpm-lock.yaml", b"lockfileVersion: '9.0'\npackages:\n" + b"- " * 60_000 + b"x\n", "column"),
        ("/a/pnpm-lock.yaml", b"{a: " * 60_000 + b"x" + b"}" * 60_000, "nest 60000"),
    ],
    ids=[
        "version-is-a-list",
        "name-is-a-number",
        "manifest-not-object",
        "manifest-truncated",
        "manifest-deep-nesting",
        "lock-packages-is-a-list",
        "lock-entry-is-a-string",
        "lock-v1-version-is-a-number",
        "yarn-header-without-version",
        "yarn-not-utf8",
        "pnpm-yaml-syntax",
        "pnpm-no-lockfile-version",
        "pnpm-unknown-lockfile-version",
        "pnpm-packages-is-a-list",
        "pnpm-flow-nesting-that-crashes-libyaml",
        "pnpm-block-nesting-that-crashes-libyaml",
        "pnpm-flow-mapping-nesting",
    ],
)
def test_malformed_input_becomes_a_skip_note(path: str, data: bytes, reason: str) -> None:
    analyzer = LOCKS if LOCKS.wants(path, FileHeader(size=len(data), mode=0o644)) else INSTALLED
    assert_skipped(analyzer, path, data, reason)


def test_truncated_real_lockfile_is_skipped_not_half_read() -> None:
    data = _real("project/package-lock.json")
    result = LOCKS.analyze(_input("/srv/app/package-lock.json", data[: len(data) // 2]))
    assert result.packages == ()
    assert "JSONDecodeError" in result.skipped[0].reason
