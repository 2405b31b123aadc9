"""Export bundles: export, import elsewhere, same status; a tampered or foreign bundle is refused."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest

from hullguard.vulndb import BundleError, VulnStore, export_bundle, import_bundle, import_into
from tests.vulndb.conftest import NOW


@pytest.fixture
def small_db(osv_dir: Path, tmp_path: Path) -> Path:
    db = tmp_path / "source" / "vulns.sqlite"
    import_into(
        db,
        [osv_dir / "npm" / "all.zip", osv_dir / "crates.io" / "all.zip"],
        http=None,
        progress=None,
        now=NOW,
    )
    return db


def test_export_then_import_elsewhere_gives_the_same_database(small_db: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "hullguard-db.tar"
    manifest = export_bundle(small_db, bundle, now=NOW)
    assert manifest.records == 467 + 1206
    target = tmp_path / "airgap" / "vulns.sqlite"
    import_bundle(target, bundle)
    with VulnStore.open_readonly(small_db) as a, VulnStore.open_readonly(target) as b:
        assert (a.status().sources, a.status().ecosystems) == (b.status().sources, b.status().ecosystems)
    assert target.read_bytes() == small_db.read_bytes()


def test_import_into_recognises_a_bundle(small_db: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "b.tar"
    export_bundle(small_db, bundle, now=NOW)
    [result] = import_into(tmp_path / "other" / "vulns.sqlite", [bundle], http=None, progress=None, now=NOW)
    assert (result.kind, result.records) == ("bundle", 1673)


def _rewrite(
    bundle: Path, out: Path, *, database: bytes | None = None, manifest: dict[str, object] | None = None
) -> None:
    with tarfile.open(bundle) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}  # type: ignore[union-attr]
    if database is not None:
        members["vulns.sqlite"] = database
    if manifest is not None:
        members["manifest.json"] = json.dumps(manifest).encode()
    with tarfile.open(out, "w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def test_tampered_bundle_is_refused_and_nothing_replaced(small_db: Path, tmp_path: Path) -> None:
    bundle, tampered = tmp_path / "b.tar", tmp_path / "tampered.tar"
    export_bundle(small_db, bundle, now=NOW)
    data = bytearray(small_db.read_bytes())
    data[-100] ^= 0xFF
    _rewrite(bundle, tampered, database=bytes(data))
    target = tmp_path / "target" / "vulns.sqlite"
    import_bundle(target, bundle)
    before = target.read_bytes()
    with pytest.raises(BundleError, match="checksum mismatch"):
        import_bundle(target, tampered)
    assert target.read_bytes() == before
    assert sorted(p.name for p in target.parent.iterdir()) == ["vulns.sqlite"]


def test_bundle_of_another_format_is_refused(small_db: Path, tmp_path: Path) -> None:
    bundle, foreign = tmp_path / "b.tar", tmp_path / "foreign.tar"
    manifest = export_bundle(small_db, bundle, now=NOW)
    _rewrite(bundle, foreign, manifest={**manifest.model_dump(), "format": "other/9"})
    with pytest.raises(BundleError, match="bad manifest: format"):
        import_bundle(tmp_path / "t" / "vulns.sqlite", foreign)


def test_bundle_with_extra_members_is_refused(small_db: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "b.tar"
    export_bundle(small_db, bundle, now=NOW)
    with tarfile.open(bundle, "a") as tar:
        info = tarfile.TarInfo("../evil")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    with pytest.raises(BundleError, match="expected exactly"):
        import_bundle(tmp_path / "t" / "vulns.sqlite", bundle)
