"""The public surface: exported names, check metadata, Dockerfile detection."""

from __future__ import annotations

import pytest

import hullguard.misconfig.dockerfile as dockerfile
from hullguard.misconfig.dockerfile import CHECKS, is_dockerfile


def test_exports_exist_and_are_sorted() -> None:
    exported = dockerfile.__all__
    assert exported == sorted(exported, key=lambda n: (not n.isupper(), n))
    assert all(hasattr(dockerfile, name) for name in exported)


def test_checks_have_unique_ids_and_full_metadata() -> None:
    ids = [c.id for c in CHECKS]
    assert len(ids) == len(set(ids)) >= 70
    for check in CHECKS:
        assert check.kind == "dockerfile"
        assert check.title and check.description and check.remediation, check.id
        hadolint = check.mapped("hadolint")
        if hadolint:
            assert hadolint.startswith(("DL3", "DL4"))
            assert check.references[0].endswith(hadolint)
    mapped = [c.mapped("hadolint") for c in CHECKS if c.mapped("hadolint")]
    # every hadolint rule that needs no configuration (DL3026 and DL3049-DL3058 do; DL1001 is off)
    assert len(mapped) == len(set(mapped)) >= 55


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Dockerfile", True),
        ("path/to/dockerfile", True),
        ("Containerfile", True),
        ("Dockerfile.dev", True),
        ("api.Dockerfile", True),
        ("web.dockerfile", True),
        ("Dockerfile.", False),
        (".Dockerfile", False),
        ("docker-compose.yml", False),
        ("Dockerfiles", False),
        ("README.md", False),
    ],
)
def test_dockerfile_names(name: str, expected: bool) -> None:
    assert is_dockerfile(name) is expected
