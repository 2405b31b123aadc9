"""Applying layers: whiteouts, opaque dirs and replacement, as a table (cf. OCI layer.md)."""

from __future__ import annotations

import pytest

from hullguard.analyze import AnalyzerResult, FileResult, LayerResult, merge_layers
from hullguard.inventory import Location, Package, PackageType


def _file(path: str, name: str = "") -> FileResult:
    packages = (Package(name, "1", PackageType.PYTHON, Location(path), "python"),) if name else ()
    return FileResult(path, "python", AnalyzerResult(packages=packages))


def _layer(
    n: int, *files: FileResult, whiteouts: tuple[str, ...] = (), opaque: tuple[str, ...] = ()
) -> LayerResult:
    return LayerResult(f"sha256:{n}", files=files, whiteouts=whiteouts, opaque_dirs=opaque)


CASES = [
    ("single layer", [_layer(1, _file("/a/METADATA", "a"))], {"/a/METADATA": "sha256:1"}, []),
    (
        "upper replaces lower",
        [_layer(1, _file("/a/METADATA", "a")), _layer(2, _file("/a/METADATA", "a2"))],
        {"/a/METADATA": "sha256:2"},
        [("/a/METADATA", "sha256:1", "sha256:2")],
    ),
    (
        "whiteout of the file",
        [_layer(1, _file("/a/METADATA", "a")), _layer(2, whiteouts=("/a/METADATA",))],
        {},
        [("/a/METADATA", "sha256:1", "sha256:2")],
    ),
    (
        "whiteout of a parent directory",
        [
            _layer(1, _file("/site/a/METADATA", "a"), _file("/site/b/METADATA", "b")),
            _layer(2, whiteouts=("/site/a",)),
        ],
        {"/site/b/METADATA": "sha256:1"},
        [("/site/a/METADATA", "sha256:1", "sha256:2")],
    ),
    (
        "whiteout of a sibling with a common prefix keeps the file",
        [_layer(1, _file("/site/ab/METADATA", "ab")), _layer(2, whiteouts=("/site/a",))],
        {"/site/ab/METADATA": "sha256:1"},
        [],
    ),
    (
        "opaque dir hides lower content but not its own",
        [
            _layer(1, _file("/site/a/METADATA", "a")),
            _layer(2, _file("/site/b/METADATA", "b"), opaque=("/site",)),
        ],
        {"/site/b/METADATA": "sha256:2"},
        [("/site/a/METADATA", "sha256:1", "sha256:2")],
    ),
    (
        "file re-added after deletion",
        [
            _layer(1, _file("/a/METADATA", "a")),
            _layer(2, whiteouts=("/a",)),
            _layer(3, _file("/a/METADATA", "a3")),
        ],
        {"/a/METADATA": "sha256:3"},
        [("/a/METADATA", "sha256:1", "sha256:2")],
    ),
    (
        "an empty result still shadows",
        [_layer(1, _file("/a/METADATA", "a")), _layer(2, _file("/a/METADATA"))],
        {"/a/METADATA": "sha256:2"},
        [("/a/METADATA", "sha256:1", "sha256:2")],
    ),
]


@pytest.mark.parametrize(("layers", "visible", "removed"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_merge_layers(
    layers: list[LayerResult], visible: dict[str, str], removed: list[tuple[str, str, str]]
) -> None:
    view = merge_layers(layers)
    assert {v.file.path: v.diff_id for v in view.visible} == visible
    assert [(r.file.path, r.diff_id, by) for r, by in view.removed] == removed
