"""The registry client against real registries (anonymous, htpasswd, bearer token, TLS) and a
fake one for answers no real registry gives."""

from __future__ import annotations

import base64
import io
import json
import ssl
import subprocess
from pathlib import Path

import httpx
import pytest

from hullguard.errors import BadInputError
from hullguard.image._credentials import DockerConfigCredentials
from hullguard.image._digest import DigestMismatchError
from hullguard.image._reference import parse_reference
from hullguard.image._registry_client import (
    MANIFEST_MEDIA_TYPES,
    RegistryClient,
    RegistryNotFoundError,
    UnsupportedManifestError,
)
from hullguard.image._registry_http import RegistryAuthError, RegistryError, RegistryUnreachableError
from tests.image.registry_images import OCI_CONFIG, OCI_INDEX, OCI_MANIFEST, ImageLayout, Pushed, skopeo_push
from tests.image.registry_servers import (
    REFRESH_TOKEN,
    FakeRegistry,
    RunningRegistry,
    TlsRegistry,
    TokenRegistry,
    digest_of,
    free_port,
    require_tool,
)

pytestmark = [pytest.mark.registry, pytest.mark.xdist_group("registry")]


def _docker_config(tmp_path: Path, address: str, entry: dict[str, str]) -> DockerConfigCredentials:
    path = tmp_path / "docker-config.json"
    path.write_text(json.dumps({"auths": {address: entry}}))
    return DockerConfigCredentials(path)


def _login(tmp_path: Path, registry: RunningRegistry, password: str | None = None) -> DockerConfigCredentials:
    pair = f"{registry.user}:{registry.password if password is None else password}"
    return _docker_config(tmp_path, registry.address, {"auth": base64.b64encode(pair.encode()).decode()})


@pytest.fixture(scope="module")
def auth_image(auth_registry: RunningRegistry, image_layout: ImageLayout) -> str:
    """The test image pushed to the htpasswd registry (skopeo logs in with Basic auth)."""
    skopeo_push(image_layout, "single", auth_registry, "hullguard-test/basic:v1")
    return f"{auth_registry.address}/hullguard-test/basic:v1"


@pytest.fixture(scope="module")
def token_image(token_registry: TokenRegistry, image_layout: ImageLayout) -> str:
    """The test image pushed to the bearer-token registry (skopeo gets its tokens from ours)."""
    skopeo_push(image_layout, "single", token_registry.registry, "hullguard-test/bearer:v1")
    return f"{token_registry.registry.address}/hullguard-test/bearer:v1"


# -- anonymous pulls --------------------------------------------------------------------------


def test_manifest_by_tag_and_by_digest(pushed: Pushed) -> None:
    built = pushed.layout.amd64
    with RegistryClient() as client:
        by_tag = client.get_manifest(parse_reference(pushed.ref("single:v1")))
        by_digest = client.get_manifest(parse_reference(f"{pushed.ref('single')}@{built.manifest_digest}"))
    assert by_tag == (built.manifest, OCI_MANIFEST, built.manifest_digest)
    assert by_digest == by_tag


def test_index_comes_back_as_an_index(pushed: Pushed) -> None:
    with RegistryClient() as client:
        fetched = client.get_manifest(parse_reference(pushed.ref("multi:latest")))
    assert (fetched.media_type, fetched.digest) == (OCI_INDEX, pushed.layout.index_digest)


def test_blob_streams_the_stored_bytes(pushed: Pushed) -> None:
    layer = pushed.layout.amd64.layers[1]
    ref = parse_reference(pushed.ref("single:v1"))
    with RegistryClient() as client:
        with client.open_blob(ref, layer.digest, len(layer.blob)) as stream:
            parts = list(iter(lambda: stream.read(7), b""))
        config = client.read_blob(ref, pushed.layout.amd64.config_digest)
    assert b"".join(parts) == layer.blob
    assert config == pushed.layout.amd64.config


def test_blob_exists_and_tags(pushed: Pushed) -> None:
    ref = parse_reference(pushed.ref("single:v1"))
    with RegistryClient() as client:
        assert client.blob_exists(ref, pushed.layout.amd64.layers[0].digest)
        assert not client.blob_exists(ref, digest_of(b"never pushed"))
        assert client.list_tags(ref) == ["v1", "v2"]


@pytest.mark.parametrize("name", ["single:nope", "no-such-repo:v1"])
def test_missing_tag_or_repository_is_not_found(pushed: Pushed, name: str) -> None:
    ref = parse_reference(pushed.ref(name))
    with RegistryClient() as client, pytest.raises(RegistryNotFoundError) as info:
        client.get_manifest(ref)
    assert str(ref) in str(info.value) and info.value.hint


