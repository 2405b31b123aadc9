"""``hullguard key|sign|attest|verify``: cosign-compatible keys, signatures, attestations, policy.

Thin: each command parses, calls :mod:`hullguard.trust`, renders. The library (and httpx) is
imported inside the commands so other commands do not pay for it at start-up. Passphrases come
from ``HULLGUARD_PASSWORD``, the file named by ``HULLGUARD_PASSWORD_FILE`` (first line), or a
hidden prompt — never from a command-line argument, where other users could read it.
"""

from __future__ import annotations

import io
import json
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hullguard.cli._common import run_command, source_options, stderr
from hullguard.cli._target import InsecureOpt, PlatformOpt, QuietOpt
from hullguard.errors import ConfigError

if TYPE_CHECKING:
    from hullguard.image._reference import Reference
    from hullguard.image._registry_client import RegistryClient
    from hullguard.trust import Decision, PrivateKey, PrivateKeyFormat

__all__ = ["attest", "key_app", "register", "sign", "verify"]

EXIT_DENIED = 1
"""``verify`` refused the image (a gate failed); 2 and 3 keep their meaning (bad input, error)."""

key_app = typer.Typer(
    help="Create, import and export signing keys (cosign-compatible).", no_args_is_help=True
)

ImageRef = Annotated[
    str, typer.Argument(metavar="IMAGE", help="registry image: host/repo:tag or repo@sha256:...")
]
ForceOpt = Annotated[bool, typer.Option("--force", help="replace existing files")]
FormatOpt = Annotated[
    str,
    typer.Option(
        "--format",
        help="cosign (N=32768, read by every cosign/skopeo), cosign-2.2 (SIGSTORE label, N=65536), "
        "or pkcs8 (unencrypted)",
    ),
]


# -- passphrases ---------------------------------------------------------------------------


def _passphrase(prompt: str, *, confirm: bool) -> Callable[[], bytes]:
    """A passphrase source: environment, file, or a hidden prompt (asked at most once)."""
    cached: list[bytes] = []

    def read() -> bytes:
        if cached:
            return cached[0]
        if "HULLGUARD_PASSWORD" in os.environ:
            value = os.environ["HULLGUARD_PASSWORD"].encode()
        elif os.environ.get("HULLGUARD_PASSWORD_FILE"):
            path = Path(os.environ["HULLGUARD_PASSWORD_FILE"])
            try:
                first = path.read_bytes().split(b"\n", 1)[0]
            except OSError as exc:
                raise ConfigError(f"HULLGUARD_PASSWORD_FILE {path}: {exc.strerror}") from exc
            value = first.removesuffix(b"\r")
        else:
            typed = typer.prompt(
                prompt, hide_input=True, confirmation_prompt=confirm, default="", show_default=False
            )
            value = str(typed).encode()
        cached.append(value)
        return value

    return read


def _key_format(text: str) -> PrivateKeyFormat:
    from hullguard.trust import PrivateKeyFormat  # noqa: PLC0415

    try:
        return PrivateKeyFormat(text)
    except ValueError:
        choices = ", ".join(f.value for f in PrivateKeyFormat)
        raise ConfigError(f"--format {text!r} is not one of {choices}") from None


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{what} {path}: {exc.strerror}") from exc


def _private_key(path: Path) -> PrivateKey:
    from hullguard.trust import load_private_key  # noqa: PLC0415

    source = _passphrase(f"Passphrase for {path}", confirm=False)
    return load_private_key(_read(path, "key"), passphrase=source, where=str(path))


def _write_pair(key: PrivateKey, output: Path, fmt: PrivateKeyFormat, *, force: bool) -> None:
    from hullguard.trust import PrivateKeyFormat, private_key_pem, public_key_pem, write_key_pair  # noqa: PLC0415

    passphrase = b""
    if fmt is not PrivateKeyFormat.PKCS8:
        passphrase = _passphrase("Passphrase for the new private key", confirm=True)()
    pem = private_key_pem(key, fmt=fmt, passphrase=passphrase)
    key_path, pub_path = write_key_pair(output, pem, public_key_pem(key), overwrite=force)
    stderr.print(f"private key: {key_path}\npublic key:  {pub_path}")


