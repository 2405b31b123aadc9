"""A small OCI distribution client: pull manifests and blobs, and the few writes signing needs.

Every byte that comes back is checked: manifests against the digest we asked for (or the
``Docker-Content-Digest`` the registry claims), blobs against their digest as they stream, and
manifests and configs are refused above a size bound (the distribution spec expects registries
to accept manifests of at least 4 MiB, so that is our default).

Transport follows Docker: HTTPS first; plain HTTP only for loopback registries when HTTPS cannot
even connect (Docker's default ``insecure-registries`` hold ``127.0.0.0/8``), or for any host
when the caller chooses ``allow_insecure``, which also skips certificate checks.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from enum import StrEnum
from typing import BinaryIO, NamedTuple

import httpx
from pydantic import BaseModel, ConfigDict

from hullguard.errors import BadInputError
from hullguard.image._credentials import Anonymous, CredentialSource
from hullguard.image._digest import DigestMismatchError, parse_digest
from hullguard.image._json import parse_document
from hullguard.image._model import (
    MEDIA_DOCKER_LIST,
    MEDIA_DOCKER_MANIFEST,
    MEDIA_OCI_INDEX,
    MEDIA_OCI_MANIFEST,
)
from hullguard.image._reference import Reference
from hullguard.image._registry_http import (
    Authenticator,
    Challenge,
    RegistryAuthError,
    RegistryError,
    RegistryUnreachableError,
    error_detail,
    parse_challenge,
    read_bounded,
    transport_errors,
    verified_body,
)

__all__ = [
    "DEFAULT_MAX_MANIFEST_BYTES",
    "MANIFEST_MEDIA_TYPES",
    "Access",
    "ManifestResponse",
    "RegistryClient",
    "RegistryNotFoundError",
    "UnsupportedManifestError",
]

DEFAULT_MAX_MANIFEST_BYTES = 4 * 1024 * 1024
MANIFEST_MEDIA_TYPES = (MEDIA_OCI_INDEX, MEDIA_OCI_MANIFEST, MEDIA_DOCKER_LIST, MEDIA_DOCKER_MANIFEST)
"""What we send in ``Accept``: the four media types an image can be pulled as today."""
_SCHEMA1_JSON = "application/vnd.docker.distribution.manifest.v1+json"
_SCHEMA1 = frozenset({_SCHEMA1_JSON, "application/vnd.docker.distribution.manifest.v1+prettyjws"})
_HUB_API = "registry-1.docker.io"
"""Docker Hub's API host; ``docker.io`` is only its name in references."""
_USER_AGENT = "hullguard"
_MAX_TAG_PAGES = 1000


class RegistryNotFoundError(RegistryError):
    """The repository, tag, manifest or blob does not exist (or is hidden from us)."""


class UnsupportedManifestError(RegistryError):
    """A manifest kind we cannot read, such as Docker's long-deprecated schema 1."""


class Access(StrEnum):
    """The scope actions a request needs (distribution token spec ``scope`` grammar)."""

    PULL = "pull"
    PUSH = "pull,push"


class ManifestResponse(NamedTuple):
    """A fetched manifest: verified bytes, media type and digest."""

    data: bytes
    media_type: str
    digest: str


