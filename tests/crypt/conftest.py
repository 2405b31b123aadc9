"""Keys and images for the encryption tests, made with real tools (openssl) from real material."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import require
from tests.crypt.images import BUSYBOX, MESSAGE, Layout, busybox_tar, text_tar, write_layout
from tests.image.conftest import plain_registry  # noqa: F401 - the shared registry fixture
from tests.image.registry_servers import RunningRegistry


@dataclass(frozen=True)
class KeyPair:
    """A private key file (PKCS#8 PEM) and its public key (PKIX PEM)."""

    private: Path
    public: Path


@dataclass(frozen=True)
class Keys:
    rsa: KeyPair
    ec: KeyPair
    other: KeyPair
    """A key pair no image is encrypted to."""


def _openssl(*args: str) -> None:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.fail("openssl is required for the encryption tests (apt-get install openssl)", pytrace=False)
    subprocess.run([openssl, *args], check=True, capture_output=True)


def make_pair(directory: Path, name: str, algorithm: str) -> KeyPair:
    """``openssl genpkey`` (PKCS#8) and ``openssl pkey -pubout`` (PKIX)."""
    private, public = directory / f"{name}.pem", directory / f"{name}.pub.pem"
    if algorithm == "RSA":
        _openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", str(private))
    else:
        _openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", str(private))
    _openssl("pkey", "-in", str(private), "-pubout", "-out", str(public))
    return KeyPair(private, public)


@pytest.fixture(scope="session")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    directory = tmp_path_factory.mktemp("keys")
    return Keys(
        make_pair(directory, "rsa", "RSA"),
        make_pair(directory, "ec", "EC"),
        make_pair(directory, "other", "EC"),
    )


@pytest.fixture(scope="session")
def busybox_layout(tmp_path_factory: pytest.TempPathFactory) -> Layout:
    """A runnable two-layer image: busybox, then ``/etc/message``; its command prints the message."""
    require(BUSYBOX.is_file(), "Debian's busybox-static (/bin/busybox)")
    return write_layout(
        tmp_path_factory.mktemp("busybox") / "oci",
        "v1",
        [busybox_tar(), text_tar({"etc/message": MESSAGE.encode()})],
    )


@pytest.fixture
def small_layout(tmp_path: Path) -> Layout:
    """Three small layers (gzip, plain tar, gzip) for fast library tests."""
    tars = [text_tar({f"etc/file-{i}": f"content {i}\n".encode() * (i + 1)}) for i in range(2)]
    tars.append(text_tar({"etc/os-release": b'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian 12"\n'}))
    return write_layout(tmp_path / "small", "v1", tars, compress=[True, False, True])


@pytest.fixture(scope="session")
def registry(plain_registry: RunningRegistry) -> Iterator[RunningRegistry]:  # noqa: F811
    """The plain-HTTP registry (CI's, or one started for the session)."""
    yield plain_registry
