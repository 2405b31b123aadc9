"""Each check on a small Dockerfile that breaks it and one that does not.

For checks mapped to a hadolint rule, hadolint itself reads the same snippets (one process for
all of them) and must give the same verdicts: the fixtures mean what they claim.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from hullguard.misconfig.dockerfile import CHECKS
from tests.misconfig.dockerfile.conftest import ids_at, lint
from tests.misconfig.dockerfile.hadolint import run_hadolint


@dataclass(frozen=True)
class Case:
    check: str
    bad: str
    line: int
    """Where ``bad`` must be reported."""
    good: str


F = "FROM debian:12\n"
A = "FROM alpine:3.20\n"
CASES = [
    Case("HG-DF-000", F + "WORKDIR app\n", 2, F + "WORKDIR /app\n"),
    Case("HG-DF-001", F + "RUN service nginx start\n", 2, F + "RUN nginx -t\n"),
    Case("HG-DF-002", F + "USER app\nUSER root\n", 3, F + "USER root\nRUN id\nUSER 1000\n"),
    Case("HG-DF-003", F + "RUN cd /tmp && make\n", 2, F + "WORKDIR /tmp\nRUN make\n"),
    Case("HG-DF-004", F + "RUN sudo make install\n", 2, F + "RUN make install\n"),
    Case("HG-DF-006", "FROM debian\n", 1, "FROM debian:12 AS base\nFROM base\n"),
    Case("HG-DF-007", "FROM debian:latest\n", 1, "FROM debian:latest@sha256:" + "a" * 64 + "\n"),
    Case("HG-DF-008", F + "RUN apt-get install -y curl\n", 2, F + "RUN apt-get install -y curl=7.88.1-10\n"),
    Case(
        "HG-DF-009",
        F + "RUN apt-get update && apt-get install -y --no-install-recommends x=1\n",
        2,
        F + "RUN apt-get update && apt-get install -y --no-install-recommends x=1"
        " && rm -rf /var/lib/apt/lists/*\n",
    ),
    Case(
        "HG-DF-010",
        F + "COPY app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz\n",
        2,
        F + "ADD app.tar.gz /opt/\n",
    ),
    Case("HG-DF-011", F + "EXPOSE 80 70000\n", 2, F + "EXPOSE 80 443/tcp 8000-8010\n"),
    Case("HG-DF-012", F + 'HEALTHCHECK CMD ["a"]\nHEALTHCHECK CMD ["b"]\n', 3, F + 'HEALTHCHECK CMD ["a"]\n'),
    Case("HG-DF-013", F + "RUN pip install requests\n", 2, F + "RUN pip install requests==2.32.3\n"),
    Case("HG-DF-014", F + "RUN apt-get install curl=1\n", 2, F + "RUN apt-get -qq install curl=1\n"),
    Case(
        "HG-DF-015",
        F + "RUN apt-get install -y curl=1\n",
        2,
        F + "RUN apt-get install -y --no-install-recommends curl=1\n",
    ),
    Case(
        "HG-DF-016", F + "RUN npm install express\n", 2, F + "RUN npm install express@4.19.2 @types/node@20\n"
    ),
    Case(
        "HG-DF-018",
        A + "RUN apk add --no-cache curl\n",
        2,
        A + "RUN apk add --no-cache --virtual .deps curl=8.9.0-r0\n",
    ),
    Case("HG-DF-019", A + "RUN apk add curl=8\n", 2, A + "RUN apk add --no-cache curl=8\n"),
    Case(
        "HG-DF-020",
        F + "ADD app.py /app/\n",
        2,
        F + "ADD https://example.com/x.tgz /tmp/\nADD rootfs.tar.xz /\n",
    ),
    Case("HG-DF-021", F + "COPY a b /dst\n", 2, F + "COPY a b /dst/\n"),
    Case(
        "HG-DF-022",
        F + "COPY --from=builder /a /a\n",
        2,
        "FROM debian:12 AS builder\nFROM debian:12\nCOPY --from=builder /a /a\n",
    ),
    Case(
        "HG-DF-023",
        "FROM debian:12 AS app\nCOPY --from=app /a /b\n",
        2,
        "FROM debian:12 AS app\nCOPY --from=0 /a /b\n",
    ),
    Case(
        "HG-DF-024",
        "FROM debian:12 AS a\nFROM debian:12 AS a\n",
        2,
        "FROM debian:12 AS a\nFROM debian:12 AS b\n",
    ),
    Case("HG-DF-025", F + "CMD python app.py\n", 2, F + 'CMD ["python", "app.py"]\n'),
    Case("HG-DF-027", F + "RUN apt install -y curl\n", 2, F + "RUN apt-get -y install curl=1\n"),
    Case("HG-DF-028", F + "RUN gem install rails\n", 2, F + "RUN gem install rails:7.1.3\n"),
    Case(
        "HG-DF-029",
        "FROM --platform=linux/amd64 debian:12\n",
        1,
        "FROM --platform=$BUILDPLATFORM debian:12\n",
    ),
    Case(
        "HG-DF-030",
        F + "RUN yum install httpd-2.4.6 && yum clean all\n",
        2,
        F + "RUN yum install -y httpd-2.4.6 && yum clean all\n",
    ),
    Case(
        "HG-DF-032",
        F + "RUN yum install -y httpd-2.4.6\n",
        2,
        F + "RUN yum install -y httpd-2.4.6 && yum clean all\n",
    ),
    Case(
        "HG-DF-033",
        F + "RUN yum install -y httpd && yum clean all\n",
        2,
        F + "RUN yum install -y httpd-2.4.6 && yum clean all\n",
    ),
    Case(
        "HG-DF-034",
        F + "RUN zypper install curl=8 && zypper clean\n",
        2,
        F + "RUN zypper install -y curl=8 && zypper clean\n",
    ),
    Case("HG-DF-035", F + "RUN zypper dist-upgrade -y\n", 2, F + "RUN zypper refresh\n"),
    Case(
        "HG-DF-036",
        F + "RUN zypper install -y curl=8\n",
        2,
        F + "RUN zypper install -y curl=8 && zypper clean\n",
    ),
    Case(
        "HG-DF-037",
        F + "RUN zypper install -y curl && zypper clean\n",
        2,
        F + "RUN zypper install -y curl=8 && zypper clean\n",
    ),
    Case(
        "HG-DF-038",
        F + "RUN dnf install httpd-2.4 && dnf clean all\n",
        2,
        F + "RUN dnf install -y httpd-2.4 && dnf clean all\n",
    ),
    Case(
        "HG-DF-040",
        F + "RUN dnf install -y httpd-2.4\n",
        2,
        F + "RUN dnf install -y httpd-2.4 && dnf clean all\n",
    ),
    Case(
        "HG-DF-041",
        F + "RUN dnf install -y httpd && dnf clean all\n",
        2,
        F + "ARG V\nRUN dnf install -y httpd-${V} && dnf clean all\n",
    ),
    Case("HG-DF-042", F + "RUN pip install x==1\n", 2, F + "ENV PIP_NO_CACHE_DIR=1\nRUN pip install x==1\n"),
    Case("HG-DF-043", F + "ONBUILD FROM debian:12\n", 2, F + "ONBUILD RUN make\n"),
    Case("HG-DF-044", F + "ENV A=1 B=$A\n", 2, F + "ENV A=1\nENV B=$A\n"),
    Case("HG-DF-045", F + "COPY app.py app/\n", 2, F + "WORKDIR /srv\nCOPY app.py app/\n"),
    Case("HG-DF-046", F + "RUN useradd -u 123456 app\n", 2, F + "RUN useradd -l -u 123456 app\n"),
    Case("HG-DF-047", F + "RUN wget https://example.com/x\n", 2, F + "RUN wget -q https://example.com/x\n"),
    Case("HG-DF-048", F + "LABEL Maintainer=me\n", 2, F + "LABEL org.opencontainers.image.authors=me\n"),
    Case("HG-DF-059", F + "RUN make\nRUN make install\n", 3, F + "RUN make\nCOPY a /a\nRUN make install\n"),
    Case("HG-DF-060", F + "RUN yarn install\n", 2, F + "RUN yarn install && yarn cache clean\n"),
    Case("HG-DF-061", "LABEL a=b\nFROM debian:12\n", 1, "ARG V=12\nFROM debian:$V\n"),
    Case(
        "HG-DF-062",
        F + "RUN go install example.com/tool@latest\n",
        2,
        F + "RUN go install example.com/tool@v1.2.3\n",
    ),
    Case("HG-DF-063", "FROM debian:12 AS context\n", 1, "FROM debian:12 AS build\n"),
    Case("HG-DF-064", F + "ARG GITHUB_TOKEN\n", 2, F + "ARG VERSION\n"),
    Case(
        "HG-DF-065",
        "FROM --platform=$TARGETPLATFORM debian:12\n",
        1,
        "FROM --platform=$BUILDPLATFORM debian:12\n",
    ),
    Case("HG-DF-066", F + "USER app\n", 2, F + "USER 1000:1000\n"),
    Case(
        "HG-DF-067",
        "FROM debian:12 AS a\nFROM debian:12\nCOPY --from=a / /\n",
        3,
        "FROM debian:12 AS a\nFROM debian:12\nCOPY --from=a /bin /bin\n",
    ),
    Case("HG-DF-100", F + "MAINTAINER me\n", 2, F + "LABEL org.opencontainers.image.authors=me\n"),
    Case(
        "HG-DF-101",
        F + "RUN curl -o a https://e\nRUN wget -q https://e\n",
        3,
        F + "RUN curl -o a https://e\n",
    ),
    Case("HG-DF-103", F + 'CMD ["a"]\nCMD ["b"]\n', 3, F + 'CMD ["a"]\nFROM debian:12\nCMD ["b"]\n'),
    Case("HG-DF-104", F + 'ENTRYPOINT ["a"]\nENTRYPOINT ["b"]\n', 3, F + 'ENTRYPOINT ["a"]\n'),
    Case("HG-DF-105", F + "RUN ln -sf /bin/bash /bin/sh\n", 2, F + 'SHELL ["/bin/bash", "-c"]\n'),
    Case(
        "HG-DF-106",
        F + "RUN curl -s https://e | tar x\n",
        2,
        F + 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN curl -s https://e | tar x\n',
    ),
    Case("HG-DF-200", "FROM debian:12\n", 1, "FROM debian:12@sha256:" + "b" * 64 + "\n"),
    Case(
        "HG-DF-201",
        F + "RUN curl -fsSL https://get.example.com | sh\n",
        2,
        F + "RUN curl -fsSLo i.sh https://e && sha256sum -c s && sh i.sh\n",
    ),
    Case(
        "HG-DF-202",
        F + "ADD https://example.com/app.tgz /opt/\n",
        2,
        F + "ADD --checksum=sha256:" + "c" * 64 + " https://example.com/app.tgz /opt/\n",
    ),
    Case("HG-DF-203", F + "COPY . /app\n", 2, F + "COPY src/ /app/\n"),
    Case("HG-DF-204", F + "RUN make\n", 1, F + "USER 1000\n"),
    Case("HG-DF-205", F + "RUN make\n", 1, F + "HEALTHCHECK NONE\n"),
    Case(
        "HG-DF-207",
        F + "RUN apt-get update && apt-get -y upgrade\n",
        2,
        F + "RUN apt-get update && apt-get install -y x=1\n",
    ),
    Case("HG-DF-209", F + "RUN curl -k -o a https://e\n", 2, F + "RUN curl -o a https://e\n"),
    Case("HG-DF-210", F + "EXPOSE 22\n", 2, F + "EXPOSE 2222 8022\n"),
    Case("HG-DF-211", F + "RUN apt-get update\n", 2, F + "RUN apt-get update && apt-get install -y x=1\n"),
]
HADOLINT_MAPPED = {c.id: c.mapped("hadolint") for c in CHECKS if c.mapped("hadolint")}


def test_every_check_has_a_case() -> None:
    covered = {case.check for case in CASES}
    missing = {c.id for c in CHECKS} - covered - {"HG-DF-900", "HG-DF-901"}
    assert not missing


@pytest.mark.parametrize("case", CASES, ids=[c.check for c in CASES])
def test_check_fires_on_bad_and_not_on_good(case: Case) -> None:
    assert ids_at(lint(case.bad), case.check) == [case.line]
    assert ids_at(lint(case.good), case.check) == []


def test_hadolint_gives_the_same_verdicts(tmp_path: Path, hadolint: Path) -> None:
    files: dict[Path, tuple[str, str, bool]] = {}
    for index, case in enumerate(CASES):
        rule = HADOLINT_MAPPED.get(case.check)
        if rule is None:
            continue
        for kind, text in (("bad", case.bad), ("good", case.good)):
            path = tmp_path / f"{index}-{kind}.Dockerfile"
            path.write_text(text)
            files[path] = (rule, case.check, kind == "bad")
    reported = {(str(x["file"]), str(x["code"])) for x in run_hadolint(hadolint, list(files))}
    wrong = [
        f"{check} {path.name}: hadolint {'misses' if bad else 'flags'} it"
        for path, (rule, check, bad) in files.items()
        if ((str(path), rule) in reported) != bad
    ]
    assert not wrong, "\n".join(wrong)


def test_findings_carry_place_stage_and_metadata() -> None:
    findings = lint("FROM debian:12 AS build\n  RUN sudo true\nFROM build\n")
    sudo = next(f for f in findings if f.check.id == "HG-DF-004")
    assert (sudo.location.path, sudo.location.start_line, sudo.location.start_column) == ("Dockerfile", 2, 3)
    assert sudo.resource == "stage build"
    assert sudo.check.mapped("hadolint") == "DL3004"
    assert sudo.check.title and sudo.check.description and sudo.check.remediation
    assert findings == sorted(findings, key=lambda f: f.sort_key())


def test_multiline_instruction_spans_its_lines() -> None:
    findings = lint(F + "RUN apt-get update && \\\n    apt-get install -y curl\n")
    pin = next(f for f in findings if f.check.id == "HG-DF-008")
    assert (pin.location.start_line, pin.location.end_line) == (2, 3)


# Where we differ from hadolint on purpose: (check, Dockerfile, we report it, hadolint reports it).
DIFFERENCES = [
    ("HG-DF-009", F + "RUN apt-get update && apt-get install -y x=1 && apt-get dist-clean\n", False, True),
    ("HG-DF-009", F + "RUN apt-get update && apt-get install -y x=1 && rm -rf /tmp/*\n", True, False),
    ("HG-DF-106", F + "RUN set -eux -o pipefail; curl -s https://e | tar x\n", False, True),
    ("HG-DF-003", F + "ONBUILD RUN cd /src && make\n", True, False),
]


def test_deliberate_differences_from_hadolint(tmp_path: Path, hadolint: Path) -> None:
    paths = []
    for index, (check, text, ours, _) in enumerate(DIFFERENCES):
        assert bool(ids_at(lint(text), check)) is ours, (check, text)
        paths.append(tmp_path / f"{index}.Dockerfile")
        paths[-1].write_text(text)
    reported = {(str(x["file"]), str(x["code"])) for x in run_hadolint(hadolint, paths)}
    for path, (check, _, _, theirs) in zip(paths, DIFFERENCES, strict=True):
        assert ((str(path), HADOLINT_MAPPED[check]) in reported) is theirs, (check, "hadolint changed")