class _TagList(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    name: str = ""
    tags: list[str] | None = None


@dataclass(slots=True)
class _Endpoint:
    base: httpx.URL
    """``scheme://host[:port]`` that answered the ``/v2/`` ping."""
    challenge: Challenge | None
    """The last auth challenge seen; None while the registry asks for none."""


def _sniff_media_type(content_type: str, data: bytes) -> str:
    """The manifest's media type: the header if it is one we know, else what the JSON says."""
    if content_type in MANIFEST_MEDIA_TYPES or content_type in _SCHEMA1:
        return content_type
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return content_type
    if not isinstance(doc, dict):
        return content_type
    declared = doc.get("mediaType")
    if isinstance(declared, str) and declared:
        return declared
    if doc.get("schemaVersion") == 1:
        return _SCHEMA1_JSON
    return MEDIA_OCI_INDEX if "manifests" in doc else MEDIA_OCI_MANIFEST


def _digest_of(data: bytes, algorithm: str = "sha256") -> str:
    return f"{algorithm}:{hashlib.new(algorithm, data).hexdigest()}"


class RegistryClient:
    """Talks the OCI distribution API to any number of registries over one ``httpx.Client``.

    Pass ``http`` to control transport (tests hand in clients for real local servers); an
    injected client keeps its own TLS settings and is not closed by :meth:`close`.
    ``allow_insecure`` permits plain HTTP and unverified TLS for every host.
    """

    def __init__(
        self,
        http: httpx.Client | None = None,
        *,
        credentials: CredentialSource | None = None,
        allow_insecure: bool = False,
        max_manifest_bytes: int = DEFAULT_MAX_MANIFEST_BYTES,
        timeout: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._owns_http = http is None
        self._http = http or httpx.Client(timeout=httpx.Timeout(timeout), verify=not allow_insecure)
        self._credentials = credentials or Anonymous()
        self._allow_insecure = allow_insecure
        self._max = max_manifest_bytes
        self._endpoints: dict[str, _Endpoint] = {}
        self._auth = Authenticator(self._http, self._credentials, clock=clock, allow_insecure=allow_insecure)

    def close(self) -> None:
        """Close the HTTP client if we created it."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> RegistryClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reads -----------------------------------------------------------------------------

    def get_manifest(self, ref: Reference) -> ManifestResponse:
        """Fetch the manifest or index ``ref`` names, verified against its digest."""
        response = self._send(
            ref,
            "GET",
            f"/v2/{ref.repository}/manifests/{ref.selector}",
            access=Access.PULL,
            headers={"Accept": ", ".join(MANIFEST_MEDIA_TYPES)},
        )
        with closing(response):
            self._check(response, ref, "manifest")
            data = read_bounded(response, self._max, what=f"manifest of {ref}")
            claimed = response.headers.get("Docker-Content-Digest")
            content_type = response.headers.get("Content-Type", "").partition(";")[0].strip()
        media_type = _sniff_media_type(content_type, data)
        if media_type in _SCHEMA1:
            raise UnsupportedManifestError(
                f"{ref} is a Docker schema 1 manifest, which is deprecated and not supported",
                hint="push the image again with a current Docker or skopeo to convert it",
            )
        return ManifestResponse(data, media_type, self._verify_manifest(ref, data, claimed))

    def _verify_manifest(self, ref: Reference, data: bytes, claimed: str | None) -> str:
        """The manifest's digest: what we asked for, else what the registry claims; both checked."""
        expected = ref.digest or claimed
        if expected is None:
            return _digest_of(data)
        source = "the requested digest" if ref.digest else "the registry's Docker-Content-Digest"
        expected = parse_digest(expected, where=f"{source} for {ref}")
        actual = _digest_of(data, expected.partition(":")[0])
        if actual != expected:
            raise DigestMismatchError(
                f"manifest of {ref} does not match {source}: expected {expected}, got {actual}",
                hint="the registry or a proxy in between serves altered content",
            )
        return expected

    def open_blob(self, ref: Reference, digest: str, size: int = -1) -> BinaryIO:
        """Stream the stored bytes of blob ``digest``; the final read raises if they do not match."""
        digest = parse_digest(digest, where=f"blob of {ref.name}")
        response = self._send(
            ref,
            "GET",
            f"/v2/{ref.repository}/blobs/{digest}",
            access=Access.PULL,
            headers={"Accept-Encoding": "identity"},
        )
        self._check(response, ref, f"blob {digest}")
        return verified_body(response, digest, size, what=f"blob {digest} of {ref.name}")

    def read_blob(self, ref: Reference, digest: str, size: int = -1) -> bytes:
        """A small blob (an image config) in memory, verified and bounded like a manifest."""
        if size > self._max:
            raise BadInputError(f"blob {digest} of {ref.name} declares {size} bytes, over {self._max}")
        with self.open_blob(ref, digest, size) as stream:
            data = stream.read(self._max + 1)
        if len(data) > self._max:
            raise BadInputError(f"blob {digest} of {ref.name} is larger than {self._max} bytes")
        return data

    def blob_exists(self, ref: Reference, digest: str) -> bool:
        """True if the repository holds blob ``digest`` (a HEAD request)."""
        digest = parse_digest(digest, where=f"blob of {ref.name}")
        response = self._send(ref, "HEAD", f"/v2/{ref.repository}/blobs/{digest}", access=Access.PULL)
        with closing(response):
            if response.status_code == 404:
                return False
            self._check(response, ref, f"blob {digest}")
        return True

    def list_tags(self, ref: Reference) -> list[str]:
        """All tags of the repository, following ``Link: rel="next"`` pages, sorted."""
        target = f"/v2/{ref.repository}/tags/list"
        tags: set[str] = set()
        for _ in range(_MAX_TAG_PAGES):
            response = self._send(ref, "GET", target, access=Access.PULL)
            with closing(response):
                self._check(response, ref, "tag list")
                data = read_bounded(response, self._max, what=f"tag list of {ref.name}")
                following = response.links.get("next", {}).get("url")
            tags.update(parse_document(_TagList, data, what=f"tag list of {ref.name}").tags or ())
            if not following:
                return sorted(tags)
            target = following
        raise RegistryError(f"tag list of {ref.name} has more than {_MAX_TAG_PAGES} pages")

    # -- writes ----------------------------------------------------------------------------

    def upload_blob(self, ref: Reference, data: bytes | BinaryIO, digest: str, *, size: int = -1) -> None:
        """Upload a blob in one request (POST then PUT), unless the repository already has it.

        ``size`` is needed for a stream to be sent with a Content-Length; without it the body
        goes chunked, which distribution accepts.
        """
        digest = parse_digest(digest, where=f"upload to {ref.name}")
        if self.blob_exists(ref, digest):
            return
        start = self._send(ref, "POST", f"/v2/{ref.repository}/blobs/uploads/", access=Access.PUSH)
        with closing(start):
            self._check(start, ref, "blob upload")
            location = start.headers.get("Location")
        if not location:
            raise RegistryError(f"{ref.registry} started an upload without a Location header")
        target = str(self._endpoint(ref).base.join(location).copy_merge_params({"digest": digest}))
        headers = {"Content-Type": "application/octet-stream"}
        if isinstance(data, bytes):
            body: bytes | Iterator[bytes] = data
        else:
            body = iter(lambda: data.read(1 << 20), b"")
            if size >= 0:
                headers["Content-Length"] = str(size)
        done = self._send(ref, "PUT", target, access=Access.PUSH, headers=headers, content=body)
        with closing(done):
            self._check(done, ref, f"upload of blob {digest}")

    def put_manifest(self, ref: Reference, data: bytes, media_type: str) -> str:
        """Store a manifest under ``ref``'s tag (or digest) and return its digest."""
        if len(data) > self._max:
            raise BadInputError(f"manifest for {ref} is {len(data)} bytes, over {self._max}")
        digest = _digest_of(data)
        if ref.digest is not None and ref.digest != digest:
            raise DigestMismatchError(f"manifest bytes hash to {digest}, not to {ref.digest}")
        response = self._send(
            ref,
            "PUT",
            f"/v2/{ref.repository}/manifests/{ref.selector}",
            access=Access.PUSH,
            headers={"Content-Type": media_type},
            content=data,
        )
        with closing(response):
            self._check(response, ref, "manifest upload")
            claimed = response.headers.get("Docker-Content-Digest", digest)
        if claimed.startswith("sha256:") and claimed != digest:
            raise DigestMismatchError(f"{ref.registry} stored the manifest as {claimed}, we sent {digest}")
        return digest

    # -- plumbing --------------------------------------------------------------------------

    def _unreachable_hint(self, ref: Reference) -> str:
        if self._allow_insecure:
            return f"is the registry running and reachable at {ref.registry}?"
        return "is the registry running? use --insecure for plain HTTP or an untrusted certificate"

    def _endpoint(self, ref: Reference) -> _Endpoint:
        """Find (once per registry) the scheme that answers ``/v2/`` and the challenge it sends."""
        known = self._endpoints.get(ref.registry)
        if known is not None:
            return known
        host = _HUB_API if ref.is_docker_hub else ref.registry
        schemes = ("https", "http") if self._allow_insecure or ref.is_loopback else ("https",)
        failures: list[str] = []
        for scheme in schemes:
            base = httpx.URL(f"{scheme}://{host}")
            try:
                response = self._http.get(base.join("/v2/"), headers={"User-Agent": _USER_AGENT})
            except httpx.TransportError as exc:
                failures.append(f"{scheme}: {str(exc) or type(exc).__name__}")
                continue
            except httpx.HTTPError as exc:
                raise RegistryError(f"registry {ref.registry}: {exc}") from exc
            if response.status_code in (200, 401):
                challenge = parse_challenge(response.headers.get_list("WWW-Authenticate"))
                endpoint = _Endpoint(base, challenge if response.status_code == 401 else None)
                self._endpoints[ref.registry] = endpoint
                return endpoint
            failures.append(f"{scheme}: /v2/ answered HTTP {response.status_code}")
        raise RegistryUnreachableError(
            f"cannot reach registry {ref.registry} ({'; '.join(failures)})",
            hint=self._unreachable_hint(ref),
        )

    def _send(
        self,
        ref: Reference,
        method: str,
        target: str,
        *,
        access: Access,
        headers: dict[str, str] | None = None,
        content: bytes | Iterator[bytes] | None = None,
    ) -> httpx.Response:
        """Send one streamed request; on a 401 with a fresh challenge, authenticate and retry once."""
        endpoint = self._endpoint(ref)
        url = endpoint.base.join(target)
        scope = f"repository:{ref.repository}:{access}"
        where = f"{method} {url.copy_with(query=None)}"
        for attempt in (1, 2):
            auth: dict[str, str] = {}
            if endpoint.challenge is not None and url.netloc == endpoint.base.netloc:
                auth = self._auth.header(ref.registry, endpoint.challenge, scope)
            request = self._http.build_request(
                method, url, headers={"User-Agent": _USER_AGENT, **(headers or {}), **auth}, content=content
            )
            with transport_errors(where, hint=self._unreachable_hint(ref)):
                response = self._http.send(request, stream=True, follow_redirects=True)
            fresh = parse_challenge(response.headers.get_list("WWW-Authenticate"))
            retryable = isinstance(content, bytes | None)
            if response.status_code != 401 or fresh is None or attempt == 2 or not retryable:
                return response
            response.close()
            endpoint.challenge = fresh
            self._auth.forget(ref.registry, scope)
        raise AssertionError("unreachable: the second attempt always returns")

    def _check(self, response: httpx.Response, ref: Reference, what: str) -> None:
        """Raise the error a non-2xx status means, with the registry's own message if any."""
        status = response.status_code
        if 200 <= status < 300:
            return
        detail = error_detail(response)
        response.close()
        if status in (401, 403):
            raise RegistryAuthError(
                f"{ref.registry} denied access to the {what} of {ref} (HTTP {status}{detail})",
                hint=f"credentials source: {self._credentials.origin}; "
                f"log in with `docker login {ref.registry}` or check the user and password",
            )
        if status == 404:
            raise RegistryNotFoundError(
                f"{what} not found: {ref} (HTTP 404{detail})",
                hint="check the repository, tag or digest, and that your login may see it",
            )
        hint = "the registry is rate-limiting us; log in or wait" if status == 429 else None
        raise RegistryError(
            f"{ref.registry} answered HTTP {status} for the {what} of {ref}{detail}", hint=hint
        )
