"""CIS Docker Benchmark v1.6.0 section 3 (daemon configuration files): ownership and modes.

Paths are found as dockerd and systemd find them: unit files in the systemd directories
(``/etc`` first), the socket the audited engine listens on, the ``--config-file`` of the
running dockerd, the TLS files its settings name. "Or more restrictive" means no permission bit
beyond the allowed mode. A file that is not there passes nothing and fails nothing: INFO.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from hullguard.audit._build import fact_check, on_host
from hullguard.audit._gathered import AuditFacts, HostFacts
from hullguard.audit._hostfs import FileStat
from hullguard.audit._model import FactCheck, Judged, Status, TargetKind, Verdict

__all__ = ["PLUGINS"]


@dataclass(frozen=True, slots=True)
class _Rule:
    """One file role and the ownership and most permissive mode the benchmark allows."""

    role: str
    name: str
    own_id: str
    mode_id: str
    group: str
    mode: int
    label: str


# fmt: off
_RULES = (
    _Rule("docker.service", "docker-service", "3.1", "3.2", "root", 0o644, "docker.service file"),
    _Rule("docker.socket", "docker-socket-unit", "3.3", "3.4", "root", 0o644, "docker.socket file"),
    _Rule("/etc/docker", "etc-docker", "3.5", "3.6", "root", 0o755, "/etc/docker directory"),
    _Rule("registry-certs", "registry-certs", "3.7", "3.8", "root", 0o444, "registry certificate file"),
    _Rule("tlscacert", "tls-ca", "3.9", "3.10", "root", 0o444, "TLS CA certificate file"),
    _Rule("tlscert", "tls-cert", "3.11", "3.12", "root", 0o444, "Docker server certificate file"),
    _Rule("tlskey", "tls-key", "3.13", "3.14", "root", 0o400, "Docker server certificate key file"),
    _Rule("docker.sock", "docker-sock", "3.15", "3.16", "docker", 0o660, "Docker socket file"),
    _Rule("daemon.json", "daemon-json", "3.17", "3.18", "root", 0o644, "daemon.json file"),
    _Rule("/etc/default/docker", "etc-default-docker", "3.19", "3.20", "root", 0o644,
          "/etc/default/docker file"),
    _Rule("/etc/sysconfig/docker", "etc-sysconfig-docker", "3.22", "3.21", "root", 0o644,
          "/etc/sysconfig/docker file"),
    _Rule("containerd.sock", "containerd-sock", "3.23", "3.24", "root", 0o660, "Containerd socket file"),
)
# fmt: on


def _described(stat: FileStat) -> str:
    return f"{stat.path}: {stat.kind} {stat.uid}:{stat.gid} mode {stat.mode:04o}"


def _each(
    rule: _Rule, judge: Callable[[FileStat, HostFacts], Status]
) -> Callable[[HostFacts, AuditFacts], list[Judged]]:
    def run(host: HostFacts, _: AuditFacts) -> list[Judged]:
        paths = host.paths.get(rule.role, ())
        present = [p for p in paths if p in host.stats]
        if not present:
            where = ", ".join(paths) if paths else "not configured"
            return [Judged(paths[0] if paths else rule.role, Verdict(Status.INFO, f"not present ({where})"))]
        return [Judged(p, Verdict(judge(host.stats[p], host), _described(host.stats[p]))) for p in present]

    return run


def _owner_judge(rule: _Rule) -> Callable[[FileStat, HostFacts], Status]:
    def judge(stat: FileStat, host: HostFacts) -> Status:
        gid = 0 if rule.group == "root" else host.group_ids.get(rule.group)
        return Status.PASS if stat.uid == 0 and stat.gid == gid else Status.FAIL

    return judge


def _mode_judge(rule: _Rule) -> Callable[[FileStat, HostFacts], Status]:
    def judge(stat: FileStat, _: HostFacts) -> Status:
        return Status.PASS if stat.mode & ~rule.mode == 0 else Status.FAIL

    return judge


def _checks() -> tuple[FactCheck, ...]:
    made: list[FactCheck] = []
    for rule in _RULES:
        owner = f"root:{rule.group}"
        made.append(
            fact_check(
                f"file.{rule.name}-owner",
                rule.own_id,
                f"Ensure that the {rule.label} ownership is set to {owner}",
                TargetKind.FILE,
                on_host(_each(rule, _owner_judge(rule)), target=rule.role),
                f"chown {owner} <path>",
            )
        )
        made.append(
            fact_check(
                f"file.{rule.name}-mode",
                rule.mode_id,
                f"Ensure that the {rule.label} permissions are set to {rule.mode:o} or more restrictively",
                TargetKind.FILE,
                on_host(_each(rule, _mode_judge(rule)), target=rule.role),
                f"chmod {rule.mode:o} <path>",
            )
        )
    return tuple(sorted(made, key=lambda c: tuple(int(p) for p in c.cis_id.split("."))))


PLUGINS: tuple[FactCheck, ...] = _checks()
"""Section 3 in CIS order."""
