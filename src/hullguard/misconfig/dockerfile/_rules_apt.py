"""Debian and Alpine package installs: pinning, prompts, recommends, caches (hadolint DL3008-DL3019)."""

from __future__ import annotations

from collections.abc import Iterator

from hullguard.misconfig.dockerfile._check import Check, Hit, info, run_check
from hullguard.misconfig.dockerfile._parse import Dockerfile, Instruction
from hullguard.misconfig.dockerfile._shell import ParsedShell, ShellCommand
from hullguard.report import Severity

__all__ = ["CHECKS", "cache_mount", "findings_in_kept_stages", "removes_apt_lists"]


def cache_mount(run: Instruction, fragment: str) -> bool:
    """A ``--mount=type=cache`` or ``tmpfs`` whose target contains ``fragment``: nothing is left behind."""
    return any(
        mount.get("type") in ("cache", "tmpfs")
        and fragment in (mount.get("target") or mount.get("dst") or mount.get("destination") or "")
        for mount in run.mounts()
    )


def findings_in_kept_stages(
    dockerfile: Dockerfile, failing: list[Instruction], message: str
) -> Iterator[Hit]:
    """Hits for ``failing`` RUNs in stages that end up in an image: the last one, or one used as a base.

    A leftover cache in a builder stage that is only copied from costs nothing, as hadolint reasons.
    """
    if not dockerfile.stages:
        yield from (Hit(run, message) for run in failing)
        return
    last = len(dockerfile.stages) - 1
    bases = {stage.image.lower() for stage in dockerfile.stages}
    for run in failing:
        stage = dockerfile.stage_of(run)
        if stage is None or stage.index == last or (stage.name is not None and stage.name in bases):
            yield Hit(run, message)


def _apt_get_install(command: ShellCommand) -> bool:
    return command.is_("apt-get", "install")


def _apt_packages(shell: ParsedShell) -> list[str]:
    return [
        arg
        for command in shell.commands
        if _apt_get_install(command)
        for arg in command.operands(value_flags=("t", "target-release"))
        if arg != "install"
    ]


def _apt_unpinned(shell: ParsedShell) -> str | None:
    loose = [p for p in _apt_packages(shell) if not ("=" in p or "/" in p or p.endswith(".deb"))]
    return f"apt-get install without a version: {', '.join(loose[:5])}" if loose else None


def _apt_no_yes(shell: ParsedShell) -> str | None:
    def answers_yes(command: ShellCommand) -> bool:
        return (
            command.has_flag("y", "yes", "qq", "assume-yes")
            or command.count_flag("q") == 2
            or command.count_flag("quiet") == 2
            or "-q=2" in command.args
        )

    if any(_apt_get_install(c) and not answers_yes(c) for c in shell.commands):
        return "apt-get install without -y waits for an answer"
    return None


def _apt_recommends(shell: ParsedShell) -> str | None:
    for command in shell.commands:
        if _apt_get_install(command) and not (
            command.has_flag("no-install-recommends") or "APT::Install-Recommends=false" in command.args
        ):
            return "apt-get install without --no-install-recommends"
    return None


def _apt_used(shell: ParsedShell) -> str | None:
    return "`apt` is for interactive use; its output and behaviour may change" if shell.uses("apt") else None


def removes_apt_lists(command: ShellCommand) -> bool:
    """``rm`` of /var/lib/apt/lists (any spelling), or ``apt-get dist-clean`` (apt >= 2.7 removes the lists).

    hadolint accepts any ``rm -rf`` (even of /tmp) and does not know ``dist-clean``, which every
    current docker-library Dockerfile uses; both are systematic differences in the README.
    """
    if command.name == "rm":
        return any(arg.startswith("/var/lib/apt/lists") for arg in command.args)
    return command.name in ("apt-get", "apt") and "dist-clean" in command.args


def _apt_lists_left(dockerfile: Dockerfile) -> Iterator[Hit]:
    failing = []
    for run in dockerfile.runs():
        commands = run.shell.commands
        updates = any(c.is_(name, "update") for c in commands for name in ("apt", "apt-get", "aptitude"))
        cleans = any(removes_apt_lists(c) for c in commands)
        if not updates or cleans:
            continue
        if cache_mount(run, "/var/lib/apt/lists") or (
            cache_mount(run, "/var/lib/apt") and cache_mount(run, "/var/cache/apt")
        ):
            continue
        failing.append(run)
    yield from findings_in_kept_stages(
        dockerfile, failing, "apt lists from `apt-get update` stay in the layer"
    )


