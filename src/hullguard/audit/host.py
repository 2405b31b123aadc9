"""CIS Docker Benchmark v1.6.0 section 1 (host configuration), from the host's own files.

1.1.1 reads the mount table, 1.1.2 ``/etc/group``, 1.1.3-1.1.18 the audit rules in
``/etc/audit`` (and ``auditctl -l`` on the local host), as docker-bench-security's
``tests/1_host_configuration.sh`` does. Nothing is changed: remediation is only printed.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from hullguard.audit._build import HOST, fact_check, manual, on_host, skip
from hullguard.audit._collect_host import AUDITED_PATHS
from hullguard.audit._gathered import AuditFacts, HostFacts, Mount, Unavailable
from hullguard.audit._model import FactCheck, Judged, Status, TargetKind, Verdict

__all__ = ["PLUGINS", "rule_watches"]

_H = TargetKind.HOST


def _mount_of(mounts: tuple[Mount, ...], path: str) -> Mount | None:
    """The mount ``path`` lives on: the longest mount point containing it, the last one mounted."""
    best: Mount | None = None
    for mount in mounts:
        inside = path == mount.point or path.startswith(mount.point.rstrip("/") + "/")
        if inside and (best is None or len(mount.point) >= len(best.point)):
            best = mount
    return best


def judge_partition(host: HostFacts, facts: AuditFacts) -> list[Judged]:
    """1.1.1: the data root (its parent under userns-remap) must be on a filesystem of its own.

    A mount point is not enough: dockerd 20.10 bind-mounts its data root onto itself, so
    ``mountpoint /var/lib/docker`` (docker-bench's test) is true on every host. We compare the
    device of the data root's mount with the device its parent directory is on.
    """
    if isinstance(facts.info, Unavailable):
        return [Judged(HOST, skip(facts.info.reason))]
    if isinstance(host.mounts, Unavailable):
        return [Judged(HOST, skip(host.mounts.reason))]
    root = facts.info.docker_root_dir.rstrip("/") or "/"
    if facts.info.security_option("userns"):
        root = posixpath.dirname(root)
    own = _mount_of(host.mounts, root)
    parent = _mount_of(tuple(m for m in host.mounts if m.point != root), posixpath.dirname(root))
    if own is None or parent is None:
        return [Judged(root, skip(f"{root} is not in the mount table"))]
    if own.point == root and own.device != parent.device:
        return [Judged(root, Verdict(Status.PASS, f"{root} is its own filesystem (device {own.device})"))]
    how = "a bind mount of" if own.point == root else "on"
    evidence = f"{root} is {how} the filesystem of {parent.point} (device {own.device})"
    return [Judged(root, Verdict(Status.FAIL, evidence))]


def judge_docker_group(host: HostFacts, _: AuditFacts) -> list[Judged]:
    """1.1.2: members of ``docker`` are root on the host; a human must confirm each one."""
    if isinstance(host.docker_group, Unavailable):
        return [Judged(HOST, skip(host.docker_group.reason))]
    if not host.docker_group:
        return [Judged(HOST, Verdict(Status.PASS, "the docker group has no members"))]
    members = ", ".join(host.docker_group)
    return [Judged(HOST, Verdict(Status.WARN, f"docker group members: {members} (confirm each is trusted)"))]


def rule_watches(rule: str, path: str) -> bool:
    """Whether one audit rule line watches ``path`` (``-w PATH`` or ``-F path=``/``dir=``)."""
    tokens = rule.split()
    watched = {tokens[i + 1].rstrip("/") for i, word in enumerate(tokens[:-1]) if word == "-w"}
    return path in watched or bool({f"path={path}", f"dir={path}"} & set(tokens))


def _audit_judge(role: str) -> Callable[[HostFacts, AuditFacts], list[Judged]]:
    def judge(host: HostFacts, _: AuditFacts) -> list[Judged]:
        known = host.paths.get(role, ())
        paths = [p for p in known if p in host.stats]
        if not paths:
            where = known[0] if known else role
            return [Judged(where, Verdict(Status.INFO, f"{where} is not present on this host"))]
        if isinstance(host.audit_rules, Unavailable):
            return [Judged(p, skip(host.audit_rules.reason)) for p in paths]
        results = []
        for path in paths:
            real = host.stats[path].path
            rules = [r for r in host.audit_rules if rule_watches(r, path) or rule_watches(r, real)]
            verdict = (
                Verdict(Status.PASS, f"audited by: {rules[0]}")
                if rules
                else Verdict(Status.FAIL, f"no audit rule watches {path}")
            )
            results.append(Judged(path, verdict))
        return results

    return judge


def judge_versions(_: HostFacts, facts: AuditFacts) -> list[Judged]:
    """1.2.2 is manual: show the versions so a human can compare them with the vendor's."""
    if not facts.versions:
        return [Judged(HOST, skip("the engine did not report its versions"))]
    shown = ", ".join(f"{name} {version}" for name, version in sorted(facts.versions.items()))
    return [Judged(HOST, Verdict(Status.INFO, f"{shown}; check they are supported and patched"))]


def _audit_title(role: str) -> str:
    if role == "/usr/bin/dockerd":
        return "Ensure auditing is configured for the Docker daemon"
    return f"Ensure auditing is configured for Docker files and directories - {role}"


def _audit_checks() -> tuple[FactCheck, ...]:
    checks = []
    for number, role in enumerate(AUDITED_PATHS, start=3):
        name = role.strip("/").replace("/", "-").replace(".", "-")
        checks.append(
            fact_check(
                f"host.audit-{name}",
                f"1.1.{number}",
                _audit_title(role),
                TargetKind.FILE,
                on_host(_audit_judge(role)),
                f"Add '-w {role if role.startswith('/') else '<path of ' + role + '>'} -k docker' to "
                "/etc/audit/rules.d/docker.rules and reload auditd (augenrules --load).",
                level=2,
            )
        )
    return tuple(checks)


PLUGINS: tuple[FactCheck, ...] = (
    fact_check(
        "host.docker-partition",
        "1.1.1",
        "Ensure a separate partition for containers has been created",
        TargetKind.FILE,
        on_host(judge_partition),
        "Put the Docker data root (/var/lib/docker) on its own partition or logical volume.",
        level=2,
    ),
    fact_check(
        "host.docker-group",
        "1.1.2",
        "Ensure only trusted users are allowed to control Docker daemon",
        _H,
        on_host(judge_docker_group),
        "Remove untrusted users: gpasswd -d <user> docker.",
    ),
    *_audit_checks(),
    manual(
        "host.hardened",
        "1.2.1",
        "Ensure the container host has been Hardened",
        _H,
        "harden the host OS (CIS benchmark for the distribution); keep it minimal",
        level=2,
    ),
    fact_check(
        "host.docker-version",
        "1.2.2",
        "Ensure that the version of Docker is up to date",
        _H,
        on_host(judge_versions),
        "Update docker, containerd and runc from the vendor.",
        automated=False,
    ),
)
"""Section 1 in CIS order."""
