"""CIS Docker Benchmark v1.6.0 section 4 (images and build files), from inspect data and history.

Images are those of the running containers (every local image with ``--all-images``), each
inspected once. Build-file checks read ``docker history``'s ``created_by`` lines, which is all
an image keeps of its Dockerfile. 4.1 is judged per container in :mod:`.containers`, since a
``--user`` at run time overrides the image. Secret values are never copied into evidence: only
the variable names are.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from hullguard.audit._build import HOST, fact_check, manual, skip
from hullguard.audit._engine import ImageFacts
from hullguard.audit._gathered import AuditFacts, Unavailable
from hullguard.audit._model import FactCheck, Judged, Status, TargetKind, Verdict

__all__ = ["PLUGINS", "added_files", "lone_updates", "secret_names"]

_I = TargetKind.IMAGE
_UPDATE = re.compile(
    r"\b(?:apt-get|apt|apk|yum|dnf|zypper|microdnf)\s+(?:-\S+\s+)*(?:update|makecache|refresh)\b"
)
_INSTALL = re.compile(r"\b(?:install|upgrade|add|dist-upgrade)\b")
_ADD = re.compile(r"(?:#\(nop\)\s+|^)ADD\s+(?P<args>.*)")
_BASE_ROOTFS = re.compile(r"^(?:--\S+\s+)*file:[0-9a-f]+ in /\s*$")
"""``ADD file:<sha> in /``: the base image's root filesystem, which every FROM scratch image has."""
_SECRET_NAME = re.compile(
    r"(?<![A-Za-z0-9_])([A-Za-z_][A-Za-z0-9_]*?(?:PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|"
    r"ACCESS_?KEY|CREDENTIALS?)[A-Za-z0-9_]*)=(\S+)",
    re.IGNORECASE,
)


def lone_updates(history: tuple[str, ...]) -> list[str]:
    """4.7: package-index updates in a layer that installs nothing (a cached, stale index)."""
    return [line for line in history if _UPDATE.search(line) and not _INSTALL.search(line)]


def added_files(history: tuple[str, ...]) -> list[str]:
    """4.9: ADD instructions, except the base root filesystem."""
    found = []
    for line in history:
        match = _ADD.search(line)
        if match and not _BASE_ROOTFS.match(match.group("args")):
            found.append(match.group("args").strip())
    return found


def secret_names(image: ImageFacts) -> list[str]:
    """4.10: names of ENV/ARG/RUN assignments that look like credentials and have a value."""
    texts = [*image.history, *(image.config.env or [])]
    names = {
        m.group(1) for text in texts for m in _SECRET_NAME.finditer(text) if m.group(2) not in {'""', "''"}
    }
    return sorted(names)


def _per_image(judge: Callable[[ImageFacts], Verdict]) -> Callable[[AuditFacts], list[Judged]]:
    def run(facts: AuditFacts) -> list[Judged]:
        if isinstance(facts.images, Unavailable):
            return [Judged("images", skip(facts.images.reason))]
        if not facts.images:
            return [Judged("images", Verdict(Status.INFO, "no image to audit (no running container)"))]
        return [Judged(image.name, judge(image)) for image in facts.images]

    return run


def judge_healthcheck(image: ImageFacts) -> Verdict:
    """4.6: ``["NONE"]`` disables a base image's health check, so it counts as none."""
    test = image.config.healthcheck.test if image.config.healthcheck else None
    if test and test[0] != "NONE":
        return Verdict(Status.PASS, f"HEALTHCHECK {' '.join(test)}")
    return Verdict(Status.FAIL, "no HEALTHCHECK in the image")


def judge_updates(image: ImageFacts) -> Verdict:
    """4.7 is manual: show the offending layer so a human can judge it."""
    lines = lone_updates(image.history)
    if lines:
        return Verdict(Status.INFO, f"update without install: {lines[0][:200]}")
    return Verdict(Status.PASS, "no update instruction alone")


