"""Servers whose official images start as root and drop privileges themselves.

Such an entrypoint (nginx's master process, the postgres/redis/mysql ``docker-entrypoint.sh``
that chowns the data directory and re-executes itself with ``gosu``) fails when started as a
non-root user, so for them we keep uid 0 and give back only the capabilities that the drop needs.
Facts come from each project's documentation and official image entrypoints.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = ["SERVERS", "ServerProfile", "match_server"]

_CHOWN = "the entrypoint chowns its data/cache directories to the service user before dropping root"
_SETID = "needed to switch from root to the service user (setuid/setgid)"


@dataclass(frozen=True, slots=True)
class ServerProfile:
    """A known privilege-dropping server: how to recognise it and what it needs."""

    id: str
    commands: frozenset[str]
    """Executable base names in ENTRYPOINT/CMD that identify it."""
    packages: frozenset[str]
    """OS packages that install it (confirm a match on a generic entrypoint)."""
    capabilities: Mapping[str, str]
    """Capabilities to add back after ``--cap-drop ALL``, each with its reason."""
    writable: tuple[str, ...]
    """Runtime directories it writes (pid files, sockets, caches, temp bodies)."""


def _profile(
    id: str, commands: set[str], packages: set[str], caps: dict[str, str], writable: tuple[str, ...]
) -> ServerProfile:
    return ServerProfile(id, frozenset(commands), frozenset(packages), MappingProxyType(caps), writable)


SERVERS: tuple[ServerProfile, ...] = (
    _profile(
        "nginx",
        {"nginx"},
        {"nginx", "nginx-core", "nginx-light", "nginx-full", "nginx-extras"},
        {"CHOWN": _CHOWN, "SETUID": _SETID, "SETGID": _SETID},
        ("/var/cache/nginx", "/var/lib/nginx", "/var/log/nginx", "/run"),
    ),
    _profile(
        "apache-httpd",
        {"httpd", "httpd-foreground", "apache2", "apache2ctl", "apache2-foreground"},
        {"apache2", "apache2-bin", "httpd"},
        {"SETUID": _SETID, "SETGID": _SETID},
        ("/usr/local/apache2/logs", "/var/run/apache2", "/var/lock/apache2", "/var/log/apache2", "/run"),
    ),
    _profile(
        "postgres",
        {"postgres", "postmaster"},
        {"postgresql", "postgresql-common", "postgresql-client-common"},
        {
            "CHOWN": _CHOWN,
            "FOWNER": "the entrypoint chmods PGDATA (0700) while still root",
            "SETUID": _SETID,
            "SETGID": _SETID,
        },
        ("/var/run/postgresql", "/run"),
    ),
    _profile(
        "redis",
        {"redis-server"},
        {"redis-server", "redis"},
        {"CHOWN": _CHOWN, "SETUID": _SETID, "SETGID": _SETID},
        ("/run",),
    ),
    _profile(
        "mysql",
        {"mysqld", "mariadbd"},
        {"mysql-server", "mariadb-server", "mysql-community-server"},
        {"CHOWN": _CHOWN, "SETUID": _SETID, "SETGID": _SETID},
        ("/var/run/mysqld", "/run/mysqld", "/run"),
    ),
)
"""The known servers, in a fixed order (the first match wins)."""


def match_server(argv: tuple[str, ...], packages: frozenset[str]) -> ServerProfile | None:
    """The server run by ``argv``: one of its commands appears as an argument's base name.

    ``docker-entrypoint.sh postgres`` matches postgres through its second argument; a bare
    ``docker-entrypoint.sh`` matches only when a profile's package is installed.
    """
    names = {arg.rstrip("/").rpartition("/")[2] for arg in argv}
    for profile in SERVERS:
        if names & profile.commands:
            return profile
    if any(name.startswith("docker-entrypoint") for name in names):
        for profile in SERVERS:
            if packages & profile.packages:
                return profile
    return None
