"""Real servers for the registry tests: distribution's ``docker-registry`` run as a process, a
token server issuing signed JWTs, and a fake registry for answers no real one would give.

All of them listen on 127.0.0.1 only and stop when their ``with`` block ends.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import ipaddress
import json
import secrets
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import yaml

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import rsa

AUTH_USER = "hullguard"
AUTH_PASSWORD = "hullguard-test-password"
REFRESH_TOKEN = "hullguard-refresh-token"
TOKEN_SERVICE = "hullguard-test-registry"
TOKEN_ISSUER = "hullguard-test-issuer"


def require_tool(name: str) -> str:
    """The path of a tool the tests need; its absence fails the run (CI installs it)."""
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is required for the registry tests (apt-get install {name})", pytrace=False)
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def digest_of(data: bytes) -> str:
    """``sha256:<hex>`` of ``data``, computed here independently of the code under test."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


# -- registries ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RunningRegistry:
    """A registry on 127.0.0.1; ``storage`` is known only for registries this session started."""

    address: str
    storage: Path | None = None
    user: str = ""
    password: str = ""

    def skopeo_creds(self) -> list[str]:
        """``--dest-creds`` for skopeo when the registry wants a login."""
        return [f"--dest-creds={self.user}:{self.password}"] if self.user else []


@contextmanager
def serve_registry(
    workdir: Path, *, auth: Mapping[str, object] | None = None, tls: Mapping[str, str] | None = None
) -> Iterator[RunningRegistry]:
    """Run ``docker-registry serve`` with storage under ``workdir`` until the block ends."""
    binary = require_tool("docker-registry")
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    storage = workdir / "data"
    http: dict[str, object] = {"addr": f"127.0.0.1:{port}"}
    if tls is not None:
        http["tls"] = dict(tls)
    config: dict[str, object] = {
        "version": 0.1,
        "log": {"level": "warn"},
        "storage": {"filesystem": {"rootdirectory": str(storage)}, "delete": {"enabled": True}},
        "http": http,
    }
    if auth is not None:
        config["auth"] = dict(auth)
    (workdir / "config.yml").write_text(yaml.safe_dump(config))
    log = (workdir / "registry.log").open("wb")
    process = subprocess.Popen([binary, "serve", str(workdir / "config.yml")], stdout=log, stderr=log)
    try:
        _wait_for_registry(f"127.0.0.1:{port}", process, workdir / "registry.log")
        yield RunningRegistry(f"127.0.0.1:{port}", storage)
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def _wait_for_registry(address: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Poll ``/v2/`` (plain or TLS) until it answers; fail with the log if it never does."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        for scheme in ("http", "https"):
            try:
                httpx.get(f"{scheme}://{address}/v2/", verify=False, timeout=1)
                return
            except httpx.HTTPError:
                pass
        time.sleep(0.05)
    pytest.fail(f"docker-registry on {address} did not start:\n{log.read_text()}", pytrace=False)


# -- certificates and the token server -----------------------------------------------------


@dataclass(frozen=True)
class KeyPair:
    """An RSA key and its self-signed certificate, also written as PEM files."""

    key: rsa.RSAPrivateKey
    cert_der: bytes
    key_path: Path
    cert_path: Path

    def sign(self, data: bytes) -> bytes:
        """RS256: RSASSA-PKCS1-v1_5 over SHA-256 (RFC 7518), which distribution verifies."""
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        return self.key.sign(data, padding.PKCS1v15(), hashes.SHA256())


def make_key_pair(directory: Path, name: str, *, ip: str | None = None) -> KeyPair:
    """A fresh self-signed CA certificate; with ``ip`` it also serves TLS for that address.

    ``cryptography`` is imported here, not at module level, so that only the tests needing
    keys fail (never skip) when it is missing, not every test of the package.
    """
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
        from cryptography.x509.oid import NameOID
    except ImportError:
        pytest.fail("the registry tests need the cryptography package (a test dependency)", pytrace=False)
    directory.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
    )
    if ip is not None:
        san = x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(ip))])
        builder = builder.add_extension(san, critical=False)
    cert = builder.sign(key, hashes.SHA256())
    key_path, cert_path = directory / f"{name}.key", directory / f"{name}.crt"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return KeyPair(key, cert.public_bytes(serialization.Encoding.DER), key_path, cert_path)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class TokenServer:
    """Issues registry JWTs (RS256, ``x5c`` header) as distribution's token spec describes.

    Valid Basic credentials, or the refresh token in an OAuth2 POST, get the actions they ask
    for; anonymous requests get a token that grants nothing. ``requests`` records each request.
    """

    keys: KeyPair
    requests: list[tuple[str, str, str]] = field(default_factory=list)
    """(method, scope, who) per token request; who is a user name, ``refresh`` or ``anonymous``."""

    def issue(self, who: str, scopes: list[str]) -> str:
        now = int(time.time())
        access = []
        for scope in scopes:
            kind, _, rest = scope.partition(":")
            name, _, actions = rest.rpartition(":")
            if who != "anonymous":
                access.append({"type": kind, "name": name, "actions": actions.split(",")})
        header = {"typ": "JWT", "alg": "RS256", "x5c": [base64.b64encode(self.keys.cert_der).decode()]}
        claims = {
            "iss": TOKEN_ISSUER,
            "sub": who,
            "aud": TOKEN_SERVICE,
            "exp": now + 300,
            "nbf": now - 10,
            "iat": now,
            "jti": secrets.token_hex(8),
            "access": access,
        }
        signing_input = f"{_b64url(json.dumps(header).encode())}.{_b64url(json.dumps(claims).encode())}"
        signature = self.keys.sign(signing_input.encode())
        return f"{signing_input}.{_b64url(signature)}"

    def answer(self, method: str, query: dict[str, list[str]], authorization: str) -> tuple[int, bytes]:
        who = "anonymous"
        if method == "POST":
            if query.get("grant_type") != ["refresh_token"] or query.get("refresh_token") != [REFRESH_TOKEN]:
                return 401, b'{"error": "invalid_grant"}'
            who = "refresh"
        elif authorization.startswith("Basic "):
            user, _, password = base64.b64decode(authorization[6:]).decode().partition(":")
            if (user, password) != (AUTH_USER, AUTH_PASSWORD):
                return 401, b'{"details": "bad credentials"}'
            who = user
        scopes = query.get("scope", [])
        self.requests.append((method, " ".join(scopes), who))
        token = self.issue(who, scopes)
        return 200, json.dumps({"token": token, "access_token": token, "expires_in": 300}).encode()


