"""Bounds on what one image may cost us: every untrusted size is checked against these."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Limits"]

_MiB = 1024 * 1024
_GiB = 1024 * _MiB


@dataclass(frozen=True, slots=True)
class Limits:
    """Configurable ceilings; exceeding one is a BadInputError naming the place, never a crash.

    The defaults admit every real image we know of (the largest public layers are a few GiB)
    while stopping decompression bombs and hostile headers long before memory runs out.
    """

    max_layer_bytes: int = 32 * _GiB
    """Uncompressed size of one layer."""
    max_ratio: int = 1000
    """Uncompressed/compressed ratio, checked once a layer passes ``ratio_floor`` bytes."""
    ratio_floor: int = 256 * _MiB
    max_header_bytes: int = 1 * _MiB
    """Size of one pax or GNU long-name header."""
    max_entries: int = 5_000_000
    """Entries in one layer."""
    max_file_bytes: int = 512 * _MiB
    """Largest file handed to analyzers; larger ones are noted as skipped."""
    max_metadata_bytes: int = 16 * _MiB
    """Manifests, indexes and configs."""
