"""Options every image command takes, and opening the target with them."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hullguard.cli._common import source_options, stderr

if TYPE_CHECKING:
    from hullguard.image import Image, RootfsTarget

__all__ = ["ImageArg", "ImageOpt", "InsecureOpt", "PlatformOpt", "QuietOpt", "open_for_cli"]

ImageArg = Annotated[
    str,
    typer.Argument(
        metavar="IMAGE",
        help=(
            "docker-archive:FILE, oci-layout:DIR[:tag], docker:NAME, podman:NAME, rootfs:DIR, "
            "or host/repo:tag"
        ),
    ),
]
PlatformOpt = Annotated[
    str | None, typer.Option("--platform", help="os/arch\\[/variant] to pick from a multi-arch image")
]
ImageOpt = Annotated[
    str | None, typer.Option("--image", help="which image of a multi-image docker-archive (tag, id or index)")
]
InsecureOpt = Annotated[
    bool, typer.Option("--insecure", help="allow plain HTTP and self-signed TLS for non-loopback registries")
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="no progress bars or notes on stderr")]


def open_for_cli(
    reference: str,
    *,
    platform: str | None,
    image: str | None,
    insecure: bool,
    quiet: bool,
    decryption_keys: Sequence[Path] = (),
) -> Image | RootfsTarget:
    """Open the target and tell the user how an unprefixed reference was resolved.

    With ``decryption_keys``, encrypted layers are decrypted while they stream (ocicrypt).
    """
    options = source_options(platform=platform, image=image, insecure=insecure)
    if decryption_keys:
        from hullguard.crypt import load_private_key  # noqa: PLC0415

        options = dataclasses.replace(
            options, decryption_keys=tuple(load_private_key(p) for p in decryption_keys)
        )
    from hullguard.image import open_target  # noqa: PLC0415 - image sources load only when used

    target = open_target(reference, options)
    if not quiet:
        for note in target.notes:
            stderr.print(f"[dim]{note}[/]", markup=True, soft_wrap=True)
    return target