# -- key -----------------------------------------------------------------------------------


@key_app.command("generate")
def key_generate(
    output: Annotated[Path, typer.Option("--output", "-o", help="writes PREFIX.key and PREFIX.pub")],
    format: FormatOpt = "cosign",
    force: ForceOpt = False,
) -> None:
    """Generate an ECDSA P-256 key pair; the private key is encrypted with a passphrase.

    [bold]Examples[/]

      hullguard key generate --output release             (prompts twice for the passphrase)
      HULLGUARD_PASSWORD_FILE=pw.txt hullguard key generate -o ci --format cosign-2.2
    """

    def work() -> None:
        from hullguard.trust import generate_private_key  # noqa: PLC0415

        _write_pair(generate_private_key(), output, _key_format(format), force=force)

    run_command(work)


@key_app.command("import")
def key_import(
    source: Annotated[Path, typer.Argument(help="cosign key, or PEM PRIVATE KEY / EC / RSA private key")],
    output: Annotated[Path, typer.Option("--output", "-o", help="writes PREFIX.key and PREFIX.pub")],
    format: FormatOpt = "cosign",
    force: ForceOpt = False,
) -> None:
    """Convert an existing private key into the cosign encrypted format (and its .pub).

    [bold]Example[/]

      hullguard key import ec-private.pem --output imported
    """

    def work() -> None:
        _write_pair(_private_key(source), output, _key_format(format), force=force)

    run_command(work)


@key_app.command("export-public")
def key_export_public(
    key: Annotated[Path, typer.Argument(help="private key file")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="write here instead of stdout")
    ] = None,
    force: ForceOpt = False,
) -> None:
    """Print the PEM public key of a private key (what `verify --key` takes)."""

    def work() -> None:
        from hullguard.trust import public_key_pem, write_atomic  # noqa: PLC0415

        pem = public_key_pem(_private_key(key))
        if output is None:
            sys.stdout.write(pem.decode("ascii"))
        else:
            write_atomic(output, pem, mode=0o644, overwrite=force)

    run_command(work)


# -- registry plumbing ---------------------------------------------------------------------


def _has_password() -> bool:
    """Whether a passphrase was provided non-interactively (a GPG key may need none)."""
    return "HULLGUARD_PASSWORD" in os.environ or bool(os.environ.get("HULLGUARD_PASSWORD_FILE"))


def _reference(text: str) -> Reference:
    from hullguard.image._reference import parse_reference  # noqa: PLC0415

    for prefix in ("registry:", "docker://"):
        text = text.removeprefix(prefix)
    if text.startswith(("oci-layout:", "oci:", "docker-archive:", "docker:", "podman:", "rootfs:")):
        raise ConfigError(
            f"{text}: signatures live in a registry; give a registry reference",
            hint="push the image first (skopeo copy / docker push), then sign host/repo:tag",
        )
    return parse_reference(text)


def _client(insecure: bool) -> RegistryClient:
    from hullguard.image._credentials import DockerConfigCredentials  # noqa: PLC0415
    from hullguard.image._registry_client import RegistryClient  # noqa: PLC0415

    options = source_options(platform=None, image=None, insecure=insecure)
    credentials = DockerConfigCredentials(options.docker_config) if options.docker_config else None
    return RegistryClient(credentials=credentials, allow_insecure=insecure)


def _annotations(pairs: list[str] | None) -> dict[str, str]:
    result: dict[str, str] = {}
    for pair in pairs or ():
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ConfigError(f"annotation {pair!r} is not key=value")
        result[key] = value
    return result


# -- sign ----------------------------------------------------------------------------------