def test_missing_blob_is_not_found(pushed: Pushed) -> None:
    with RegistryClient() as client, pytest.raises(RegistryNotFoundError, match="blob"):
        client.open_blob(parse_reference(pushed.ref("single:v1")), digest_of(b"absent"))


# -- authentication ---------------------------------------------------------------------------


def test_basic_auth_pull(auth_image: str, auth_registry: RunningRegistry, tmp_path: Path) -> None:
    with RegistryClient(credentials=_login(tmp_path, auth_registry)) as client:
        assert client.get_manifest(parse_reference(auth_image)).media_type == OCI_MANIFEST


@pytest.mark.parametrize("password", ["wrong-password", None], ids=["wrong-password", "no-login"])
def test_basic_auth_refused(
    auth_image: str, auth_registry: RunningRegistry, tmp_path: Path, password: str | None
) -> None:
    if password is None:
        credentials = _docker_config(tmp_path, "other.example", {"auth": "eDp5"})
    else:
        credentials = _login(tmp_path, auth_registry, password)
    with RegistryClient(credentials=credentials) as client, pytest.raises(RegistryAuthError) as info:
        client.get_manifest(parse_reference(auth_image))
    assert auth_registry.address in str(info.value)
    assert info.value.hint is not None and str(tmp_path / "docker-config.json") in info.value.hint


def test_bearer_token_pull_reuses_its_token(
    token_image: str, token_registry: TokenRegistry, tmp_path: Path
) -> None:
    ref = parse_reference(token_image)
    now = [1000.0]
    before = len(token_registry.tokens.requests)
    credentials = _login(tmp_path, token_registry.registry)
    with RegistryClient(credentials=credentials, clock=lambda: now[0]) as client:
        client.get_manifest(ref)
        client.get_manifest(ref)
        asked = token_registry.tokens.requests[before:]
        assert asked == [("GET", f"repository:{ref.repository}:pull", token_registry.registry.user)]
        now[0] += 3600
        client.get_manifest(ref)
    assert len(token_registry.tokens.requests) == before + 2


def test_bearer_identity_token_is_exchanged_with_oauth_post(
    token_image: str, token_registry: TokenRegistry, tmp_path: Path
) -> None:
    credentials = _docker_config(tmp_path, token_registry.registry.address, {"identitytoken": REFRESH_TOKEN})
    before = len(token_registry.tokens.requests)
    with RegistryClient(credentials=credentials) as client:
        client.get_manifest(parse_reference(token_image))
    assert [(m, who) for m, _, who in token_registry.tokens.requests[before:]] == [("POST", "refresh")]


def test_bearer_wrong_password_is_refused_by_the_token_server(
    token_image: str, token_registry: TokenRegistry, tmp_path: Path
) -> None:
    credentials = _login(tmp_path, token_registry.registry, "wrong-password")
    with RegistryClient(credentials=credentials) as client, pytest.raises(RegistryAuthError, match="token"):
        client.get_manifest(parse_reference(token_image))


def test_bearer_anonymous_token_without_access_is_an_auth_error(token_image: str) -> None:
    with RegistryClient() as client, pytest.raises(RegistryAuthError) as info:
        client.get_manifest(parse_reference(token_image))
    assert info.value.hint is not None and "anonymous" in info.value.hint


# -- writes -----------------------------------------------------------------------------------


def test_push_with_bearer_token_then_skopeo_reads_it_back(
    token_registry: TokenRegistry, image_layout: ImageLayout, tmp_path: Path
) -> None:
    registry = token_registry.registry
    ref = parse_reference(f"{registry.address}/hullguard-test/written:v1")
    built = image_layout.amd64
    with RegistryClient(credentials=_login(tmp_path, registry)) as client:
        client.upload_blob(ref, built.config, built.config_digest)
        for layer in built.layers:
            client.upload_blob(ref, io.BytesIO(layer.blob), layer.digest, size=len(layer.blob))
        digest = client.put_manifest(ref, built.manifest, OCI_MANIFEST)
        assert client.list_tags(ref) == ["v1"]
    assert digest == built.manifest_digest
    raw = subprocess.run(
        [
            require_tool("skopeo"),
            "inspect",
            "--raw",
            "--tls-verify=false",
            f"--creds={registry.user}:{registry.password}",
            f"docker://{ref}",
        ],
        capture_output=True,
        check=True,
    ).stdout
    assert raw == built.manifest


