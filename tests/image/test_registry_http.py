"""``WWW-Authenticate`` parsing: the part of the auth flow that is a pure function."""

from __future__ import annotations

import pytest

from hullguard.image._registry_http import Challenge, parse_challenge

CHALLENGES = [
    (
        "docker-hub",
        ['Bearer realm="https://auth.docker.io/token",service="registry.docker.io"'],
        Challenge("bearer", {"realm": "https://auth.docker.io/token", "service": "registry.docker.io"}),
    ),
    (
        "scope-with-commas",
        ['Bearer realm="https://a/token",scope="repository:x/y:pull,push",error="insufficient_scope"'],
        Challenge(
            "bearer",
            {"realm": "https://a/token", "scope": "repository:x/y:pull,push", "error": "insufficient_scope"},
        ),
    ),
    ("basic", ['Basic realm="hullguard-test"'], Challenge("basic", {"realm": "hullguard-test"})),
    ("scheme-case-and-spaces", ['  BASIC  realm = "r" '], Challenge("basic", {"realm": "r"})),
    (
        "escaped-quote",
        ['Bearer realm="https://a/t",service="say \\"hi\\""'],
        Challenge("bearer", {"realm": "https://a/t", "service": 'say "hi"'}),
    ),
    ("unquoted-value", ["Bearer realm=https://a/t"], Challenge("bearer", {"realm": "https://a/t"})),
    ("first-usable-wins", ["Negotiate abc", 'Basic realm="r"'], Challenge("basic", {"realm": "r"})),
    ("nothing-usable", ["Negotiate abc", "Digest realm=x"], None),
    ("no-header", [], None),
]


@pytest.mark.parametrize(("headers", "expected"), [c[1:] for c in CHALLENGES], ids=[c[0] for c in CHALLENGES])
def test_parse_challenge(headers: list[str], expected: Challenge | None) -> None:
    assert parse_challenge(headers) == expected
