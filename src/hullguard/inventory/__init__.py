"""Inventory model shared by every stage after the layer pass."""

from hullguard.inventory._model import (
    Inventory,
    LayerInfo,
    Location,
    OSInfo,
    Package,
    PackageType,
    Skipped,
)

__all__ = ["Inventory", "LayerInfo", "Location", "OSInfo", "Package", "PackageType", "Skipped"]
