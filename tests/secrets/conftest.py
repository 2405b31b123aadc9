"""Builders for secret tests: fake secrets from their published formats, OCI images from tars."""

from __future__ import annotations

import base64
import io
import random
import string
import tarfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from tests.hostile import oci_layout

ALNUM = string.ascii_letters + string.digits


class Fakes:
    """Valid-looking random tokens (never real credentials), reproducible from a seed."""

    def __init__(self, seed: int) -> None:
        self._r = random.Random(seed)

    def chars(self, n: int, alphabet: str = ALNUM) -> str:
        return "".join(self._r.choice(alphabet) for _ in range(n))

    def b64(self, nbytes: int) -> str:
        return base64.b64encode(self._r.randbytes(nbytes)).decode()

    def pem(self, label: str, nbytes: int = 600) -> str:
        body = self.b64(nbytes)
        lines = "\n".join(body[i : i + 64] for i in range(0, len(body), 64))
        return f"-----BEGIN {label}-----\n{lines}\n-----END {label}-----\n"


def layer_tar(
    files: dict[str, bytes], *, whiteouts: tuple[str, ...] = (), modes: dict[str, int] | None = None
) -> bytes:
    """An uncompressed layer tar with these files (paths without the leading ``/``) and whiteouts."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = (modes or {}).get(name, 0o644)
            tar.addfile(info, io.BytesIO(data))
        for name in whiteouts:
            parent, _, base = name.rpartition("/")
            info = tarfile.TarInfo(f"{parent}/.wh.{base}" if parent else f".wh.{base}")
            tar.addfile(info, io.BytesIO(b""))
    return buf.getvalue()


def oci_image(
    root: Path,
    layers: list[bytes],
    *,
    run_config: Mapping[str, object],
    history: Sequence[Mapping[str, object]],
) -> Path:
    """An OCI layout with gzip layers and this config (``config`` object and ``history``)."""
    return oci_layout(root, layers, run_config=run_config, history=history)
