"""RPM-family package managers: yum, dnf/microdnf, zypper (hadolint DL3030-DL3041)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from hullguard.misconfig.dockerfile._check import Check, Hit, info, run_check
from hullguard.misconfig.dockerfile._parse import Dockerfile
from hullguard.misconfig.dockerfile._rules_apt import cache_mount
from hullguard.misconfig.dockerfile._shell import ParsedShell, ShellCommand
from hullguard.report import Severity

__all__ = ["CHECKS"]

_DNF = ("dnf", "microdnf")
_VERSION_PART = re.compile(r"^[0-9A-Za-z.~^_:+]*$")


def _any_is(shell: ParsedShell, names: tuple[str, ...], subcommands: tuple[str, ...]) -> bool:
    return any(c.name in names and c.has_any_arg(*subcommands) for c in shell.commands)


def _missing_yes(
    names: tuple[str, ...], subcommands: tuple[str, ...], yes: tuple[str, ...], message: str
) -> Callable[[ParsedShell], str | None]:
    def failing(shell: ParsedShell) -> str | None:
        for command in shell.commands:
            if command.name in names and command.has_any_arg(*subcommands) and not command.has_flag(*yes):
                return message
        return None

    return failing


def _cleaned_after(
    shell: ParsedShell, install: Callable[[ShellCommand], bool], clean: Callable[[ShellCommand], bool]
) -> bool:
    """No install, or the first clean comes after the first install (hadolint compares first positions)."""
    first_install = shell.index_of(install)
    if first_install is None:
        return True
    first_clean = shell.index_of(clean)
    return first_clean is not None and first_install < first_clean


def _yum_clean(shell: ParsedShell) -> str | None:
    ok = _cleaned_after(
        shell,
        lambda c: c.is_("yum", "install"),
        lambda c: c.is_("yum", "clean", "all") or c.is_("rm", "-rf", "/var/cache/yum/*"),
    )
    return None if ok else "yum install without `yum clean all` afterwards"


def _dnf_clean(dockerfile: Dockerfile) -> Iterator[Hit]:
    installs = ("install", "in", "upgrade", "up", "upgrade-minimal", "up-min", "reinstall", "rei")
    for run in dockerfile.runs():
        if cache_mount(run, "/var/cache/libdnf5") or cache_mount(run, ".cache/libdnf5"):
            continue
        for name in _DNF:

            def install(command: ShellCommand, name: str = name) -> bool:
                return command.is_(name, *installs)

            def clean(command: ShellCommand, name: str = name) -> bool:
                return command.is_(name, "clean", "all") or command.is_("rm", "-rf", "/var/cache/libdnf5*")

            if not _cleaned_after(run.shell, install, clean):
                yield Hit(run, f"{name} install without `{name} clean all` afterwards")
                break


def _zypper_clean(dockerfile: Dockerfile) -> Iterator[Hit]:
    for run in dockerfile.runs():
        if cache_mount(run, "/var/cache/zypp"):
            continue
        ok = _cleaned_after(
            run.shell, lambda c: c.is_("zypper", "install", "in"), lambda c: c.is_("zypper", "clean", "cc")
        )
        if not ok:
            yield Hit(run, "zypper install without `zypper clean` afterwards")


def _zypper_unpinned(shell: ParsedShell) -> str | None:
    loose = [
        arg
        for c in shell.commands
        if c.is_("zypper", "install", "in")
        for arg in c.operands()
        if arg not in ("install", "in") and not (any(s in arg for s in "=<>") or arg.endswith(".rpm"))
    ]
    return f"zypper install without a version: {', '.join(loose[:5])}" if loose else None


def _zypper_dist_upgrade(shell: ParsedShell) -> str | None:
    return (
        "zypper dist-upgrade in a Dockerfile"
        if _any_is(shell, ("zypper",), ("dist-upgrade", "dup"))
        else None
    )


def _rpm_version_fixed(package: str, variables: set[str]) -> bool:
    parts = package.split("-")
    if len(parts) <= 1:
        return False
    if package.endswith(".rpm"):
        return True
    if "$" in package:
        return any("${" + name + "}" in package for name in variables)
    rest = parts[1:]
    return all(_VERSION_PART.match(p) for p in rest) and any(p[:1].isdigit() for p in rest)


def _rpm_pinning(
    names: tuple[str, ...], excluded: tuple[str, ...], message: str
) -> Callable[[Dockerfile], Iterator[Hit]]:
    """DL3033/DL3041: package versions; ``${VAR}`` counts when an ENV (same stage) or ARG defines VAR."""

    def find(dockerfile: Dockerfile) -> Iterator[Hit]:
        args: set[str] = set()
        envs: dict[int, set[str]] = {}
        for instruction in dockerfile.instructions:
            keyword = instruction.keyword
            if keyword == "ARG":
                args.update(instruction.declared_names())
            elif keyword == "ENV":
                envs.setdefault(instruction.stage, set()).update(instruction.declared_names())
            elif keyword == "RUN":
                known = args | envs.get(instruction.stage, set())
                if not _rpm_ok(instruction.shell, names, excluded, known):
                    yield Hit(instruction, message)

    return find


def _rpm_ok(shell: ParsedShell, names: tuple[str, ...], excluded: tuple[str, ...], known: set[str]) -> bool:
    for command in shell.commands:
        if command.name not in names or "install" not in command.args:
            continue
        packages = [a for a in command.operands() if a not in ("install", "module")]
        if command.has_any_arg("module"):
            if not all(":" in p for p in packages):
                return False
        elif not command.has_any_arg(*excluded) and not all(_rpm_version_fixed(p, known) for p in packages):
            return False
    return True


CHECKS: tuple[Check, ...] = (
    run_check(
        info(
            30,
            "yum install without -y",
            Severity.MEDIUM,
            "Without `-y` yum waits for a confirmation the build cannot give.",
            "Use `yum install -y <package>`.",
            hadolint="DL3030",
        ),
        _missing_yes(
            ("yum",),
            ("install", "groupinstall", "localinstall"),
            ("y", "assumeyes"),
            "yum install without -y",
        ),
    ),
    run_check(
        info(
            32,
            "yum cache not cleaned",
            Severity.LOW,
            "yum's metadata and package cache stay in the layer.",
            "End the RUN with `yum clean all`.",
            hadolint="DL3032",
        ),
        _yum_clean,
    ),
    Check(
        info(
            33,
            "yum install without pinned versions",
            Severity.MEDIUM,
            "Unpinned packages make builds unrepeatable.",
            "Use `yum install -y <package>-<version>`.",
            hadolint="DL3033",
        ),
        _rpm_pinning(("yum",), (), "yum install without a version"),
    ),
    run_check(
        info(
            34,
            "zypper without non-interactive switch",
            Severity.MEDIUM,
            "zypper waits for a confirmation the build cannot give.",
            "Use `zypper install -y` (or `--non-interactive`).",
            hadolint="DL3034",
        ),
        _missing_yes(
            ("zypper",),
            ("install", "in", "remove", "rm", "source-install", "si", "patch"),
            ("non-interactive", "n", "no-confirm", "y"),
            "zypper without -y/--non-interactive",
        ),
    ),
    run_check(
        info(
            35,
            "zypper dist-upgrade in a Dockerfile",
            Severity.MEDIUM,
            "A distribution upgrade makes the image depend on the build date.",
            "Use a newer base image instead.",
            hadolint="DL3035",
        ),
        _zypper_dist_upgrade,
    ),
    Check(
        info(
            36,
            "zypper cache not cleaned",
            Severity.LOW,
            "zypper's cache stays in the layer.",
            "End the RUN with `zypper clean`.",
            hadolint="DL3036",
        ),
        _zypper_clean,
    ),
    run_check(
        info(
            37,
            "zypper install without pinned versions",
            Severity.MEDIUM,
            "Unpinned packages make builds unrepeatable.",
            "Use `zypper install -y <package>=<version>`.",
            hadolint="DL3037",
        ),
        _zypper_unpinned,
    ),
    run_check(
        info(
            38,
            "dnf install without -y",
            Severity.MEDIUM,
            "Without `-y` dnf waits for a confirmation the build cannot give.",
            "Use `dnf install -y <package>`.",
            hadolint="DL3038",
        ),
        _missing_yes(
            _DNF, ("install", "groupinstall", "localinstall"), ("y", "assumeyes"), "dnf install without -y"
        ),
    ),
    Check(
        info(
            40,
            "dnf cache not cleaned",
            Severity.LOW,
            "dnf's metadata and package cache stay in the layer.",
            "End the RUN with `dnf clean all`.",
            hadolint="DL3040",
        ),
        _dnf_clean,
    ),
    Check(
        info(
            41,
            "dnf install without pinned versions",
            Severity.MEDIUM,
            "Unpinned packages make builds unrepeatable.",
            "Use `dnf install -y <package>-<version>`.",
            hadolint="DL3041",
        ),
        _rpm_pinning(_DNF, ("module", "group"), "dnf install without a version"),
    ),
)
