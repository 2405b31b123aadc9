"""The one error tree of hullguard.

Every error the library raises derives from :class:`HullguardError`, so one ``except`` at the
edge (the CLI, the server) catches them all and can show ``hint`` to the user::

    HullguardError
    ├── ConfigError            bad settings or limits
    ├── ImageError             references, sources, manifests, blobs, digests
    │   └── BadInputError      the image itself is malformed or hostile (exit code 2)
    ├── AnalysisError          a layer pass could not complete
    ├── SbomError              an SBOM could not be read or written
    ├── VulnDBError            the vulnerability database: import, update, versions
    └── AuditError             a host, daemon or container audit could not collect its facts

Leaf errors live next to the code that raises them.
"""

from __future__ import annotations

__all__ = [
    "AnalysisError",
    "AuditError",
    "BadInputError",
    "ConfigError",
    "HullguardError",
    "ImageError",
    "SbomError",
    "VulnDBError",
]


class HullguardError(Exception):
    """Root of all hullguard errors; ``hint`` says what the user can do next."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class ConfigError(HullguardError):
    """Settings, limits or command-line values that cannot be used."""


class ImageError(HullguardError):
    """An image could not be found, fetched or read."""


class BadInputError(ImageError):
    """The image content is malformed or hostile: a digest mismatch, a traversal path, a bomb."""


class AnalysisError(HullguardError):
    """A layer pass or an analyzer failed in a way that makes the result unusable."""


class SbomError(HullguardError):
    """An SBOM document could not be parsed or produced."""


class VulnDBError(HullguardError):
    """The vulnerability database could not be read, imported or updated; or a version is invalid."""


class AuditError(HullguardError):
    """An audit could not reach the engine or read what it reports."""