def _apk_packages(shell: ParsedShell) -> list[str]:
    return [
        arg
        for command in shell.commands
        if command.is_("apk", "add")
        for arg in command.operands(value_flags=("t", "virtual", "repository", "X"))
        if arg != "add"
    ]


def _apk_unpinned(shell: ParsedShell) -> str | None:
    loose = [p for p in _apk_packages(shell) if not (any(s in p for s in "=~><") or p.endswith(".apk"))]
    return f"apk add without a version: {', '.join(loose[:5])}" if loose else None


def _apk_cache(dockerfile: Dockerfile) -> Iterator[Hit]:
    for run in dockerfile.runs():
        if cache_mount(run, "/var/cache/apk"):
            continue
        if any(c.is_("apk", "add") and not c.has_flag("no-cache") for c in run.shell.commands):
            yield Hit(run, "apk add without --no-cache leaves the package index in the layer")


def _apt_upgrade(shell: ParsedShell) -> str | None:
    for command in shell.commands:
        if command.name in ("apt-get", "apt") and command.has_any_arg(
            "upgrade", "dist-upgrade", "full-upgrade"
        ):
            return f"`{command.name} {next(a for a in command.args if 'upgrade' in a)}` in a Dockerfile"
    return None


def _update_alone(shell: ParsedShell) -> str | None:
    managers = {"apt-get": "install", "apt": "install", "apk": "add", "yum": "install", "dnf": "install"}
    for manager, install in managers.items():
        if any(c.is_(manager, "update") for c in shell.commands) and not any(
            c.is_(manager, install) or c.is_(manager, "upgrade") for c in shell.commands
        ):
            return f"`{manager} update` without an install in the same RUN"
    return None


CHECKS: tuple[Check, ...] = (
    run_check(
        info(
            8,
            "apt-get install without pinned versions",
            Severity.MEDIUM,
            "Unpinned packages make builds unrepeatable: the next build may get a different version.",
            "Pin each package: `apt-get install <package>=<version>`.",
            hadolint="DL3008",
        ),
        _apt_unpinned,
    ),
    Check(
        info(
            9,
            "apt lists not removed after apt-get update",
            Severity.LOW,
            "The package index downloaded by `apt-get update` stays in the image layer and bloats it.",
            "End the same RUN with `rm -rf /var/lib/apt/lists/*`, or use a cache mount.",
            hadolint="DL3009",
        ),
        _apt_lists_left,
    ),
    run_check(
        info(
            14,
            "apt-get install without -y",
            Severity.MEDIUM,
            "Without `-y` apt-get asks for confirmation, which a build cannot give.",
            "Use `apt-get install -y <package>`.",
            hadolint="DL3014",
        ),
        _apt_no_yes,
    ),
    run_check(
        info(
            15,
            "apt-get install without --no-install-recommends",
            Severity.LOW,
            "Recommended packages add size and attack surface the image does not need.",
            "Use `apt-get install --no-install-recommends <package>`.",
            hadolint="DL3015",
        ),
        _apt_recommends,
    ),
    run_check(
        info(
            18,
            "apk add without pinned versions",
            Severity.MEDIUM,
            "Unpinned packages make builds unrepeatable.",
            "Pin each package: `apk add <package>=<version>`.",
            hadolint="DL3018",
        ),
        _apk_unpinned,
    ),
    Check(
        info(
            19,
            "apk add without --no-cache",
            Severity.LOW,
            "The apk index cache stays in the layer.",
            "Use `apk add --no-cache <package>` (no `apk update` needed).",
            hadolint="DL3019",
        ),
        _apk_cache,
    ),
    run_check(
        info(
            27,
            "apt used instead of apt-get",
            Severity.MEDIUM,
            "`apt` is meant for interactive use and warns that its interface is not stable for scripts.",
            "Use `apt-get` or `apt-cache`.",
            hadolint="DL3027",
        ),
        _apt_used,
    ),
    run_check(
        info(
            207,
            "Distribution upgrade inside the image build",
            Severity.LOW,
            "`apt-get upgrade`/`dist-upgrade` makes the result depend on the day of the build and may"
            " pull packages the base image maintainers deliberately held back (CIS Docker 4.7).",
            "Use a newer base image instead, or install the specific fixed packages.",
        ),
        _apt_upgrade,
    ),
    run_check(
        info(
            211,
            "Package index update without an install in the same RUN",
            Severity.LOW,
            "A lone `apt-get update` layer is cached; a later install then uses stale lists"
            " (CIS Docker 4.7).",
            "Run `apt-get update && apt-get install ...` in one RUN instruction.",
        ),
        _update_alone,
    ),
)
