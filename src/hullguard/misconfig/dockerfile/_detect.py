"""Which files are Dockerfiles, by name, as docker/buildx and editors recognise them."""

from __future__ import annotations

from pathlib import PurePath

__all__ = ["is_dockerfile"]

_NAMES = ("dockerfile", "containerfile")


def is_dockerfile(path: str | PurePath) -> bool:
    """``Dockerfile``, ``Containerfile``, ``Dockerfile.<x>``, ``<x>.Dockerfile`` (any case)."""
    name = PurePath(path).name.lower()
    if name in _NAMES:
        return True
    stem, dot, suffix = name.rpartition(".")
    if dot and suffix in _NAMES and stem:
        return True
    head, dot, rest = name.partition(".")
    return bool(dot) and head in _NAMES and bool(rest)