def sign(
    reference: ImageRef,
    key: Annotated[Path | None, typer.Option("--key", help="private key (cosign format or PEM)")] = None,
    gpg_key: Annotated[
        str | None, typer.Option("--gpg-key", help="GPG key fingerprint: simple signing, as skopeo --sign-by")
    ] = None,
    lookaside: Annotated[
        Path | None, typer.Option("--lookaside", help="directory for GPG signatures (default: registries.d)")
    ] = None,
    registries_d: Annotated[
        Path | None, typer.Option("--registries-d", help="containers registries.d directory")
    ] = None,
    gnupg_home: Annotated[Path | None, typer.Option("--gnupg-home", help="GnuPG home with the key")] = None,
    annotation: Annotated[
        list[str] | None, typer.Option("--annotation", "-a", help="key=value put in the payload's optional")
    ] = None,
    recursive: Annotated[
        bool, typer.Option("--recursive", help="also sign each manifest of an index")
    ] = False,
    insecure: InsecureOpt = False,
) -> None:
    """Sign a registry image the way cosign does: the signature goes to tag sha256-<digest>.sig.

    A tag is resolved to the manifest digest first; that digest is what is signed.

    [bold]Examples[/]

      hullguard sign --key release.key 127.0.0.1:5000/team/app:1.0
      hullguard sign --key release.key -a ci=build-42 --recursive registry.example.com/app:2
      hullguard sign --gpg-key 3F2A...9C --lookaside /srv/sigstore 127.0.0.1:5000/team/app:1.0

    With [bold]--gpg-key[/] the signature is a containers "simple signing" GPG signature stored
    in a lookaside directory, which skopeo, podman and CRI-O accept with a signedBy policy.
    """

    def work() -> None:
        from hullguard.trust import sign_image  # noqa: PLC0415

        ref = _reference(reference)
        if (key is None) == (gpg_key is None):
            raise ConfigError(
                "give exactly one of --key and --gpg-key", hint="hullguard sign --key cosign.key IMAGE"
            )
        if gpg_key is not None:
            from hullguard.cli._trust_gpg import sign_with_gpg  # noqa: PLC0415

            passphrase = (
                _passphrase("GPG key passphrase", confirm=False)().decode() if _has_password() else None
            )
            with _client(insecure) as client:
                digest, written = sign_with_gpg(
                    client,
                    ref,
                    gpg_key,
                    lookaside=lookaside,
                    registries_d=registries_d or _default_registries_d(),
                    gnupg_home=gnupg_home,
                    passphrase=passphrase,
                )
            typer.echo(f"signed: {ref.registry}/{ref.repository}@{digest} -> {written}")
            return
        assert key is not None
        private = _private_key(key)
        with _client(insecure) as client:
            signed = sign_image(
                client, ref, private, annotations=_annotations(annotation), recursive=recursive
            )
        for item in signed:
            state = "signed" if item.added else "already signed"
            typer.echo(f"{state}: {item.image.name}@{item.digest} -> {item.signature_tag}")

    run_command(work)


# -- attest --------------------------------------------------------------------------------


