"""The layer cache: content-addressed keys, corrupt entries as misses, atomic writes."""

from __future__ import annotations

from pathlib import Path

from hullguard.analyze import (
    AnalyzerResult,
    DirectoryLayerCache,
    FileResult,
    LayerResult,
    ParserAnalyzer,
)
from hullguard.analyze._cache import layer_cache_key
from hullguard.image import Limits
from hullguard.inventory import Location, OSInfo, Package, PackageType

DIFF_ID = "sha256:" + "ab" * 32


def _parse(_: object) -> AnalyzerResult:
    return AnalyzerResult()


def _analyzer(version: int) -> ParserAnalyzer:
    return ParserAnalyzer(id="x", version=version, parse=_parse, basenames=("x",))


def _result() -> LayerResult:
    package = Package("libc6", "2.36-9", PackageType.DEB, Location("/var/lib/dpkg/status", DIFF_ID), "dpkg")
    files = (
        FileResult("/var/lib/dpkg/status", "dpkg", AnalyzerResult(packages=(package,), os=OSInfo("debian"))),
    )
    return LayerResult(DIFF_ID, files=files, whiteouts=("/a",), opaque_dirs=("/b",), entries=3, size=1024)


def test_round_trip(tmp_path: Path) -> None:
    cache = DirectoryLayerCache(tmp_path)
    key = layer_cache_key(DIFF_ID, [_analyzer(1)], Limits())
    assert cache.get(key) is None
    cache.put(key, _result())
    assert cache.get(key) == _result()
    assert not [p for p in tmp_path.rglob(".tmp-*")], "no temporary files left behind"


def test_key_changes_with_analyzer_version_and_limits() -> None:
    keys = {
        layer_cache_key(DIFF_ID, [_analyzer(1)], Limits()),
        layer_cache_key(DIFF_ID, [_analyzer(2)], Limits()),
        layer_cache_key(DIFF_ID, [_analyzer(1)], Limits(max_file_bytes=1)),
        layer_cache_key("sha256:" + "cd" * 32, [_analyzer(1)], Limits()),
    }
    assert len(keys) == 4


def test_corrupt_entry_is_a_miss(tmp_path: Path) -> None:
    cache = DirectoryLayerCache(tmp_path)
    key = layer_cache_key(DIFF_ID, [_analyzer(1)], Limits())
    cache.put(key, _result())
    path = next((tmp_path / "layers").rglob("*.json"))
    path.write_text('{"diff_id": 5')
    assert cache.get(key) is None
    cache.put(key, _result())
    assert cache.get(key) == _result()


def test_unwritable_cache_only_costs_a_rescan(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    cache = DirectoryLayerCache(blocker)
    cache.put("k" * 64, _result())
    assert cache.get("k" * 64) is None
