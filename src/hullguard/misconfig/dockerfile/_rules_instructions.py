"""Instruction-level rules: USER, WORKDIR, EXPOSE, CMD/ENTRYPOINT, HEALTHCHECK, LABEL, ENV/ARG, MAINTAINER."""

from __future__ import annotations

import re
from collections.abc import Iterator

from hullguard.misconfig.dockerfile._check import Check, Hit, info
from hullguard.misconfig.dockerfile._parse import Dockerfile, Instruction
from hullguard.report import Severity

__all__ = ["CHECKS"]

_LABEL_CHARS = re.compile(r"^[0-9a-z._/-]+$")
_SENSITIVE_NAMES = frozenset(
    [
        "ACCESS_TOKEN",
        "APPLICATION_KEY",
        "APP_SECRET",
        "AUTH_TOKEN",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "BITTREX_API_KEY",
        "BITTREX_API_SECRET",
        "CF_PASSWORD",
        "CF_USERNAME",
        "CIRCLE_TOKEN",
        "CI_DEPLOY_PASSWORD",
        "CI_DEPLOY_USER",
        "DOCKERHUB_PASSWORD",
        "DOCKER_EMAIL",
        "DOCKER_PASSWORD",
        "DOCKER_USERNAME",
        "FACEBOOK_ACCESS_TOKEN",
        "FACEBOOK_APP_ID",
        "FACEBOOK_APP_SECRET",
        "FIREBASE_API_TOKEN",
        "FIREBASE_TOKEN",
        "FOSSA_API_KEY",
        "GH_ENTERPRISE_TOKEN",
        "GH_TOKEN",
        "GITHUB_ENTERPRISE_TOKEN",
        "GITHUB_TOKEN",
        "HEROKU_API_KEY",
        "HEROKU_API_USER",
        "NPM_AUTH_TOKEN",
        "NPM_TOKEN",
        "OKTA_AUTHN_GROUPID",
        "OKTA_CLIENT_ORGURL",
        "OKTA_CLIENT_TOKEN",
        "OKTA_OAUTH2_CLIENTID",
        "OKTA_OAUTH2_CLIENTSECRET",
        "OPENAI_API_KEY",
        "OS_PASSWORD",
        "OS_USERNAME",
        "POSTGRES_PASSWORD",
        "SLACK_TOKEN",
        "STRIPE_API_KEY",
        "STRIPE_DEVICE_NAME",
        "TRAVIS_OS_NAME",
        "TRAVIS_SECURE_ENV_VARS",
        "TRAVIS_SUDO",
        "VAULT_CLIENT_KEY",
        "VAULT_TOKEN",
    ]
)
_SENSITIVE_PARTS = ("api_key", "client_key", "password", "private", "secret", "token", "username")


def _of(dockerfile: Dockerfile, *keywords: str) -> Iterator[Instruction]:
    return (i for i in dockerfile.instructions if i.keyword in keywords)


def _relative_workdir(dockerfile: Dockerfile) -> Iterator[Hit]:
    for instruction in _of(dockerfile, "WORKDIR"):
        path = " ".join(instruction.args).strip("\"'")
        windows = len(path) > 1 and path[0].isalpha() and path[1] == ":"
        if not (path.startswith(("/", "$")) or windows):
            yield Hit(instruction, f"WORKDIR `{path}` is relative")


def _is_root(user: str) -> bool:
    return user in ("root", "0") or user.startswith(("root:", "0:"))


def _last_user_root(dockerfile: Dockerfile) -> Iterator[Hit]:
    last_root: dict[int, Instruction] = {}
    for instruction in _of(dockerfile, "USER"):
        if _is_root(" ".join(instruction.args)):
            last_root[instruction.stage] = instruction
        else:
            last_root.pop(instruction.stage, None)
    for instruction in sorted(last_root.values(), key=lambda i: i.start_line):
        yield Hit(instruction, "the last USER of the stage is root: the container runs as root")


def _no_user(dockerfile: Dockerfile) -> Iterator[Hit]:
    if not dockerfile.stages:
        return
    last = len(dockerfile.stages) - 1
    stage_from = next(i for i in dockerfile.instructions if i.keyword == "FROM" and i.stage == last)
    if dockerfile.stages[last].image.lower() == "scratch":
        return
    if not any(i.keyword == "USER" for i in dockerfile.instructions if i.stage == last):
        yield Hit(
            stage_from,
            "the final stage never sets USER: the container runs as the base image's user (often root)",
        )


def _no_healthcheck(dockerfile: Dockerfile) -> Iterator[Hit]:
    if not dockerfile.stages or any(i.keyword == "HEALTHCHECK" for i in dockerfile.instructions):
        return
    last = len(dockerfile.stages) - 1
    yield Hit(
        next(i for i in dockerfile.instructions if i.keyword == "FROM" and i.stage == last),
        "no HEALTHCHECK: the engine cannot tell a hung container from a healthy one",
    )