def token_handler(server: TokenServer) -> type[BaseHTTPRequestHandler]:
    """Request handler for ``/token``: GET with optional Basic auth, POST for OAuth2 refresh."""

    class Handler(BaseHTTPRequestHandler):
        def _reply(self, query: dict[str, list[str]]) -> None:
            status, body = server.answer(self.command, query, self.headers.get("Authorization", ""))
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            self._reply(parse_qs(urlsplit(self.path).query))

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            self._reply(parse_qs(self.rfile.read(length).decode()))

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: pytest shows failures, not every request."""

    return Handler


class _QuietServer(ThreadingHTTPServer):
    """Clients that hang up early (a refused oversized body) are expected, not worth a traceback."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """Say nothing: the test asserts on what the client saw."""


@contextmanager
def serve_http(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """A threaded HTTP server on 127.0.0.1 for the duration of the block; yields ``host:port``."""
    httpd = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@dataclass(frozen=True)
class TokenRegistry:
    """A registry that wants bearer tokens, and the token server that issues them."""

    registry: RunningRegistry
    tokens: TokenServer


@dataclass(frozen=True)
class TlsRegistry:
    """A registry serving HTTPS with a certificate no system trust store knows."""

    registry: RunningRegistry
    keys: KeyPair


# -- a fake registry for answers a real one would never give -------------------------------


@dataclass
class FakeRegistry:
    """A real HTTP server on 127.0.0.1 that answers ``/v2/`` paths from a table the test fills."""

    address: str = ""
    routes: dict[str, tuple[int, dict[str, str], bytes]] = field(default_factory=dict)
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    """(method, path, headers) of every request, in order."""

    def add(
        self, path: str, body: bytes, *, status: int = 200, headers: dict[str, str] | None = None
    ) -> None:
        self.routes[path] = (status, headers or {}, body)

    def add_manifest(self, name: str, data: bytes, media_type: str, *, claimed: str | None = None) -> str:
        """Serve ``data`` as manifest ``name`` (``repo:tag`` or ``repo@digest``); returns its digest."""
        repo, _, selector = name.partition("@") if "@" in name else name.partition(":")
        digest = digest_of(data)
        headers = {"Content-Type": media_type, "Docker-Content-Digest": claimed or digest}
        self.add(f"/v2/{repo}/manifests/{selector}", data, headers=headers)
        self.add(f"/v2/{repo}/manifests/{digest}", data, headers=headers)
        return digest

    def add_blob(self, repo: str, data: bytes) -> str:
        """Serve ``data`` as a blob of ``repo``; returns its digest."""
        digest = digest_of(data)
        self.add(f"/v2/{repo}/blobs/{digest}", data, headers={"Content-Type": "application/octet-stream"})
        return digest


def fake_handler(fake: FakeRegistry) -> type[BaseHTTPRequestHandler]:
    """Request handler answering from ``fake.routes`` (``/v2/`` answers 200 unless overridden)."""

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, *, body: bool) -> None:
            path = urlsplit(self.path).path
            fake.requests.append((self.command, self.path, dict(self.headers.items())))
            status, headers, data = fake.routes.get(path, (404, {}, b'{"errors": [{"code": "NOT_FOUND"}]}'))
            if path == "/v2/" and path not in fake.routes:
                status, headers, data = 200, {}, b"{}"
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            if "Content-Length" not in headers and headers.get("X-Omit-Length") != "1":
                self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if body:
                self.wfile.write(data)

        def do_GET(self) -> None:
            self._answer(body=True)

        def do_HEAD(self) -> None:
            self._answer(body=False)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

    return Handler
