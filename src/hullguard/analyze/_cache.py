"""Layer results cached by content: diff_id plus every analyzer's id and version.

A layer's result depends only on its bytes (named by its diff_id) and on the analyzers that
looked at it, so the key mixes both (as trivy's image artifact does); a changed analyzer gets
a new key and stale results are never read. Files are written atomically.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from pydantic import TypeAdapter, ValidationError

from hullguard.analyze._base import Analyzer
from hullguard.analyze._layer import LayerResult
from hullguard.analyze._walker import WALKER_VERSION
from hullguard.image._limits import Limits

__all__ = ["DirectoryLayerCache", "LayerCache", "NoLayerCache", "layer_cache_key"]

logger = logging.getLogger(__name__)

_ADAPTER: TypeAdapter[LayerResult] = TypeAdapter(LayerResult)


def layer_cache_key(diff_id: str, analyzers: Sequence[Analyzer], limits: Limits) -> str:
    """The content-addressed key of one layer's result under these analyzers and limits."""
    material = {
        "diff_id": diff_id,
        "walker": WALKER_VERSION,
        "analyzers": sorted([a.id, a.version] for a in analyzers),
        "max_file_bytes": limits.max_file_bytes,
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


class LayerCache(Protocol):
    """Where layer results are kept between scans."""

    def get(self, key: str) -> LayerResult | None:
        """The stored result, or None when absent or unreadable."""
        ...

    def put(self, key: str, result: LayerResult) -> None:
        """Store a result; failures only cost a future re-analysis."""
        ...


class NoLayerCache:
    """The cache used with ``--no-cache``: remembers nothing."""

    def get(self, key: str) -> LayerResult | None:
        """Always a miss."""
        return None

    def put(self, key: str, result: LayerResult) -> None:
        """Forget the result."""


class DirectoryLayerCache:
    """JSON files under ``<cache dir>/layers/<key[:2]>/<key>.json``."""

    def __init__(self, root: Path) -> None:
        self._root = root / "layers"

    def _path(self, key: str) -> Path:
        return self._root / key[:2] / f"{key}.json"

    def get(self, key: str) -> LayerResult | None:
        """Read a cached result; a corrupt file is treated as a miss and replaced later."""
        path = self._path(key)
        try:
            return _ADAPTER.validate_json(path.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, ValidationError, ValueError) as exc:
            logger.warning("ignoring unreadable cache entry %s: %s", path, exc)
            return None

    def put(self, key: str, result: LayerResult) -> None:
        """Write atomically: a crash leaves either the old entry or the new one."""
        path = self._path(key)
        try:
            data = _ADAPTER.dump_json(result)
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        except (OSError, ValueError) as exc:
            logger.warning("could not write cache entry %s: %s", path, exc)
            return
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, path)
        except OSError as exc:
            Path(tmp).unlink(missing_ok=True)
            logger.warning("could not write cache entry %s: %s", path, exc)
