"""What each Kubernetes check is: ids, titles, severities, advice and the ids other tools use.

Mappings name the same rule in checkov (``CKV_K8S_*``), Trivy (``KSV*``), kube-linter and kubesec,
so users keep their configuration's vocabulary (see :class:`~hullguard.misconfig.LintOptions`).
Only mappings whose meaning matches ours are listed; near misses are documented in the notes of
the corpus comparison instead.
"""

from __future__ import annotations

from hullguard.report import CheckInfo, Severity

_PSS = "https://kubernetes.io/docs/concepts/security/pod-security-standards/"
_RBAC = "https://kubernetes.io/docs/concepts/security/rbac-good-practices/"


def _check(
    number: int,
    title: str,
    severity: Severity,
    description: str,
    remediation: str,
    *mappings: tuple[str, str],
    reference: str = _PSS,
) -> CheckInfo:
    return CheckInfo(
        id=f"HG-K8S-{number:03d}",
        title=title,
        severity=severity,
        kind="kubernetes",
        description=description,
        remediation=remediation,
        references=(reference,),
        mappings=mappings,
    )


PRIVILEGED = _check(
    1, "Privileged container", Severity.HIGH,
    "A privileged container has every capability and all host devices: a breakout is one step away.",
    "Remove securityContext.privileged or set it to false; grant only the capabilities the process needs.",
    ("checkov", "CKV_K8S_16"), ("trivy", "KSV017"), ("kube-linter", "privileged-container"),
    ("kubesec", "Privileged"),
)  # fmt: skip
PRIVILEGE_ESCALATION = _check(
    2, "Privilege escalation allowed", Severity.MEDIUM,
    "Without allowPrivilegeEscalation: false a process can gain more privileges than its parent "
    "(setuid binaries, file capabilities).",
    "Set securityContext.allowPrivilegeEscalation: false on every container.",
    ("checkov", "CKV_K8S_20"), ("trivy", "KSV001"), ("kube-linter", "privilege-escalation-container"),
    ("kubesec", "AllowPrivilegeEscalation"),
)  # fmt: skip
DANGEROUS_CAPABILITY = _check(
    3, "Dangerous capability added", Severity.HIGH,
    "SYS_ADMIN, ALL and similar capabilities (SYS_MODULE, SYS_PTRACE, NET_ADMIN, DAC_READ_SEARCH, BPF, ...) "
    "give a container near-root power over the host kernel.",
    "Remove the capability from securityContext.capabilities.add.",
    ("checkov", "CKV_K8S_39"), ("trivy", "KSV005"), ("kubesec", "CapSysAdmin"),
)  # fmt: skip
ADDED_CAPABILITY = _check(
    4, "Capability added", Severity.MEDIUM,
    "Capabilities beyond the runtime default widen what a compromised process can do.",
    "Drop the capabilities.add entry unless the workload cannot run without it.",
    ("checkov", "CKV_K8S_25"), ("trivy", "KSV022"), ("kubesec", "CapabilitiesAdded"),
)  # fmt: skip
NET_RAW_KEPT = _check(
    5, "NET_RAW capability not dropped", Severity.MEDIUM,
    "NET_RAW (in the default set) allows raw sockets: ARP and DNS spoofing inside the node network.",
    "Add ALL (or at least NET_RAW) to securityContext.capabilities.drop.",
    ("checkov", "CKV_K8S_28"), ("kube-linter", "drop-net-raw-capability"),
)  # fmt: skip
ALL_NOT_DROPPED = _check(
    6, "Capabilities not dropped", Severity.LOW,
    "Containers keep the runtime's default capabilities unless they drop them; most need none.",
    "Set securityContext.capabilities.drop: [ALL] and add back only what is needed.",
    ("checkov", "CKV_K8S_37"), ("trivy", "KSV003"), ("kubesec", "CapDropAll"),
)  # fmt: skip
HOST_NETWORK = _check(
    7, "Host network namespace shared", Severity.HIGH,
    "hostNetwork gives the pod the node's interfaces, loopback services and the ability to sniff traffic.",
    "Remove spec.hostNetwork or set it to false.",
    ("checkov", "CKV_K8S_19"), ("trivy", "KSV009"), ("kube-linter", "host-network"),
    ("kubesec", "HostNetwork"),
)  # fmt: skip
HOST_PID = _check(
    8, "Host PID namespace shared", Severity.HIGH,
    "hostPID shows every process of the node, their environment and lets the pod signal or ptrace them.",
    "Remove spec.hostPID or set it to false.",
    ("checkov", "CKV_K8S_17"), ("trivy", "KSV010"), ("kube-linter", "host-pid"), ("kubesec", "HostPID"),
)  # fmt: skip
HOST_IPC = _check(
    9, "Host IPC namespace shared", Severity.HIGH,
    "hostIPC exposes the node's shared memory and message queues to the pod.",
    "Remove spec.hostIPC or set it to false.",
    ("checkov", "CKV_K8S_18"), ("trivy", "KSV008"), ("kube-linter", "host-ipc"), ("kubesec", "HostIPC"),
)  # fmt: skip
RUNTIME_SOCKET = _check(
    10, "Container runtime socket mounted", Severity.CRITICAL,
    "A mounted docker.sock, containerd.sock or crio.sock lets the pod start privileged containers "
    "on the node: root on the host.",
    "Remove the hostPath volume; use a dedicated API (e.g. a build service) instead of the runtime socket.",
    ("checkov", "CKV_K8S_27"), ("trivy", "KSV006"), ("kube-linter", "docker-sock"),
    ("kubesec", "VolumeMountDockerSock"),
)  # fmt: skip
HOST_ROOT = _check(
    11, "Host root filesystem mounted", Severity.CRITICAL,
    "A hostPath of / gives the pod the whole node filesystem: credentials, kubelet keys, every container.",
    "Remove the hostPath volume or mount only the narrow path needed, read-only.",
)  # fmt: skip
SENSITIVE_HOST_PATH = _check(
    12, "Sensitive host path mounted", Severity.HIGH,
    "hostPath volumes of /etc, /proc, /sys, /dev, /boot, /root, /var/lib/kubelet and similar expose node "
    "configuration and secrets and often allow escaping the container.",
    "Remove the hostPath volume or use a ConfigMap, Secret or CSI volume instead.",
    ("kube-linter", "sensitive-host-mounts"), ("trivy", "KSV121"),
)  # fmt: skip
HOST_PATH = _check(
    13, "hostPath volume", Severity.LOW,
    "Any hostPath ties the pod to a node and shares node files with it.",
    "Prefer emptyDir, ConfigMap, Secret or persistent volumes over hostPath.",
    ("trivy", "KSV023"),
)  # fmt: skip
RUNS_AS_ROOT = _check(
    14, "Container may run as root", Severity.MEDIUM,
    "Neither runAsNonRoot: true nor a non-zero runAsUser is set (container or pod), so the image's user, "
    "often root, is used.",
    "Set securityContext.runAsNonRoot: true and a non-zero runAsUser at pod or container level.",
    ("checkov", "CKV_K8S_23"), ("trivy", "KSV012"), ("kube-linter", "run-as-non-root"),
    ("kubesec", "RunAsNonRoot"),
)  # fmt: skip
RUN_AS_USER_ZERO = _check(
    15, "Container runs as UID 0", Severity.HIGH,
    "runAsUser: 0 explicitly runs the container as root.",
    "Set runAsUser to a non-zero UID and runAsNonRoot: true.",
    ("trivy", "KSV105"),
)  # fmt: skip
WRITABLE_ROOT_FS = _check(
    16, "Root filesystem is writable", Severity.LOW,
    "A writable root filesystem lets an intruder drop tools and persist changes in the container.",
    "Set securityContext.readOnlyRootFilesystem: true and mount emptyDir volumes where writes are needed.",
    ("checkov", "CKV_K8S_22"), ("trivy", "KSV014"), ("kube-linter", "no-read-only-root-fs"),
    ("kubesec", "ReadOnlyRootFilesystem"),
)  # fmt: skip
SECCOMP_MISSING = _check(
    17, "Seccomp profile not set", Severity.LOW,
    "Without seccompProfile RuntimeDefault (or Localhost) the container runs with every syscall allowed "
    "on many runtimes.",
    "Set securityContext.seccompProfile.type: RuntimeDefault at pod level.",
    ("checkov", "CKV_K8S_31"), ("trivy", "KSV030"), ("kubesec", "SeccompAny"),
)  # fmt: skip
SECCOMP_UNCONFINED = _check(
    18, "Seccomp profile Unconfined", Severity.HIGH,
    "An Unconfined seccomp profile turns syscall filtering off explicitly.",
    "Use seccompProfile.type RuntimeDefault or a Localhost profile.",
    ("trivy", "KSV104"), ("kubesec", "SeccompUnconfined"),
)  # fmt: skip
APPARMOR_UNCONFINED = _check(
    19, "AppArmor profile unconfined", Severity.HIGH,
    "An unconfined AppArmor profile (annotation or securityContext.appArmorProfile) turns AppArmor off.",
    "Use the runtime/default (RuntimeDefault) or a localhost profile.",
    ("trivy", "KSV002"),
)  # fmt: skip
CPU_LIMIT = _check(
    20, "CPU limit not set", Severity.LOW,
    "A container without a CPU limit can starve its neighbours on the node.",
    "Set resources.limits.cpu.",
    ("checkov", "CKV_K8S_11"), ("trivy", "KSV011"), ("kubesec", "LimitsCPU"),
)  # fmt: skip
MEMORY_LIMIT = _check(
    21, "Memory limit not set", Severity.MEDIUM,
    "A container without a memory limit can exhaust node memory and get other pods evicted.",
    "Set resources.limits.memory.",
    ("checkov", "CKV_K8S_13"), ("trivy", "KSV018"), ("kubesec", "LimitsMemory"),
)  # fmt: skip
CPU_REQUEST = _check(
    22, "CPU request not set", Severity.LOW,
    "Without a CPU request the scheduler cannot place the pod fairly.",
    "Set resources.requests.cpu.",
    ("checkov", "CKV_K8S_10"), ("trivy", "KSV015"), ("kubesec", "RequestsCPU"),
)  # fmt: skip
MEMORY_REQUEST = _check(
    23, "Memory request not set", Severity.LOW,
    "Without a memory request the scheduler may overcommit the node.",
    "Set resources.requests.memory.",
    ("checkov", "CKV_K8S_12"), ("trivy", "KSV016"), ("kubesec", "RequestsMemory"),
)  # fmt: skip
SA_TOKEN = _check(
    24, "Service account token mounted", Severity.LOW,
    "Pods get an API token by default; an intruder can use it against the API server.",
    "Set spec.automountServiceAccountToken: false unless the pod calls the Kubernetes API.",
    ("checkov", "CKV_K8S_38"), ("trivy", "KSV036"), ("kubesec", "AutomountServiceAccountToken"),
)  # fmt: skip
IMAGE_TAG = _check(
    25, "Image without a fixed tag", Severity.MEDIUM,
    "An image without a tag or with :latest changes under you: deployments are not reproducible.",
    "Pin a version tag, or better a digest (image@sha256:...).",
    ("checkov", "CKV_K8S_14"), ("trivy", "KSV013"), ("kube-linter", "latest-tag"),
)  # fmt: skip
IMAGE_DIGEST = _check(
    26, "Image not pinned by digest", Severity.LOW,
    "A tag can be moved to other content; only a digest names exactly what runs.",
    "Reference the image as name@sha256:<digest> (tags may stay for readability).",
    ("checkov", "CKV_K8S_43"),
)  # fmt: skip
SECRET_ENV = _check(
    27, "Secret in a literal environment value", Severity.HIGH,
    "An env var named like a password, token or key holds a literal value: it is in the manifest, in git "
    "and readable by anyone who can read the object.",
    "Store the value in a Secret and use valueFrom.secretKeyRef (or mount it as a file).",
    ("kube-linter", "env-var-secret"),
)  # fmt: skip
HOST_PORT = _check(
    28, "hostPort used", Severity.MEDIUM,
    "hostPort binds the node's interface, bypasses NetworkPolicy on some CNIs and limits scheduling.",
    "Remove hostPort and expose the pod through a Service.",
    ("checkov", "CKV_K8S_26"), ("trivy", "KSV024"),
)  # fmt: skip
UNSAFE_SYSCTL = _check(
    29, "Unsafe sysctl set", Severity.HIGH,
    "Only a small set of namespaced sysctls is safe; the others affect the whole node.",
    "Remove the sysctl from spec.securityContext.sysctls or move it to node configuration.",
    ("trivy", "KSV026"), ("kube-linter", "unsafe-sysctls"),
)  # fmt: skip
PROC_MOUNT = _check(
    30, "Unmasked /proc", Severity.HIGH,
    "procMount: Unmasked removes the masking of sensitive /proc paths.",
    "Remove procMount or set it to Default.",
    ("trivy", "KSV027"), ("kube-linter", "unsafe-proc-mount"),
)  # fmt: skip
RBAC_WILDCARD = _check(
    31, "RBAC rule with wildcards", Severity.CRITICAL,
    "A '*' in verbs or resources grants everything, including what later Kubernetes versions add.",
    "List the exact verbs and resources the subject needs.",
    ("checkov", "CKV_K8S_49"), ("trivy", "KSV046"), ("kube-linter", "wildcard-in-rules"),
    reference=_RBAC,
)  # fmt: skip
RBAC_SECRETS = _check(
    32, "RBAC rule reads secrets", Severity.HIGH,
    "get, list or watch on secrets reveals every secret the scope holds, including service account tokens.",
    "Grant access to named secrets only (resourceNames) or mount the secrets the workload needs.",
    ("trivy", "KSV041"), ("kube-linter", "access-to-secrets"),
    reference=_RBAC,
)  # fmt: skip
RBAC_EXEC = _check(
    33, "RBAC rule allows exec into pods", Severity.HIGH,
    "create on pods/exec or pods/attach is a shell in every pod of the scope, with their secrets.",
    "Remove pods/exec and pods/attach from the rule.",
    ("trivy", "KSV053"),
    reference=_RBAC,
)  # fmt: skip
RBAC_ESCALATE = _check(
    34, "RBAC rule allows escalate, bind or impersonate", Severity.HIGH,
    "escalate and bind let a subject grant itself any permission; impersonate lets it act as anyone.",
    "Remove the escalate, bind and impersonate verbs.",
    reference=_RBAC,
)  # fmt: skip
CLUSTER_ADMIN_BINDING = _check(
    35, "Binding to cluster-admin", Severity.HIGH,
    "A (Cluster)RoleBinding to cluster-admin gives its subjects full control of the cluster.",
    "Bind a role with only the permissions the subject needs.",
    ("trivy", "KSV111"), ("kube-linter", "cluster-admin-role-binding"),
    reference=_RBAC,
)  # fmt: skip
NO_NETWORK_POLICY = _check(
    36, "Namespace without NetworkPolicy", Severity.MEDIUM,
    "No NetworkPolicy selects the namespace's pods in the linted files, so every pod accepts traffic "
    "from everywhere in the cluster.",
    "Add a default-deny NetworkPolicy for the namespace and allow the flows the workloads need.",
    reference="https://kubernetes.io/docs/concepts/services-networking/network-policies/",
)  # fmt: skip
ISTIO_MTLS = _check(
    37, "Istio mTLS not STRICT", Severity.MEDIUM,
    "A PeerAuthentication in PERMISSIVE or DISABLE mode accepts plain-text traffic.",
    "Set spec.mtls.mode: STRICT (and the same for every portLevelMtls entry).",
    reference="https://istio.io/latest/docs/reference/config/security/peer_authentication/",
)  # fmt: skip

