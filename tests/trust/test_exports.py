"""``hullguard.trust``'s public surface is its ``__all__``, sorted, and every name exists."""

from __future__ import annotations

import hullguard.trust as trust


def test_all_names_exist_are_public_and_sorted() -> None:
    exported = trust.__all__
    assert exported == sorted(exported, key=lambda n: (not n.isupper(), n))
    for name in exported:
        assert hasattr(trust, name), name
        assert not name.startswith("_")


def test_the_admission_controller_entry_points_are_public() -> None:
    assert {
        "load_policy",
        "parse_policy",
        "evaluate",
        "verify_with_policy",
        "Decision",
        "TrustPolicy",
    } <= set(trust.__all__)
