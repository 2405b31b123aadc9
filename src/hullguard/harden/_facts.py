"""What harden knows about an image: its run config, plus facts from its files when we read them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from hullguard.image import ImageConfig

__all__ = ["Account", "ImageFacts", "parse_passwd"]


@dataclass(frozen=True, slots=True)
class Account:
    """One ``/etc/passwd`` line: enough to turn a USER name into numbers for Kubernetes."""

    name: str
    uid: int
    gid: int


@dataclass(frozen=True, slots=True)
class ImageFacts:
    """The image config plus (optionally) its packages, owned paths and accounts.

    ``inspected`` is False when only the config was read (``--config-only`` or a source without
    layers); decisions that need files then say so instead of guessing silently.
    """

    name: str
    config: ImageConfig
    packages: frozenset[str] = frozenset()
    """Installed OS package names (dpkg, apk, rpm)."""
    paths: frozenset[str] = frozenset()
    """Paths the package managers say exist (files and directories)."""
    accounts: Mapping[str, Account] = field(default_factory=lambda: MappingProxyType({}))
    inspected: bool = False

    @property
    def argv(self) -> tuple[str, ...]:
        """ENTRYPOINT followed by CMD, as the engine would run them."""
        run = self.config.config
        return tuple(run.Entrypoint or ()) + tuple(run.Cmd or ())

    def account(self, user: str) -> Account | None:
        """The account named or numbered by ``user`` (the part before any ``:group``)."""
        who = user.partition(":")[0]
        if who in self.accounts:
            return self.accounts[who]
        return next((a for a in self.accounts.values() if str(a.uid) == who), None)


def parse_passwd(data: bytes) -> dict[str, Account]:
    """``name:x:uid:gid:...`` lines (passwd(5)); malformed lines are ignored, not fatal."""
    found: dict[str, Account] = {}
    for line in data.decode("utf-8", "replace").splitlines():
        parts = line.split(":")
        if len(parts) < 4 or not parts[0] or line.startswith("#"):
            continue
        if parts[2].isdigit() and parts[3].isdigit():
            found[parts[0]] = Account(parts[0], int(parts[2]), int(parts[3]))
    return found
