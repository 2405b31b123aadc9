"""Package names as each ecosystem compares them, so that lookups find what the registry would.

An installed ``PyYAML`` and an advisory for ``pyyaml`` are the same project (PEP 503); an
installed ``NetworkManager`` RPM and ``networkmanager`` are not. The rule per ecosystem is a
table, not an if-chain; ecosystems we do not know keep their names exactly, which can miss a
match only for case-insensitive ecosystems added to OSV later (add them here).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from types import MappingProxyType

__all__ = ["ecosystem_base", "normalize_name"]

_PEP503_SEPARATORS = re.compile(r"[-_.]+")


def _pypi(name: str) -> str:
    """PEP 503: runs of ``-``, ``_``, ``.`` are one ``-``, and case does not matter."""
    return _PEP503_SEPARATORS.sub("-", name).lower()


def _crates(name: str) -> str:
    """crates.io refuses a new crate whose name differs from an existing one only in case or in
    ``-`` versus ``_``, so both spellings name one crate."""
    return name.replace("_", "-").lower()


def _lower(name: str) -> str:
    """Registries that compare names case-insensitively (NuGet ids, Composer vendor/package)."""
    return name.lower()


def _exact(name: str) -> str:
    """Case-sensitive ecosystems: RubyGems, npm (legacy mixed-case names are distinct packages),
    Maven ``group:artifact``, Go module paths, OS package names."""
    return name


_RULES: Mapping[str, Callable[[str], str]] = MappingProxyType(
    {
        "PyPI": _pypi,
        "crates.io": _crates,
        "NuGet": _lower,
        "Packagist": _lower,
        "Hex": _lower,
        "Pub": _lower,
        "SwiftURL": _lower,
    }
)
"""Normalisation per ecosystem base; anything else is :func:`_exact`."""


def ecosystem_base(ecosystem: str) -> str:
    """The ecosystem without its release suffix: ``Debian:12`` -> ``Debian``,
    ``Ubuntu:Pro:18.04:LTS`` -> ``Ubuntu``, ``Rocky Linux:8`` -> ``Rocky Linux``."""
    return ecosystem.partition(":")[0].strip()


def normalize_name(ecosystem: str, name: str) -> str:
    """The form of ``name`` under which the database indexes packages of ``ecosystem``.

    ``ecosystem`` may carry a release (``Debian:12``); only its base chooses the rule.
    Surrounding whitespace is never part of a name in any ecosystem.
    """
    rule = _RULES.get(ecosystem_base(ecosystem), _exact)
    return rule(name.strip())
