"""Image-config checks on real image configs (Dockle's test fixtures) and on built-for-purpose ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from hullguard.image._model import ImageConfig, parse_config
from hullguard.inventory import CacheUsage, FactKind, FileFact, FileFacts, LayerInfo
from hullguard.misconfig import LintOptions
from hullguard.misconfig.image_config import CHECKS, ImageFacts, check_image
from hullguard.report import MisconfigFinding, Severity

_PREFIX = "goodwithtech__dockle__pkg__assessor__manifest__testdata__"


def _config(shared_dir: Path, name: str) -> ImageConfig:
    path = shared_dir / "corpus" / "image-configs" / f"{_PREFIX}{name}.json"
    return parse_config(path.read_bytes(), where=str(path))


def _ids(findings: list[MisconfigFinding]) -> set[str]:
    return {f.check.id for f in findings}


def _layers(config: ImageConfig) -> tuple[LayerInfo, ...]:
    count = sum(1 for h in config.history if not h.empty_layer)
    return tuple(LayerInfo(n, f"sha256:{n:064x}", None, "tar", 1) for n in range(count))


def test_every_check_has_metadata() -> None:
    ids = [c.id for c in CHECKS]
    assert len(ids) == len(set(ids))
    for check in CHECKS:
        assert check.title and check.remediation and check.kind == "image-config"


def test_root_default_image(shared_dir: Path) -> None:
    config = _config(shared_dir, "root_default")
    found = check_image(ImageFacts(config, layers=_layers(config)))
    assert _ids(found) == {"HG-IMG-001", "HG-IMG-002"}, "root user and no healthcheck, nothing else"
    root = next(f for f in found if f.check.id == "HG-IMG-001")
    assert root.check.mapped("cis-docker") == "4.1"
    assert "no USER instruction" in root.message


def test_update_and_upgrade_in_history(shared_dir: Path) -> None:
    config = _config(shared_dir, "apt_update_upgrade")
    found = check_image(ImageFacts(config, layers=_layers(config)))
    upgrade = [f for f in found if f.check.id == "HG-IMG-012"]
    assert len(upgrade) == 1
    assert upgrade[0].location.path == "history" and upgrade[0].location.start_line == 3
    assert upgrade[0].location.layer is not None and upgrade[0].location.layer.index == 1
    assert "HG-IMG-013" not in _ids(found), "the upgrade uses the fresh index: not an update alone"


def test_apk_cache_and_added_credential_file(shared_dir: Path) -> None:
    config = _config(shared_dir, "apk_cache")
    found = check_image(ImageFacts(config, layers=_layers(config)))
    assert "HG-IMG-009" in _ids(found), "apk add without --no-cache (history)"
    adds = [f for f in found if f.check.id == "HG-IMG-005"]
    assert [f.location.start_line for f in adds] == [4], "only the credential ADD"


def test_base_rootfs_adds_are_not_flagged(shared_dir: Path) -> None:
    config = _config(shared_dir, "multi_add")
    found = check_image(ImageFacts(config, layers=_layers(config)))
    assert "HG-IMG-005" not in _ids(found)


def test_nginx_exposes_http_not_ssh(shared_dir: Path) -> None:
    config = _config(shared_dir, "nginx")
    found = check_image(ImageFacts(config, reference="nginx:1.17.0", layers=_layers(config)))
    assert "HG-IMG-011" not in _ids(found)
    assert "HG-IMG-006" not in _ids(found), "a version tag is pinned enough for this check"
    assert "HG-IMG-003" not in _ids(found), "NGINX_VERSION and PKG_RELEASE are not secrets"


def _built(**config: object) -> ImageConfig:
    return ImageConfig.model_validate({"config": config, "history": []})


@pytest.mark.parametrize(
    ("reference", "flagged"),
    [
        ("nginx", True),
        ("registry.local:5000/team/app:latest", True),
        ("registry.local:5000/team/app", True),
        ("registry.local:5000/team/app:1.2", False),
        ("app@sha256:" + "a" * 64, False),
        ("docker:app:latest", True),
        ("docker-archive:app.tar", False),
        ("oci-layout:./dir", False),
    ],
)
def test_latest_tag(reference: str, flagged: bool) -> None:
    found = check_image(ImageFacts(_built(User="app"), reference=reference))
    assert ("HG-IMG-006" in _ids(found)) is flagged


def test_secrets_in_env_labels_and_build_args() -> None:
    config = ImageConfig.model_validate(
        {
            "config": {
                "User": "1000",
                "Env": ["DB_PASSWORD=hunter2-very-secret", "PASSWORD_FILE=/run/secrets/db", "API_TOKEN="],
                "Labels": {"org.example.api_key": "k-29f8a7c6d5e4"},
                "Healthcheck": {"Test": ["CMD", "true"]},
            },
            "history": [
                {"created_by": "|1 NPM_TOKEN=npm_abcdefghijklmnopqrstuvwxyz0123456789 /bin/sh -c npm ci"}
            ],
        }
    )
    found = check_image(ImageFacts(config, layers=(LayerInfo(0, "sha256:" + "0" * 64, None, "tar", 1),)))
    messages = sorted(f.message for f in found if f.check.id == "HG-IMG-003")
    assert messages == [
        "ENV DB_PASSWORD has a literal value",
        "build argument NPM_TOKEN is recorded in the history",
        "label org.example.api_key has a literal value",
    ]
    assert _ids(found) == {"HG-IMG-003"}, "non-root with a healthcheck: nothing else"


def test_file_facts_checks() -> None:
    layer = LayerInfo(1, "sha256:" + "1" * 64, None, "tar", 1)

    def fact(path: str, kind: FactKind, mode: int, is_dir: bool = False) -> FileFact:
        return FileFact(path, kind, mode, 0, 0, 0, is_dir, layer.diff_id)

    files = FileFacts(
        facts=(
            fact("/opt/app/data", FactKind.WORLD_WRITABLE, 0o777, True),
            fact("/tmp/cache", FactKind.WORLD_WRITABLE, 0o777, True),
            fact("/usr/bin/passwd", FactKind.SETUID, 0o4755),
            fact("/usr/bin/sudo", FactKind.NOTABLE, 0o4755),
            fact("/var/shared", FactKind.WORLD_WRITABLE, 0o1777, True),
        ),
        caches=(CacheUsage("/var/lib/apt/lists", 12, 40 * 1024 * 1024, (layer.diff_id,)),),
    )
    config = _built(User="app", Healthcheck={"Test": ["CMD", "true"]}, ExposedPorts={"22/tcp": {}})
    found = check_image(ImageFacts(config, layers=(layer,), files=files))
    by_id: dict[str, list[MisconfigFinding]] = {}
    for finding in found:
        by_id.setdefault(finding.check.id, []).append(finding)
    assert [f.location.path for f in by_id["HG-IMG-007"]] == ["/usr/bin/passwd"]
    assert by_id["HG-IMG-007"][0].location.layer == layer
    assert [f.location.path for f in by_id["HG-IMG-008"]] == ["/opt/app/data"], "temp/sticky dirs pass"
    assert [f.message for f in by_id["HG-IMG-009"]] == ["/var/lib/apt/lists holds 12 file(s), 40.0 MiB"]
    assert "HG-IMG-010" in by_id, "sudo found by its path"
    assert by_id["HG-IMG-011"][0].message == "port 22 is exposed"


def test_options_select_and_override() -> None:
    config = _built()
    options = LintOptions(exclude=frozenset({"CIS-DI-0006"}), severity_overrides={"4.1": Severity.CRITICAL})
    found = check_image(ImageFacts(config), options)
    assert _ids(found) == {"HG-IMG-001"}, "the healthcheck check is excluded by its Dockle id"
    assert found[0].effective_severity is Severity.CRITICAL, "overridden through the CIS id mapping"
