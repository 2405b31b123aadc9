"""What RUN instructions do: sudo, cd, pipes, downloads piped to a shell, disabled TLS checks."""

from __future__ import annotations

import re
from collections.abc import Iterator

from hullguard.misconfig.dockerfile._check import Check, Hit, info, run_check
from hullguard.misconfig.dockerfile._parse import Dockerfile, Instruction
from hullguard.misconfig.dockerfile._shell import ParsedShell
from hullguard.report import Severity

__all__ = ["CHECKS"]

_POINTLESS = frozenset({"free", "kill", "mount", "ps", "service", "shutdown", "ssh", "top", "vim"})
_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "python", "python3", "perl", "ruby", "node"})
_PIPEFAIL_SHELLS = frozenset({"bash", "zsh", "ash"})
_INSECURE_ENV = re.compile(
    r"\b(GIT_SSL_NO_VERIFY=['\"]?(1|true)|NODE_TLS_REJECT_UNAUTHORIZED=['\"]?0|PYTHONHTTPSVERIFY=['\"]?0"
    r"|NPM_CONFIG_STRICT_SSL=['\"]?false)",
    re.IGNORECASE,
)


def _pointless(shell: ParsedShell) -> str | None:
    used = sorted({name for name in shell.names() if name in _POINTLESS})
    return f"`{used[0]}` makes no sense in a container build" if used else None


def _cd(shell: ParsedShell) -> str | None:
    return "`cd` in RUN; use WORKDIR to change directory" if shell.uses("cd") else None


def _sudo(shell: ParsedShell) -> str | None:
    return (
        "sudo in RUN; builds run as root already, use gosu/su-exec to drop privileges"
        if shell.uses("sudo")
        else None
    )


def _useradd(shell: ParsedShell) -> str | None:
    for command in shell.commands:
        if (
            command.name != "useradd"
            or command.has_flag("l", "no-log-init")
            or not command.has_flag("u", "uid")
        ):
            continue
        if any(len(uid) > 5 for uid in command.flag_values("u")):
            return "useradd with a high UID and without -l fills /var/log/lastlog"
    return None


def _wget_progress(shell: ParsedShell) -> str | None:
    quiet = ("progress", "q", "quiet", "o", "output-file", "a", "append-output", "no-verbose")
    for command in shell.commands:
        if command.name == "wget" and not command.has_flag(*quiet) and "-nv" not in command.args:
            return "wget without --progress or -q floods the build log"
    return None


def _ln_sh(shell: ParsedShell) -> str | None:
    if any(c.is_("ln", "/bin/sh") for c in shell.commands):
        return "linking /bin/sh changes the shell behind the builder's back; use SHELL"
    return None


def _consecutive_runs(dockerfile: Dockerfile) -> Iterator[Hit]:
    """Two adjacent RUNs (same flags) of one simple command each.

    hadolint's limit reads "more than 2 commands", but its command list holds every simple
    command twice (ShellCheck's getCommand matches both the redirection wrapper and the
    command), so in effect a RUN of two commands is already "big enough"; we count once and
    use 1, which flags the same instructions.
    """
    previous: tuple[tuple[str, ...], int] | None = None
    for instruction in dockerfile.instructions:
        if instruction.keyword != "RUN":
            previous = None
            continue
        count = len(instruction.shell.commands)
        if previous is None or previous[0] != instruction.flags or count > 1 or previous[1] > 1:
            previous = (instruction.flags, count)
        else:
            yield Hit(instruction, "consecutive RUN instructions; consider merging them into one layer")


def _curl_and_wget(dockerfile: Dockerfile) -> Iterator[Hit]:
    seen: set[str] = set()
    for instruction in dockerfile.instructions:
        if instruction.keyword == "FROM":
            seen = set()
        elif instruction.keyword == "RUN":
            used = {name for name in instruction.shell.names() if name in ("curl", "wget")}
            seen |= used
            if used and len(seen) == 2:
                yield Hit(instruction, "both curl and wget are used; pick one")


def _sets_pipefail(shell_instruction: Instruction) -> bool | None:
    """None: a non-POSIX shell (pipes mean something else); else whether ``-o pipefail`` is set."""
    args = shell_instruction.args
    if not args:
        return False
    if any(args[0].lower().startswith(name) for name in ("pwsh", "powershell", "cmd")):
        return None
    name = args[0].rsplit("/", 1)[-1]
    return (
        name in _PIPEFAIL_SHELLS and "pipefail" in args and any(a.startswith("-") and "o" in a for a in args)
    )


def _pipefail(dockerfile: Dockerfile) -> Iterator[Hit]:
    protected: bool | None = False
    for instruction in dockerfile.instructions:
        if instruction.keyword == "FROM":
            protected = False
        elif instruction.keyword == "SHELL":
            protected = _sets_pipefail(instruction)
            protected = True if protected is None else protected
        elif instruction.keyword == "RUN" and not protected and instruction.shell.has_pipe:
            commands = instruction.shell.commands
            if any(c.name == "set" and c.has_flag("o") and "pipefail" in c.args for c in commands):
                continue  # `set -o pipefail` in the RUN itself (hadolint only looks at SHELL)
            yield Hit(
                instruction, "RUN with a pipe but the shell has no `-o pipefail`: a failing download passes"
            )


