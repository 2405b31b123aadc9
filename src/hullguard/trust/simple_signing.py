"""Containers "simple signing" with GPG: the signatures skopeo, podman and buildah make with
``--sign-by FINGERPRINT`` and accept with a ``signedBy`` / ``GPGKeys`` policy requirement.

Public API (what ``trust/`` and the CLI call)::

    sign_simple(manifest_digest, docker_reference, fingerprint, *, gnupg_home=None, passphrase=None) -> bytes
    verify_simple(signature, *, accepted_keys, manifest_digest, docker_reference,
                  identity=MatchRepoDigestOrExact()) -> SimpleSignature      # raises SignatureError
    IdentityRule: MatchRepoDigestOrExact | MatchRepository | ExactReference | ExactRepository
                  | RemapIdentity                                            # policy "signedIdentity"
    SignatureError (.reason: RejectionReason), MalformedSignatureError
    build_payload(...), parse_payload(...)                                   # the JSON alone

Lookaside storage (where these signatures live next to a registry) is in
:mod:`hullguard.trust.lookaside`: ``write_lookaside``, ``read_lookaside``, ``lookaside_for``.

Facts followed (containers/image v5.23.1, the library Debian's skopeo 1.9.3 is built with):
``docs/containers-signature.5.md`` and ``signature/simple.go`` for the payload, and its strict
parsing (``signature/internal/json.go``: exact key sets, no duplicate keys, no trailing data,
``optional`` must be an object, ``optional.timestamp`` integral); ``signature/mechanism_gpgme.go``
for the envelope (one OpenPGP signed message, binary, not detached, exactly one signature);
``signature/policy_eval_signedby.go`` for the order of checks (key, then JSON, then digest, then
identity) and ``signature/policy_reference_match.go`` for the identity rules;
``internal/signature/signature.go`` for which first bytes mark a simple-signing blob.

Like c/image, the fingerprint of the key that *made* the signature must be one of the imported
(primary) keys: a signature by a signing subkey is rejected, because skopeo and podman reject it
too and a verdict that differs from theirs would mislead. For the same reason we sign with the
primary key itself (``--local-user FPR!``), never with a subkey gpg would otherwise pick.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from hullguard import __version__
from hullguard.errors import HullguardError
from hullguard.image._digest import InvalidDigestError, parse_digest
from hullguard.image._reference import parse_reference
from hullguard.trust._errors import SignatureFormatError, TrustError
from hullguard.trust._gpg import GpgError, GpgKeyError, GpgRun, ephemeral_home, import_public_keys, run_gpg
from hullguard.trust._json_strict import go_json
from hullguard.trust._payload import ATOMIC_SIGNATURE_TYPE, SimpleSigningPayload
from hullguard.trust._payload import parse_payload as parse_shared_payload

__all__ = [
    "MAX_KEY_SIZE",
    "MAX_SIGNATURE_SIZE",
    "ExactReference",
    "ExactRepository",
    "GpgError",
    "GpgKeyError",
    "IdentityRule",
    "MalformedSignatureError",
    "MatchRepoDigestOrExact",
    "MatchRepository",
    "RejectionReason",
    "RemapIdentity",
    "SignatureError",
    "SimpleSignature",
    "SimpleSigningPayload",
    "build_payload",
    "parse_payload",
    "sign_simple",
    "unwrap_signature_blob",
    "verify_simple",
]

MAX_SIGNATURE_SIZE = 4 * 1024 * 1024
"""c/image's ``iolimits.MaxSignatureBodySize``; also the most gpg may write when unpacking."""

MAX_KEY_SIZE = 1024 * 1024
"""Largest exported public key (ring) we hand to gpg; real ones are a few KiB."""

_SIMPLE_SIGNING_PREFIX = b"\x00simple-signing\n"
"""The newer c/image blob format: NUL, format name, newline, then the OpenPGP message."""

_OPENPGP_FIRST_BYTES = frozenset(b"\xa0\xa1\xa2\xa3\xc8\x90\x91\x92\x3d\xc4\x88\x89\x8a\x8b\xc2")
"""Packet tags c/image accepts as the start of a simple signature: compressed data, one-pass
signature or signature packets, old or new format (``internal/signature/signature.go``)."""

_FINGERPRINT = re.compile(r"^(?:[0-9A-Fa-f]{40}|[0-9A-Fa-f]{64})$")


