"""The inventory of whatever the user named, shared by ``sbom`` and ``scan``."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from hullguard.analyze import Analyzer, analyze_target, build_analyzers
from hullguard.cli._common import BarProgress, layer_cache, limits_from_env, show_progress, stderr
from hullguard.cli._target import open_for_cli
from hullguard.errors import SbomError
from hullguard.inventory import Inventory
from hullguard.sbom import read_sbom

__all__ = ["inventory_for_cli", "read_sbom_file"]


def read_sbom_file(path: Path) -> Inventory:
    """An existing CycloneDX or SPDX JSON document as an inventory."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SbomError(f"sbom:{path}: cannot read: {exc.strerror}") from exc
    return read_sbom(data, where=str(path))


def inventory_for_cli(
    reference: str,
    *,
    platform: str | None,
    image: str | None,
    insecure: bool,
    quiet: bool,
    use_cache: bool,
    extra_analyzers: Sequence[Analyzer] = (),
    decryption_keys: Sequence[Path] = (),
) -> Inventory:
    """Open, analyze (with progress bars on a terminal) and report the package count on stderr.

    ``extra_analyzers`` join the built-in ones in the same layer pass (``scan`` adds the secret
    analyzer), so the image is still read once.
    """
    if reference.startswith("sbom:"):
        return read_sbom_file(Path(reference.removeprefix("sbom:")))
    target = open_for_cli(
        reference,
        platform=platform,
        image=image,
        insecure=insecure,
        quiet=quiet,
        decryption_keys=decryption_keys,
    )
    # What was learnt from decrypted layers stays out of the shared layer cache: a later run
    # without the key must not read a confidential image's contents from there.
    use_cache = use_cache and not decryption_keys
    started = time.monotonic()
    try:
        with BarProgress(enabled=show_progress(quiet)) as progress:
            inventory = analyze_target(
                target,
                [*build_analyzers(), *extra_analyzers],
                limits=limits_from_env(),
                cache=layer_cache(enabled=use_cache),
                progress=progress,
            )
    finally:
        close = getattr(target, "close", None)
        if callable(close):
            close()
    if not quiet:
        elapsed = time.monotonic() - started
        count = len(inventory.packages)
        stderr.print(f"[dim]{count} packages in {reference} ({elapsed:.2f}s)[/]", markup=True)
    return inventory
