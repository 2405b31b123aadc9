"""PHP analyzer on real Composer files: a Composer 1 ``installed.json`` from a WordPress plugin,
a Composer 2 ``installed.json`` and a ``composer.lock`` kept by syft as test data
(``tests/fixtures/analyze/php/README.md`` names the sources). Hostile inputs are built here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hullguard.analyze import EntryKind, FileHeader, FileInput
from hullguard.analyze.php import PLUGINS
from hullguard.inventory import Location, PackageType
from tests.analyze.skips import assert_skipped

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "analyze" / "php"
DIFF_ID = "sha256:" + "e5" * 32
[ANALYZER] = PLUGINS
INSTALLED = "/var/www/html/vendor/composer/installed.json"
COMPOSER_1 = {
    ("a5hleyrich/wp-background-processing", "1.0.1", ("GPL-2.0-only",)),
    ("guzzlehttp/psr7", "1.4.2", ("MIT",)),
    ("intervention/image", "2.4.2", ("MIT",)),
    ("ksubileau/color-thief-php", "v1.4.0", ("CC-BY-2.5",)),
    ("psr/http-message", "1.0.1", ("MIT",)),
    ("symfony/polyfill-mbstring", "v1.9.0", ("MIT",)),
    ("symfony/polyfill-php72", "v1.9.0", ("MIT",)),
    ("symfony/var-dumper", "v4.1.6", ("MIT",)),
    ("tightenco/collect", "v5.7.9", ("MIT",)),
}
COMPOSER_2 = {("asm89/stack-cors", "1.3.0", ("MIT",)), ("behat/mink", "v1.8.1", ("MIT",))}
LOCKED = {
    ("adoy/fastcgi-client", "1.0.2", ("MIT",)),
    ("alcaeus/mongo-php-adapter", "1.1.11", ("MIT",)),
    ("behat/gherkin", "v4.6.2", ("MIT",)),
    ("codeception/codeception", "4.1.6", ("MIT",)),
}
"""``packages`` and ``packages-dev`` of the lockfile, versions as Composer wrote them."""


def _input(path: str, data: bytes) -> FileInput:
    return FileInput(path, FileHeader(size=len(data), mode=0o644), data, DIFF_ID)


def test_plugin_has_a_stable_id() -> None:
    assert [p.id for p in PLUGINS] == ["php"]


@pytest.mark.parametrize(
    ("fixture", "path", "expected"),
    [
        ("composer-1/vendor/composer/installed.json", INSTALLED, COMPOSER_1),
        ("composer-2/vendor/composer/installed.json", INSTALLED, COMPOSER_2),
        ("composer-lock/composer.lock", "/var/www/html/composer.lock", LOCKED),
    ],
    ids=["installed-composer-1-list", "installed-composer-2-object", "lock-with-dev-packages"],
)
def test_composer_files(fixture: str, path: str, expected: set[tuple[str, str, tuple[str, ...]]]) -> None:
    data = (FIXTURES / fixture).read_bytes()
    assert ANALYZER.wants(path, FileHeader(size=len(data), mode=0o644))
    result = ANALYZER.analyze(_input(path, data))
    assert result.skipped == ()
    assert {(p.name, p.version, p.licenses) for p in result.packages} == expected
    assert all(
        (p.type, p.found_by, p.location) == (PackageType.COMPOSER, "php", Location(path, DIFF_ID))
        for p in result.packages
    )
    assert list(result.packages) == sorted(result.packages, key=lambda p: p.sort_key())


@pytest.mark.parametrize(
    ("path", "wanted"),
    [
        (INSTALLED, True),
        ("/app/lib/composer/installed.json", True),
        ("/var/www/html/composer.lock", True),
        ("/var/www/html/vendor/guzzlehttp/psr7/composer.lock", False),
        ("/var/www/html/installed.json", False),
        ("/var/www/html/composer.json", False),
        ("/var/www/html/vendor/composer/installed.php", False),
    ],
    ids=[
        "installed",
        "custom-vendor-dir",
        "project-lock",
        "lock-shipped-by-a-dependency",
        "other-installed-json",
        "manifest",
        "installed-php",
    ],
)
def test_wants(path: str, wanted: bool) -> None:
    assert ANALYZER.wants(path, FileHeader(size=100, mode=0o644)) is wanted
    assert not ANALYZER.wants(path, FileHeader(size=100, mode=0o644, kind=EntryKind.HARDLINK))


@pytest.mark.parametrize(
    ("path", "data", "reason"),
    [
        (INSTALLED, b'{"packages": {"a/b": "1.0"}}', "not a JSON array"),
        (INSTALLED, b'"a/b"', "not a JSON array"),
        (INSTALLED, b'[{"name": "a/b"}]', "no string name and version"),
        (INSTALLED, b'[{"name": "a/b", "version": 1.0}]', "no string name and version"),
        (INSTALLED, b'["a/b"]', "no string name and version"),
        (INSTALLED, b'[{"name": "a/b", "version": "1.0"', "JSONDecodeError"),
        (INSTALLED, b"[" * 100_000, "nested too deeply"),
        ("/app/composer.lock", b"[]", "not a JSON object"),
        ("/app/composer.lock", b'{"packages": [], "packages-dev": {"x": 1}}', "not a JSON array"),
    ],
    ids=[
        "packages-is-an-object",
        "top-level-string",
        "no-version",
        "version-is-a-number",
        "entry-is-a-string",
        "truncated",
        "deep-nesting",
        "lock-not-object",
        "lock-dev-packages-wrong-type",
    ],
)
def test_malformed_input_becomes_a_skip_note(path: str, data: bytes, reason: str) -> None:
    assert_skipped(ANALYZER, path, data, reason)


def test_license_given_as_a_string_is_kept() -> None:
    real = (FIXTURES / "composer-2/vendor/composer/installed.json").read_bytes()
    as_string = real.replace(b'"license": [\n                "MIT"\n            ]', b'"license": "MIT"', 1)
    result = ANALYZER.analyze(_input(INSTALLED, as_string))
    assert {(p.name, p.licenses) for p in result.packages} == {
        ("asm89/stack-cors", ("MIT",)),
        ("behat/mink", ("MIT",)),
    }
