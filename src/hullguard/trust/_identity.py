"""Signed identities: what a signature says the image is, and whether we accept that.

cosign writes the repository only (``127.0.0.1:5000/app``; Docker Hub as
``index.docker.io/library/alpine``); c/image writes the full reference with its tag. Both are
compared here by repository, after Docker's normalisation (``index.docker.io`` = ``docker.io``),
the rule ``cosign verify`` applies and c/image's ``matchRepository``.
"""

from __future__ import annotations

from hullguard.image._reference import InvalidReferenceError, Reference, parse_reference

__all__ = ["cosign_identity", "repository_of"]


def cosign_identity(ref: Reference) -> str:
    """The ``docker-reference`` cosign writes for ``ref``: registry/repository, no tag."""
    registry = "index.docker.io" if ref.is_docker_hub else ref.registry
    return f"{registry}/{ref.repository}"


def repository_of(text: str) -> str | None:
    """``registry/repository`` of a signed identity or a user-given repository; None if unparsable."""
    try:
        return parse_reference(text).name
    except InvalidReferenceError:
        return None
