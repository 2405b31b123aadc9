"""Apply layers in order: whiteouts delete, opaque dirs hide, upper files replace lower ones.

A pure function over per-layer results (OCI image-spec "layer.md", Whiteouts). Results that a
later layer removed are kept aside with the layer that removed them, because a secret in a
deleted file can still be pulled out of the image.
"""

from __future__ import annotations

from collections.abc import Sequence, Set
from dataclasses import dataclass

from hullguard.analyze._layer import FileResult, LayerResult

__all__ = ["LayeredFile", "MergedView", "merge_layers", "removed_by"]


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


def removed_by(path: str, whiteouts: Set[str], opaque_dirs: Set[str]) -> bool:
    """Whether a lower layer's ``path`` is deleted by these whiteouts or hidden by these opaque dirs.

    A whiteout deletes its path and everything under it; an opaque dir hides what lower layers
    had *under* it. Checking the path's ancestors costs its depth, not the number of whiteouts.
    """
    if path in whiteouts:
        return True
    parent = path
    while parent not in ("", "/"):
        parent = parent.rpartition("/")[0] or "/"
        if parent in whiteouts or parent in opaque_dirs:
            return True
    return False


def merge_layers(layers: Sequence[LayerResult]) -> MergedView:
    """Merge base-first layer results into the final view; output sorted by path, analyzer."""
    current: dict[tuple[str, str], LayeredFile] = {}
    removed: list[tuple[LayeredFile, str]] = []
    for layer in layers:
        if layer.whiteouts or layer.opaque_dirs:
            whiteouts, opaque = set(layer.whiteouts), set(layer.opaque_dirs)
            gone = [key for key in current if removed_by(key[0], whiteouts, opaque)]
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
