"""Apply layers in order: whiteouts delete, opaque dirs hide, upper files replace lower ones.

A pure function over per-layer results (OCI image-spec "layer.md", Whiteouts). Results that a
later layer removed are kept aside with the layer that removed them, because a secret in a
deleted file can still be pulled out of the image.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hullguard.analyze._layer import FileResult, LayerResult

__all__ = ["LayeredFile", "MergedView", "merge_layers"]


@dataclass(frozen=True, slots=True)
class LayeredFile:
    """A file result together with the layer it came from."""

    diff_id: str
    file: FileResult


@dataclass(frozen=True, slots=True)
class MergedView:
    """The final filesystem's results, and those that later layers removed or replaced."""

    visible: tuple[LayeredFile, ...]
    removed: tuple[tuple[LayeredFile, str], ...]
    """(result, diff_id of the layer that removed or replaced it)."""


def _under(path: str, root: str) -> bool:
    return root in ("/", path) or path.startswith(root + "/")


def merge_layers(layers: Sequence[LayerResult]) -> MergedView:
    """Merge base-first layer results into the final view; output sorted by path, analyzer."""
    current: dict[tuple[str, str], LayeredFile] = {}
    removed: list[tuple[LayeredFile, str]] = []
    for layer in layers:
        gone = [
            key
            for key in current
            if any(_under(key[0], d) and key[0] != d for d in layer.opaque_dirs)
            or any(_under(key[0], w) for w in layer.whiteouts)
        ]
        for key in gone:
            removed.append((current.pop(key), layer.diff_id))
        for file in layer.files:
            key = (file.path, file.analyzer)
            if key in current:
                removed.append((current[key], layer.diff_id))
            current[key] = LayeredFile(layer.diff_id, file)
    visible = tuple(current[k] for k in sorted(current))
    removed.sort(key=lambda item: (item[0].file.path, item[0].file.analyzer, item[0].diff_id))
    return MergedView(visible, tuple(removed))
