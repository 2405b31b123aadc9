"""Building the registry of version schemes and finding the scheme of an OSV ecosystem."""

from __future__ import annotations

from hullguard._registry import Registry, discover
from hullguard.errors import ConfigError
from hullguard.vulndb.versions._base import VersionScheme

__all__ = ["build_version_schemes", "scheme_for"]


def _checked(plugin: object, origin: str) -> VersionScheme:
    """Refuse a plug-in that does not look like a scheme, naming where it came from."""
    if not isinstance(plugin, VersionScheme):
        raise ConfigError(
            f"{origin} lists {plugin!r} in PLUGINS, which is not a version scheme",
            hint="a version scheme has an id, ecosystems and key(version)",
        )
    return plugin


def build_version_schemes() -> Registry[VersionScheme]:
    """All built-in schemes (one module each) plus those of the ``hullguard.version_schemes`` group."""
    found = discover("hullguard.vulndb.versions", "hullguard.version_schemes")
    return Registry.of((_checked(plugin, origin), origin) for plugin, origin in found)


def scheme_for(registry: Registry[VersionScheme], ecosystem: str) -> VersionScheme | None:
    """The scheme ordering versions of an OSV ecosystem such as ``"Debian:12"``, or None.

    OSV ecosystem strings may carry a release after a colon (``Alpine:v3.11``,
    ``Red Hat:enterprise_linux:9``); only the part before the first colon names the ecosystem.
    """
    name = ecosystem.partition(":")[0]
    for scheme in registry:
        if name in scheme.ecosystems:
            return scheme
    return None