class RejectionReason(StrEnum):
    """Why a signature was not accepted; stable values a policy can report and match on."""

    MALFORMED = "malformed"
    NO_KEYS = "no-keys"
    KEY_NOT_ACCEPTED = "key-not-accepted"
    BAD_SIGNATURE = "bad-signature"
    KEY_EXPIRED = "key-expired"
    KEY_REVOKED = "key-revoked"
    SIGNATURE_EXPIRED = "signature-expired"
    DIGEST_MISMATCH = "digest-mismatch"
    IDENTITY_MISMATCH = "identity-mismatch"


class SignatureError(TrustError):
    """A simple signature was rejected; :attr:`reason` says which check failed."""

    def __init__(self, message: str, *, reason: RejectionReason, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.reason = reason


class MalformedSignatureError(SignatureError, SignatureFormatError):
    """The signature blob or its JSON payload is not what c/image would accept at all."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message, reason=RejectionReason.MALFORMED, hint=hint)


@dataclass(frozen=True, slots=True)
class SimpleSignature:
    """A verified signature: every field was checked or comes from gpg's verification."""

    docker_manifest_digest: str
    docker_reference: str
    """The identity written in the signature (it matched the policy's identity rule)."""
    key_fingerprint: str
    """Fingerprint (upper-case hex) of the key that signed: one of the accepted primary keys."""
    creator: str | None
    timestamp: int | None
    """``optional.timestamp`` (Unix seconds) as the signer wrote it: informative, not checked."""


# -- payload -------------------------------------------------------------------------------


def build_payload(
    manifest_digest: str, docker_reference: str, *, creator: str | None = None, timestamp: int | None = None
) -> bytes:
    """The JSON c/image writes for GPG signatures: compact, keys sorted, Go's escaping, and an
    ``optional`` object with ``creator`` and ``timestamp`` (``signature/simple.go``)."""
    document: dict[str, object] = {
        "critical": {
            "identity": {"docker-reference": docker_reference},
            "image": {"docker-manifest-digest": manifest_digest},
            "type": ATOMIC_SIGNATURE_TYPE,
        },
        "optional": {
            "creator": creator if creator is not None else f"hullguard {__version__}",
            "timestamp": timestamp if timestamp is not None else int(time.time()),
        },
    }
    return go_json(document)


def parse_payload(data: bytes) -> SimpleSigningPayload:
    """Parse signed content as c/image parses a GPG signature; raise :class:`MalformedSignatureError`.

    The shared strict parser (exact key sets, no duplicate keys, integral timestamp) plus the two
    rules of ``signature/simple.go`` that differ from the cosign flavour: ``optional`` must be an
    object (not null) and ``optional.creator``, when present, a string. The values returned are
    still *claims*: the caller compares them with what it expects.
    """
    try:
        payload = parse_shared_payload(data, expected_type=ATOMIC_SIGNATURE_TYPE)
    except SignatureFormatError as exc:
        raise MalformedSignatureError(exc.message[:300]) from exc
    except RecursionError as exc:  # deeply nested arrays: the shared parser lets this through
        raise MalformedSignatureError("signature payload is not valid JSON: nested too deeply") from exc
    if payload.optional is None:
        raise MalformedSignatureError("signature payload: optional must be a JSON object, not null")
    creator = payload.optional.get("creator")
    if creator is not None and not isinstance(creator, str):
        raise MalformedSignatureError("signature payload: optional.creator is not a string")
    return payload


# -- identity rules (policy "signedIdentity") ----------------------------------------------


@dataclass(frozen=True, slots=True)
class _Named:
    """A normalised Docker reference that, unlike :class:`Reference`, knows it was name-only."""

    name: str
    tag: str | None
    digest: str | None

    @property
    def name_only(self) -> bool:
        return self.tag is None and self.digest is None

    def __str__(self) -> str:
        return self.name + (f":{self.tag}" if self.tag else "") + (f"@{self.digest}" if self.digest else "")


def _named(text: str) -> _Named | None:
    """Parse like c/image's ``reference.ParseNormalizedNamed`` (no implied ``:latest``); None if invalid."""
    try:
        ref = parse_reference(text)
    except HullguardError:
        return None
    rest = text.partition("@")[0]
    has_tag = rest.rfind(":") > rest.rfind("/")
    return _Named(ref.name, ref.tag if has_tag else None, ref.digest)


def _repo_digest_or_exact(intended: _Named, signed: _Named) -> bool:
    """c/image ``matchRepoDigestOrExactReferenceValues``: a tag must match exactly; a digest-only
    reference needs only the repository (the digest itself is checked separately)."""
    if signed.name_only:
        return False
    if intended.tag is not None:
        return str(signed) == str(intended)
    if intended.digest is not None:
        return signed.name == intended.name
    return False


class IdentityRule(Protocol):
    """How the identity in a signature must relate to the image's reference (policy.json
    ``signedIdentity``). ``matches`` gets both as strings and parses them itself."""

    def matches(self, intended: str, signed: str) -> bool:
        """True when a signature claiming ``signed`` is good for the image named ``intended``."""
        ...


@dataclass(frozen=True, slots=True)
class MatchRepoDigestOrExact:
    """The default: same reference if the image is named by tag; same repository if by digest."""

    def matches(self, intended: str, signed: str) -> bool:
        """See the class docstring."""
        a, b = _named(intended), _named(signed)
        return a is not None and b is not None and _repo_digest_or_exact(a, b)


@dataclass(frozen=True, slots=True)
class MatchRepository:
    """Same repository, any tag: for signatures that travel with an image between tags."""

    def matches(self, intended: str, signed: str) -> bool:
        """See the class docstring."""
        a, b = _named(intended), _named(signed)
        return a is not None and b is not None and a.name == b.name


@dataclass(frozen=True, slots=True)
class ExactReference:
    """The signature must name exactly ``docker_reference`` (which has a tag or digest),
    whatever the image is called locally."""

    docker_reference: str

    def matches(self, intended: str, signed: str) -> bool:
        """See the class docstring."""
        a, b = _named(self.docker_reference), _named(signed)
        return a is not None and b is not None and not a.name_only and not b.name_only and str(a) == str(b)


@dataclass(frozen=True, slots=True)
class ExactRepository:
    """The signature must name repository ``docker_repository`` (any tag or digest)."""

    docker_repository: str

    def matches(self, intended: str, signed: str) -> bool:
        """See the class docstring."""
        a, b = _named(self.docker_repository), _named(signed)
        return a is not None and b is not None and a.name == b.name


@dataclass(frozen=True, slots=True)
class RemapIdentity:
    """For mirrors: an image under ``prefix`` is checked as if it were under ``signed_prefix``,
    then like :class:`MatchRepoDigestOrExact`."""

    prefix: str
    signed_prefix: str

    def matches(self, intended: str, signed: str) -> bool:
        """See the class docstring."""
        a, b = _named(intended), _named(signed)
        if a is None or b is None:
            return False
        if a.name == self.prefix or a.name.startswith(self.prefix + "/"):
            a = _named(self.signed_prefix + str(a)[len(self.prefix) :])
        return a is not None and _repo_digest_or_exact(a, b)


# -- signing -------------------------------------------------------------------------------


def _check_fingerprint(fingerprint: str) -> str:
    if not _FINGERPRINT.match(fingerprint):
        raise GpgKeyError(
            f"{fingerprint[:80]!r} is not a GPG key fingerprint",
            hint="give the full 40-hex-digit fingerprint: gpg --list-secret-keys --with-colons (fpr lines)",
        )
    return fingerprint.upper()


def sign_simple(
    manifest_digest: str,
    docker_reference: str,
    fingerprint: str,
    *,
    gnupg_home: Path | None = None,
    passphrase: str | None = None,
) -> bytes:
    """Sign that ``docker_reference`` is the manifest ``manifest_digest``, with GPG key ``fingerprint``.

    Returns the binary OpenPGP signed message c/image stores (``signature-N`` in a lookaside).
    ``gnupg_home`` defaults to gpg's own choice (``$GNUPGHOME``, else ``~/.gnupg``). Without a
    passphrase a protected key fails fast instead of waiting for a pinentry prompt. The reference
    is written normalised with its tag or digest (c/image writes the destination reference).
    """
    try:
        digest = parse_digest(manifest_digest, where="the manifest digest to sign")
    except InvalidDigestError as exc:
        raise MalformedSignatureError(exc.message, hint=exc.hint) from exc
    named = _named(docker_reference)
    if named is None or named.name_only:
        raise MalformedSignatureError(
            f"cannot sign for identity {docker_reference[:200]!r}",
            hint="give a full image reference with a tag or digest, e.g. registry.example/app:1.0",
        )
    fpr = _check_fingerprint(fingerprint)
    args = ["--local-user", f"{fpr}!", "--sign"]
    if passphrase is None:
        args = ["--pinentry-mode", "error", *args]
    run = run_gpg(args, home=gnupg_home, input_data=build_payload(digest, str(named)), passphrase=passphrase)
    created = run.lines("SIG_CREATED")
    if run.returncode != 0 or len(created) != 1 or not run.output:
        problem, hint = _sign_failure(run)
        error = GpgKeyError if run.lines("INV_SGNR") else GpgError
        raise error(f"gpg could not sign with key {fpr}: {problem}", hint=hint)
    return run.output


_SIGN_FAILURES = {
    11: (
        "the passphrase is wrong",
        "give the key's passphrase (HULLGUARD_PASSWORD or HULLGUARD_PASSWORD_FILE)",
    ),
    85: (
        "the key is protected and no passphrase was given",
        "set HULLGUARD_PASSWORD or HULLGUARD_PASSWORD_FILE",
    ),
    17: ("no usable secret key with that fingerprint", "list your signing keys: gpg --list-secret-keys"),
}
"""libgpg-error codes (the low 16 bits of ``FAILURE sign <code>``) worth their own words."""


def _sign_failure(run: GpgRun) -> tuple[str, str]:
    """(what went wrong, what to do) from gpg's status lines, without echoing any input."""
    for line in run.lines("FAILURE"):
        code = int(line.args[1]) & 0xFFFF if len(line.args) >= 2 and line.args[1].isdigit() else -1
        if code in _SIGN_FAILURES:
            return _SIGN_FAILURES[code]
    if run.lines("INV_SGNR"):
        return _SIGN_FAILURES[17]
    return (
        run.stderr_tail or f"gpg exited with {run.returncode}",
        "check the key, its passphrase and GNUPGHOME",
    )


# -- verification --------------------------------------------------------------------------


def unwrap_signature_blob(blob: bytes) -> bytes:
    """The OpenPGP message inside a stored signature (raw, or c/image's ``\\0simple-signing\\n``
    form); anything else, e.g. a sigstore signature or an armored message, is malformed."""
    if len(blob) > MAX_SIGNATURE_SIZE:
        raise MalformedSignatureError(f"signature is larger than {MAX_SIGNATURE_SIZE} bytes")
    if blob.startswith(_SIMPLE_SIGNING_PREFIX):
        blob = blob[len(_SIMPLE_SIGNING_PREFIX) :]
    elif blob.startswith(b"\x00"):
        name = blob[1:].partition(b"\n")[0][:40].decode("ascii", "replace")
        raise MalformedSignatureError(f"not a simple-signing signature (format {name!r})")
    if not blob or blob[0] not in _OPENPGP_FIRST_BYTES:
        raise MalformedSignatureError(
            "not a binary OpenPGP signed message",
            hint="c/image stores `gpg --sign` output (binary, not --armor, not --detach-sign)",
        )
    return blob


def verify_simple(
    signature: bytes,
    *,
    accepted_keys: Sequence[bytes],
    manifest_digest: str,
    docker_reference: str,
    identity: IdentityRule = MatchRepoDigestOrExact(),
) -> SimpleSignature:
    """Accept ``signature`` for the image ``docker_reference`` with manifest ``manifest_digest``,
    or raise :class:`SignatureError` whose ``reason`` names the failed check.

    ``accepted_keys`` are exported public keys (binary or armored); only they are in the
    throw-away keyring gpg verifies against, so no other key of the user is trusted.
    """
    # (0) The blob must be an OpenPGP message c/image would even try.
    message = unwrap_signature_blob(signature)
    with ephemeral_home() as home:
        # (1) Import the accepted keys, and only them, into a fresh keyring.
        for blob in accepted_keys:
            if len(blob) > MAX_KEY_SIZE:
                raise SignatureError(
                    f"a public key is larger than {MAX_KEY_SIZE} bytes", reason=RejectionReason.NO_KEYS
                )
        accepted = import_public_keys(home, accepted_keys)
        if not accepted:
            raise SignatureError(
                "no public keys could be imported",
                reason=RejectionReason.NO_KEYS,
                hint="give exported OpenPGP public keys: gpg --export FINGERPRINT > key.gpg",
            )
        # (2) gpg checks the signature and unpacks the signed content.
        run = run_gpg(
            ["--no-autostart", "--trust-model", "always", "--decrypt"],
            home=home,
            input_data=message,
            max_output=MAX_SIGNATURE_SIZE,
        )
    signer = _check_gpg_verdict(run, accepted)
    # (3) The content must be a payload c/image would parse.
    payload = parse_payload(run.output)
    # (4) It must be about this manifest ...
    if payload.manifest_digest != manifest_digest:
        raise SignatureError(
            f"signature is for manifest {payload.manifest_digest[:80]}, not {manifest_digest}",
            reason=RejectionReason.DIGEST_MISMATCH,
        )
    # (5) ... and about this image name, as the identity rule says.
    if not identity.matches(docker_reference, payload.docker_reference):
        raise SignatureError(
            f"signature for identity {payload.docker_reference[:200]!r} is not accepted"
            f" for {docker_reference}",
            reason=RejectionReason.IDENTITY_MISMATCH,
            hint="the signature was made for another repository or tag",
        )
    creator = (payload.optional or {}).get("creator")
    return SimpleSignature(
        payload.manifest_digest,
        payload.docker_reference,
        signer,
        creator if isinstance(creator, str) else None,
        payload.timestamp,
    )


_KEY_STATE = {
    "BADSIG": (
        RejectionReason.BAD_SIGNATURE,
        "bad signature: the signed content or the signature was altered",
    ),
    "EXPKEYSIG": (RejectionReason.KEY_EXPIRED, "signature by an expired key"),
    "REVKEYSIG": (RejectionReason.KEY_REVOKED, "signature by a revoked key"),
    "EXPSIG": (RejectionReason.SIGNATURE_EXPIRED, "the signature has expired"),
}
"""Status lines that reject a signature although gpg may also print VALIDSIG and exit 0."""


def _check_gpg_verdict(run: GpgRun, accepted: frozenset[str]) -> str:
    """Decide from gpg's status lines (GnuPG ``doc/DETAILS``); return the signing key's fingerprint."""
    if run.lines("ENC_TO") or run.lines("BEGIN_DECRYPTION") or run.lines("DECRYPTION_FAILED"):
        raise MalformedSignatureError("the signature is an encrypted message, not a signed one")
    if len(run.lines("NEWSIG")) != 1:
        count = len(run.lines("NEWSIG"))
        if count == 0:
            raise MalformedSignatureError(
                f"not a valid OpenPGP signed message ({run.stderr_tail or 'no signature'})"
            )
        raise MalformedSignatureError(f"expected exactly one signature in the message, found {count}")
    for keyword, (reason, message) in _KEY_STATE.items():
        lines = run.lines(keyword)
        if lines:
            key = lines[0].args[0] if lines[0].args else "?"
            raise SignatureError(f"{message} (key {key})", reason=reason)
    errsig = run.lines("ERRSIG")
    if errsig:
        args = errsig[0].args
        if len(args) >= 6 and args[5] == "9":
            raise SignatureError(
                f"signed by key {args[0]}, which is not among the accepted keys",
                reason=RejectionReason.KEY_NOT_ACCEPTED,
            )
        raise SignatureError(
            f"gpg cannot check the signature (code {args[5] if len(args) >= 6 else '?'})",
            reason=RejectionReason.BAD_SIGNATURE,
        )
    valid = run.lines("VALIDSIG")
    if run.returncode != 0 or not run.lines("GOODSIG") or len(valid) != 1 or not run.lines("PLAINTEXT"):
        raise MalformedSignatureError(
            f"signature did not verify: {run.stderr_tail or f'gpg exited with {run.returncode}'}"
        )
    if len(run.output) > MAX_SIGNATURE_SIZE:
        raise MalformedSignatureError(f"signed content is larger than {MAX_SIGNATURE_SIZE} bytes")
    fields = valid[0].args
    signer = fields[0].upper()
    primary = fields[9].upper() if len(fields) >= 10 else signer
    if signer not in accepted and primary in accepted:
        raise SignatureError(
            f"signature by subkey {signer} of key {primary} is not accepted: skopeo and podman accept"
            " only signatures made by the primary key",
            reason=RejectionReason.KEY_NOT_ACCEPTED,
            hint="sign with the primary key: gpg --local-user FINGERPRINT! (hullguard does)",
        )
    if signer not in accepted:
        raise SignatureError(
            f"signature by key {signer} is not accepted", reason=RejectionReason.KEY_NOT_ACCEPTED
        )
    return signer
