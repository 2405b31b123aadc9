"""Lookaside storage and registries.d: layout on disk, reading over HTTP, configuration lookup."""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from hullguard.errors import ConfigError, HullguardError
from hullguard.trust.lookaside import (
    MAX_SIGNATURES,
    LookasideConfigError,
    LookasideError,
    load_registries_d,
    lookaside_for,
    lookaside_staging_for,
    read_lookaside,
    signature_location,
    write_lookaside,
)
from hullguard.trust.simple_signing import MAX_SIGNATURE_SIZE
from tests.image.registry_servers import serve_http

DIGEST = "sha256:" + hashlib.sha256(b"manifest").hexdigest()
HEX = DIGEST.removeprefix("sha256:")
REF = "registry.example:5000/team/app:1.0"


def test_write_uses_c_image_layout_and_appends(tmp_path: Path) -> None:
    base = f"file://{tmp_path}/sigs"
    first = write_lookaside(base, REF, DIGEST, b"\xa3first")
    second = write_lookaside(base, REF, DIGEST, b"\xa3second")
    again = write_lookaside(base, REF, DIGEST, b"\xa3first")
    folder = tmp_path / "sigs" / "team" / f"app@sha256={HEX}"
    assert (first, second, again) == (folder / "signature-1", folder / "signature-2", folder / "signature-1")
    assert sorted(p.name for p in folder.iterdir()) == ["signature-1", "signature-2"]
    assert read_lookaside(base, "registry.example:5000/team/app@" + DIGEST, DIGEST) == [
        b"\xa3first",
        b"\xa3second",
    ]


def test_reading_stops_at_the_first_gap(tmp_path: Path) -> None:
    folder = tmp_path / "library" / f"alpine@sha256={HEX}"
    folder.mkdir(parents=True)
    (folder / "signature-1").write_bytes(b"one")
    (folder / "signature-3").write_bytes(b"three")
    assert read_lookaside(f"file://{tmp_path}", "alpine", DIGEST) == [b"one"]
    assert read_lookaside(f"file://{tmp_path}", "alpine", "sha256:" + "0" * 64) == []


def test_location_keeps_url_path_and_query() -> None:
    url = signature_location("https://sigs.example/base/?token=x", "quay.io/org/app:1", DIGEST, 2)
    assert url == f"https://sigs.example/base/org/app@sha256={HEX}/signature-2?token=x"


@pytest.mark.parametrize(
    "base",
    ["file://relative/dir", "ftp://sigs.example/x", "sigs", "file:relative"],
    ids=["file-with-host", "ftp", "no-scheme", "relative-file"],
)
def test_unusable_base_urls_are_config_errors(base: str, tmp_path: Path) -> None:
    with pytest.raises(LookasideConfigError) as caught:
        read_lookaside(base, REF, DIGEST)
    assert isinstance(caught.value, ConfigError)


def test_writing_to_http_is_refused() -> None:
    with pytest.raises(LookasideConfigError) as caught:
        write_lookaside("https://sigs.example/x", REF, DIGEST, b"\xa3sig")
    assert "lookaside-staging" in (caught.value.hint or "")


def test_oversized_and_too_many_signatures_are_bounded(tmp_path: Path) -> None:
    folder = tmp_path / "team" / f"app@sha256={HEX}"
    folder.mkdir(parents=True)
    (folder / "signature-1").write_bytes(b"\0" * (MAX_SIGNATURE_SIZE + 1))
    with pytest.raises(LookasideError, match="larger than"):
        read_lookaside(f"file://{tmp_path}", REF, DIGEST)
    for index in range(1, MAX_SIGNATURES + 2):
        (folder / f"signature-{index}").write_bytes(b"s")
    with pytest.raises(LookasideError, match="more than"):
        read_lookaside(f"file://{tmp_path}", REF, DIGEST)
    with pytest.raises(LookasideError, match="bytes"):
        write_lookaside(f"file://{tmp_path}", REF, DIGEST, b"\0" * (MAX_SIGNATURE_SIZE + 1))


def test_bad_digest_and_reference_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(LookasideConfigError, match="digest"):
        write_lookaside(f"file://{tmp_path}", REF, "sha256:../../etc", b"\xa3")
    with pytest.raises(LookasideConfigError, match=r"repository|reference"):
        write_lookaside(f"file://{tmp_path}", "registry.example/../../etc:1", DIGEST, b"\xa3")
    assert list(tmp_path.iterdir()) == []


