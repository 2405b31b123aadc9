"""``hullguard db`` through its typer app (registered in the top-level CLI separately)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hullguard.cli.db import app

OSV = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "osv"


@pytest.fixture(scope="module")
def osv() -> Path:
    """The real OSV exports; missing shared data fails the run (never skips)."""
    if not (OSV / "MANIFEST.json").is_file():
        pytest.fail(f"shared test data missing at {OSV.resolve()}", pytrace=False)
    return OSV.resolve()


def _run(cache: Path, *args: str) -> tuple[int, str, str]:
    runner = CliRunner()
    result = runner.invoke(app, list(args), env={"HULLGUARD_CACHE_DIR": str(cache), "COLUMNS": "200"})
    return result.exit_code, result.stdout, result.stderr


def test_import_status_export_and_bundle_import(osv: Path, tmp_path: Path) -> None:
    online, offline = tmp_path / "online", tmp_path / "offline"
    code, _, err = _run(online, "import", str(osv / "npm" / "all.zip"), str(osv / "PyPI" / "all.zip"))
    assert code == 0, err
    assert "npm: 467 records stored" in err and "PyPI: 2661 records stored" in err
    code, out, _ = _run(online, "status", "--format", "json")
    assert code == 0
    status = json.loads(out)
    assert status["records"] == 467 + 2661
    assert status["ecosystems"]["PyPI"] == {"records": 2661, "entries": 2661}
    assert (online / "db" / "vulns.sqlite").is_file()

    bundle = tmp_path / "db.tar"
    code, _, err = _run(online, "export", "-o", str(bundle))
    assert code == 0 and "sha256" in err
    code, _, err = _run(offline, "import", str(bundle))
    assert code == 0, err
    code, out2, _ = _run(offline, "status", "--format", "json")
    again = json.loads(out2)
    assert (again["sources"], again["ecosystems"]) == (status["sources"], status["ecosystems"])


def test_status_table_warns_when_data_is_old(osv: Path, tmp_path: Path) -> None:
    _run(tmp_path, "import", str(osv / "npm" / "all.zip"))
    code, out, err = _run(tmp_path, "status")
    assert code == 0
    assert "npm" in out and "467" in out
    assert "older than 7 days" in err  # npm data stops in 2020


def test_skipped_records_are_reported(osv: Path, tmp_path: Path) -> None:
    code, _, err = _run(tmp_path, "import", str(osv / "_rejected"))
    assert code == 0
    assert "1 skipped" in err and "affected.0.ranges" in err


def test_errors_are_one_line_with_a_hint(tmp_path: Path) -> None:
    code, _, err = _run(tmp_path, "status")
    assert code == 3
    assert "no vulnerability database" in err and "hint:" in err and "Traceback" not in err
    (tmp_path / "bad.zip").write_bytes(b"nope")
    code, _, err = _run(tmp_path, "import", str(tmp_path / "bad.zip"))
    assert code == 3 and "not a zip file" in err
