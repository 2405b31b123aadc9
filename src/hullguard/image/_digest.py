"""Digests and the verifying reader that checks every blob as it streams."""

from __future__ import annotations

import hashlib
import re
from typing import BinaryIO

from hullguard.errors import BadInputError

__all__ = ["DigestMismatchError", "InvalidDigestError", "VerifyingReader", "parse_digest"]

_DIGEST = re.compile(r"^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$")


class InvalidDigestError(BadInputError):
    """A digest string that is not ``sha256:<64 hex>`` or ``sha512:<128 hex>``."""


class DigestMismatchError(BadInputError):
    """A blob's bytes do not hash to the digest that names it."""


def parse_digest(value: str, *, where: str = "") -> str:
    """Return ``value`` if it is a well-formed OCI digest we can verify, else raise.

    Only sha256 and sha512 are accepted (OCI image-spec "Digests": registered algorithms).
    """
    if not isinstance(value, str) or not _DIGEST.match(value):
        place = f" in {where}" if where else ""
        raise InvalidDigestError(f"invalid digest {value!r}{place}", hint="expected sha256:<64 hex digits>")
    return value


class VerifyingReader:
    """Wraps a binary stream; hashes what passes and checks digest and size at EOF.

    Reading past the declared size or ending with a different digest raises
    :class:`DigestMismatchError`, so no caller can use unverified bytes silently: the last
    ``read`` that hits EOF is the one that fails.
    """

    def __init__(self, raw: BinaryIO, digest: str, *, size: int | None = None, what: str = "blob") -> None:
        algo, _, hexval = parse_digest(digest, where=what).partition(":")
        self._raw = raw
        self._hash = hashlib.new(algo)
        self._expected = hexval
        self._digest = digest
        self._size = size
        self._seen = 0
        self._what = what
        self._verified = False

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        data = self._raw.read(n) if n is not None and n >= 0 else self._raw.read()
        self._account(data)
        if not data or (n is None or n < 0):
            self._check()
        return data

    def readinto(self, buffer: bytearray | memoryview) -> int:
        readinto = getattr(self._raw, "readinto", None)
        if not callable(readinto):
            data = self.read(len(buffer))
            buffer[: len(data)] = data
            return len(data)
        n = int(readinto(buffer) or 0)
        self._account(memoryview(buffer)[:n])
        if not n:
            self._check()
        return n

    def _account(self, data: bytes | memoryview) -> None:
        if not data:
            return
        self._seen += len(data)
        self._hash.update(data)
        if self._size is not None and self._seen > self._size:
            raise DigestMismatchError(
                f"{self._what} is larger than its declared size {self._size}",
                hint="the source is corrupt or was tampered with",
            )

    def drain(self) -> None:
        """Read the rest of the stream so the digest can be checked."""
        while self.read(1 << 20):
            pass

    def _check(self) -> None:
        if self._verified:
            return
        if self._size is not None and self._seen != self._size:
            raise DigestMismatchError(
                f"{self._what} {self._digest} is {self._seen} bytes, expected {self._size}",
                hint="the source is truncated or corrupt",
            )
        actual = self._hash.hexdigest()
        if actual != self._expected:
            raise DigestMismatchError(
                f"{self._what} does not match its digest: expected {self._digest}, "
                f"got {self._hash.name}:{actual}",
                hint="the source is corrupt or was tampered with; fetch it again",
            )
        self._verified = True

    @property
    def verified(self) -> bool:
        """True once EOF was reached and the digest matched."""
        return self._verified

    def close(self) -> None:
        self._raw.close()

    def __enter__(self) -> VerifyingReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