def _generated_predicate(
    kind: str, ref: Reference, digest: str, platform: str | None, insecure: bool
) -> object:
    """Build the sbom/spdx/vuln predicate by analysing the image at exactly ``digest``."""
    from hullguard import __version__  # noqa: PLC0415
    from hullguard.cli._inventory import inventory_for_cli  # noqa: PLC0415
    from hullguard.sbom import build_sbom_writers, find_writer  # noqa: PLC0415

    pinned = f"registry:{ref.with_digest(digest)}"
    started = datetime.now(UTC)
    inventory = inventory_for_cli(
        pinned, platform=platform, image=None, insecure=insecure, quiet=True, use_cache=True
    )
    out = io.StringIO()
    if kind in ("sbom", "cyclonedx", "spdx", "spdxjson"):
        writer = find_writer(
            build_sbom_writers(), "spdx-json" if kind.startswith("spdx") else "cyclonedx-json"
        )
        writer.write(inventory, out, tool_version=__version__)
        return json.loads(out.getvalue())
    from hullguard.cli._common import cache_dir  # noqa: PLC0415
    from hullguard.match import ScanOptions  # noqa: PLC0415
    from hullguard.match._scan import scan_inventory  # noqa: PLC0415
    from hullguard.report import build_report_writers, find_report_writer  # noqa: PLC0415
    from hullguard.trust import vuln_predicate  # noqa: PLC0415
    from hullguard.vulndb import VulnStore, db_path_in  # noqa: PLC0415

    with VulnStore.open_readonly(db_path_in(cache_dir())) as store:
        report = scan_inventory(inventory, store, options=ScanOptions(), target=pinned, now=started)
    find_report_writer(build_report_writers(), "json").write(report, out, tool_version=__version__)
    db_version = (report.database.newest if report.database else None) or "unknown"
    return vuln_predicate(
        json.loads(out.getvalue()),
        scanner_version=__version__,
        db_version=db_version,
        started=started,
        finished=datetime.now(UTC),
    )


def _predicate(kind: str, path: Path | None) -> object | None:
    from hullguard.trust import custom_predicate  # noqa: PLC0415

    if path is None:
        return None
    data = _read(path, "--predicate")
    if kind == "custom":
        return custom_predicate(data.decode("utf-8", "replace"), datetime.now(UTC))
    try:
        parsed: object = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ConfigError(f"--predicate {path}: not JSON ({exc})") from None
    return parsed


