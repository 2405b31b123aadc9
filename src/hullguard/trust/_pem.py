"""PEM armour: find the one block of a key file, and write one.

Python's ``cryptography`` reads the standard labels itself, but the cosign formats use labels it
does not know (``ENCRYPTED COSIGN PRIVATE KEY``), so we split the armour ourselves and check the
label before deciding how to read the body (RFC 7468 "textual encoding").
"""

from __future__ import annotations

import base64
import binascii
import re
import textwrap
from dataclasses import dataclass

from hullguard.trust._errors import KeyFileError

__all__ = ["PemBlock", "armour", "read_pem_block"]

_BLOCK = re.compile(
    rb"-----BEGIN (?P<label>[A-Z0-9 ]+)-----\r?\n(?P<body>.*?)-----END (?P=label)-----", re.DOTALL
)
_HEADERS = re.compile(rb"^[A-Za-z-]+:.*$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class PemBlock:
    """The label and decoded body of a PEM block."""

    label: str
    body: bytes
    has_headers: bool
    """True for legacy OpenSSL-encrypted PEM (``Proc-Type``/``DEK-Info`` headers)."""


def read_pem_block(data: bytes, *, where: str) -> PemBlock:
    """The first PEM block of ``data``; a file without one is a :class:`KeyFileError`."""
    found = _BLOCK.search(data)
    if found is None:
        raise KeyFileError(f"{where}: not a PEM key file (no -----BEGIN ...----- block)")
    raw = found["body"]
    has_headers = _HEADERS.search(raw) is not None
    text = b"".join(line for line in raw.split() if b":" not in line)
    try:
        body = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise KeyFileError(f"{where}: the PEM block is not valid base64") from exc
    return PemBlock(found["label"].decode("ascii"), body, has_headers)


def armour(label: str, body: bytes) -> bytes:
    """``body`` as a PEM block with 64-character lines, ending with a newline."""
    encoded = base64.b64encode(body).decode("ascii")
    lines = "\n".join(textwrap.wrap(encoded, 64))
    return f"-----BEGIN {label}-----\n{lines}\n-----END {label}-----\n".encode("ascii")
