"""``hullguard encrypt`` and ``hullguard decrypt``: ocicrypt-compatible image layer encryption."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hullguard.cli._common import BarProgress, run_command, show_progress, source_options, stderr
from hullguard.cli._target import InsecureOpt, PlatformOpt, QuietOpt

if TYPE_CHECKING:
    from hullguard.crypt import CopyResult

__all__ = ["decrypt", "encrypt"]

SourceArg = Annotated[
    str,
    typer.Argument(
        metavar="SRC", help="host/repo:tag, oci-layout:DIR[:tag] or docker-archive:FILE (the image to read)"
    ),
]
DestArg = Annotated[
    str,
    typer.Argument(
        metavar="DST",
        help="host/repo:tag, oci-layout:DIR[:tag] or docker-archive:FILE[:name:tag] (written atomically)",
    ),
]


def _report(result: CopyResult, verb: str, *, quiet: bool) -> None:
    if not quiet:
        for note in result.notes:
            stderr.print(f"[dim]{note}[/]", markup=True, soft_wrap=True)
    layers = ", ".join(str(i) for i in result.changed) or "none"
    digest = f" ({result.written.manifest_digest})" if result.written.manifest_digest else ""
    typer.echo(f"{verb} layers {layers} -> {result.written.reference}{digest}")


def encrypt(
    source: SourceArg,
    destination: DestArg,
    recipient: Annotated[
        list[str],
        typer.Option("--recipient", "-r", help="jwe:PUBLIC_KEY (PEM/DER PKIX, RSA or EC; repeatable)"),
    ],
    layer: Annotated[
        list[int] | None,
        typer.Option(
            "--layer", "-l", help="layer to encrypt: 0-based, negative from the end (repeatable; default all)"
        ),
    ] = None,
    platform: PlatformOpt = None,
    insecure: InsecureOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Encrypt image layers for one or more recipients (ocicrypt format; skopeo/containerd can decrypt).

    Only layer contents are hidden: the config (env, entrypoint, history) stays readable, and
    anyone with a recipient's public key could have made the image: sign it too.

    [bold]Examples[/]

      hullguard encrypt oci-layout:app:1 localhost:5000/team/app:1-enc -r jwe:alice.pub.pem -r jwe:bob.pub.pem
      hullguard encrypt localhost:5000/team/app:1 oci-layout:enc:1 -r jwe:ci.pub.pem --layer -1
    """

    def work() -> None:
        from hullguard.crypt import encrypt_image, load_recipient  # noqa: PLC0415 - jwcrypto loads on use

        recipients = [load_recipient(spec) for spec in recipient]
        options = source_options(platform=platform, image=None, insecure=insecure)
        with BarProgress(enabled=show_progress(quiet)) as progress:
            result = encrypt_image(
                source,
                destination,
                recipients=recipients,
                layers=layer or (),
                options=options,
                progress=progress,
            )
        _report(result, "encrypted", quiet=quiet)

    run_command(work)


def decrypt(
    source: SourceArg,
    destination: DestArg,
    key: Annotated[
        list[Path],
        typer.Option("--key", "-k", help="private key: PKCS#8/PKCS#1/SEC1 PEM or DER, or JWK (repeatable)"),
    ],
    platform: PlatformOpt = None,
    insecure: InsecureOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Decrypt the encrypted layers of an image with a recipient's private key.

    Every layer is checked before anything is written: its HMAC, then its digest against the
    image config's diff_id. Nothing appears at DST unless every layer passes.

    [bold]Examples[/]

      hullguard decrypt localhost:5000/team/app:1-enc oci-layout:plain:1 --key alice.pem
      hullguard decrypt oci-layout:enc:1 docker-archive:app.tar:team/app:1 --key ci.pem
      docker load -i app.tar
    """

    def work() -> None:
        from hullguard.crypt import decrypt_image, load_private_key  # noqa: PLC0415 - jwcrypto loads on use

        keys = [load_private_key(path) for path in key]
        options = source_options(platform=platform, image=None, insecure=insecure)
        with BarProgress(enabled=show_progress(quiet)) as progress:
            result = decrypt_image(source, destination, keys=keys, options=options, progress=progress)
        _report(result, "decrypted", quiet=quiet)

    run_command(work)
