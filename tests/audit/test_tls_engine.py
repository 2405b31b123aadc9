"""A TLS-protected TCP daemon, reached through DOCKER_HOST + DOCKER_TLS_VERIFY + DOCKER_CERT_PATH.

The daemon listens on 127.0.0.1:2376 inside its own network namespace, so the CLI runs in that
namespace too (``nsenter -n``). Certificates are made for the test: a CA, a server certificate
for 127.0.0.1 and a client certificate.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from tests.audit.cli import run_cli
from tests.audit.second_daemon import SecondDaemon, can_start
from tests.conftest import require

pytestmark = [pytest.mark.engine, pytest.mark.xdist_group("engine")]


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


Issuer = tuple[x509.Name, ec.EllipticCurvePrivateKey]


def _issue(
    subject: str, key: ec.EllipticCurvePrivateKey, issuer: Issuer, *, ca: bool = False, server: bool = False
) -> x509.Certificate:
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer[0])
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer[1].public_key()), critical=False
        )
    )
    if ca:
        usage = {"key_cert_sign": True, "crl_sign": True, "digital_signature": False}
    else:
        usage = {"key_cert_sign": False, "crl_sign": False, "digital_signature": True}
    builder = builder.add_extension(
        x509.KeyUsage(content_commitment=False, key_encipherment=False, data_encipherment=False,
                      key_agreement=False, encipher_only=False, decipher_only=False, **usage),
        critical=True,
    )  # fmt: skip
    if server:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
    elif not ca:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), False)
    return builder.sign(issuer[1], hashes.SHA256())


def _write(directory: Path, name: str, cert: x509.Certificate, key: ec.EllipticCurvePrivateKey) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{name}.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (directory / f"{name}-key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )


@pytest.fixture(scope="module")
def tls_daemon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SecondDaemon, Path]]:
    """The daemon and the client's DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem)."""
    require(can_start() and shutil.which("nsenter") is not None, "root, dockerd, unshare and nsenter")
    pki = tmp_path_factory.mktemp("pki")
    ca_key, server_key, client_key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
    ca = _issue("hullguard test CA", ca_key, (_name("hullguard test CA"), ca_key), ca=True)
    _write(
        pki / "server",
        "server",
        _issue("127.0.0.1", server_key, (ca.subject, ca_key), server=True),
        server_key,
    )
    _write(pki / "client", "cert", _issue("client", client_key, (ca.subject, ca_key)), client_key)
    for side in ("server", "client"):
        (pki / side / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (pki / "client" / "cert-key.pem").rename(pki / "client" / "key.pem")
    (pki / "server" / "server-key.pem").chmod(0o400)
    config = {
        "tlsverify": True,
        "tlscacert": str(pki / "server" / "ca.pem"),
        "tlscert": str(pki / "server" / "server.pem"),
        "tlskey": str(pki / "server" / "server-key.pem"),
    }
    with SecondDaemon(config, extra_args="-H tcp://127.0.0.1:2376") as daemon:
        daemon.wait_ready()
        yield daemon, pki / "client"


def _in_namespace(daemon: SecondDaemon) -> tuple[str, ...]:
    assert daemon.process is not None
    return ("nsenter", "-t", str(daemon.process.pid), "-n")


def test_tls_verified_tcp_daemon(tls_daemon: tuple[SecondDaemon, Path], tmp_path: Path) -> None:
    daemon, client = tls_daemon
    env = {"DOCKER_HOST": "tcp://127.0.0.1:2376", "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": str(client)}
    checks = [arg for cis in ("2.7", "3.13", "3.14", "2.15") for arg in ("--checks", cis)]
    result = run_cli("audit", "docker", "--host-root", "/", "-f", "json", *checks, cache=tmp_path, env=env,
                     runner=_in_namespace(daemon))  # fmt: skip
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["endpoint"] == "tcp://127.0.0.1:2376"
    statuses = {r["cis_id"]: (r["status"], r["evidence"]) for r in document["results"]}
    assert statuses["2.7"] == ("PASS", "TCP tcp://127.0.0.1:2376 with tlsverify")
    assert statuses["2.15"][0] == "FAIL"  # answered over TLS: docker info reached the daemon
    assert statuses["3.14"][0] == "PASS"  # server key 0400
    assert statuses["3.13"][0] == "PASS"


def test_tcp_daemon_without_client_certificate_is_refused_clearly(
    tls_daemon: tuple[SecondDaemon, Path], tmp_path: Path
) -> None:
    daemon, _ = tls_daemon
    result = run_cli("audit", "docker", "-H", "tcp://127.0.0.1:2376", "-f", "json", "--checks", "2.15",
                     cache=tmp_path, env={"DOCKER_TLS_VERIFY": "", "DOCKER_HOST": ""},
                     runner=_in_namespace(daemon))  # fmt: skip
    assert result.returncode == 3
    assert "cannot reach the Docker engine at tcp://127.0.0.1:2376" in result.stderr
    assert "Traceback" not in result.stderr
    assert json.loads(result.stdout)["results"][0]["status"] == "SKIP"
