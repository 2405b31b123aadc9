"""Collect the inspect data of running containers from the Engine API (the audit's only I/O).

Containers come and go while an audit runs. One that disappears between the listing and its
inspection is not an error of the audit: it becomes a note for the report, and the others are
still audited (docker-bench-security silently prints an empty line for it instead).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

from hullguard.audit._engine import DaemonInfo, ImageFacts, InvalidEngineDataError, NetworkFacts, SwarmFacts
from hullguard.audit._facts import ContainerFacts, InvalidInspectError
from hullguard.audit._gathered import Unavailable
from hullguard.errors import AuditError

__all__ = [
    "ContainerApi",
    "EngineApi",
    "EngineClient",
    "EngineUnavailableError",
    "collect_containers",
    "collect_images",
    "collect_info",
    "collect_swarm",
    "collect_versions",
]

logger = logging.getLogger(__name__)

_NOT_FOUND = 404
_INSPECT_THREADS = 8
"""Inspects run concurrently (docker-py's pool keeps 10 connections per host)."""


class EngineUnavailableError(AuditError):
    """The Engine could not list containers, so there is nothing to audit."""


class ContainerApi(Protocol):
    """The two calls of docker-py's low-level ``APIClient`` the collector needs."""

    def containers(self) -> Sequence[Mapping[str, object]]:
        """Running containers, as ``GET /containers/json`` returns them."""
        ...

    def inspect_container(self, container: str) -> Mapping[str, object]:
        """``GET /containers/{id}/json``."""
        ...


class EngineApi(ContainerApi, Protocol):
    """The calls of docker-py's ``APIClient`` the daemon, image and swarm collectors need."""

    def info(self) -> Mapping[str, object]:
        """``GET /info``."""
        ...

    def version(self) -> Mapping[str, object]:
        """``GET /version``."""
        ...

    def inspect_image(self, image: str) -> Mapping[str, object]:
        """``GET /images/{id}/json``."""
        ...

    def history(self, image: str) -> Sequence[Mapping[str, object]]:
        """``GET /images/{id}/history``."""
        ...

    def images(self) -> Sequence[Mapping[str, object]]:
        """``GET /images/json``."""
        ...

    def networks(self) -> Sequence[Mapping[str, object]]:
        """``GET /networks``."""
        ...

    def inspect_swarm(self) -> Mapping[str, object]:
        """``GET /swarm`` (managers only)."""
        ...


class EngineClient(Protocol):
    """Anything with a low-level ``api``, such as ``docker.DockerClient``."""

    @property
    def api(self) -> ContainerApi: ...


def _status_code(exc: BaseException) -> int | None:
    """docker-py's ``APIError`` carries the HTTP status; other errors have none."""
    code = getattr(exc, "status_code", None)
    return code if isinstance(code, int) else None


def collect_containers(client: EngineClient) -> tuple[list[ContainerFacts], list[str]]:
    """Inspect every running container; returns the facts (sorted by name) and notes.

    A listing failure raises :class:`EngineUnavailableError`. A container that is gone by the
    time it is inspected (HTTP 404), or whose inspect document has an unexpected shape, becomes a
    note naming it; any other inspect failure is raised, because the Engine itself is then in
    trouble and a partial audit must not look complete.
    """
    try:
        listed = client.api.containers()
    except Exception as exc:  # docker.errors.DockerException and requests errors
        raise EngineUnavailableError(
            f"cannot list containers: {exc}", hint="check that the Docker engine runs and DOCKER_HOST"
        ) from exc
    facts: list[ContainerFacts] = []
    notes: list[str] = []
    ids = [str(entry.get("Id", "")) for entry in listed]
    with ThreadPoolExecutor(max_workers=_INSPECT_THREADS) as pool:
        answers = list(pool.map(lambda cid: _inspect(client.api, cid), ids))
    for container_id, answer in zip(ids, answers, strict=True):
        if isinstance(answer, BaseException):
            if _status_code(answer) != _NOT_FOUND:
                raise EngineUnavailableError(
                    f"cannot inspect container {container_id[:12]}: {answer}"
                ) from answer
            logger.info("container %s vanished before it was inspected", container_id[:12])
            notes.append(f"container {container_id[:12]} was removed before it could be inspected")
            continue
        try:
            facts.append(ContainerFacts.from_inspect(answer))
        except InvalidInspectError as exc:
            notes.append(f"container {container_id[:12]} was not audited: {exc}")
    return sorted(facts, key=lambda f: f.name), notes


def _inspect(api: ContainerApi, container_id: str) -> Mapping[str, object] | Exception:
    """One inspect; the error is returned, not raised, so the caller judges each in listing order."""
    try:
        return api.inspect_container(container_id)
    except Exception as exc:  # docker.errors.NotFound and friends, judged by the caller
        return exc


def collect_info(api: EngineApi) -> DaemonInfo:
    """``docker info``; the Engine's failure to answer is an :class:`EngineUnavailableError`."""
    try:
        document = api.info()
    except Exception as exc:  # docker.errors.DockerException and requests errors
        raise EngineUnavailableError(
            f"cannot read the engine's info: {exc}", hint="check that the engine runs and DOCKER_HOST"
        ) from exc
    return DaemonInfo.from_api(document)


def collect_versions(api: EngineApi) -> dict[str, str]:
    """Component -> version (Engine, containerd, runc, docker-init) from ``GET /version``."""
    try:
        document = api.version()
    except Exception as exc:
        raise EngineUnavailableError(f"cannot read the engine's version: {exc}") from exc
    versions = {"Engine": str(document.get("Version", ""))}
    components = document.get("Components")
    for component in components if isinstance(components, list) else []:
        if isinstance(component, dict) and component.get("Name"):
            versions[str(component["Name"])] = str(component.get("Version", ""))
    return versions


def collect_images(
    api: EngineApi, containers: Sequence[ContainerFacts], *, every_local_image: bool
) -> tuple[list[ImageFacts], list[str]]:
    """Inspect each image once: those of running containers, or every local image.

    An image removed meanwhile (404) becomes a note, as vanished containers do.
    """
    wanted = {c.image_id for c in containers if c.image_id}
    notes: list[str] = []
    if every_local_image:
        try:
            wanted |= {str(i.get("Id", "")) for i in api.images()}
        except Exception as exc:
            raise EngineUnavailableError(f"cannot list images: {exc}") from exc
    found: list[ImageFacts] = []
    for image_id in sorted(wanted - {""}):
        try:
            document = api.inspect_image(image_id)
            history = [str(layer.get("CreatedBy", "")) for layer in api.history(image_id)]
            found.append(ImageFacts.from_api(document, history))
        except InvalidEngineDataError as exc:
            notes.append(f"image {image_id[7:19]} was not audited: {exc}")
        except Exception as exc:
            if _status_code(exc) != _NOT_FOUND:
                raise EngineUnavailableError(f"cannot inspect image {image_id[7:19]}: {exc}") from exc
            notes.append(f"image {image_id[7:19]} was removed before it could be inspected")
    return sorted(found, key=lambda i: (i.name, i.id)), notes


def collect_swarm(api: EngineApi, info: DaemonInfo) -> SwarmFacts | Unavailable | None:
    """Swarm settings and overlay networks when swarm mode is active; ``None`` otherwise."""
    if info.swarm.local_node_state != "active":
        return None
    try:
        networks = tuple(
            NetworkFacts.model_validate(n) for n in api.networks() if str(n.get("Driver", "")) == "overlay"
        )
        if not info.swarm.control_available:
            return SwarmFacts(networks=networks)
        return SwarmFacts.model_validate(api.inspect_swarm()).model_copy(update={"networks": networks})
    except Exception as exc:
        return Unavailable(f"cannot read the swarm's settings: {exc}")
