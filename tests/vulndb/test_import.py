"""Import of zips, trees and single records: bad records are skipped and named, hostile archives refused."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from hullguard.vulndb import (
    ArchiveError,
    RecordSchemaError,
    SourceKind,
    VulnStore,
    import_into,
)
from hullguard.vulndb._import import MAX_MEMBER_BYTES
from tests.vulndb.conftest import NOW


def _record(record_id: str, name: str = "demo") -> bytes:
    return json.dumps(
        {
            "id": record_id,
            "modified": "2024-01-01T00:00:00Z",
            "affected": [{"package": {"ecosystem": "PyPI", "name": name}}],
        }
    ).encode()


def test_zip_source_is_named_after_its_ecosystem_folder(osv_dir: Path, tmp_path: Path) -> None:
    [result] = import_into(
        tmp_path / "v.sqlite", [osv_dir / "npm" / "all.zip"], http=None, progress=None, now=NOW
    )
    assert (result.name, result.kind, result.records, result.skipped_count) == ("npm", SourceKind.ZIP, 467, 0)


def test_rejected_record_in_a_tree_is_skipped_with_its_reason(osv_dir: Path, tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(osv_dir / "_rejected", tree / "advisories" / "broken")
    (tree / "advisories" / "good").mkdir()
    (tree / "advisories" / "good" / "OK-1.json").write_bytes(_record("OK-1"))
    [result] = import_into(tmp_path / "v.sqlite", [tree], http=None, progress=None, now=NOW)
    assert (result.kind, result.stored, result.skipped_count) == (SourceKind.DIRECTORY, 1, 1)
    [skipped] = result.skipped
    assert skipped.where.endswith("Debian-ELTS__ELA-669-1.json")
    assert skipped.reason.startswith("affected.0.ranges")


def test_single_bad_record_is_an_error_not_a_skip(osv_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "v.sqlite"
    with pytest.raises(RecordSchemaError):
        import_into(
            db, [osv_dir / "_rejected" / "Debian-ELTS__ELA-669-1.json"], http=None, progress=None, now=NOW
        )
    assert not db.exists()


def test_single_record_imports(tmp_path: Path) -> None:
    path = tmp_path / "ONE-1.json"
    path.write_bytes(_record("ONE-1", "Some_Pkg"))
    [result] = import_into(tmp_path / "v.sqlite", [path], http=None, progress=None, now=NOW)
    assert (result.name, result.kind, result.stored) == ("ONE-1", SourceKind.RECORD, 1)
    with VulnStore.open_readonly(tmp_path / "v.sqlite") as store:
        assert [r.id for r in store.affected("PyPI", "some-pkg")] == ["ONE-1"]


def test_a_file_that_is_not_a_zip_is_a_clear_error(tmp_path: Path) -> None:
    fake = tmp_path / "all.zip"
    fake.write_bytes(b"<html>404 from a captive portal</html>")
    with pytest.raises(ArchiveError, match="not a zip file"):
        import_into(tmp_path / "v.sqlite", [fake], http=None, progress=None, now=NOW)


@pytest.mark.parametrize("name", ["../escape.json", "/etc/passwd.json", "C:/x.json", "a/../../b.json"])
def test_archives_with_traversal_names_are_refused(tmp_path: Path, name: str) -> None:
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("OK-1.json", _record("OK-1"))
        archive.writestr(name, _record("EVIL-1"))
    with pytest.raises(ArchiveError, match="unsafe member name"):
        import_into(tmp_path / "v.sqlite", [bad], http=None, progress=None, now=NOW)


def test_oversized_member_is_skipped_without_inflating_it_all(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("OK-1.json", _record("OK-1"))
        archive.writestr("BOMB-1.json", b" " * (MAX_MEMBER_BYTES + 10))
    assert bomb.stat().st_size < 100_000
    [result] = import_into(tmp_path / "v.sqlite", [bomb], http=None, progress=None, now=NOW)
    assert (result.stored, result.skipped_count) == (1, 1)
    assert "larger than" in result.skipped[0].reason


def test_tree_walk_does_not_follow_symlinks(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "SECRET-1.json").write_bytes(_record("SECRET-1"))
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "OK-1.json").write_bytes(_record("OK-1"))
    (tree / "linked-dir").symlink_to(outside, target_is_directory=True)
    (tree / "LINK-1.json").symlink_to(outside / "SECRET-1.json")
    [result] = import_into(tmp_path / "v.sqlite", [tree], http=None, progress=None, now=NOW)
    assert result.stored == 1


def test_progress_reports_every_member(osv_dir: Path, tmp_path: Path) -> None:
    seen: list[tuple[int, int | None]] = []
    import_into(
        tmp_path / "v.sqlite",
        [osv_dir / "npm" / "all.zip"],
        http=None,
        progress=lambda done, total: seen.append((done, total)),
        now=NOW,
    )
    assert seen[-1] == (467, 467) and len(seen) == 467
