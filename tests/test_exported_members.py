"""Each package's public surface is what its ``__all__`` says, and every name in it exists."""

from __future__ import annotations

import importlib

import pytest

PACKAGES = [
    "hullguard",
    "hullguard.analyze",
    "hullguard.image",
    "hullguard.inventory",
    "hullguard.sbom",
    "hullguard.errors",
    "hullguard.vulndb",
    "hullguard.match",
    "hullguard.report",
    "hullguard.audit",
    "hullguard.cli",
    "hullguard.harden",
    "hullguard.secrets",
    "hullguard.crypt",
    "hullguard.trust",
    "hullguard.misconfig",
    "hullguard.misconfig.dockerfile",
    "hullguard.misconfig.kubernetes",
    "hullguard.misconfig.compose",
    "hullguard.misconfig.rego",
    "hullguard.trust.simple_signing",
    "hullguard.trust.lookaside",
]


@pytest.mark.parametrize("name", PACKAGES)
def test_all_names_exist_and_are_public(name: str) -> None:
    module = importlib.import_module(name)
    exported = module.__all__
    assert exported == sorted(exported, key=lambda n: (not n.isupper(), n)) or exported == sorted(exported)
    for item in exported:
        assert hasattr(module, item), f"{name}.{item} is listed in __all__ but missing"
        assert not item.startswith("_") or item.startswith("__")


def test_analyze_exports_the_layer_pass() -> None:
    import hullguard.analyze as analyze

    assert {"analyze_target", "build_analyzers", "Analyzer", "ParserAnalyzer", "merge_layers"} <= set(
        analyze.__all__
    )
