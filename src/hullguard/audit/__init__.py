"""CIS Docker Benchmark v1.6.0 audit of a host, its daemon, files, images and containers.

::

    endpoint = resolve_endpoint(EngineKind.DOCKER, host=None, context=None, env=os.environ, home=Path.home())
    options = GatherOptions(EngineKind.DOCKER, endpoint.url, host_root=HostRoot(Path("/")))
    facts = gather(lambda: connect(endpoint, engine=EngineKind.DOCKER, timeout=30), options)
    results = run_checks(facts, build_checks())

Collecting (``gather``) is the only I/O and never changes the host; checks are pure functions
of :class:`AuditFacts`; writers render an :class:`AuditReport`.
"""

from __future__ import annotations

from hullguard.audit._access import Endpoint, TlsFiles, connect, resolve_endpoint
from hullguard.audit._catalog import DOCKER_BENCH_IDS, build_checks, docker_bench_id, select_checks
from hullguard.audit._collect import (
    ContainerApi,
    EngineApi,
    EngineClient,
    EngineUnavailableError,
    collect_containers,
)
from hullguard.audit._daemon_config import (
    DaemonSettings,
    InvalidDaemonConfigError,
    parse_daemon_args,
    parse_daemon_json,
)
from hullguard.audit._engine import DaemonInfo, ImageFacts, InvalidEngineDataError
from hullguard.audit._facts import ContainerFacts, InvalidInspectError
from hullguard.audit._gather import GatherOptions, gather
from hullguard.audit._gathered import AuditFacts, DaemonProcess, EngineKind, HostFacts, Unavailable
from hullguard.audit._hostfs import FileStat, HostPathError, HostRoot
from hullguard.audit._model import (
    Check,
    CheckResult,
    ContainerCheck,
    FactCheck,
    Judged,
    Status,
    TargetKind,
    Verdict,
)
from hullguard.audit._report import AuditReport
from hullguard.audit._run import audit_containers, run_checks
from hullguard.audit.containers import PLUGINS

__all__ = [
    "DOCKER_BENCH_IDS",
    "PLUGINS",
    "AuditFacts",
    "AuditReport",
    "Check",
    "CheckResult",
    "ContainerApi",
    "ContainerCheck",
    "ContainerFacts",
    "DaemonInfo",
    "DaemonProcess",
    "DaemonSettings",
    "Endpoint",
    "EngineApi",
    "EngineClient",
    "EngineKind",
    "EngineUnavailableError",
    "FactCheck",
    "FileStat",
    "GatherOptions",
    "HostFacts",
    "HostPathError",
    "HostRoot",
    "ImageFacts",
    "InvalidDaemonConfigError",
    "InvalidEngineDataError",
    "InvalidInspectError",
    "Judged",
    "Status",
    "TargetKind",
    "TlsFiles",
    "Unavailable",
    "Verdict",
    "audit_containers",
    "build_checks",
    "collect_containers",
    "connect",
    "docker_bench_id",
    "gather",
    "parse_daemon_args",
    "parse_daemon_json",
    "resolve_endpoint",
    "run_checks",
    "select_checks",
]
