"""The ``gpg`` command line as a library: sign, import public keys, verify a signed message.

Why the ``gpg`` binary and not a Python OpenPGP stack: the signatures must interoperate with
skopeo/podman, which drive GnuPG themselves (through gpgme), so GnuPG's own answer is the one to
match; and GnuPG has had decades of hardening against hostile packets that no pure-Python
OpenPGP parser here has.

Why subprocess with ``--status-fd`` and not python-gnupg: verification must be decided from
*every* status line (``NEWSIG`` counts, ``EXPKEYSIG``/``REVKEYSIG`` appear *together with*
``VALIDSIG`` and a zero exit code for an expired or revoked key), and the exact arguments matter
for safety (``--no-autostart`` so no agent is spawned for verification, ``--max-output`` against
compression bombs, no keyserver lookups). python-gnupg hides the status lines behind a ``valid``
flag whose meaning has changed between its releases and adds options of its own; 80 lines of our
own keep the decision visible and testable. The status-line grammar is GnuPG's ``doc/DETAILS``.

All data passes through files in a private temporary directory, and status lines come back on
stdout, so one ``communicate()`` call reads everything without a deadlock.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from hullguard.errors import ConfigError
from hullguard.trust._errors import TrustError

__all__ = [
    "GpgError",
    "GpgKeyError",
    "GpgRun",
    "GpgUnavailableError",
    "StatusLine",
    "ephemeral_home",
    "find_gpg",
    "import_public_keys",
    "parse_status",
    "run_gpg",
]

GPG_TIMEOUT = 60.0
"""Seconds one gpg call may take; signing may wait for gpg-agent, nothing else is slow."""

_STDERR_LINES = 3
"""How many of gpg's last stderr lines an error message quotes (never key material: gpg does not
print secrets on stderr, and we never pass a passphrase on the command line)."""


class GpgError(TrustError):
    """gpg ran but could not do what was asked (unknown key, wrong passphrase, bad key file)."""


class GpgKeyError(GpgError, ConfigError):
    """The key named by the user cannot be used: not a fingerprint, or no such secret key."""


class GpgUnavailableError(GpgError):
    """No ``gpg`` binary on PATH."""


@dataclass(frozen=True, slots=True)
class StatusLine:
    """One ``[GNUPG:] KEYWORD args...`` line of gpg's machine-readable status output."""

    keyword: str
    args: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GpgRun:
    """What one gpg invocation returned."""

    returncode: int
    status: tuple[StatusLine, ...]
    output: bytes
    """The content gpg wrote to ``--output`` (empty when it wrote nothing)."""
    stderr_tail: str
    """gpg's last human-readable lines, for error messages."""

    def lines(self, keyword: str) -> list[StatusLine]:
        """All status lines with ``keyword``, in order."""
        return [line for line in self.status if line.keyword == keyword]


def find_gpg() -> str:
    """The path of ``gpg``; its absence is an operational error with an install hint."""
    found = shutil.which("gpg")
    if found is None:
        raise GpgUnavailableError("gpg is not installed", hint="install GnuPG 2 (apt-get install gpg)")
    return found


def parse_status(text: bytes) -> tuple[StatusLine, ...]:
    """Parse ``--status-fd`` output; lines without the ``[GNUPG:]`` prefix are ignored."""
    lines = []
    for raw in text.decode("utf-8", "replace").splitlines():
        if not raw.startswith("[GNUPG:] "):
            continue
        keyword, *args = raw[len("[GNUPG:] ") :].split(" ")
        lines.append(StatusLine(keyword, tuple(args)))
    return tuple(lines)


@contextmanager
def ephemeral_home() -> Iterator[Path]:
    """A fresh, private GNUPGHOME that is deleted afterwards (with any agent it started).

    Verification never starts an agent (``--no-autostart``); the clean-up still stops one if a
    caller signed in this home.
    """
    home = Path(tempfile.mkdtemp(prefix="hg-gpg-"))
    try:
        home.chmod(0o700)
        yield home
    finally:
        _stop_agent(home)
        shutil.rmtree(home, ignore_errors=True)


def _stop_agent(home: Path) -> None:
    """Stop a gpg-agent that a signing call may have started in ``home`` (no-op otherwise)."""
    if not any(home.glob("S.gpg-agent*")):
        return
    gpgconf = shutil.which("gpgconf")
    if gpgconf is not None:
        subprocess.run(
            [gpgconf, "--homedir", str(home), "--kill", "gpg-agent"],
            capture_output=True,
            check=False,
            timeout=GPG_TIMEOUT,
        )


def run_gpg(
    args: Sequence[str],
    *,
    home: Path | None,
    input_data: bytes | None = None,
    passphrase: str | None = None,
    max_output: int = 4 * 1024 * 1024,
) -> GpgRun:
    """Run ``gpg --batch --status-fd 1 [--homedir HOME] ARGS... --output OUT [INPUT]``.

    ``input_data`` is written to a private file given as the last argument; whatever gpg writes
    to ``--output`` comes back in :attr:`GpgRun.output`, at most ``max_output`` bytes (gpg
    stops by itself at ``--max-output``). A passphrase goes through stdin with loopback
    pinentry, never through argv or the environment.
    """
    gpg = find_gpg()
    with tempfile.TemporaryDirectory(prefix="hg-gpgio-") as workdir:
        out = Path(workdir) / "out"
        command = [gpg, "--batch", "--no-tty", "--status-fd", "1"]
        command += ["--no-auto-key-retrieve", "--no-auto-key-locate", "--no-permission-warning"]
        command += ["--max-output", str(max_output)]
        if home is not None:
            command += ["--homedir", str(home)]
        stdin = b""
        if passphrase is not None:
            command += ["--pinentry-mode", "loopback", "--passphrase-fd", "0"]
            stdin = passphrase.encode() + b"\n"
        command += ["--output", str(out), *args]
        if input_data is not None:
            source = Path(workdir) / "in"
            source.write_bytes(input_data)
            command.append(str(source))
        try:
            done = subprocess.run(command, input=stdin, capture_output=True, check=False, timeout=GPG_TIMEOUT)
        except subprocess.TimeoutExpired as exc:
            raise GpgError(f"gpg did not finish within {GPG_TIMEOUT:.0f} s") from exc
        except OSError as exc:
            raise GpgUnavailableError(f"cannot run gpg: {exc.strerror}") from exc
        output = out.read_bytes()[: max_output + 1] if out.is_file() else b""
    tail = [line for line in done.stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    return GpgRun(done.returncode, parse_status(done.stdout), output, "; ".join(tail[-_STDERR_LINES:]))


def import_public_keys(home: Path, blobs: Sequence[bytes]) -> frozenset[str]:
    """Import exported public keys (binary or armored) into ``home``; return their fingerprints.

    Only what gpg reports as ``IMPORT_OK`` counts, as c/image counts only keys gpgme imported
    without error. ``--no-autostart`` keeps secret material out: a blob that holds a secret key
    has its secret part refused (no agent) and only its public part imported.
    """
    fingerprints: set[str] = set()
    for blob in blobs:
        run = run_gpg(
            ["--no-autostart", "--import-options", "import-minimal", "--import"],
            home=home,
            input_data=blob,
        )
        fingerprints.update(line.args[1].upper() for line in run.lines("IMPORT_OK") if len(line.args) >= 2)
    return frozenset(fingerprints)
