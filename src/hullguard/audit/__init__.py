"""CIS Docker Benchmark audit through the Engine API.

This first slice covers the container runtime (section 5, and 4.1 for the running user)::

    client = docker.DockerClient(base_url="unix:///var/run/docker.sock")
    facts, notes = collect_containers(client)
    results = audit_containers(facts, PLUGINS)

Collecting is the only I/O; checks are pure functions of :class:`ContainerFacts`.
"""

from __future__ import annotations

from hullguard.audit._collect import (
    ContainerApi,
    EngineClient,
    EngineUnavailableError,
    collect_containers,
)
from hullguard.audit._facts import ContainerFacts, InvalidInspectError
from hullguard.audit._model import Check, CheckResult, ContainerCheck, Status, Verdict
from hullguard.audit._run import audit_containers
from hullguard.audit.containers import DOCKER_BENCH_IDS, PLUGINS

__all__ = [
    "DOCKER_BENCH_IDS",
    "PLUGINS",
    "Check",
    "CheckResult",
    "ContainerApi",
    "ContainerCheck",
    "ContainerFacts",
    "EngineClient",
    "EngineUnavailableError",
    "InvalidInspectError",
    "Status",
    "Verdict",
    "audit_containers",
    "collect_containers",
]
