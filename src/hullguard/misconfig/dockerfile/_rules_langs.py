"""Language package managers: pip, npm, gem, go, yarn.

hadolint DL3013, DL3016, DL3028, DL3042, DL3060 and DL3062.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from hullguard.misconfig.dockerfile._check import Check, Hit, info, run_check, with_stage_flag
from hullguard.misconfig.dockerfile._parse import Dockerfile, Instruction
from hullguard.misconfig.dockerfile._rules_apt import cache_mount, findings_in_kept_stages
from hullguard.misconfig.dockerfile._shell import ParsedShell, ShellCommand
from hullguard.report import Severity

__all__ = ["CHECKS"]

_PIP_VALUE_FLAGS = [
    "abi",
    "b",
    "build",
    "e",
    "editable",
    "extra-index-url",
    "f",
    "find-links",
    "i",
    "index-url",
    "implementation",
    "no-binary",
    "only-binary",
    "platform",
    "prefix",
    "progress-bar",
    "proxy",
    "python",
    "python-version",
    "root",
    "root-user-action",
    "src",
    "t",
    "target",
    "trusted-host",
    "upgrade-strategy",
]
_VCS = [
    "git+file",
    "git+https",
    "git+ssh",
    "git+http",
    "git+git",
    "git",
    "hg+file",
    "hg+http",
    "hg+https",
    "hg+ssh",
    "hg+static-http",
    "svn",
    "svn+svn",
    "svn+http",
    "svn+https",
    "svn+ssh",
    "bzr+http",
    "bzr+https",
    "bzr+ssh",
    "bzr+sftp",
    "bzr+ftp",
    "bzr+lp",
]
_PIP_VERSION_SYMBOLS = ("==", ">=", "<=", ">", "<", "!=", "~=", "===")
_TRUTHY = frozenset(["1", "true", "True", "TRUE", "on", "On", "ON", "yes", "Yes", "YES"])


def _after_install(args: tuple[str, ...]) -> list[str]:
    rest = list(args)
    while rest and rest[0] != "install":
        rest.pop(0)
    while rest and rest[0] == "install":
        rest.pop(0)
    return rest


def is_pip_install(command: ShellCommand) -> bool:
    """``pip install``, ``pip3 install``, ``python -m pip install``; not pipenv."""
    if command.name.startswith("pip") and not command.name.startswith("pipenv"):
        return "install" in command.args
    if command.name.startswith("python"):
        args = command.args
        return any(args[i : i + 3] == ("-m", "pip", "install") for i in range(len(args)))
    return False


def _pip_pinned(package: str) -> bool:
    vcs = any(package.startswith(scheme) for scheme in _VCS)
    return (
        any(symbol in package for symbol in _PIP_VERSION_SYMBOLS)
        or (vcs and "@" in package)
        or package.endswith((".whl", ".tar.gz"))
        or (not vcs and "/" in package)
    )


def _pip_unpinned(shell: ParsedShell) -> str | None:
    for command in shell.commands:
        if not is_pip_install(command) or command.has_flag("constraint", "c"):
            continue
        if command.has_any_arg("--requirement", "-r", "."):
            continue
        loose = [
            p
            for p in _after_install(command.operands(value_flags=tuple(_PIP_VALUE_FLAGS)))
            if not _pip_pinned(p)
        ]
        if loose:
            return f"pip install without a version: {', '.join(loose[:5])}"
    return None


def _pip_wrapper(command: ShellCommand) -> bool:
    return any(
        wrapper in command.name
        or (
            command.name.startswith("python")
            and any(command.args[i : i + 2] == ("-m", wrapper) for i in range(len(command.args)))
        )
        for wrapper in ("pipx", "pipenv")
    )


def _disables_pip_cache(instruction: Instruction) -> bool:
    if instruction.keyword != "ENV":
        return False
    pairs = dict(zip(instruction.args[::2], instruction.args[1::2], strict=False))
    return pairs.get("PIP_NO_CACHE_DIR", "").strip("\"'") in _TRUTHY


def _pip_cache(dockerfile: Dockerfile) -> Iterator[Hit]:
    for instruction, disabled in with_stage_flag(dockerfile, _disables_pip_cache):
        if instruction.keyword != "RUN" or disabled or cache_mount(instruction, ".cache/pip"):
            continue
        match = re.search(r"PIP_NO_CACHE_DIR=['\"]?(\w+)", instruction.script)
        if match and any(match.group(1).startswith(value) for value in _TRUTHY):
            continue
        if any(
            is_pip_install(c) and "--no-cache-dir" not in c.args and not _pip_wrapper(c)
            for c in instruction.shell.commands
        ):
            yield Hit(instruction, "pip install keeps its download cache in the layer")


def _npm_pinned(package: str) -> bool:
    if package.startswith(("git://", "git+ssh://", "git+http://", "git+https://")):
        return "#" in package
    if package.endswith((".tar", ".tar.gz", ".tgz")) or package.startswith(("/", "./", "../", "~/")):
        return True
    if package.startswith("@"):
        package = package.lstrip("".join(chr(c) for c in range(ord("/") + 1, 128)))
    return "@" in package


def _npm_unpinned(shell: ParsedShell) -> str | None:
    for command in shell.commands:
        if not command.is_("npm", "install"):
            continue
        operands = command.operands(value_flags=("loglevel", "registry"))
        if not operands or operands[0] != "install":
            continue
        loose = [p for p in _after_install(operands) if not _npm_pinned(p)]
        if loose:
            return f"npm install without a version: {', '.join(loose[:5])}"
    return None


def _gems(command: ShellCommand) -> list[str]:
    if not command.is_("gem", "install", "i") or command.has_any_arg("-v", "--version"):
        return []
    if any(arg.startswith("--version=") for arg in command.args):
        return []
    args = list(command.args)
    if "--" in args:
        args = args[: args.index("--")]
    found, skip = [], False
    for arg in args:
        if skip:
            skip = False
        elif arg.startswith("-"):
            skip = True  # hadolint's reading: an option takes the next word as its value
        elif arg not in ("install", "i"):
            found.append(arg)
    return found


def _gem_unpinned(shell: ParsedShell) -> str | None:
    loose = [gem for command in shell.commands for gem in _gems(command) if ":" not in gem]
    return f"gem install without a version: {', '.join(loose[:5])}" if loose else None


def _go_packages(shell: ParsedShell) -> list[str]:
    runs = [
        arg
        for command in shell.commands
        if command.is_("go", "run")
        for index, arg in enumerate(command.operands())
        if arg != "run" and index <= 1
    ]
    if runs:
        return runs
    return [
        arg
        for command in shell.commands
        if command.is_("go", "install", "get")
        for arg in command.operands()
        if arg not in ("install", "get", "tool")
    ]


def _go_unpinned(shell: ParsedShell) -> str | None:
    def pinned(package: str) -> bool:
        local = package == "." or package.startswith(("/", "."))
        return local or ("@" in package and not package.endswith(("@latest", "@none")))

    loose = [p for p in _go_packages(shell) if not pinned(p)]
    return f"go install without a version: {', '.join(loose[:5])}" if loose else None


def _yarn_cache(dockerfile: Dockerfile) -> Iterator[Hit]:
    failing = []
    for run in dockerfile.runs():
        shell = run.shell
        install = shell.index_of(lambda c: c.is_("yarn", "install"))
        clean = shell.index_of(lambda c: c.name == "yarn" and c.has_any_arg("cache", "clean"))
        if install is None:
            continue
        if (clean is None and not cache_mount(run, ".cache/yarn")) or (clean is not None and clean < install):
            failing.append(run)
    yield from findings_in_kept_stages(
        dockerfile, failing, "yarn install leaves its cache; run `yarn cache clean`"
    )


CHECKS: tuple[Check, ...] = (
    run_check(
        info(
            13,
            "pip install without pinned versions",
            Severity.MEDIUM,
            "Unpinned Python packages make builds unrepeatable and open the door to a malicious new release.",
            "Pin versions (`pip install <package>==<version>`) or install from a requirements or"
            " constraints file.",
            hadolint="DL3013",
        ),
        _pip_unpinned,
    ),
    run_check(
        info(
            16,
            "npm install without pinned versions",
            Severity.MEDIUM,
            "Unpinned npm packages make builds unrepeatable.",
            "Pin versions: `npm install <package>@<version>`, or use `npm ci` with a lockfile.",
            hadolint="DL3016",
        ),
        _npm_unpinned,
    ),
    run_check(
        info(
            28,
            "gem install without pinned versions",
            Severity.MEDIUM,
            "Unpinned gems make builds unrepeatable.",
            "Pin versions: `gem install <gem>:<version>`.",
            hadolint="DL3028",
        ),
        _gem_unpinned,
    ),
    Check(
        info(
            42,
            "pip install without --no-cache-dir",
            Severity.LOW,
            "pip's download cache stays in the layer and only adds size.",
            "Use `pip install --no-cache-dir`, set `ENV PIP_NO_CACHE_DIR=1`, or use a cache mount.",
            hadolint="DL3042",
        ),
        _pip_cache,
    ),
    Check(
        info(
            60,
            "yarn cache not cleaned after yarn install",
            Severity.LOW,
            "yarn's cache stays in the layer.",
            "Run `yarn cache clean` after `yarn install` in the same RUN, or use a cache mount.",
            hadolint="DL3060",
        ),
        _yarn_cache,
    ),
    run_check(
        info(
            62,
            "go install without a pinned version",
            Severity.MEDIUM,
            "`go install pkg` or `@latest` gives whatever was released last.",
            "Use `go install <package>@<version>`.",
            hadolint="DL3062",
        ),
        _go_unpinned,
    ),
)