def attest(
    reference: ImageRef,
    key: Annotated[Path, typer.Option("--key", help="private key (cosign format or PEM)")],
    type: Annotated[
        str, typer.Option("--type", help="sbom, cyclonedx, spdx, vuln, custom, or a predicate type URI")
    ] = "custom",
    predicate: Annotated[
        Path | None,
        typer.Option("--predicate", help="predicate file (generated for sbom/spdx/vuln if omitted)"),
    ] = None,
    platform: PlatformOpt = None,
    insecure: InsecureOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Attach a signed in-toto attestation (DSSE) to a registry image, as cosign attest does.

    [bold]Examples[/]

      hullguard attest --key release.key --type sbom 127.0.0.1:5000/team/app:1.0
      hullguard attest --key release.key --type vuln 127.0.0.1:5000/team/app:1.0
      hullguard attest --key release.key --type https://example.com/review/v1 --predicate review.json IMAGE
    """

    def work() -> None:
        from hullguard.trust import attest_digest, predicate_type_for  # noqa: PLC0415

        predicate_type = predicate_type_for(type)
        ref = _reference(reference)
        body = _predicate(type.lower(), predicate)
        if body is None and type.lower() not in ("sbom", "cyclonedx", "spdx", "spdxjson", "vuln"):
            raise ConfigError(f"--type {type} needs --predicate FILE")
        private = _private_key(key)
        with _client(insecure) as client:
            digest = client.get_manifest(ref).digest
            if not quiet:
                stderr.print(f"[dim]{ref} is {digest}[/]", markup=True)
            if body is None:
                body = _generated_predicate(type.lower(), ref, digest, platform, insecure)
            done = attest_digest(client, ref, digest, private, predicate_type=predicate_type, predicate=body)
        state = "attested" if done.added else "already attested"
        typer.echo(
            f"{state}: {done.image.name}@{done.digest} ({done.predicate_type}) -> {done.attestation_tag}"
        )

    run_command(work)


# -- verify --------------------------------------------------------------------------------


def _render(decision: Decision, fmt: str) -> None:
    if fmt == "json":
        typer.echo(json.dumps(decision.to_dict(), indent=2))
        return
    verdict = "ALLOWED" if decision.allowed else "DENIED"
    typer.echo(f"{verdict}: {decision.image}" + (f" (rule {decision.rule})" if decision.rule else ""))
    for check in decision.signatures:
        state = "accepted" if check.accepted else "rejected"
        typer.echo(f"  signature {check.layer}: {state}" + (f" by key {check.key}" if check.accepted else ""))
    for att in decision.attestations:
        state = "accepted" if att.accepted else "rejected"
        typer.echo(f"  attestation {att.predicate_type}: {state}")
    for gpg in decision.gpg:
        typer.echo(
            f"  gpg signature: {'accepted by ' + str(gpg.fingerprint) if gpg.accepted else gpg.reason}"
        )
    for reason in decision.reasons:
        typer.echo(f"  - {reason}")


def _default_registries_d() -> Path:
    user = Path.home() / ".config" / "containers" / "registries.d"
    return user if user.is_dir() else Path("/etc/containers/registries.d")


def verify(
    reference: ImageRef,
    key: Annotated[list[Path] | None, typer.Option("--key", help="trusted public key (repeatable)")] = None,
    policy: Annotated[
        Path | None, typer.Option("--policy", help="trust policy YAML (instead of --key)")
    ] = None,
    attestation: Annotated[
        list[str] | None,
        typer.Option("--attestation", help="also require this attestation: sbom, vuln, <URI>"),
    ] = None,
    signed_identity: Annotated[
        str | None,
        typer.Option(
            "--signed-identity", help="accept signatures made for this repository (copies, mirrors)"
        ),
    ] = None,
    gpg_key: Annotated[
        list[Path] | None, typer.Option("--gpg-key", help="exported OpenPGP public key for simple signing")
    ] = None,
    registries_d: Annotated[
        Path | None, typer.Option("--registries-d", help="registries.d naming the GPG lookaside")
    ] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="text or json")] = "text",
    insecure: InsecureOpt = False,
) -> None:
    """Check an image's signatures and attestations; exit 1 when it is denied (for CI gates).

    By default a signature must name the image's own repository (as cosign checks), so a
    signature replayed from another repository is refused; after copying an image elsewhere,
    pass --signed-identity ORIGINAL/REPO (or set signed_identity in the policy).

    [bold]Examples[/]

      hullguard verify --key release.pub 127.0.0.1:5000/team/app:1.0
      hullguard verify --key release.pub --attestation sbom --format json IMAGE
      hullguard verify --policy trust.yaml IMAGE
    """

    def work() -> bool:
        from hullguard.trust import (  # noqa: PLC0415
            AttestationRequirement,
            LookasideGpgVerifier,
            PolicyRule,
            TrustPolicy,
            load_policy,
            load_public_key,
            predicate_type_for,
            verify_with_policy,
        )

        if format not in ("text", "json"):
            raise ConfigError(f"--format {format!r}: use text or json")
        if (policy is None) == (not key and not gpg_key):
            raise ConfigError(
                "give either --key/--gpg-key or --policy", hint="hullguard verify --key cosign.pub IMAGE"
            )
        if policy is not None:
            trust = load_policy(policy)
        else:
            rule = PolicyRule(
                patterns=("*",),
                keys=tuple(load_public_key(_read(p, "--key"), where=str(p)) for p in key or ()),
                gpg_keys=tuple(_read(p, "--gpg-key") for p in gpg_key or ()),
                signed_identity=signed_identity,
                attestations=tuple(
                    AttestationRequirement(name, predicate_type_for(name)) for name in attestation or ()
                ),
                name="command line",
            )
            trust = TrustPolicy((rule,))
        gpg = LookasideGpgVerifier(registries_d or _default_registries_d())
        with _client(insecure) as client:
            decision = verify_with_policy(
                client, _reference(reference), trust, now=datetime.now(UTC), gpg_verifier=gpg
            )
        _render(decision, format)
        return decision.allowed

    if not run_command(work):
        raise typer.Exit(EXIT_DENIED)


def register(app: typer.Typer) -> None:
    """Add ``key``, ``sign``, ``attest`` and ``verify`` to the main application."""
    app.add_typer(key_app, name="key")
    app.command("sign")(sign)
    app.command("attest")(attest)
    app.command("verify")(verify)
