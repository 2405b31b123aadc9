"""Compose checks: KICS fixtures as expectations, plus cases written for both syntaxes."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

import hullguard.misconfig.compose as compose
from hullguard.misconfig import LintOptions
from hullguard.misconfig.compose import CHECKS, lint_compose
from hullguard.report import MisconfigFinding

EXTRA_KICS = {"security_opt_not_set": frozenset({"HG-COMPOSE-014"})}
KNOWN: dict[str, str] = {
    "Checkmarx__kics__assets__queries__dockerCompose__"
    "volume_has_sensitive_host_directory__test__positive1.yaml": (
        "KICS counts /var/lib/backup/data as sensitive; we flag system paths (/etc, /proc, /var/lib/docker)"
    ),
}


def _kics_cases(corpus: Path) -> list[tuple[str, frozenset[str], bool]]:
    by_query: dict[str, set[str]] = {}
    for check in CHECKS:
        query = check.mapped("kics")
        if query:
            by_query.setdefault(query, set()).add(check.id)
    cases = []
    for path in sorted(corpus.glob("Checkmarx__kics__*")):
        match = re.search(r"dockerCompose__(\w+?)__test__(positive|negative)\d*\.ya?ml$", path.name)
        assert match, path.name
        ours = frozenset(by_query.get(match.group(1), ())) or EXTRA_KICS.get(match.group(1))
        if ours:
            cases.append((path.name, ours, match.group(2) == "positive"))
    return cases


def test_kics_fixtures_agree_except_known(shared_dir: Path) -> None:
    corpus = shared_dir / "corpus" / "compose"
    cases = _kics_cases(corpus)
    assert len(cases) >= 15
    differ = set()
    for name, ours, fires in cases:
        findings = lint_compose((corpus / name).read_text(encoding="utf-8"), name, LintOptions(include=ours))
        if bool(findings) != fires:
            differ.add(name)
    assert differ == KNOWN.keys()


def test_whole_compose_corpus_lints(shared_dir: Path) -> None:
    corpus = shared_dir / "corpus" / "compose"
    total = 0
    for path in sorted(corpus.iterdir()):
        total += len(
            lint_compose(path.read_text(encoding="utf-8", errors="replace"), path.name, LintOptions())
        )
    assert total > 1000


def test_exported_members() -> None:
    assert sorted(compose.__all__) == sorted(
        n for n in dir(compose) if not n.startswith("_") and n != "annotations"
    )


COMPOSE = textwrap.dedent(
    """\
    services:
      api:
        image: example/api
        privileged: true
        cap_add: [net_admin, CHOWN]
        pid: host
        user: "0:0"
        volumes:
          - /var/run/docker.sock:/var/run/docker.sock:ro
          - type: bind
            source: /
            target: /host
          - data:/data
        ports:
          - "8080:80"
          - "127.0.0.1:9090:90"
          - target: 443
            published: 8443
          - target: 53
            host_ip: 10.0.0.1
        security_opt: ["seccomp:unconfined"]
        environment:
          - API_TOKEN=abcdef123456
          - DEBUG=1
      db:
        image: postgres:16
        read_only: true
        user: postgres
        mem_limit: 512m
        pids_limit: 100
        security_opt: [no-new-privileges:true]
        deploy: {resources: {limits: {cpus: "0.5"}}}
        environment:
          POSTGRES_PASSWORD: s3cretpass
          POSTGRES_PASSWORD_FILE: /run/secrets/pg
          POSTGRES_USER: app
    volumes:
      data: {}
    """
)


def _ids(findings: list[MisconfigFinding], service: str) -> list[str]:
    return sorted(f.check.id for f in findings if f.resource == f"service {service}")


def test_insecure_and_hardened_services() -> None:
    findings = lint_compose(COMPOSE, "compose.yaml", LintOptions())
    assert _ids(findings, "db") == ["HG-COMPOSE-019"]
    api = {f.check.id: f for f in findings if f.resource == "service api" and f.check.id != "HG-COMPOSE-018"}
    assert sorted(api) == [
        "HG-COMPOSE-001", "HG-COMPOSE-002", "HG-COMPOSE-004", "HG-COMPOSE-007", "HG-COMPOSE-008",
        "HG-COMPOSE-010", "HG-COMPOSE-011", "HG-COMPOSE-013", "HG-COMPOSE-014", "HG-COMPOSE-015",
        "HG-COMPOSE-016", "HG-COMPOSE-017", "HG-COMPOSE-019", "HG-COMPOSE-020",
    ]  # fmt: skip
    assert api["HG-COMPOSE-002"].message == "service 'api' adds capability NET_ADMIN"
    assert (api["HG-COMPOSE-007"].location.start_line, api["HG-COMPOSE-007"].location.start_column) == (9, 9)
    assert api["HG-COMPOSE-008"].location.start_line == 11
    assert api["HG-COMPOSE-019"].location.start_line == 23
    ports = [f for f in findings if f.check.id == "HG-COMPOSE-018"]
    assert [f.location.start_line for f in ports] == [15, 17]


@pytest.mark.parametrize(
    ("spec", "address"),
    [("8080:80", None), ("127.0.0.1:80:80", "127.0.0.1"), ("[::1]:80:80", "::1"), ("0.0.0.0:1:1", "0.0.0.0")],
)
def test_parse_port(spec: str, address: str | None) -> None:
    from hullguard.misconfig.compose._rules import parse_port

    assert parse_port(spec)[0] == address
