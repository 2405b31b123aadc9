"""Inventory model shared by every stage after the layer pass."""

from hullguard.inventory._model import (
    CacheUsage,
    FactKind,
    FileFact,
    FileFacts,
    Inventory,
    LayerInfo,
    Location,
    OSInfo,
    Package,
    PackageType,
    SecretHit,
    Skipped,
)

__all__ = [
    "CacheUsage",
    "FactKind",
    "FileFact",
    "FileFacts",
    "Inventory",
    "LayerInfo",
    "Location",
    "OSInfo",
    "Package",
    "PackageType",
    "SecretHit",
    "Skipped",
]
