"""Checks of a built image's settings: CIS Docker Benchmark section 4 and what Dockle checks.

These read the image config (user, healthcheck, ports, env, history) and the facts the layer
pass collected (packages, setuid files, world-writable paths, cache directories). They never run
the image. Findings point at ``config`` (a setting) or ``history`` (line = history entry, 1-based,
with the layer it built), since a built image has no Dockerfile lines of its own.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from hullguard.image._model import HistoryEntry, ImageConfig
from hullguard.inventory import FactKind, FileFacts, Inventory, LayerInfo
from hullguard.misconfig._options import LintOptions
from hullguard.misconfig._values import image_problem, is_literal_secret
from hullguard.report import CheckInfo, MisconfigFinding, Severity, SourceLocation

__all__ = ["CHECKS", "ImageFacts", "check_image", "facts_from_inventory"]

_CIS = "https://www.cisecurity.org/benchmark/docker"
_DOCKLE = "https://github.com/goodwithtech/dockle/blob/master/CHECKPOINT.md"


def _check(number: int, title: str, severity: Severity, remediation: str, **extra: object) -> CheckInfo:
    mappings = tuple((k.replace("_", "-"), str(v)) for k, v in extra.items() if k != "description")
    return CheckInfo(
        id=f"HG-IMG-{number:03d}",
        title=title,
        severity=severity,
        kind="image-config",
        description=str(extra.get("description", "")),
        remediation=remediation,
        references=(_CIS, _DOCKLE),
        mappings=mappings,
    )


ROOT_USER = _check(
    1,
    "Image runs as root",
    Severity.HIGH,
    "Create an unprivileged user and end the Dockerfile with USER <name or uid>.",
    cis_docker="4.1",
    dockle="CIS-DI-0001",
    description="A process that escapes the container as root owns the host's files it can reach.",
)
NO_HEALTHCHECK = _check(
    2,
    "No HEALTHCHECK instruction",
    Severity.LOW,
    "Add HEALTHCHECK CMD <probe> so the engine and orchestrators notice a hung service.",
    cis_docker="4.6",
    dockle="CIS-DI-0006",
)
SECRET_ENV = _check(
    3,
    "Credential-like value in ENV, ARG or label",
    Severity.HIGH,
    "Pass secrets at run time (docker secrets, --env-file, a vault); at build, RUN --mount=type=secret.",
    cis_docker="4.10",
    dockle="CIS-DI-0010",
    description="Environment, build arguments and labels are readable by anyone who can pull the image.",
)
REMOTE_ADD = _check(
    4,
    "ADD fetches a remote URL",
    Severity.MEDIUM,
    "Download with curl/wget in RUN and verify a checksum, or COPY a vetted file.",
    cis_docker="4.9",
    hadolint="DL3020",
)
ADD_INSTEAD_OF_COPY = _check(
    5,
    "ADD used instead of COPY",
    Severity.LOW,
    "Use COPY for local files; ADD also unpacks archives and fetches URLs, which is rarely intended.",
    cis_docker="4.9",
    dockle="CIS-DI-0009",
)
LATEST_TAG = _check(
    6,
    "Image referenced by the latest tag or no tag",
    Severity.MEDIUM,
    "Deploy by digest (name@sha256:...) or an immutable version tag.",
    dockle="DKL-DI-0006",
)
SETUID_FILES = _check(
    7,
    "setuid or setgid files",
    Severity.MEDIUM,
    "Remove the bits in the Dockerfile: RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +",
    cis_docker="4.8",
    dockle="CIS-DI-0008",
)
WORLD_WRITABLE = _check(
    8,
    "World-writable file or directory outside temporary directories",
    Severity.MEDIUM,
    "chmod o-w the path, or make it a sticky directory if it must be shared.",
)
PACKAGE_CACHE = _check(
    9,
    "Package manager cache left in the image",
    Severity.LOW,
    "Clean in the same RUN: rm -rf /var/lib/apt/lists/*, apk --no-cache, pip --no-cache-dir.",
    dockle="DKL-DI-0005",
    hadolint="DL3009",
)
SUDO = _check(
    10,
    "sudo installed",
    Severity.MEDIUM,
    "Do not install sudo; run the steps that need root before USER, or use gosu/su-exec at start-up.",
    hadolint="DL3004",
    dockle="CIS-DI-0007",
)
SSH_SERVER = _check(
    11,
    "SSH server installed or port 22 exposed",
    Severity.HIGH,
    "Remove the SSH server; use docker exec / kubectl exec for access.",
    cis_docker="5.7",
    hadolint="DL3011",
)
UPGRADE = _check(
    12,
    "Distribution upgrade during the build",
    Severity.LOW,
    "Rebuild from a newer base image instead of apt-get upgrade / apk upgrade / dnf update.",
    hadolint="DL3005",
)
UPDATE_ALONE = _check(
    13,
    "Package index update without install in the same layer",
    Severity.MEDIUM,
    "Combine update and install in one RUN: apt-get update && apt-get install -y ...",
    cis_docker="4.7",
    dockle="DKL-DI-0007",
    hadolint="DL3009",
)

CHECKS: tuple[CheckInfo, ...] = (
    ROOT_USER,
    NO_HEALTHCHECK,
    SECRET_ENV,
    REMOTE_ADD,
    ADD_INSTEAD_OF_COPY,
    LATEST_TAG,
    SETUID_FILES,
    WORLD_WRITABLE,
    PACKAGE_CACHE,
    SUDO,
    SSH_SERVER,
    UPGRADE,
    UPDATE_ALONE,
)


@dataclass(frozen=True, slots=True)
class ImageFacts:
    """Everything the image checks read; :func:`facts_from_inventory` builds it after the layer pass."""

    config: ImageConfig
    reference: str = ""
    """The image as the user named it (``nginx:latest``), for the tag check."""
    layers: tuple[LayerInfo, ...] = ()
    packages: frozenset[str] = frozenset()
    """Names of installed packages (distro and language)."""
    files: FileFacts | None = None
    """Setuid, world-writable and notable paths and package caches of the final filesystem; None
    when the layers were not read, and the history is the only evidence."""

    def layer(self, diff_id: str | None) -> LayerInfo | None:
        """The layer with this diff_id, for locating a file finding."""
        return next((layer for layer in self.layers if layer.diff_id == diff_id), None)


def facts_from_inventory(inventory: Inventory, reference: str) -> ImageFacts | None:
    """The facts of an analysed image; None for directories and SBOMs, which have no image config."""
    if inventory.config is None:
        return None
    return ImageFacts(
        config=inventory.config,
        reference=reference,
        layers=inventory.layers,
        packages=frozenset(p.name for p in inventory.packages),
        files=inventory.file_facts,
    )


_CONFIG = "config"
_HISTORY = "history"
_UPGRADE = re.compile(
    r"\b(apt-get|apt)\s+(-\S+\s+)*(dist-)?upgrade\b|\bapk\s+(-\S+\s+)*upgrade\b|\b(yum|dnf|microdnf)\s+(-\S+\s+)*(update|upgrade)\b"
)
_UPDATE = re.compile(r"\b(apt-get|apt)\s+(-\S+\s+)*update\b|\bapk\s+(-\S+\s+)*update\b")
_INSTALL = re.compile(r"\b(apt-get|apt|apk|yum|dnf)\s+(-\S+\s+)*(install|add|upgrade|dist-upgrade)\b")
_ADD = re.compile(r"^\s*(/bin/sh -c #\(nop\)\s*)?ADD\s+(?P<rest>.*)$", re.S)
_BASE_ROOTFS = re.compile(r"^file:[0-9a-f]{64} in /\s*$")
"""How the classic builder records a base image's root filesystem tarball: ADD is right there."""
_TEMP_DIRS = ("/tmp", "/var/tmp", "/dev/shm", "/run/lock", "/var/lock")  # noqa: S108 - paths inside the image
_SSH_PACKAGES = frozenset({"openssh-server", "dropbear", "openssh"})