def test_upload_of_a_stream_without_size_and_of_an_existing_blob(pushed: Pushed) -> None:
    ref = parse_reference(pushed.ref("uploads:v1"))
    data = b"streamed blob " * 1000
    with RegistryClient() as client:
        client.upload_blob(ref, io.BytesIO(data), digest_of(data))
        client.upload_blob(ref, data, digest_of(data))
        with client.open_blob(ref, digest_of(data)) as stream:
            assert stream.read() == data


def test_upload_with_the_wrong_digest_is_refused(pushed: Pushed) -> None:
    ref = parse_reference(pushed.ref("uploads:v1"))
    with RegistryClient() as client, pytest.raises(RegistryError):
        client.upload_blob(ref, b"content", digest_of(b"other content"))


def test_put_manifest_by_digest_checks_the_bytes(pushed: Pushed) -> None:
    ref = parse_reference(f"{pushed.ref('single')}@{digest_of(b'x')}")
    with RegistryClient() as client, pytest.raises(DigestMismatchError):
        client.put_manifest(ref, pushed.layout.amd64.manifest, OCI_MANIFEST)


# -- transport ----------------------------------------------------------------------------------


def test_connection_refused_names_both_schemes_and_hints(plain_registry: RunningRegistry) -> None:
    ref = parse_reference(f"127.0.0.1:{free_port()}/nothing:v1")
    with RegistryClient() as client, pytest.raises(RegistryUnreachableError) as info:
        client.get_manifest(ref)
    assert "https:" in str(info.value) and "http:" in str(info.value)
    assert info.value.hint is not None and "is the registry running" in info.value.hint


class _ResolveToLoopback(httpx.BaseTransport):
    """Sends every request to 127.0.0.1, keeping the URL's host in ``Host``: a DNS seam, so a
    registry can have a name that is not loopback without any traffic leaving the machine."""

    def __init__(self) -> None:
        self._inner = httpx.HTTPTransport(verify=False)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(host="127.0.0.1")
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


def test_plain_http_is_refused_for_other_hosts_unless_insecure(fake_registry: FakeRegistry) -> None:
    port = fake_registry.address.rpartition(":")[2]
    digest = fake_registry.add_manifest("r:v1", b'{"layers": [], "config": {}}', OCI_MANIFEST)
    ref = parse_reference(f"registry.test:{port}/r:v1")
    with RegistryClient(httpx.Client(transport=_ResolveToLoopback())) as client:
        with pytest.raises(RegistryUnreachableError) as info:
            client.get_manifest(ref)
        assert "http:" not in str(info.value).replace("https:", "")
        assert info.value.hint is not None and "--insecure" in info.value.hint
    with RegistryClient(httpx.Client(transport=_ResolveToLoopback()), allow_insecure=True) as client:
        assert client.get_manifest(ref).digest == digest


def test_untrusted_certificate_fails_unless_trusted_or_insecure(tls_registry: TlsRegistry) -> None:
    require_tool("skopeo")
    ref = parse_reference(f"{tls_registry.registry.address}/nothing:v1")
    with RegistryClient() as client, pytest.raises(RegistryUnreachableError) as info:
        client.get_manifest(ref)
    assert "CERTIFICATE_VERIFY_FAILED" in str(info.value)
    with RegistryClient(allow_insecure=True) as client, pytest.raises(RegistryNotFoundError):
        client.get_manifest(ref)
    trusting = httpx.Client(verify=ssl.create_default_context(cafile=str(tls_registry.keys.cert_path)))
    with RegistryClient(trusting) as client, pytest.raises(RegistryNotFoundError):
        client.get_manifest(ref)
    trusting.close()


def test_plain_http_token_realm_elsewhere_is_refused(fake_registry: FakeRegistry) -> None:
    challenge = 'Bearer realm="http://auth.example/token",service="svc"'
    fake_registry.add("/v2/", b"{}", status=401, headers={"WWW-Authenticate": challenge})
    with RegistryClient() as client, pytest.raises(RegistryAuthError, match="plain-HTTP token server"):
        client.get_manifest(parse_reference(f"{fake_registry.address}/r:v1"))


# -- answers a real registry would not give ---------------------------------------------------------


def test_accept_header_asks_for_all_image_manifest_types(fake_registry: FakeRegistry) -> None:
    fake_registry.add_manifest("r:v1", b'{"mediaType": "%s"}' % OCI_MANIFEST.encode(), "application/json")
    with RegistryClient() as client:
        fetched = client.get_manifest(parse_reference(f"{fake_registry.address}/r:v1"))
    assert fetched.media_type == OCI_MANIFEST
    accept = next(h.get("Accept", "") for _, p, h in fake_registry.requests if "/manifests/" in p)
    assert sorted(a.strip() for a in accept.split(",")) == sorted(MANIFEST_MEDIA_TYPES)