def test_concurrent_writers_never_overwrite_each_other(tmp_path: Path) -> None:
    base = f"file://{tmp_path}"
    blobs = [f"sig-{i}".encode() for i in range(16)]
    threads = [threading.Thread(target=write_lookaside, args=(base, REF, DIGEST, blob)) for blob in blobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(read_lookaside(base, REF, DIGEST)) == sorted(blobs)


# -- over HTTP ------------------------------------------------------------------------------


@pytest.fixture
def http_lookaside(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A directory served by a real HTTP server on 127.0.0.1; yields (directory, base URL)."""
    root = tmp_path / "www"
    root.mkdir()

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(root), **kwargs)

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            if "broken" in self.path:
                self.send_error(500)
                return
            super().do_GET()

    with serve_http(Handler) as address:
        yield root, f"http://{address}/sigs"


def test_http_lookaside_reads_what_file_lookaside_wrote(http_lookaside: tuple[Path, str]) -> None:
    root, base = http_lookaside
    for blob in (b"\xa3one", b"\xa3two"):
        write_lookaside(f"file://{root}/sigs", REF, DIGEST, blob)
    assert read_lookaside(base, REF, DIGEST) == [b"\xa3one", b"\xa3two"]
    assert read_lookaside(base, "registry.example:5000/team/other:1", DIGEST) == []


def test_http_lookaside_bounds_size_and_reports_errors(http_lookaside: tuple[Path, str]) -> None:
    root, base = http_lookaside
    folder = root / "sigs" / "team" / f"app@sha256={HEX}"
    folder.mkdir(parents=True)
    (folder / "signature-1").write_bytes(b"\0" * (MAX_SIGNATURE_SIZE + 10))
    with pytest.raises(HullguardError, match=r"more than|larger"):
        read_lookaside(base, REF, DIGEST)
    with pytest.raises(LookasideError, match="HTTP 500"):
        read_lookaside(base.replace("/sigs", "/broken"), REF, DIGEST)


# -- registries.d ---------------------------------------------------------------------------


def _registries_d(tmp_path: Path, **files: str) -> Path:
    folder = tmp_path / "registries.d"
    folder.mkdir()
    for name, text in files.items():
        (folder / name.replace("_", ".")).write_text(text)
    return folder


def test_most_specific_scope_wins(tmp_path: Path) -> None:
    folder = _registries_d(
        tmp_path,
        default_yaml="default-docker:\n  lookaside: file:///default\n",
        scopes_yaml=(
            "docker:\n"
            "  registry.example:5000:\n    lookaside: file:///registry\n"
            "  registry.example:5000/team:\n    lookaside: https://team.example/sigs\n"
            "    lookaside-staging: file:///staging\n"
            "  registry.example:5000/team/app:1.0:\n    lookaside: file:///exact\n"
            "  '*.example':\n    lookaside: file:///wildcard\n"
            "  registry.example:5000/solo:\n    sigstore: file:///legacy-key\n"
        ),
        ignored_yml="default-docker:\n  lookaside: file:///never\n",
    )
    assert lookaside_for("registry.example:5000/team/app:1.0", folder) == "file:///exact"
    assert lookaside_for("registry.example:5000/team/app:2.0", folder) == "https://team.example/sigs"
    assert lookaside_staging_for("registry.example:5000/team/app:2.0", folder) == "file:///staging"
    assert (
        lookaside_for("registry.example:5000/team/sub/app@" + DIGEST, folder) == "https://team.example/sigs"
    )
    assert lookaside_for("registry.example:5000/other/app:1", folder) == "file:///registry"
    assert lookaside_for("registry.example:5000/solo:1", folder) == "file:///legacy-key"
    assert lookaside_for("mirror.example/x:1", folder) == "file:///wildcard"
    assert lookaside_for("quay.io/x:1", folder) == "file:///default"


def test_no_configuration_means_no_lookaside(tmp_path: Path) -> None:
    assert lookaside_for(REF, tmp_path / "missing") is None
    assert lookaside_for(REF, _registries_d(tmp_path, empty_yaml="")) is None


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"a_yaml": "default-docker: {}\n", "b_yaml": "default-docker: {}\n"}, "defined both"),
        ({"a_yaml": "docker:\n  x.io: {}\n", "b_yaml": "docker:\n  x.io: {}\n"}, "defined both"),
        ({"a_yaml": "docker: [1, 2]\n"}, "mapping"),
        ({"a_yaml": "docker:\n  x.io:\n    lookaside: [1]\n"}, "URL string"),
        ({"a_yaml": "default-docker: {lookaside: 'x'\n"}, "not valid YAML"),
        ({"a_yaml": "- just\n- a list\n"}, "mapping"),
    ],
    ids=["two-defaults", "two-scopes", "docker-not-mapping", "url-not-string", "bad-yaml", "list"],
)
def test_broken_registries_d_is_a_config_error(tmp_path: Path, files: dict[str, str], message: str) -> None:
    folder = _registries_d(tmp_path, **files)
    with pytest.raises(LookasideConfigError, match=message):
        load_registries_d(folder)


def test_oversized_registries_d_file_is_refused(tmp_path: Path) -> None:
    folder = _registries_d(tmp_path)
    with (folder / "big.yaml").open("wb") as handle:
        handle.truncate(2 * 1024 * 1024)
    with pytest.raises(LookasideConfigError, match="larger than"):
        load_registries_d(folder)
    assert os.path.getsize(folder / "big.yaml") == 2 * 1024 * 1024