def _history_with_layers(
    config: ImageConfig, layers: Sequence[LayerInfo]
) -> list[tuple[int, HistoryEntry, LayerInfo | None]]:
    """(1-based history index, entry, the layer it created) — empty-layer entries get no layer."""
    out = []
    layer_index = 0
    for n, entry in enumerate(config.history, start=1):
        layer = None
        if not entry.empty_layer:
            layer = layers[layer_index] if layer_index < len(layers) else None
            layer_index += 1
        out.append((n, entry, layer))
    return out


def _instruction(created_by: str) -> str:
    """The Dockerfile-ish text of a history entry, without the ``/bin/sh -c #(nop)`` wrapping."""
    text = created_by.strip()
    for prefix in ("/bin/sh -c #(nop) ", "/bin/sh -c #(nop)"):
        if text.startswith(prefix):
            return text[len(prefix) :].strip()
    if text.startswith("/bin/sh -c "):
        return "RUN " + text[len("/bin/sh -c ") :]
    return text


def _finding(check: CheckInfo, message: str, location: SourceLocation) -> MisconfigFinding:
    return MisconfigFinding(check=check, location=location, message=message, resource="image")


def _user_checks(facts: ImageFacts) -> Iterable[MisconfigFinding]:
    user = facts.config.config.User.strip()
    name = user.split(":", 1)[0]
    if name in ("", "root", "0"):
        shown = f"USER {user}" if user else "no USER instruction"
        yield _finding(ROOT_USER, f"the image runs as root ({shown})", SourceLocation(_CONFIG))


