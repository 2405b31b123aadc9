"""Base images and stages: tags, digests, platforms, stage names, instruction order."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from hullguard.misconfig.dockerfile._check import Check, Hit, info
from hullguard.misconfig.dockerfile._parse import Dockerfile, Instruction, Stage
from hullguard.report import Severity

__all__ = ["CHECKS", "ImageRef", "split_image"]


@dataclass(frozen=True, slots=True)
class ImageRef:
    """A FROM image split the way references are: ``[registry/]name[:tag][@digest]``."""

    name: str
    tag: str | None
    digest: str | None


def split_image(image: str) -> ImageRef:
    """Split an image reference; a ``:`` before the last ``/`` is a registry port, not a tag."""
    rest, _, digest = image.partition("@")
    slash = rest.rfind("/")
    colon = rest.rfind(":")
    if colon > slash:
        return ImageRef(rest[:colon], rest[colon + 1 :], digest or None)
    return ImageRef(rest, None, digest or None)


def _froms(dockerfile: Dockerfile) -> Iterator[tuple[Instruction, Stage]]:
    for instruction in dockerfile.instructions:
        if instruction.keyword == "FROM":
            stage = dockerfile.stage_of(instruction)
            if stage is not None:
                yield instruction, stage


def _untagged(dockerfile: Dockerfile) -> Iterator[Hit]:
    aliases: set[str] = set()
    for instruction, stage in _froms(dockerfile):
        ref = split_image(stage.image)
        if not (
            ref.name == "scratch"
            or ref.digest
            or ref.tag is not None
            or ref.name.startswith("$")
            or ref.name.lower() in aliases
        ):
            yield Hit(instruction, f"image `{stage.image}` has no tag: the build takes whatever `latest` is")
        if stage.name:
            aliases.add(stage.name)


def _latest(dockerfile: Dockerfile) -> Iterator[Hit]:
    for instruction, stage in _froms(dockerfile):
        ref = split_image(stage.image)
        if ref.tag == "latest" and not ref.digest:
            yield Hit(instruction, f"image `{stage.image}` uses the `latest` tag")


def _no_digest(dockerfile: Dockerfile) -> Iterator[Hit]:
    names = set()
    for instruction, stage in _froms(dockerfile):
        ref = split_image(stage.image)
        local = ref.name.lower() in names or ref.name == "scratch" or "$" in stage.image
        if not ref.digest and not local:
            yield Hit(instruction, f"image `{stage.image}` is not pinned by digest: a tag can be moved")
        if stage.name:
            names.add(stage.name)


def _duplicate_alias(dockerfile: Dockerfile) -> Iterator[Hit]:
    seen: set[str] = set()
    for instruction, stage in _froms(dockerfile):
        if stage.name is None:
            continue
        if stage.name in seen:
            yield Hit(instruction, f"stage name `{stage.name}` is used twice")
        seen.add(stage.name)


def _platform(dockerfile: Dockerfile) -> Iterator[Hit]:
    for instruction, stage in _froms(dockerfile):
        platform = stage.platform
        if platform is not None and "BUILDPLATFORM" not in platform and "TARGETPLATFORM" not in platform:
            yield Hit(instruction, f"FROM --platform={platform} fixes the platform for every build")


def _redundant_platform(dockerfile: Dockerfile) -> Iterator[Hit]:
    for instruction, stage in _froms(dockerfile):
        if stage.platform in ("$TARGETPLATFORM", "${TARGETPLATFORM}"):
            yield Hit(instruction, "FROM --platform=$TARGETPLATFORM is the default")


def _reserved_alias(dockerfile: Dockerfile) -> Iterator[Hit]:
    for instruction, stage in _froms(dockerfile):
        if stage.name in ("scratch", "context"):
            yield Hit(instruction, f"stage name `{stage.name}` is a reserved word")


def _order(dockerfile: Dockerfile) -> Iterator[Hit]:
    for instruction in dockerfile.instructions:
        if instruction.keyword == "FROM":
            return
        if instruction.keyword != "ARG":
            yield Hit(instruction, f"{instruction.keyword} before the first FROM")


def _onbuild_nested(dockerfile: Dockerfile) -> Iterator[Hit]:
    for instruction in dockerfile.instructions:
        inner = instruction.inner
        if inner is not None and inner.keyword in ("ONBUILD", "FROM", "MAINTAINER"):
            yield Hit(instruction, f"ONBUILD {inner.keyword} is not allowed")


CHECKS: tuple[Check, ...] = (
    Check(
        info(
            6,
            "Base image without a tag",
            Severity.MEDIUM,
            "Without a tag the build takes `latest`, which changes under you.",
            "Name a tag: `FROM image:1.2.3`.",
            hadolint="DL3006",
        ),
        _untagged,
    ),
    Check(
        info(
            7,
            "Base image uses the latest tag",
            Severity.MEDIUM,
            "`latest` moves; builds stop being repeatable and can pick up breaking changes.",
            "Pin a release tag, ideally with a digest.",
            hadolint="DL3007",
        ),
        _latest,
    ),
    Check(
        info(
            24,
            "Duplicate stage name",
            Severity.HIGH,
            "Two stages with one name make `--from`/`FROM name` ambiguous.",
            "Give every stage a unique name.",
            hadolint="DL3024",
        ),
        _duplicate_alias,
    ),
    Check(
        info(
            29,
            "FROM with a fixed --platform",
            Severity.MEDIUM,
            "A hard-coded platform breaks multi-platform builds.",
            "Drop --platform or use $BUILDPLATFORM/$TARGETPLATFORM.",
            hadolint="DL3029",
        ),
        _platform,
    ),
    Check(
        info(
            43,
            "Forbidden instruction inside ONBUILD",
            Severity.HIGH,
            "ONBUILD cannot trigger ONBUILD, FROM or MAINTAINER.",
            "Move the instruction out of ONBUILD.",
            hadolint="DL3043",
        ),
        _onbuild_nested,
    ),
    Check(
        info(
            61,
            "Instruction before the first FROM",
            Severity.HIGH,
            "Only ARG (and comments) may precede the first FROM.",
            "Start the Dockerfile with FROM (or ARG).",
            hadolint="DL3061",
        ),
        _order,
    ),
    Check(
        info(
            63,
            "Reserved stage name",
            Severity.MEDIUM,
            "`scratch` and `context` have special meanings in BuildKit.",
            "Rename the stage.",
            hadolint="DL3063",
        ),
        _reserved_alias,
    ),
    Check(
        info(
            65,
            "Redundant --platform=$TARGETPLATFORM",
            Severity.LOW,
            "The target platform is already the default.",
            "Drop the flag.",
            hadolint="DL3065",
        ),
        _redundant_platform,
    ),
    Check(
        info(
            200,
            "Base image not pinned by digest",
            Severity.LOW,
            "Tags are mutable: whoever controls the registry decides what a tag means tomorrow.",
            "Pin the digest: `FROM image:tag@sha256:...` (a bot such as Renovate can keep it fresh).",
        ),
        _no_digest,
    ),
)