def test_manifest_that_does_not_match_the_claimed_digest(fake_registry: FakeRegistry) -> None:
    fake_registry.add_manifest("r:v1", b"{}", OCI_MANIFEST, claimed=digest_of(b"something else"))
    with RegistryClient() as client, pytest.raises(DigestMismatchError, match="Docker-Content-Digest"):
        client.get_manifest(parse_reference(f"{fake_registry.address}/r:v1"))


def test_manifest_that_does_not_match_the_requested_digest(fake_registry: FakeRegistry) -> None:
    wanted = digest_of(b"the real manifest")
    fake_registry.add(f"/v2/r/manifests/{wanted}", b"{}", headers={"Content-Type": OCI_MANIFEST})
    with RegistryClient() as client, pytest.raises(DigestMismatchError, match="requested digest"):
        client.get_manifest(parse_reference(f"{fake_registry.address}/r@{wanted}"))


@pytest.mark.parametrize("omit_length", [False, True], ids=["content-length", "streamed"])
def test_oversized_manifest_is_refused(fake_registry: FakeRegistry, omit_length: bool) -> None:
    headers = {"Content-Type": OCI_MANIFEST, **({"X-Omit-Length": "1"} if omit_length else {})}
    fake_registry.add("/v2/r/manifests/v1", b" " * (4 * 1024 * 1024 + 1), headers=headers)
    with RegistryClient() as client, pytest.raises(BadInputError, match="allowed"):
        client.get_manifest(parse_reference(f"{fake_registry.address}/r:v1"))


@pytest.mark.parametrize(
    "content_type",
    ["application/vnd.docker.distribution.manifest.v1+prettyjws", "application/json"],
)
def test_schema1_manifest_is_unsupported(fake_registry: FakeRegistry, content_type: str) -> None:
    fake_registry.add_manifest("r:v1", b'{"schemaVersion": 1, "fsLayers": []}', content_type)
    with RegistryClient() as client, pytest.raises(UnsupportedManifestError, match="schema 1") as info:
        client.get_manifest(parse_reference(f"{fake_registry.address}/r:v1"))
    assert info.value.hint


def test_blob_with_wrong_bytes_fails_at_the_end_of_the_stream(fake_registry: FakeRegistry) -> None:
    claimed = digest_of(b"the real layer")
    fake_registry.add(f"/v2/r/blobs/{claimed}", b"tampered bytes")
    with RegistryClient() as client:
        stream = client.open_blob(parse_reference(f"{fake_registry.address}/r:v1"), claimed)
        assert stream.read(3) == b"tam"
        with pytest.raises(DigestMismatchError):
            stream.read()
        stream.close()


def test_blob_redirect_is_followed_and_verified(fake_registry: FakeRegistry) -> None:
    data = b"layer bytes behind a redirect"
    fake_registry.add(f"/v2/r/blobs/{digest_of(data)}", b"", status=307, headers={"Location": "/storage/x"})
    fake_registry.add("/storage/x", data)
    ref = parse_reference(f"{fake_registry.address}/r:v1")
    with RegistryClient() as client, client.open_blob(ref, digest_of(data)) as stream:
        assert stream.read() == data


@pytest.mark.parametrize(
    ("status", "body", "needle"),
    [
        (429, b"", "rate-limiting"),
        (500, b'{"errors": [{"code": "UNKNOWN", "message": "disk full"}]}', "disk full"),
        (401, b"", "docker login"),
    ],
    ids=["rate-limited", "server-error", "unauthorized-without-challenge"],
)
def test_error_statuses_become_clear_errors(
    fake_registry: FakeRegistry, status: int, body: bytes, needle: str
) -> None:
    fake_registry.add("/v2/r/manifests/v1", body, status=status)
    with RegistryClient() as client, pytest.raises(RegistryError) as info:
        client.get_manifest(parse_reference(f"{fake_registry.address}/r:v1"))
    assert needle in f"{info.value} {info.value.hint}"


def test_config_blob_larger_than_the_bound_is_refused(fake_registry: FakeRegistry) -> None:
    ref = parse_reference(f"{fake_registry.address}/r:v1")
    data = json.dumps({"mediaType": OCI_CONFIG, "pad": "x" * 2000}).encode()
    digest = fake_registry.add_blob("r", data)
    with RegistryClient(max_manifest_bytes=1000) as client:
        with pytest.raises(BadInputError, match="declares"):
            client.read_blob(ref, digest, len(data))
        with pytest.raises(BadInputError, match="larger"):
            client.read_blob(ref, digest)
