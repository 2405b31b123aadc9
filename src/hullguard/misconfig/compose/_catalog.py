"""What each compose check is: ids, titles, severities, advice and the KICS query it matches.

KICS names its docker-compose queries by directory (``privileged_containers_enabled``); those
names are the mapped ids, since they are what its fixtures and reports show.
"""

from __future__ import annotations

from hullguard.report import CheckInfo, Severity

_SPEC = "https://docs.docker.com/reference/compose-file/services/"
_CIS = "https://www.cisecurity.org/benchmark/docker"


def _check(
    number: int,
    title: str,
    severity: Severity,
    description: str,
    remediation: str,
    *mappings: tuple[str, str],
) -> CheckInfo:
    return CheckInfo(
        id=f"HG-COMPOSE-{number:03d}",
        title=title,
        severity=severity,
        kind="compose",
        description=description,
        remediation=remediation,
        references=(_SPEC, _CIS),
        mappings=mappings,
    )


PRIVILEGED = _check(
    1, "Privileged service", Severity.HIGH,
    "privileged: true gives the container every capability and all host devices.",
    "Remove privileged and add only the capabilities the service needs.",
    ("kics", "privileged_containers_enabled"), ("cis-docker", "5.4"),
)  # fmt: skip
DANGEROUS_CAPABILITY = _check(
    2, "Dangerous capability added", Severity.HIGH,
    "cap_add of ALL, SYS_ADMIN, SYS_MODULE, SYS_PTRACE, NET_ADMIN and similar gives near-root power over "
    "the host kernel.",
    "Remove the capability from cap_add.",
    ("kics", "container_capabilities_unrestricted"), ("cis-docker", "5.3"),
)  # fmt: skip
HOST_NETWORK = _check(
    3, "Host network shared", Severity.HIGH,
    "network_mode: host puts the service on the host's interfaces and loopback services.",
    "Use a user-defined network and publish the ports needed.",
    ("kics", "shared_host_network_namespace"), ("cis-docker", "5.9"),
)  # fmt: skip
HOST_PID = _check(
    4, "Host PID namespace shared", Severity.HIGH,
    "pid: host shows every host process to the service and lets it signal them.",
    "Remove pid: host.",
    ("kics", "host_namespace_is_shared"), ("cis-docker", "5.15"),
)  # fmt: skip
HOST_IPC = _check(
    5, "Host IPC namespace shared", Severity.HIGH,
    "ipc: host exposes the host's shared memory to the service.",
    "Remove ipc: host (use shareable IPC between services when needed).",
    ("kics", "shared_host_ipc_namespace"), ("cis-docker", "5.16"),
)  # fmt: skip
HOST_USERNS = _check(
    6, "Host user namespace shared", Severity.MEDIUM,
    "userns_mode: host disables user-namespace remapping for the service.",
    "Remove userns_mode: host.",
    ("kics", "shared_host_user_namespace"), ("cis-docker", "5.30"),
)  # fmt: skip
RUNTIME_SOCKET = _check(
    7, "Docker socket mounted", Severity.CRITICAL,
    "A mounted docker.sock (or containerd/podman socket) lets the service start privileged containers: "
    "root on the host.",
    "Remove the volume; if the service must talk to the engine, use a filtering socket proxy.",
    ("kics", "docker_socket_mounted_in_container"), ("cis-docker", "5.31"),
)  # fmt: skip
HOST_ROOT = _check(
    8, "Host root filesystem mounted", Severity.CRITICAL,
    "Binding / gives the service the whole host filesystem.",
    "Bind only the directory the service needs, read-only.",
    ("kics", "volume_has_sensitive_host_directory"), ("cis-docker", "5.5"),
)  # fmt: skip
SENSITIVE_HOST_PATH = _check(
    9, "Sensitive host directory mounted", Severity.HIGH,
    "Binding /etc, /proc, /sys, /dev, /boot, /root, /var/run and similar exposes host secrets and often "
    "allows escaping the container.",
    "Use a named volume, a config or a secret instead of the host directory.",
    ("kics", "volume_has_sensitive_host_directory"), ("cis-docker", "5.5"),
)  # fmt: skip
WRITABLE_ROOT_FS = _check(
    10, "Root filesystem is writable", Severity.LOW,
    "Without read_only: true an intruder can modify the container's filesystem.",
    "Set read_only: true and use tmpfs or volumes where the service writes.",
    ("cis-docker", "5.12"),
)  # fmt: skip
USER_ROOT = _check(
    11, "Service runs as root", Severity.MEDIUM,
    "user: root (or 0) runs the service's processes as root.",
    "Set user to a non-root UID:GID.",
    ("cis-docker", "4.1"),
)  # fmt: skip
USER_MISSING = _check(
    12, "Service user not set", Severity.LOW,
    "Without user the image's USER applies, and many images run as root.",
    "Set user: to a non-root UID:GID (or make sure the image sets USER).",
    ("cis-docker", "4.1"),
)  # fmt: skip
UNCONFINED = _check(
    13, "Seccomp or AppArmor unconfined", Severity.HIGH,
    "security_opt seccomp:unconfined or apparmor:unconfined removes the default kernel hardening.",
    "Remove the unconfined option or use a custom profile.",
    ("kics", "default_seccomp_profile_disabled"), ("cis-docker", "5.21"),
)  # fmt: skip
NO_NEW_PRIVILEGES = _check(
    14, "no-new-privileges not set", Severity.MEDIUM,
    "Without no-new-privileges, setuid binaries in the container can raise privileges.",
    "Add no-new-privileges:true to security_opt.",
    ("kics", "no_new_privileges_not_set"), ("cis-docker", "5.25"),
)  # fmt: skip
MEMORY_LIMIT = _check(
    15, "Memory not limited", Severity.MEDIUM,
    "A service without a memory limit can exhaust host memory.",
    "Set deploy.resources.limits.memory (or mem_limit in the v2 format).",
    ("kics", "memory_not_limited"), ("cis-docker", "5.10"),
)  # fmt: skip
CPU_LIMIT = _check(
    16, "CPU not limited", Severity.LOW,
    "A service without a CPU limit can starve the other services on the host.",
    "Set deploy.resources.limits.cpus (or cpus in the v2 format).",
    ("kics", "cpus_not_limited"), ("cis-docker", "5.11"),
)  # fmt: skip
PIDS_LIMIT = _check(
    17, "PIDs not limited", Severity.LOW,
    "Without a PIDs limit a fork bomb in the service takes the host down.",
    "Set pids_limit (or deploy.resources.limits.pids).",
    ("kics", "pids_limit_not_set"), ("cis-docker", "5.28"),
)  # fmt: skip
PORT_ALL_INTERFACES = _check(
    18, "Port published on all interfaces", Severity.MEDIUM,
    "A published port without a host IP listens on 0.0.0.0, reachable from every network of the host "
    "(and Docker's rules bypass host firewalls such as ufw).",
    "Bind to a specific address, e.g. 127.0.0.1:8080:80, or host_ip in the long syntax.",
    ("kics", "container_traffic_not_bound_to_host_interface"), ("cis-docker", "5.13"),
)  # fmt: skip
SECRET_ENV = _check(
    19, "Secret in environment", Severity.HIGH,
    "A variable named like a password, token or key has a literal value in the compose file: it is in "
    "git and in docker inspect.",
    "Use top-level secrets: and the service's secrets: (read the file /run/secrets/<name>), or an env file "
    "kept out of git.",
)  # fmt: skip
IMAGE_TAG = _check(
    20, "Image without a fixed tag", Severity.MEDIUM,
    "An image without a tag or with :latest changes under you: deployments are not reproducible.",
    "Pin a version tag or a digest.",
)  # fmt: skip

CHECKS: tuple[CheckInfo, ...] = (
    PRIVILEGED, DANGEROUS_CAPABILITY, HOST_NETWORK, HOST_PID, HOST_IPC, HOST_USERNS, RUNTIME_SOCKET,
    HOST_ROOT, SENSITIVE_HOST_PATH, WRITABLE_ROOT_FS, USER_ROOT, USER_MISSING, UNCONFINED, NO_NEW_PRIVILEGES,
    MEMORY_LIMIT, CPU_LIMIT, PIDS_LIMIT, PORT_ALL_INTERFACES, SECRET_ENV, IMAGE_TAG,
)  # fmt: skip
"""Every compose check, in id order."""