def _healthcheck(facts: ImageFacts) -> Iterable[MisconfigFinding]:
    test = (facts.config.config.Healthcheck or {}).get("Test") or []
    if not test or test == ["NONE"]:
        yield _finding(NO_HEALTHCHECK, "no HEALTHCHECK defined", SourceLocation(_CONFIG))


def _secret_settings(facts: ImageFacts) -> Iterable[MisconfigFinding]:
    for variable in facts.config.config.Env or []:
        name, _, value = variable.partition("=")
        if is_literal_secret(name, value):
            yield _finding(SECRET_ENV, f"ENV {name} has a literal value", SourceLocation(_CONFIG))
    for name, value in (facts.config.config.Labels or {}).items():
        if is_literal_secret(name.rsplit(".", 1)[-1], str(value)):
            yield _finding(SECRET_ENV, f"label {name} has a literal value", SourceLocation(_CONFIG))
    for n, step, layer in _history_with_layers(facts.config, facts.layers):
        # BuildKit records build arguments used by RUN as "|2 NAME=value NAME2=value /bin/sh -c ..."
        match = re.match(r"^\|\d+\s+(.*?)\s+/bin/sh -c ", step.created_by, re.S)
        if not match:
            continue
        for assignment in _split(match.group(1)):
            arg, _, value = assignment.partition("=")
            if is_literal_secret(arg, value):
                location = SourceLocation(_HISTORY, n, layer=layer)
                yield _finding(SECRET_ENV, f"build argument {arg} is recorded in the history", location)


