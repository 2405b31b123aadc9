"""HTTP plumbing of the registry client: errors, bounded and verified bodies, challenges, tokens.

Authentication follows the distribution token spec (``docs/spec/auth/token.md``): a 401 carries
a ``WWW-Authenticate`` challenge; ``Basic`` means "send the login with every request", ``Bearer``
means "get a token for this scope from ``realm`` and send that". Tokens are cached per registry,
realm and scope until shortly before they expire; the spec says to assume 60 seconds when the
server gives no lifetime. A stored ``identitytoken`` is exchanged with an OAuth2 refresh-token
POST (``docs/spec/auth/oauth.md``), as the Docker CLI does.
"""

from __future__ import annotations

import base64
import io
import json
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

import httpx
from pydantic import BaseModel, ConfigDict, ValidationError

from hullguard.errors import BadInputError, ImageError
from hullguard.image._credentials import Credentials, CredentialSource
from hullguard.image._digest import VerifyingReader
from hullguard.image._reference import is_loopback_host

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

__all__ = [
    "Authenticator",
    "Challenge",
    "RegistryAuthError",
    "RegistryError",
    "RegistryUnreachableError",
    "error_detail",
    "parse_challenge",
    "read_bounded",
    "transport_errors",
    "verified_body",
]

_PARAM = re.compile(r'([A-Za-z0-9_.-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s,]*)')
_MAX_TOKEN_RESPONSE = 1024 * 1024
_MIN_TOKEN_LIFETIME = 60
"""Seconds; the token spec's default and minimum for ``expires_in``."""
_EARLY = 10
"""Refresh a token this many seconds before it expires, so it never lapses mid-request."""
_CLIENT_ID = "hullguard"


class RegistryError(ImageError):
    """A registry answered, but not with what we asked for."""


class RegistryUnreachableError(RegistryError):
    """No usable connection to a registry (refused, timed out, TLS failure, dropped)."""


class RegistryAuthError(RegistryError):
    """The registry or its token server refused our credentials (or their absence)."""


@contextmanager
def transport_errors(where: str, *, hint: str) -> Iterator[None]:
    """Turn httpx's exceptions into ours, naming ``where`` and telling the user what to try."""
    try:
        yield
    except httpx.TimeoutException as exc:
        raise RegistryUnreachableError(f"{where}: timed out ({type(exc).__name__})", hint=hint) from exc
    except httpx.TransportError as exc:
        raise RegistryUnreachableError(f"{where}: {str(exc) or type(exc).__name__}", hint=hint) from exc
    except httpx.HTTPError as exc:
        raise RegistryError(f"{where}: {exc}", hint=hint) from exc