ROOT_GROUP = _check(
    38, "Container runs with root group", Severity.LOW,
    "runAsGroup 0 (or fsGroup/supplementalGroups 0) gives the process the root group: files owned by group "
    "root on the image and on mounted volumes become writable.",
    "Set runAsGroup (and fsGroup) to a non-zero GID.",
    ("trivy", "KSV029"),
)  # fmt: skip

CHECKS: tuple[CheckInfo, ...] = (
    PRIVILEGED, PRIVILEGE_ESCALATION, DANGEROUS_CAPABILITY, ADDED_CAPABILITY, NET_RAW_KEPT, ALL_NOT_DROPPED,
    HOST_NETWORK, HOST_PID, HOST_IPC, RUNTIME_SOCKET, HOST_ROOT, SENSITIVE_HOST_PATH, HOST_PATH, RUNS_AS_ROOT,
    RUN_AS_USER_ZERO, WRITABLE_ROOT_FS, SECCOMP_MISSING, SECCOMP_UNCONFINED, APPARMOR_UNCONFINED, CPU_LIMIT,
    MEMORY_LIMIT, CPU_REQUEST, MEMORY_REQUEST, SA_TOKEN, IMAGE_TAG, IMAGE_DIGEST, SECRET_ENV, HOST_PORT,
    UNSAFE_SYSCTL, PROC_MOUNT, RBAC_WILDCARD, RBAC_SECRETS, RBAC_EXEC, RBAC_ESCALATE, CLUSTER_ADMIN_BINDING,
    NO_NETWORK_POLICY, ISTIO_MTLS, ROOT_GROUP,
)  # fmt: skip
"""Every Kubernetes check, in id order."""