def _split(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def _history_checks(facts: ImageFacts) -> Iterable[MisconfigFinding]:
    for n, entry, layer in _history_with_layers(facts.config, facts.layers):
        instruction = _instruction(entry.created_by)
        location = SourceLocation(_HISTORY, n, layer=layer)
        add = _ADD.match(instruction)
        if add:
            sources = add.group("rest")
            if re.search(r"\b(https?|ftp)://", sources):
                yield _finding(REMOTE_ADD, f"{_short(instruction)} downloads at build time", location)
            elif not _BASE_ROOTFS.match(sources):
                yield _finding(ADD_INSTEAD_OF_COPY, f"{_short(instruction)} uses ADD", location)
            continue
        if not instruction.startswith("RUN "):
            continue
        if facts.files is None:
            yield from _cache_from_history(instruction, location)
        if _UPGRADE.search(instruction):
            yield _finding(UPGRADE, f"{_short(instruction)} upgrades the distribution", location)
        if _UPDATE.search(instruction) and not _INSTALL.search(instruction):
            yield _finding(
                UPDATE_ALONE, f"{_short(instruction)} updates the index without installing", location
            )


def _cache_from_history(instruction: str, location: SourceLocation) -> Iterable[MisconfigFinding]:
    """Without the layers, a package install that does not clean up in the same step is the evidence."""
    apk = re.search(r"\bapk\s+(-\S+\s+)*add\b", instruction)
    if apk and "--no-cache" not in instruction and "/var/cache/apk" not in instruction:
        yield _finding(PACKAGE_CACHE, f"{_short(instruction)} keeps the apk cache", location)
    if re.search(r"\bapt-get\s+(-\S+\s+)*install\b", instruction) and "/var/lib/apt/lists" not in instruction:
        yield _finding(PACKAGE_CACHE, f"{_short(instruction)} keeps the apt lists", location)


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


_FILE_SOURCES = ("docker-archive:", "oci-layout:", "oci-archive:", "rootfs:", "sbom:", "dir:")


def _tag(facts: ImageFacts) -> Iterable[MisconfigFinding]:
    """Registry and engine references only: a file on disk has no tag to pin."""
    reference = facts.reference.strip()
    if not reference or reference.startswith((*_FILE_SOURCES, ".", "/", "~")) or "@" in reference:
        return
    name = reference.split(":", 1)[1] if reference.startswith(("docker:", "podman:")) else reference
    problem = image_problem(name)
    if problem is not None:
        yield _finding(LATEST_TAG, f"{reference} is referenced with {problem}", SourceLocation(_CONFIG))


def _file_checks(facts: ImageFacts) -> Iterable[MisconfigFinding]:
    if facts.files is None:
        return
    for fact in facts.files.facts:
        location = SourceLocation(fact.path, layer=facts.layer(fact.diff_id))
        mode = f"mode {fact.mode & 0o7777:04o}"
        if fact.kind is FactKind.SETUID or (fact.kind is FactKind.SETGID and not fact.mode & 0o4000):
            bits = " and ".join(b for b, m in (("setuid", 0o4000), ("setgid", 0o2000)) if fact.mode & m)
            yield _finding(SETUID_FILES, f"{fact.path} is {bits} ({mode})", location)
        elif fact.kind is FactKind.WORLD_WRITABLE and not (fact.is_dir and fact.sticky):
            if fact.path.startswith(_TEMP_DIRS):
                continue
            what = "directory" if fact.is_dir else "file"
            yield _finding(WORLD_WRITABLE, f"{what} {fact.path} is world-writable ({mode})", location)
    for cache in facts.files.caches:
        if cache.files:
            message = f"{cache.prefix} holds {cache.files} file(s), {cache.bytes / 1024 / 1024:.1f} MiB"
            layer = facts.layer(cache.diff_ids[-1]) if cache.diff_ids else None
            yield _finding(PACKAGE_CACHE, message, SourceLocation(cache.prefix, layer=layer))


def _package_checks(facts: ImageFacts) -> Iterable[MisconfigFinding]:
    paths = {f.path for f in facts.files.of_kind(FactKind.NOTABLE)} if facts.files else set()
    if "sudo" in facts.packages or "/usr/bin/sudo" in paths:
        yield _finding(SUDO, "sudo is installed", SourceLocation("/usr/bin/sudo"))
    ssh = sorted(facts.packages & _SSH_PACKAGES)
    if ssh or "/usr/sbin/sshd" in paths:
        what = ", ".join(ssh) if ssh else "/usr/sbin/sshd"
        yield _finding(SSH_SERVER, f"an SSH server is installed ({what})", SourceLocation("/usr/sbin/sshd"))
    elif any(port.split("/", 1)[0] == "22" for port in facts.config.config.ExposedPorts or {}):
        yield _finding(SSH_SERVER, "port 22 is exposed", SourceLocation(_CONFIG))


_GROUPS: tuple[Callable[[ImageFacts], Iterable[MisconfigFinding]], ...] = (
    _user_checks,
    _healthcheck,
    _secret_settings,
    _history_checks,
    _tag,
    _file_checks,
    _package_checks,
)


def check_image(facts: ImageFacts, options: LintOptions | None = None) -> list[MisconfigFinding]:
    """Every selected image check's findings, most severe first."""
    options = options or LintOptions()
    found = []
    for group in _GROUPS:
        for finding in group(facts):
            kept = options.apply(finding)
            if kept is not None:
                found.append(kept)
    return sorted(found, key=MisconfigFinding.sort_key)
