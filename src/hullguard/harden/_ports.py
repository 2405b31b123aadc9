"""Exposed ports and the HEALTHCHECK, read from the image config (image-spec ``config.md``)."""

from __future__ import annotations

from hullguard.harden._model import Healthcheck, PortBinding, Reason
from hullguard.image import ImageConfig

__all__ = ["exposed_ports", "healthcheck_of"]

_NANOS = 1_000_000_000


def exposed_ports(config: ImageConfig, bind_address: str) -> tuple[tuple[PortBinding, ...], list[str]]:
    """``ExposedPorts`` keys (``80/tcp``, ``53/udp``, ``8080``) as bindings on ``bind_address``.

    Keys that are not a port number (a range, garbage) are reported in the notes, not guessed.
    """
    found: list[PortBinding] = []
    notes: list[str] = []
    for key in sorted((config.config.ExposedPorts or {}).keys()):
        number, _, protocol = key.partition("/")
        protocol = (protocol or "tcp").lower()
        if not number.isdigit() or not 0 < int(number) < 65536 or protocol not in {"tcp", "udp", "sctp"}:
            notes.append(f"exposed port {key!r} is not a single port/protocol: publish it yourself")
            continue
        port = int(number)
        found.append(PortBinding(port, protocol, bind_address, port))
    found.sort(key=lambda p: (p.container_port, p.protocol))
    return tuple(found), notes


def _seconds(raw: object) -> int | None:
    """Docker stores durations in nanoseconds; 0 means "the default"."""
    if isinstance(raw, int) and raw > 0:
        return max(1, raw // _NANOS)
    return None


def healthcheck_of(config: ImageConfig, ports: tuple[PortBinding, ...]) -> tuple[Healthcheck | None, Reason]:
    """The image's HEALTHCHECK, or why there is none (CIS 4.6 and 5.26)."""
    raw = config.config.Healthcheck or {}
    test = raw.get("Test") or []
    if not isinstance(test, list) or not test or not all(isinstance(t, str) for t in test):
        advice = (
            "; Kubernetes output probes the first TCP port instead"
            if any(p.protocol == "tcp" for p in ports)
            else ""
        )
        why = (
            "the image defines no HEALTHCHECK: add one (CIS 4.6) so the engine can tell a hung process"
            + advice
        )
        return None, Reason("healthcheck", "none", why)
    kind, args = test[0], tuple(test[1:])
    if kind == "NONE":
        return None, Reason(
            "healthcheck", "disabled", "the image disables its health check (HEALTHCHECK NONE)"
        )
    shell = kind == "CMD-SHELL"
    command = ("/bin/sh", "-c", " ".join(args)) if shell else args
    retries = raw.get("Retries")
    check = Healthcheck(
        command=command,
        shell=shell,
        interval_s=_seconds(raw.get("Interval")),
        timeout_s=_seconds(raw.get("Timeout")),
        start_period_s=_seconds(raw.get("StartPeriod")),
        retries=retries if isinstance(retries, int) and retries > 0 else None,
    )
    why = "the image's HEALTHCHECK: Docker and compose inherit it; Kubernetes gets it as exec probes"
    return check, Reason("healthcheck", " ".join(command), why)
