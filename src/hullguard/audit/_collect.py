"""Collect the inspect data of running containers from the Engine API (the audit's only I/O).

Containers come and go while an audit runs. One that disappears between the listing and its
inspection is not an error of the audit: it becomes a note for the report, and the others are
still audited (docker-bench-security silently prints an empty line for it instead).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Protocol

from hullguard.audit._facts import ContainerFacts, InvalidInspectError
from hullguard.errors import AuditError

__all__ = ["ContainerApi", "EngineClient", "EngineUnavailableError", "collect_containers"]

logger = logging.getLogger(__name__)

_NOT_FOUND = 404


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
    for entry in listed:
        container_id = str(entry.get("Id", ""))
        try:
            document = client.api.inspect_container(container_id)
        except Exception as exc:
            if _status_code(exc) != _NOT_FOUND:
                raise EngineUnavailableError(f"cannot inspect container {container_id[:12]}: {exc}") from exc
            logger.info("container %s vanished before it was inspected", container_id[:12])
            notes.append(f"container {container_id[:12]} was removed before it could be inspected")
            continue
        try:
            facts.append(ContainerFacts.from_inspect(document))
        except InvalidInspectError as exc:
            notes.append(f"container {container_id[:12]} was not audited: {exc}")
    return sorted(facts, key=lambda f: f.name), notes
