"""``db update`` against a real HTTP mirror on 127.0.0.1 serving the shared osv.dev-style zips."""

from __future__ import annotations

import hashlib
import io
import os
import signal
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from hullguard.vulndb import DownloadError, UpdateError, UpdateResult, VulnStore, import_into, update
from hullguard.vulndb._import import ArchiveError
from tests.vulndb.conftest import NOW

ECOSYSTEMS = ["npm", "crates.io"]
LAST_MODIFIED = "Mon, 01 Sep 2026 00:00:00 GMT"


@dataclass
class Mirror:
    """What the test server serves: ``/<Ecosystem>/all.zip`` bodies and how to misbehave."""

    files: dict[str, bytes]
    mode: str = "ok"
    """ok | truncate (valid HTTP, cut zip) | error (500) | hang (half a body, then wait)"""
    requests: list[tuple[str, int]] = field(default_factory=list)
    sent_partial: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)


def _handler(mirror: Mirror) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return

        def do_GET(self) -> None:
            body = mirror.files.get(self.path.removeprefix("/"))
            if body is None:
                self._reply(404, b"")
                return
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if mirror.mode == "error":
                self._reply(500, b"boom")
            elif self.headers.get("If-None-Match") == etag:
                self._reply(304, b"", etag)
            elif mirror.mode == "truncate":
                self._reply(200, body[: len(body) // 2], etag)
            elif mirror.mode == "hang":
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                mirror.sent_partial.set()
                mirror.release.wait(30)
            else:
                self._reply(200, body, etag)

        def _reply(self, status: int, body: bytes, etag: str | None = None) -> None:
            mirror.requests.append((self.path, status))
            self.send_response(status)
            if etag:
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", LAST_MODIFIED)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


@pytest.fixture
def mirror(osv_dir: Path) -> Iterator[tuple[Mirror, str]]:
    """A real HTTP server in a thread; yields the mirror state and its base URL."""
    state = Mirror({f"{quote_eco(e)}/all.zip": (osv_dir / e / "all.zip").read_bytes() for e in ECOSYSTEMS})
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{server.server_address[1]}"
    state.release.set()
    server.shutdown()
    server.server_close()


def quote_eco(ecosystem: str) -> str:
    return ecosystem.replace(" ", "%20")


def _update(db: Path, base: str) -> UpdateResult:
    with httpx.Client() as http:
        return update(db, base_url=base, ecosystems=ECOSYSTEMS, http=http, progress=None, now=NOW)


def _temp_files(db: Path) -> list[str]:
    return sorted(p.name for p in db.parent.iterdir() if p.name != db.name)


def test_first_update_downloads_then_304_changes_nothing(mirror: tuple[Mirror, str], tmp_path: Path) -> None:
    state, base = mirror
    db = tmp_path / "db" / "vulns.sqlite"
    first = _update(db, base)
    with VulnStore.open_readonly(db) as store:
        status = store.status()
    assert {s.name: s.live for s in status.sources} == {"npm": 467, "crates.io": 1206}
    assert all(s.etag and s.last_modified == LAST_MODIFIED for s in status.sources)
    assert first.replaced
    before = db.read_bytes()
    stat = db.stat()
    second = _update(db, base)
    assert not second.replaced
    assert [s for _, s in state.requests[-2:]] == [304, 304]
    assert db.read_bytes() == before and db.stat().st_ino == stat.st_ino
    assert _temp_files(db) == []


@pytest.mark.parametrize(
    ("mode", "error"),
    [("truncate", ArchiveError), ("error", DownloadError)],
    ids=["truncated-zip", "http-500"],
)
def test_bad_download_leaves_previous_database_intact(
    mirror: tuple[Mirror, str], osv_dir: Path, tmp_path: Path, mode: str, error: type[Exception]
) -> None:
    state, base = mirror
    db = tmp_path / "db" / "vulns.sqlite"
    import_into(db, [osv_dir / "PyPI" / "all.zip"], http=None, progress=None, now=NOW)
    before = db.read_bytes()
    state.mode = mode
    with pytest.raises(error):
        _update(db, base)
    assert db.read_bytes() == before
    assert _temp_files(db) == []
    with VulnStore.open_readonly(db) as store:
        assert "PYSEC-2018-28" in {r.id for r in store.affected("PyPI", "requests")}


def test_mirror_without_valid_records_is_refused(mirror: tuple[Mirror, str], tmp_path: Path) -> None:
    state, base = mirror
    empty = io.BytesIO()
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("README.txt", "nothing here")
    state.files["npm/all.zip"] = empty.getvalue()
    db = tmp_path / "vulns.sqlite"
    with pytest.raises(UpdateError, match="no valid OSV record"):
        _update(db, base)
    assert not db.exists() and _temp_files(db) == []


def test_url_import_downloads_into_the_database_directory(mirror: tuple[Mirror, str], tmp_path: Path) -> None:
    _, base = mirror
    db = tmp_path / "db" / "vulns.sqlite"
    with httpx.Client() as http:
        [result] = import_into(db, [f"{base}/npm/all.zip"], http=http, progress=None, now=NOW)
    assert (result.name, result.stored, result.url) == ("npm", 467, f"{base}/npm/all.zip")
    assert _temp_files(db) == []


_KILLED_UPDATE = """
import sys
from pathlib import Path
import httpx
from hullguard.vulndb import update
from datetime import datetime, UTC
update(Path(sys.argv[1]), base_url=sys.argv[2], ecosystems=["npm"], http=httpx.Client(), progress=None,
       now=datetime.now(UTC))
"""


def test_killed_update_leaves_old_database_and_next_writer_cleans_up(
    mirror: tuple[Mirror, str], osv_dir: Path, tmp_path: Path
) -> None:
    state, base = mirror
    db = tmp_path / "db" / "vulns.sqlite"
    import_into(db, [osv_dir / "crates.io" / "all.zip"], http=None, progress=None, now=NOW)
    before = db.read_bytes()
    state.mode = "hang"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    child = subprocess.Popen([sys.executable, "-c", _KILLED_UPDATE, str(db), base], env=env)
    try:
        assert state.sent_partial.wait(60), "the child never started downloading"
        deadline = time.monotonic() + 30
        while not _temp_files(db) and time.monotonic() < deadline:
            state.release.wait(0.02)  # condition poll: the child writes its first chunk soon
        assert _temp_files(db), "expected a partial download next to the database"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    state.release.set()
    assert db.read_bytes() == before
    state.mode = "ok"
    _update(db, base)
    assert _temp_files(db) == []
    with VulnStore.open_readonly(db) as store:
        assert {s.name for s in store.status().sources} == {"crates.io", "npm"}