def read_bounded(response: httpx.Response, limit: int, *, what: str) -> bytes:
    """Read a streamed body of at most ``limit`` bytes; more is hostile or broken input."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BadInputError(f"{what} is {declared} bytes, more than the {limit} allowed")
    chunks: list[bytes] = []
    total = 0
    with transport_errors(what, hint="the connection dropped; try again"):
        for chunk in response.iter_bytes():
            total += len(chunk)
            if total > limit:
                raise BadInputError(f"{what} is larger than the {limit} bytes allowed")
            chunks.append(chunk)
    return b"".join(chunks)


def error_detail(response: httpx.Response) -> str:
    """``: CODE message`` from a distribution error body (``{"errors": [...]}``), if readable."""
    try:
        body = json.loads(read_bounded(response, 64 * 1024, what="error body"))
        first = body["errors"][0]
        return f": {first.get('code', '')} {first.get('message', '')}".rstrip()
    except (BadInputError, RegistryError, ValueError, KeyError, IndexError, TypeError, AttributeError):
        return ""


class _ResponseRaw(io.RawIOBase):
    """The body of a streamed response as a raw byte stream; closing it closes the response."""

    def __init__(self, response: httpx.Response, where: str) -> None:
        self._response = response
        self._chunks = response.iter_bytes()
        self._pending = b""
        self._where = where

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer, /) -> int:
        view = memoryview(buffer).cast("B")
        while not self._pending:
            with transport_errors(self._where, hint="the connection dropped; try again"):
                chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = chunk
        n = min(len(view), len(self._pending))
        view[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n

    def close(self) -> None:
        self._response.close()
        super().close()


class _VerifiedRaw(io.RawIOBase):
    """A :class:`VerifyingReader` as a raw stream, so it can be buffered into a ``BinaryIO``."""

    def __init__(self, reader: VerifyingReader) -> None:
        self._reader = reader

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer, /) -> int:
        view = memoryview(buffer).cast("B")
        data = self._reader.read(len(view))
        view[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._reader.close()
        super().close()


def verified_body(response: httpx.Response, digest: str, size: int, *, what: str) -> BinaryIO:
    """A streamed body as a ``BinaryIO`` whose last read raises unless it matches ``digest``."""
    raw = io.BufferedReader(_ResponseRaw(response, what))
    verifying = VerifyingReader(raw, digest, size=size if size >= 0 else None, what=what)
    return io.BufferedReader(_VerifiedRaw(verifying), buffer_size=1 << 16)


@dataclass(frozen=True, slots=True)
class Challenge:
    """One ``WWW-Authenticate`` challenge: scheme (lower case) and its parameters."""

    scheme: str
    params: Mapping[str, str]


def parse_challenge(headers: list[str]) -> Challenge | None:
    """The first Bearer or Basic challenge among the ``WWW-Authenticate`` header values."""
    for value in headers:
        scheme, _, rest = value.strip().partition(" ")
        if scheme.lower() not in ("bearer", "basic"):
            continue
        params = {
            key.lower(): re.sub(r"\\(.)", r"\1", raw[1:-1]) if raw.startswith('"') else raw
            for key, raw in _PARAM.findall(rest)
        }
        return Challenge(scheme.lower(), params)
    return None


def _basic(creds: Credentials) -> str:
    """RFC 7617 Basic credentials (UTF-8, as registries and token servers expect)."""
    pair = f"{creds.username}:{creds.password}".encode()
    return "Basic " + base64.b64encode(pair).decode("ascii")


class _TokenAnswer(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    token: str = ""
    access_token: str = ""
    expires_in: int = _MIN_TOKEN_LIFETIME


class Authenticator:
    """Builds the ``Authorization`` header for a challenge and scope, caching bearer tokens."""

    def __init__(
        self,
        http: httpx.Client,
        credentials: CredentialSource,
        *,
        clock: Callable[[], float],
        allow_insecure: bool,
    ) -> None:
        self._http = http
        self._credentials = credentials
        self._clock = clock
        self._allow_insecure = allow_insecure
        self._tokens: dict[tuple[str, str, str], tuple[str, float]] = {}
        self._logins: dict[str, Credentials | None] = {}

    def header(self, registry: str, challenge: Challenge, scope: str) -> dict[str, str]:
        """Headers that answer ``challenge`` for ``scope`` (empty: go anonymous)."""
        if challenge.scheme == "basic":
            creds = self._login(registry)
            if creds is None or not creds.username:
                return {}
            return {"Authorization": _basic(creds)}
        return {"Authorization": f"Bearer {self._token(registry, challenge, scope)}"}

    def _login(self, registry: str) -> Credentials | None:
        """The registry's credentials, looked up once: a helper run can take a while."""
        if registry not in self._logins:
            self._logins[registry] = self._credentials.lookup(registry)
        return self._logins[registry]

    def forget(self, registry: str, scope: str) -> None:
        """Drop cached tokens for ``scope``: the registry refused them."""
        for key in [k for k in self._tokens if k[0] == registry and k[2] == scope]:
            del self._tokens[key]

    def _token(self, registry: str, challenge: Challenge, scope: str) -> str:
        realm = challenge.params.get("realm", "")
        key = (registry, realm, scope)
        cached = self._tokens.get(key)
        if cached is not None and cached[1] > self._clock():
            return cached[0]
        answer = self._request_token(registry, challenge, scope, self._login(registry))
        token = answer.token or answer.access_token
        if not token:
            raise RegistryAuthError(f"token server {realm} for {registry} answered without a token")
        lifetime = max(answer.expires_in, _MIN_TOKEN_LIFETIME) - _EARLY
        self._tokens[key] = (token, self._clock() + lifetime)
        return token

    def _token_url(self, registry: str, realm: str) -> httpx.URL:
        if not realm:
            raise RegistryAuthError(f"{registry} asks for a bearer token but names no token server (realm)")
        try:
            url = httpx.URL(realm)
        except httpx.InvalidURL as exc:
            raise RegistryAuthError(f"{registry}: invalid token server URL {realm!r}") from exc
        if url.scheme != "https" and not (self._allow_insecure or is_loopback_host(url.host)):
            raise RegistryAuthError(
                f"{registry} sends us to a plain-HTTP token server {realm}; refusing to send credentials",
                hint="use --insecure only if you trust the network path to that server",
            )
        return url

    def _request_token(
        self, registry: str, challenge: Challenge, scope: str, creds: Credentials | None
    ) -> _TokenAnswer:
        url = self._token_url(registry, challenge.params.get("realm", ""))
        service = challenge.params.get("service", "")
        fields = {k: v for k, v in (("service", service), ("scope", scope)) if v}
        where = f"token server {url.copy_with(query=None)} for {registry}"
        with transport_errors(where, hint="is the token server running and reachable?"):
            if creds is not None and creds.identity_token:
                form = {
                    **fields,
                    "grant_type": "refresh_token",
                    "refresh_token": creds.identity_token,
                    "client_id": _CLIENT_ID,
                }
                request = self._http.build_request("POST", url, data=form)
            elif creds is not None and creds.username:
                params = {**fields, "account": creds.username}
                request = self._http.build_request("GET", url.copy_merge_params(params))
                request.headers["Authorization"] = _basic(creds)
            else:
                request = self._http.build_request("GET", url.copy_merge_params(fields))
            response = self._http.send(request, stream=True, follow_redirects=True)
        with closing(response):
            if response.status_code in (401, 403):
                raise RegistryAuthError(
                    f"{where} refused our login (HTTP {response.status_code}; "
                    f"credentials source: {self._credentials.origin})",
                    hint=f"log in again with `docker login {registry}`",
                )
            if response.status_code != 200:
                raise RegistryAuthError(f"{where} answered HTTP {response.status_code}")
            data = read_bounded(response, _MAX_TOKEN_RESPONSE, what=f"answer of {where}")
        try:
            return _TokenAnswer.model_validate_json(data)
        except ValidationError as exc:
            raise RegistryAuthError(f"{where} answered something that is not a token response") from exc
