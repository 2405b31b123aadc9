"""Run the layer pass over an image: cache look-ups, one streaming pass per missing layer.

Every layer stream is verified twice as it is read: the stored blob against its digest (by
the source's :class:`~hullguard.image.VerifyingReader`) and the uncompressed tar against the
diff_id from the image config (here). A mismatch fails the scan; nothing unverified is cached.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import TypeAdapter

from hullguard.analyze._base import Analyzer
from hullguard.analyze._cache import LayerCache, NoLayerCache, layer_cache_key
from hullguard.analyze._layer import LayerResult
from hullguard.analyze._progress import LayerProgress, NoProgress
from hullguard.analyze._walker import walk_layer
from hullguard.errors import BadInputError
from hullguard.image._decompress import open_layer_stream
from hullguard.image._digest import DigestMismatchError
from hullguard.image._engine import EngineBlobs, adopt_streamed_config
from hullguard.image._limits import Limits
from hullguard.image._model import Image, LayerRef

__all__ = ["scan_layers"]


def scan_layers(
    image: Image,
    analyzers: Sequence[Analyzer],
    *,
    limits: Limits,
    cache: LayerCache | None = None,
    progress: LayerProgress | None = None,
) -> list[LayerResult]:
    """Return one result per layer of ``image``, base first, from the cache or a fresh pass."""
    cache = cache or NoLayerCache()
    progress = progress or NoProgress()
    results: dict[str, LayerResult] = {}
    keys = {layer.diff_id: layer_cache_key(layer.diff_id, analyzers, limits) for layer in image.layers}
    for diff_id, key in keys.items():
        cached = cache.get(key)
        if cached is not None and cached.diff_id == diff_id:
            results[diff_id] = cached
    missing = {layer.diff_id for layer in image.layers} - set(results)
    if missing and isinstance(image.blobs, EngineBlobs):
        streamed = _scan_streamed(image, image.blobs, analyzers, limits=limits, progress=progress)
        for diff_id in missing:
            if diff_id not in streamed:
                raise BadInputError(f"{image.name}: the engine's export lacks layer {diff_id}")
            results[diff_id] = streamed[diff_id]
            cache.put(keys[diff_id], streamed[diff_id])
    for layer in image.layers:
        if layer.diff_id in results:
            continue
        result = _scan_one(image, layer, analyzers, limits=limits, progress=progress)
        results[layer.diff_id] = result
        cache.put(keys[layer.diff_id], result)
    return [results[layer.diff_id] for layer in image.layers]


def _scan_one(
    image: Image,
    layer: LayerRef,
    analyzers: Sequence[Analyzer],
    *,
    limits: Limits,
    progress: LayerProgress,
) -> LayerResult:
    where = f"{image.name} layer {layer.index} ({(layer.digest or layer.diff_id)[7:19]})"
    progress.begin(f"layer {layer.index + 1}/{len(image.layers)} {layer.diff_id[7:19]}", layer.size or None)
    try:
        with image.blobs.open_layer(layer) as raw:
            stream = open_layer_stream(raw, limits=limits, where=where, on_read=progress.advance)
            with stream:
                result = walk_layer(stream, analyzers, diff_id=layer.diff_id, limits=limits, where=where)
                stream.drain()
                drain = getattr(raw, "drain", None)
                if callable(drain):
                    drain()
                if stream.diff_id != layer.diff_id:
                    raise DigestMismatchError(
                        f"{where}: uncompressed layer is {stream.diff_id}, the config says {layer.diff_id}",
                        hint="the image is corrupt, truncated or was tampered with",
                    )
    finally:
        progress.end()
    return result


_PENDING = "sha256:" + "0" * 64
_RESULT: TypeAdapter[LayerResult] = TypeAdapter(LayerResult)


def _rekey(result: LayerResult, diff_id: str) -> LayerResult:
    """Put the computed diff_id where the placeholder stood (locations, skip notes).

    A streamed layer's identity is known only once its last byte is hashed, after the
    analyzers ran; the placeholder is a digest no real content has.
    """
    data = _RESULT.dump_json(result).replace(_PENDING.encode(), diff_id.encode())
    return _RESULT.validate_json(data)


def _scan_streamed(
    image: Image,
    blobs: EngineBlobs,
    analyzers: Sequence[Analyzer],
    *,
    limits: Limits,
    progress: LayerProgress,
) -> dict[str, LayerResult]:
    """Analyze every layer of an engine's save stream in the order it arrives."""
    expected = {layer.diff_id for layer in image.layers}
    found: dict[str, LayerResult] = {}
    for count, (path, raw) in enumerate(blobs.stream_layers(), start=1):
        where = f"{image.name} {path}"
        progress.begin(f"layer {count}/{len(image.layers)} (streaming)", None)
        try:
            stream = open_layer_stream(raw, limits=limits, where=where, on_read=progress.advance)
            with stream:
                pending = walk_layer(stream, analyzers, diff_id=_PENDING, limits=limits, where=where)
                stream.drain()
        finally:
            progress.end()
        if stream.diff_id not in expected:
            raise DigestMismatchError(f"{where}: layer {stream.diff_id} is not one of the image's layers")
        found[stream.diff_id] = _rekey(pending, stream.diff_id)
    if blobs.config_bytes is None:
        raise BadInputError(f"{image.name}: the engine's export holds no config matching the image id")
    adopt_streamed_config(image, blobs.config_bytes)
    return found
