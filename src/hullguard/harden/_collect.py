"""Read what harden needs from an image: its config and, in one layer pass, packages and accounts.

Nothing from the image is executed or extracted: the layer pass hands file bytes to parsers.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType

from hullguard.analyze import (
    Analyzer,
    AnalyzerResult,
    FileInput,
    LayerCache,
    ParserAnalyzer,
    build_analyzers,
    merge_layers,
    scan_layers,
)
from hullguard.harden._facts import Account, ImageFacts, parse_passwd
from hullguard.image import Image, Limits

__all__ = ["PASSWD_ANALYZER", "collect_facts", "facts_from_config"]

_PACKAGE_ANALYZERS = ("apk", "dpkg", "dpkg-files", "rpm")


def _parse_accounts(file: FileInput) -> AnalyzerResult:
    accounts = parse_passwd(file.content)
    return AnalyzerResult(extra=tuple((a.name, f"{a.uid}:{a.gid}") for a in accounts.values()))


PASSWD_ANALYZER = ParserAnalyzer(
    id="harden-passwd",
    version=1,
    parse=_parse_accounts,
    basenames=("passwd",),
    predicate=lambda path: path == "/etc/passwd",
    max_size=4 * 1024 * 1024,
)
"""The accounts of ``/etc/passwd`` as ``(name, "uid:gid")`` facts (USER names -> numbers)."""


def facts_from_config(image: Image) -> ImageFacts:
    """Facts from the config alone (``--config-only``): no layer is read."""
    return ImageFacts(name=_display_name(image), config=image.config)


def _display_name(image: Image) -> str:
    """What ``docker run`` should be given: the first tag, else the name without its source prefix."""
    if image.repo_tags:
        return image.repo_tags[0]
    return image.name.partition(":")[2] if image.source in ("docker", "podman") else image.name


def collect_facts(image: Image, *, limits: Limits, cache: LayerCache | None = None) -> ImageFacts:
    """One layer pass with the package analyzers and the passwd reader, merged (whiteouts applied)."""
    analyzers: Sequence[Analyzer] = [*build_analyzers(_PACKAGE_ANALYZERS), PASSWD_ANALYZER]
    layers = scan_layers(image, analyzers, limits=limits, cache=cache)
    view = merge_layers(layers)
    packages: set[str] = set()
    paths: set[str] = set()
    accounts: dict[str, Account] = {}
    for item in view.visible:
        result = item.file.result
        packages.update(p.name for p in result.packages)
        for package_name, owned in result.owned_files:
            packages.add(package_name)
            paths.update(owned)
        if item.file.analyzer == PASSWD_ANALYZER.id:
            for name, ids in result.extra:
                uid, _, gid = ids.partition(":")
                accounts[name] = Account(name, int(uid), int(gid))
    return ImageFacts(
        name=_display_name(image),
        config=image.config,
        packages=frozenset(packages),
        paths=frozenset(paths),
        accounts=MappingProxyType(accounts),
        inspected=True,
    )