def _ports(instruction: Instruction) -> Iterator[int]:
    for arg in instruction.args:
        for part in arg.split("/", 1)[0].split("-"):
            if part.isdigit():
                yield int(part)


def _port_range(dockerfile: Dockerfile) -> Iterator[Hit]:
    for instruction in _of(dockerfile, "EXPOSE"):
        bad = [p for p in _ports(instruction) if p > 65535]
        if bad:
            yield Hit(instruction, f"port {bad[0]} is outside 0-65535")


def _ssh_port(dockerfile: Dockerfile) -> Iterator[Hit]:
    for instruction in _of(dockerfile, "EXPOSE"):
        if 22 in set(_ports(instruction)):
            yield Hit(instruction, "port 22 (SSH) exposed; use `docker exec` instead of an SSH server")


def _per_stage_duplicates(dockerfile: Dockerfile, keyword: str) -> Iterator[Instruction]:
    seen: set[int] = set()
    for instruction in _of(dockerfile, keyword):
        if instruction.stage in seen:
            yield instruction
        seen.add(instruction.stage)


def _shell_form(dockerfile: Dockerfile) -> Iterator[Hit]:
    for instruction in _of(dockerfile, "CMD", "ENTRYPOINT", "HEALTHCHECK"):
        if instruction.keyword == "HEALTHCHECK" and (
            not instruction.args or instruction.args[0].upper() != "CMD"
        ):
            continue
        if not instruction.json_form:
            yield Hit(
                instruction, f"{instruction.keyword} in shell form: signals go to /bin/sh, not the program"
            )


def _env_pairs(instruction: Instruction) -> list[tuple[str, str]]:
    args = instruction.args
    return list(zip(args[::2], args[1::2], strict=False))


def _references(name: str, value: str) -> bool:
    if "${" + name + "}" in value:
        return True
    return re.search(r"\$" + re.escape(name) + r"(?![0-9A-Za-z_])", value) is not None


def _env_self_reference(dockerfile: Dockerfile) -> Iterator[Hit]:
    defined: set[str] = set()
    for instruction in _of(dockerfile, "ENV", "ARG"):
        if instruction.keyword == "ARG":
            defined.update(instruction.declared_names())
            continue
        pairs = _env_pairs(instruction)
        used = [
            name
            for index, (name, _) in enumerate(pairs)
            if any(_references(name, value) for other, (_, value) in enumerate(pairs) if other != index)
        ]
        if any(name not in defined for name in used):
            yield Hit(
                instruction, f"ENV refers to ${used[0]} defined in the same instruction (it is not set yet)"
            )
        defined.update(name for name, _ in pairs)


def _bad_label(key: str) -> bool:
    return (
        not key[:1].islower()
        or not (key[-1:].islower() or key[-1:].isdigit())
        or _LABEL_CHARS.match(key) is None
        or key.startswith(("com.docker.", "io.docker.", "org.dockerproject."))
        or ".." in key
        or "--" in key
    )


def _label_keys(dockerfile: Dockerfile) -> Iterator[Hit]:
    for instruction in _of(dockerfile, "LABEL"):
        keys = [k.strip("\"'") for k in instruction.args[::2]]
        bad = [k for k in keys if _bad_label(k)]
        if bad:
            yield Hit(instruction, f"label key `{bad[0]}` is not a lower-case reverse-DNS key")


def _sensitive(name: str) -> bool:
    return name.upper() in _SENSITIVE_NAMES or any(part in name.lower() for part in _SENSITIVE_PARTS)


def _sensitive_names(dockerfile: Dockerfile) -> Iterator[Hit]:
    for instruction in (*dockerfile.instructions, *(i.inner for i in dockerfile.instructions if i.inner)):
        names = instruction.declared_names()
        flagged = [n for n in names if _sensitive(n)]
        if flagged:
            yield Hit(
                instruction,
                f"{instruction.keyword} {flagged[0]}: build args and env end up in the image history",
            )


def _user_not_numeric(dockerfile: Dockerfile) -> Iterator[Hit]:
    args: set[str] = set()
    for instruction in _of(dockerfile, "USER", "ARG"):
        if instruction.keyword == "ARG":
            args.update(instruction.declared_names())
            continue
        user = " ".join(instruction.args)
        uid = user.split(":", 1)[0]
        if uid.isdigit() or not uid or any(f"${{{a}}}" in user or f"${a}" in user for a in args):
            continue
        yield Hit(
            instruction, f"USER {user} is a name; a numeric UID works without /etc/passwd on the host side"
        )


