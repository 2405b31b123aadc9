"""The library's entry point for the layer pass: a target in, an :class:`Inventory` out."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from hullguard.analyze._base import Analyzer
from hullguard.analyze._cache import LayerCache
from hullguard.analyze._directory import walk_directory
from hullguard.analyze._facts import FactCollector, facts_of
from hullguard.analyze._inventory import build_inventory, inventory_from_files
from hullguard.analyze._progress import LayerProgress
from hullguard.analyze._scan import scan_layers
from hullguard.image._limits import Limits
from hullguard.image._model import Image
from hullguard.image._resolve import RootfsTarget
from hullguard.inventory import Inventory

__all__ = ["analyze_target"]


def analyze_target(
    target: Image | RootfsTarget,
    analyzers: Iterable[Analyzer],
    *,
    limits: Limits,
    cache: LayerCache | None = None,
    progress: LayerProgress | None = None,
) -> Inventory:
    """Run the one pass over an image's layers (or a directory) and build its inventory.

    Only the analyzers given run: secret scanning is opt-in by adding a
    :class:`~hullguard.analyze.secrets.SecretAnalyzer` (``sbom`` never pays for it). File facts
    (setuid files, caches) and, for images, the image config are always part of the inventory.
    """
    chosen = list(analyzers)
    if isinstance(target, RootfsTarget):
        collector = FactCollector(None)
        files, skipped = walk_directory(target.path, chosen, limits=limits, facts=collector)
        facts = facts_of(collector.facts(), collector.caches())
        inventory = inventory_from_files(files, skipped, facts=facts)
        return dataclasses.replace(inventory, image_name=target.name, extra={"source": "rootfs"})
    layers = scan_layers(target, chosen, limits=limits, cache=cache, progress=progress)
    return build_inventory(target, layers)
