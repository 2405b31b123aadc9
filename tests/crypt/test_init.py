"""The public surface of ``hullguard.crypt`` is what ``__all__`` says."""

from __future__ import annotations

import hullguard.crypt as crypt


def test_all_names_exist_sorted_and_public() -> None:
    assert crypt.__all__ == sorted(crypt.__all__)
    for name in crypt.__all__:
        assert hasattr(crypt, name) and not name.startswith("_")
    assert {"encrypt_image", "decrypt_image", "load_recipient", "load_private_key"} <= set(crypt.__all__)
