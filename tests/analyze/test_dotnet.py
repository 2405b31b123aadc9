""".NET analyzer on the real ``Python.Runtime.deps.json`` that the .NET SDK wrote into the
pythonnet 3.2.1 wheel (``tests/fixtures/analyze/dotnet/README.md``). Hostile inputs are built here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hullguard.analyze import EntryKind, FileHeader, FileInput
from hullguard.analyze.dotnet import PLUGINS
from hullguard.inventory import Location, PackageType
from tests.analyze.skips import assert_skipped

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "analyze" / "dotnet"
DIFF_ID = "sha256:" + "f6" * 32
[ANALYZER] = PLUGINS
PACKAGES = {
    ("Microsoft.CSharp", "4.7.0"),
    ("Microsoft.SourceLink.GitHub", "10.0.401"),
    ("System.Buffers", "4.6.1"),
    ("System.IO.Hashing", "10.0.12"),
    ("System.Memory", "4.6.3"),
    ("System.Numerics.Vectors", "4.6.1"),
    ("System.Reflection.Emit", "4.7.0"),
    ("System.Reflection.Emit.ILGeneration", "4.7.0"),
    ("System.Runtime.CompilerServices.Unsafe", "6.1.2"),
}
"""The NuGet packages pythonnet's runtime was built with; ``Python.Runtime/3.2.1`` is the project."""


def _input(path: str, data: bytes) -> FileInput:
    return FileInput(path, FileHeader(size=len(data), mode=0o644), data, DIFF_ID)


def test_plugin_has_a_stable_id() -> None:
    assert [p.id for p in PLUGINS] == ["dotnet"]


def test_deps_json_reports_packages_but_not_the_project() -> None:
    path = "/usr/lib/python3/dist-packages/pythonnet/runtime/Python.Runtime.deps.json"
    data = (FIXTURES / "Python.Runtime.deps.json").read_bytes()
    assert ANALYZER.wants(path, FileHeader(size=len(data), mode=0o644))
    result = ANALYZER.analyze(_input(path, data))
    assert result.skipped == ()
    assert {(p.name, p.version) for p in result.packages} == PACKAGES
    assert all(
        (p.type, p.found_by, p.location) == (PackageType.NUGET, "dotnet", Location(path, DIFF_ID))
        for p in result.packages
    )
    assert list(result.packages) == sorted(result.packages, key=lambda p: p.sort_key())


@pytest.mark.parametrize(
    ("path", "kind", "wanted"),
    [
        ("/app/MyApp.deps.json", EntryKind.FILE, True),
        ("/app/MyApp.deps.json", EntryKind.SYMLINK, False),
        ("/app/MyApp.runtimeconfig.json", EntryKind.FILE, False),
        ("/app/deps.json", EntryKind.FILE, False),
    ],
    ids=["deps", "symlink", "runtimeconfig", "no-app-name"],
)
def test_wants(path: str, kind: EntryKind, wanted: bool) -> None:
    assert ANALYZER.wants(path, FileHeader(size=100, mode=0o644, kind=kind)) is wanted


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b'{"targets": {}}', "no 'libraries' object"),
        (b'{"libraries": []}', "no 'libraries' object"),
        (b"[]", "no 'libraries' object"),
        (b'{"libraries": {"Newtonsoft.Json/13.0.3": "package"}}', "is not an object"),
        (b'{"libraries": {"Newtonsoft.Json": {"type": "package"}}}', "not Name/Version"),
        (b'{"libraries": {', "JSONDecodeError"),
        (b'{"a":' * 100_000, "nested too deeply"),
    ],
    ids=[
        "no-libraries",
        "libraries-is-a-list",
        "top-level-list",
        "entry-is-a-string",
        "key-without-version",
        "truncated",
        "deep-nesting",
    ],
)
def test_malformed_input_becomes_a_skip_note(data: bytes, reason: str) -> None:
    assert_skipped(ANALYZER, "/app/x.deps.json", data, reason)