def _maintainer(dockerfile: Dockerfile) -> Iterator[Hit]:
    for instruction in _of(dockerfile, "MAINTAINER"):
        yield Hit(instruction, "MAINTAINER is deprecated; use LABEL org.opencontainers.image.authors")


def _duplicates(keyword: str, message: str) -> Check:
    numbers = {"CMD": (103, "DL4003"), "ENTRYPOINT": (104, "DL4004"), "HEALTHCHECK": (12, "DL3012")}
    number, hadolint = numbers[keyword]
    return Check(
        info(
            number,
            f"Multiple {keyword} instructions in one stage",
            Severity.MEDIUM if keyword == "CMD" else Severity.HIGH,
            f"Only the last {keyword} of a stage takes effect; the others mislead readers.",
            f"Keep one {keyword} per stage.",
            hadolint=hadolint,
        ),
        lambda dockerfile: (Hit(i, message) for i in _per_stage_duplicates(dockerfile, keyword)),
    )


CHECKS: tuple[Check, ...] = (
    Check(
        info(
            0,
            "Relative WORKDIR",
            Severity.MEDIUM,
            "A relative WORKDIR depends on the previous one, which may come from the base image.",
            "Use an absolute path.",
            hadolint="DL3000",
        ),
        _relative_workdir,
    ),
    Check(
        info(
            2,
            "Last USER is root",
            Severity.HIGH,
            "A container running as root turns any compromise into root in the container (CIS Docker 4.1).",
            "Switch to an unprivileged USER at the end of the stage.",
            hadolint="DL3002",
        ),
        _last_user_root,
    ),
    Check(
        info(
            11,
            "Exposed port out of range",
            Severity.HIGH,
            "Ports are 0-65535; the build fails.",
            "Fix the port number.",
            hadolint="DL3011",
        ),
        _port_range,
    ),
    _duplicates("HEALTHCHECK", "more than one HEALTHCHECK in this stage; only the last counts"),
    Check(
        info(
            25,
            "CMD/ENTRYPOINT in shell form",
            Severity.MEDIUM,
            "In shell form the program runs under /bin/sh -c and does not get SIGTERM: slow, unclean stops.",
            'Use JSON form: CMD ["program", "arg"].',
            hadolint="DL3025",
        ),
        _shell_form,
    ),
    Check(
        info(
            44,
            "ENV refers to a variable it defines",
            Severity.HIGH,
            "Within one ENV the new values are not visible yet; the reference expands to the old value.",
            "Split into two ENV instructions.",
            hadolint="DL3044",
        ),
        _env_self_reference,
    ),
    Check(
        info(
            48,
            "Invalid label key",
            Severity.LOW,
            "Label keys should be lower-case reverse-DNS names outside Docker's reserved namespaces.",
            "Rename the label.",
            hadolint="DL3048",
        ),
        _label_keys,
    ),
    Check(
        info(
            64,
            "Sensitive name in ARG or ENV",
            Severity.MEDIUM,
            "Build arguments and environment variables are stored in the image config and history.",
            "Use build secrets (`RUN --mount=type=secret`) instead.",
            hadolint="DL3064",
        ),
        _sensitive_names,
    ),
    Check(
        info(
            66,
            "USER by name instead of UID",
            Severity.LOW,
            "Kubernetes runAsNonRoot can only verify a numeric user.",
            "Use a numeric UID (and GID).",
            hadolint="DL3066",
        ),
        _user_not_numeric,
    ),
    Check(
        info(
            100,
            "MAINTAINER is deprecated",
            Severity.LOW,
            "MAINTAINER was replaced by labels.",
            "Use LABEL org.opencontainers.image.authors=...",
            hadolint="DL4000",
        ),
        _maintainer,
    ),
    _duplicates("CMD", "more than one CMD in this stage; only the last counts"),
    _duplicates("ENTRYPOINT", "more than one ENTRYPOINT in this stage; only the last counts"),
    Check(
        info(
            204,
            "Final stage never sets USER",
            Severity.MEDIUM,
            "Without USER the container runs as the base image's user, usually root (CIS Docker 4.1).",
            "Add `USER <uid>` to the final stage.",
        ),
        _no_user,
    ),
    Check(
        info(
            205,
            "No HEALTHCHECK",
            Severity.LOW,
            "Without a HEALTHCHECK the engine cannot detect a hung service (CIS Docker 4.6).",
            "Add `HEALTHCHECK CMD ...` (or HEALTHCHECK NONE to say so on purpose).",
        ),
        _no_healthcheck,
    ),
    Check(
        info(
            210,
            "SSH port exposed",
            Severity.MEDIUM,
            "Running an SSH server in a container adds keys and a daemon to manage (CIS Docker 4.x).",
            "Remove the SSH server; use `docker exec`.",
        ),
        _ssh_port,
    ),
)