def _download_piped_to_shell(shell: ParsedShell) -> str | None:
    """``curl ... | sh``: the download runs unchecked (we see the pipeline as adjacent commands)."""
    if not shell.has_pipe:
        return None
    names = shell.names()
    for index, name in enumerate(names[:-1]):
        if name in ("curl", "wget") and any(
            n.rsplit("/", 1)[-1] in _SHELLS or (n == "sudo") for n in names[index + 1 : index + 3]
        ):
            return f"`{name} ... | {names[index + 1]}` runs a download without verifying it"
    return None


def _tls_disabled(shell: ParsedShell) -> str | None:
    for command in shell.commands:
        if command.name == "curl" and command.has_flag("k", "insecure"):
            return "curl -k/--insecure disables TLS certificate checks"
        if command.name == "wget" and command.has_flag("no-check-certificate"):
            return "wget --no-check-certificate disables TLS certificate checks"
        if command.name.startswith("pip") and command.has_flag("trusted-host"):
            return "pip --trusted-host accepts an index without a valid certificate"
        strict_ssl_off = "strict-ssl=false" in command.args or (
            "strict-ssl" in command.args and "false" in command.args
        )
        if command.name in ("npm", "yarn") and strict_ssl_off:
            return f"{command.name} strict-ssl false disables TLS certificate checks"
        if command.name == "git" and "http.sslVerify=false" in "".join(command.args).replace(" ", ""):
            return "git http.sslVerify=false disables TLS certificate checks"
    match = _INSECURE_ENV.search(shell.text)
    if match:
        return f"`{match.group(0)}` disables TLS certificate checks"
    return None


CHECKS: tuple[Check, ...] = (
    run_check(
        info(
            1,
            "Command that makes no sense in a container",
            Severity.LOW,
            "Interactive or system tools (ssh, vim, service, shutdown, ps, top, ...) do nothing"
            " useful in a build.",
            "Remove the command.",
            hadolint="DL3001",
        ),
        _pointless,
    ),
    run_check(
        info(
            3,
            "cd instead of WORKDIR",
            Severity.LOW,
            "A `cd` lasts for one RUN; WORKDIR is explicit and applies to what follows.",
            "Use `WORKDIR /path`.",
            hadolint="DL3003",
        ),
        _cd,
    ),
    run_check(
        info(
            4,
            "sudo in RUN",
            Severity.HIGH,
            "sudo has unpredictable TTY and signal behaviour and suggests privileges are managed wrongly.",
            "Drop sudo (builds run as root until USER); use gosu or su-exec at runtime.",
            hadolint="DL3004",
        ),
        _sudo,
    ),
    run_check(
        info(
            46,
            "useradd with a high UID without -l",
            Severity.LOW,
            "useradd writes a sparse lastlog entry sized by the UID, which can add gigabytes to a layer.",
            "Use `useradd -l -u <uid>`.",
            hadolint="DL3046",
        ),
        _useradd,
    ),
    run_check(
        info(
            47,
            "wget without a progress option",
            Severity.LOW,
            "wget's default progress output bloats build logs.",
            "Use `wget --progress=dot:giga`, `-q` or `-nv`.",
            hadolint="DL3047",
        ),
        _wget_progress,
    ),
    Check(
        info(
            59,
            "Consecutive RUN instructions",
            Severity.LOW,
            "Each RUN is a layer; short consecutive RUNs can usually be one.",
            "Merge them with `&&`.",
            hadolint="DL3059",
        ),
        _consecutive_runs,
    ),
    Check(
        info(
            101,
            "Both wget and curl used",
            Severity.LOW,
            "Two download tools where one would do add size and surface.",
            "Use one of them.",
            hadolint="DL4001",
        ),
        _curl_and_wget,
    ),
    run_check(
        info(
            105,
            "/bin/sh replaced with ln",
            Severity.MEDIUM,
            "Relinking /bin/sh silently changes every later RUN.",
            "Use the SHELL instruction.",
            hadolint="DL4005",
        ),
        _ln_sh,
    ),
    Check(
        info(
            106,
            "Pipe in RUN without pipefail",
            Severity.MEDIUM,
            "A pipeline's status is its last command's: `curl ... | tar x` succeeds when the download fails.",
            'Set `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` before the RUN.',
            hadolint="DL4006",
        ),
        _pipefail,
    ),
    run_check(
        info(
            201,
            "Download piped into a shell",
            Severity.HIGH,
            "`curl URL | sh` runs whatever the server (or anyone on the path) sends, unverified.",
            "Download to a file, verify its checksum or signature, then run it.",
        ),
        _download_piped_to_shell,
    ),
    run_check(
        info(
            209,
            "TLS certificate verification disabled",
            Severity.HIGH,
            "Turning off certificate checks lets anyone on the network path replace what the"
            " build downloads.",
            "Keep verification on; add the needed CA certificate instead.",
        ),
        _tls_disabled,
    ),
)
