"""How the layer pass reports progress; the CLI draws bars, the library only calls back."""

from __future__ import annotations

from typing import Protocol

__all__ = ["LayerProgress", "NoProgress"]


class LayerProgress(Protocol):
    """Receives progress of the layer pass; implementations must be cheap."""

    def begin(self, description: str, total: int | None) -> None:
        """A layer starts; ``total`` is its stored size in bytes when known."""
        ...

    def advance(self, nbytes: int) -> None:
        """``nbytes`` more stored bytes were read."""
        ...

    def end(self) -> None:
        """The current layer is done."""
        ...


class NoProgress:
    """Progress that goes nowhere (library default, tests, ``--quiet``)."""

    def begin(self, description: str, total: int | None) -> None:
        """Ignore."""

    def advance(self, nbytes: int) -> None:
        """Ignore."""

    def end(self) -> None:
        """Ignore."""
