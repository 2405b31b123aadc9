"""Image references parse and normalise as Docker's ``reference.ParseNormalizedNamed`` does."""

from __future__ import annotations

import pytest

from hullguard.errors import ImageError
from hullguard.image._reference import InvalidReferenceError, Reference, is_loopback_host, parse_reference

DIGEST = "sha256:" + "ab" * 32

VALID = [
    ("alpine", ("docker.io", "library/alpine", "latest", None)),
    ("alpine:3.20", ("docker.io", "library/alpine", "3.20", None)),
    ("library/alpine", ("docker.io", "library/alpine", "latest", None)),
    ("docker.io/alpine", ("docker.io", "library/alpine", "latest", None)),
    ("index.docker.io/library/alpine:edge", ("docker.io", "library/alpine", "edge", None)),
    ("bitnami/redis:7.2", ("docker.io", "bitnami/redis", "7.2", None)),
    ("ghcr.io/owner/team/app:v1.0_rc-1", ("ghcr.io", "owner/team/app", "v1.0_rc-1", None)),
    ("localhost/x", ("localhost", "x", "latest", None)),
    ("localhost:5000/a/b", ("localhost:5000", "a/b", "latest", None)),
    (f"host:5000/a/b@{DIGEST}", ("host:5000", "a/b", None, DIGEST)),
    (f"host.example:5000/a/b:tag@{DIGEST}", ("host.example:5000", "a/b", "tag", DIGEST)),
    (f"alpine@{DIGEST}", ("docker.io", "library/alpine", None, DIGEST)),
    ("[::1]:5000/x", ("[::1]:5000", "x", "latest", None)),
    ("127.0.0.1:5000/hullguard/sample:1", ("127.0.0.1:5000", "hullguard/sample", "1", None)),
    ("a.b-c/d__e/f-g--h.i_j", ("a.b-c", "d__e/f-g--h.i_j", "latest", None)),
    ("Host.Example/app", ("Host.Example", "app", "latest", None)),
    ("myhost:5000", ("docker.io", "library/myhost", "5000", None)),
]


@pytest.mark.parametrize(("text", "expected"), VALID, ids=[t for t, _ in VALID])
def test_parse_normalises_like_docker(text: str, expected: tuple[str, str, str | None, str | None]) -> None:
    ref = parse_reference(text)
    assert (ref.registry, ref.repository, ref.tag, ref.digest) == expected


@pytest.mark.parametrize(("text", "expected"), VALID, ids=[t for t, _ in VALID])
def test_canonical_string_parses_back_to_the_same_reference(text: str, expected: object) -> None:
    ref = parse_reference(text)
    assert parse_reference(str(ref)) == ref


CANONICAL = [
    ("alpine", "docker.io/library/alpine:latest"),
    (f"localhost:5000/a@{DIGEST}", f"localhost:5000/a@{DIGEST}"),
    (f"q.io/a:t@{DIGEST}", f"q.io/a:t@{DIGEST}"),
]


@pytest.mark.parametrize(("text", "canonical"), CANONICAL, ids=[t for t, _ in CANONICAL])
def test_str_is_the_canonical_form(text: str, canonical: str) -> None:
    assert str(parse_reference(text)) == canonical


INVALID = [
    ("empty", ""),
    ("uppercase repository", "docker.io/Library/alpine"),
    ("uppercase single name", "Alpine"),
    ("empty tag", "alpine:"),
    ("tag too long", "alpine:" + "a" * 129),
    ("tag starting with dot", "alpine:.x"),
    ("short digest", "alpine@sha256:abcd"),
    ("unsupported digest algorithm", "alpine@md5:" + "a" * 32),
    ("empty digest", "alpine@"),
    ("double slash", "a//b"),
    ("leading dash", "-a/b"),
    ("trailing separator", "a/b-"),
    ("whitespace", " alpine"),
    ("space in tag", "alpine:a b"),
    ("image id", "ab" * 32),
    ("name too long", "registry.example/" + "a" * 250),
    ("bad port", "host:abc/x"),
    ("only a digest", f"@{DIGEST}"),
]


@pytest.mark.parametrize("text", [t for _, t in INVALID], ids=[i for i, _ in INVALID])
def test_invalid_references_raise_with_a_hint(text: str) -> None:
    with pytest.raises(InvalidReferenceError) as info:
        parse_reference(text)
    assert isinstance(info.value, ImageError)
    assert info.value.hint


def test_lowercase_is_named_in_the_error() -> None:
    with pytest.raises(InvalidReferenceError, match="lowercase"):
        parse_reference("ghcr.io/Owner/app")


def test_direct_construction_is_checked_too() -> None:
    with pytest.raises(InvalidReferenceError):
        Reference("docker.io", "library/alpine", "bad tag")


LOOPBACK = [
    ("localhost/x", True),
    ("localhost:5000/x", True),
    ("127.0.0.1:5000/x", True),
    ("127.8.9.10:1/x", True),
    ("[::1]:5000/x", True),
    ("alpine", False),
    ("10.0.0.1:5000/x", False),
    ("[fe80::1]:5000/x", False),
    ("registry.example/x", False),
    ("localhost.example.com/x", False),
]


@pytest.mark.parametrize(("text", "loopback"), LOOPBACK, ids=[t for t, _ in LOOPBACK])
def test_is_loopback(text: str, loopback: bool) -> None:
    assert parse_reference(text).is_loopback is loopback


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("LOCALHOST", True), ("[::1]", True), ("127.0.0.1", True), ("::2", False), ("example", False)],
)
def test_is_loopback_host(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


def test_with_digest_pins_and_keeps_the_tag() -> None:
    ref = parse_reference("ghcr.io/a/b:1").with_digest(DIGEST)
    assert (ref.tag, ref.digest, ref.selector) == ("1", DIGEST, DIGEST)
    assert parse_reference("ghcr.io/a/b:1").selector == "1"


@pytest.mark.parametrize(
    ("text", "hub"), [("alpine", True), ("index.docker.io/x/y", True), ("ghcr.io/x/y", False)]
)
def test_docker_hub_is_recognised(text: str, hub: bool) -> None:
    assert parse_reference(text).is_docker_hub is hub