def judge_add(image: ImageFacts) -> Verdict:
    """4.9 is manual."""
    found = added_files(image.history)
    if found:
        return Verdict(Status.INFO, f"ADD used: {'; '.join(a[:120] for a in found)}")
    return Verdict(Status.PASS, "no ADD besides the base root filesystem")


def judge_secrets(image: ImageFacts) -> Verdict:
    """4.10: WARN, since a name like ``TOKEN_FILE=/run/secrets/t`` may be harmless."""
    names = secret_names(image)
    if names:
        return Verdict(Status.WARN, f"credential-like variables in the build: {', '.join(names)}")
    return Verdict(Status.PASS, "no credential-like variable in the history or environment")


def judge_content_trust(facts: AuditFacts) -> list[Judged]:
    """4.5: about the client side: the environment the audit (and docker) runs in."""
    value = facts.content_trust
    if value == "1":
        return [Judged(HOST, Verdict(Status.PASS, "DOCKER_CONTENT_TRUST=1"))]
    shown = "unset" if value is None else f"{value!r}"
    return [Judged(HOST, Verdict(Status.FAIL, f"DOCKER_CONTENT_TRUST is {shown}"))]


PLUGINS: tuple[FactCheck, ...] = (
    manual(
        "image.trusted-base",
        "4.2",
        "Ensure that containers use only trusted base images",
        _I,
        "pull base images from trusted registries and verify their signatures (hullguard verify)",
    ),
    manual(
        "image.minimal-packages",
        "4.3",
        "Ensure that unnecessary packages are not installed in the container",
        _I,
        "review each image's packages (hullguard sbom IMAGE) and remove what is not needed",
    ),
    manual(
        "image.scanned",
        "4.4",
        "Ensure images are scanned and rebuilt to include security patches",
        _I,
        "scan images regularly (hullguard scan IMAGE) and rebuild them when fixes appear",
    ),
    fact_check(
        "image.content-trust",
        "4.5",
        "Ensure Content trust for Docker is Enabled",
        TargetKind.HOST,
        judge_content_trust,
        "export DOCKER_CONTENT_TRUST=1 (e.g. in /etc/environment)",
        level=2,
    ),
    fact_check(
        "image.healthcheck",
        "4.6",
        "Ensure that HEALTHCHECK instructions have been added to container images",
        _I,
        _per_image(judge_healthcheck),
        "Add a HEALTHCHECK instruction to the Dockerfile.",
    ),
    fact_check(
        "image.update-alone",
        "4.7",
        "Ensure update instructions are not used alone in the Dockerfile",
        _I,
        _per_image(judge_updates),
        "Update and install in one RUN (apt-get update && apt-get install ...).",
        automated=False,
    ),
    manual(
        "image.setuid",
        "4.8",
        "Ensure setuid and setgid permissions are removed",
        _I,
        "list setuid/setgid files of each image and drop the bits "
        "(RUN find / -perm /6000 -exec chmod a-s {} +)",
        level=2,
    ),
    fact_check(
        "image.copy-not-add",
        "4.9",
        "Ensure that COPY is used instead of ADD in Dockerfiles",
        _I,
        _per_image(judge_add),
        "Use COPY; fetch remote files with a verified download in RUN.",
        automated=False,
    ),
    fact_check(
        "image.secrets",
        "4.10",
        "Ensure secrets are not stored in Dockerfiles",
        _I,
        _per_image(judge_secrets),
        "Pass secrets at build time with RUN --mount=type=secret, never ENV/ARG.",
        automated=False,
    ),
    manual(
        "image.verified-packages",
        "4.11",
        "Ensure only verified packages are installed",
        _I,
        "install packages only from signed repositories with GPG checks enabled",
        level=2,
    ),
    manual(
        "image.signed-artifacts",
        "4.12",
        "Ensure all signed artifacts are validated",
        _I,
        "verify signatures of images and artifacts before use (hullguard verify)",
        level=2,
    ),
)
"""Section 4 in CIS order (4.1 lives with the container checks)."""
