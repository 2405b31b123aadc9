"""``hullguard sign --gpg-key``: containers "simple signing" into a lookaside, as skopeo --sign-by does.

Kept apart from the cosign path of :mod:`hullguard.cli.trust`: the signature is made by the
``gpg`` program with the user's keyring and stored in files, not in the registry.
"""

from __future__ import annotations

from pathlib import Path

from hullguard.errors import ConfigError
from hullguard.image._reference import Reference
from hullguard.image._registry_client import RegistryClient

__all__ = ["sign_with_gpg"]


def _lookaside_base(reference: str, lookaside: Path | None, registries_d: Path) -> str:
    """A ``file://`` URL: the directory given, else the registries.d staging entry for the image."""
    from hullguard.trust.lookaside import lookaside_staging_for  # noqa: PLC0415

    if lookaside is not None:
        lookaside.mkdir(parents=True, exist_ok=True)
        return f"file://{lookaside.resolve()}"
    base = lookaside_staging_for(reference, registries_d)
    if base is None:
        raise ConfigError(
            f"no lookaside configured for {reference} in {registries_d}",
            hint="pass --lookaside DIR, or add lookaside-staging to a registries.d file",
        )
    return base


def sign_with_gpg(
    client: RegistryClient,
    ref: Reference,
    fingerprint: str,
    *,
    lookaside: Path | None,
    registries_d: Path,
    gnupg_home: Path | None,
    passphrase: str | None,
) -> tuple[str, Path]:
    """Sign the manifest ``ref`` names (resolved to its digest); return the digest and the file written."""
    from hullguard.trust.lookaside import write_lookaside  # noqa: PLC0415
    from hullguard.trust.simple_signing import sign_simple  # noqa: PLC0415

    digest = client.get_manifest(ref).digest
    # c/image signs the destination reference as written (with its tag), or the digest when
    # there is no tag; verification later matches it with matchRepoDigestOrExact.
    signed_reference = str(ref) if ref.tag else str(ref.with_digest(digest))
    signature = sign_simple(
        digest, signed_reference, fingerprint, gnupg_home=gnupg_home, passphrase=passphrase
    )
    base = _lookaside_base(str(ref), lookaside, registries_d)
    return digest, write_lookaside(base, signed_reference, digest, signature)
