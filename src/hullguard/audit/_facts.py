"""The part of ``docker inspect`` the container checks read, validated at the API boundary.

The Engine API is outside our trust boundary (a remote daemon, or a proxy in front of one), so
its answer is parsed into a pydantic model: unknown fields are ignored, missing ones get the
Engine's own defaults, and a wrongly typed one is rejected with the field's path.
Only the fields a check uses are modelled; adding a check may add a field here.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hullguard.errors import AuditError

__all__ = ["ContainerFacts", "InvalidInspectError"]

_MODEL_CONFIG = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)


class InvalidInspectError(AuditError):
    """The Engine's inspect answer for a container does not have the expected shape."""


class PortBinding(BaseModel):
    """One host side of a published port; an empty ``HostIp`` means every interface."""

    model_config = _MODEL_CONFIG
    host_ip: str = Field(default="", alias="HostIp")
    host_port: str = Field(default="", alias="HostPort")


class RestartPolicy(BaseModel):
    """``--restart``: the name (``no``, ``always``, ``unless-stopped``, ``on-failure``) and retries."""

    model_config = _MODEL_CONFIG
    name: str = Field(default="", alias="Name")
    maximum_retry_count: int = Field(default=0, alias="MaximumRetryCount")


class DeviceMapping(BaseModel):
    """A host device passed in with ``--device``."""

    model_config = _MODEL_CONFIG
    path_on_host: str = Field(default="", alias="PathOnHost")
    path_in_container: str = Field(default="", alias="PathInContainer")
    permissions: str = Field(default="", alias="CgroupPermissions")


class Ulimit(BaseModel):
    """One ``--ulimit`` override."""

    model_config = _MODEL_CONFIG
    name: str = Field(default="", alias="Name")
    soft: int = Field(default=0, alias="Soft")
    hard: int = Field(default=0, alias="Hard")


class HostConfig(BaseModel):
    """``HostConfig``: how the container was started. ``None`` stands for "not set"."""

    model_config = _MODEL_CONFIG
    privileged: bool = Field(default=False, alias="Privileged")
    cap_add: list[str] | None = Field(default=None, alias="CapAdd")
    cap_drop: list[str] | None = Field(default=None, alias="CapDrop")
    security_opt: list[str] | None = Field(default=None, alias="SecurityOpt")
    network_mode: str = Field(default="", alias="NetworkMode")
    pid_mode: str = Field(default="", alias="PidMode")
    ipc_mode: str = Field(default="", alias="IpcMode")
    uts_mode: str = Field(default="", alias="UTSMode")
    userns_mode: str = Field(default="", alias="UsernsMode")
    devices: list[DeviceMapping] | None = Field(default=None, alias="Devices")
    memory: int = Field(default=0, alias="Memory")
    nano_cpus: int = Field(default=0, alias="NanoCpus")
    cpu_shares: int = Field(default=0, alias="CpuShares")
    pids_limit: int | None = Field(default=None, alias="PidsLimit")
    readonly_rootfs: bool = Field(default=False, alias="ReadonlyRootfs")
    restart_policy: RestartPolicy = Field(default_factory=RestartPolicy, alias="RestartPolicy")
    port_bindings: dict[str, list[PortBinding] | None] | None = Field(default=None, alias="PortBindings")
    binds: list[str] | None = Field(default=None, alias="Binds")
    cgroup_parent: str = Field(default="", alias="CgroupParent")
    ulimits: list[Ulimit] | None = Field(default=None, alias="Ulimits")


class HealthcheckConfig(BaseModel):
    """``Config.Healthcheck``; ``["NONE"]`` as the test disables an image's health check."""

    model_config = _MODEL_CONFIG
    test: list[str] | None = Field(default=None, alias="Test")


class ContainerConfig(BaseModel):
    """``Config``: the image defaults merged with the ``docker run`` overrides."""

    model_config = _MODEL_CONFIG
    user: str = Field(default="", alias="User")
    image: str = Field(default="", alias="Image")
    healthcheck: HealthcheckConfig | None = Field(default=None, alias="Healthcheck")


class Health(BaseModel):
    """``State.Health``: present only when a health check runs."""

    model_config = _MODEL_CONFIG
    status: str = Field(default="", alias="Status")


class ContainerState(BaseModel):
    """``State``; only the health part is used."""

    model_config = _MODEL_CONFIG
    health: Health | None = Field(default=None, alias="Health")


class MountPoint(BaseModel):
    """One entry of the top-level ``Mounts`` list: binds, volumes and tmpfs alike."""

    model_config = _MODEL_CONFIG
    type: str = Field(default="", alias="Type")
    source: str = Field(default="", alias="Source")
    destination: str = Field(default="", alias="Destination")
    rw: bool = Field(default=True, alias="RW")
    propagation: str = Field(default="", alias="Propagation")


class NetworkSettings(BaseModel):
    """``NetworkSettings``; only the names of the attached networks are used."""

    model_config = _MODEL_CONFIG
    networks: dict[str, object] | None = Field(default=None, alias="Networks")


class ContainerFacts(BaseModel):
    """What the checks know about one running container, built from its inspect document."""

    model_config = _MODEL_CONFIG
    id: str = Field(default="", alias="Id")
    raw_name: str = Field(default="", alias="Name")
    image_id: str = Field(default="", alias="Image")
    """The image's id (``sha256:...``); ``config.image`` is the reference the user gave."""
    apparmor_profile: str = Field(default="", alias="AppArmorProfile")
    config: ContainerConfig = Field(default_factory=ContainerConfig, alias="Config")
    host_config: HostConfig = Field(default_factory=HostConfig, alias="HostConfig")
    state: ContainerState = Field(default_factory=ContainerState, alias="State")
    mounts: list[MountPoint] | None = Field(default=None, alias="Mounts")
    network_settings: NetworkSettings = Field(default_factory=NetworkSettings, alias="NetworkSettings")

    @classmethod
    def from_inspect(cls, document: object) -> ContainerFacts:
        """Validate one ``docker inspect`` object; a bad shape raises :class:`InvalidInspectError`."""
        try:
            return cls.model_validate(document)
        except ValidationError as exc:
            first = exc.errors()[0]
            loc = ".".join(str(p) for p in first["loc"]) or "top level"
            raise InvalidInspectError(f"container inspect data is invalid at {loc}: {first['msg']}") from exc

    @property
    def name(self) -> str:
        """The name ``docker ps`` shows: the API's ``/name`` without its slash, else the short id."""
        return self.raw_name.lstrip("/") or self.id[:12]

    @property
    def all_mounts(self) -> list[MountPoint]:
        """Mounts, never ``None``."""
        return list(self.mounts or [])

    @property
    def network_names(self) -> list[str]:
        """Names of the networks the container is attached to, sorted."""
        return sorted(self.network_settings.networks or {})
