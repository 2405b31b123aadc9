"""What the Engine says about itself, its images and its swarm, validated at the API boundary.

Like :mod:`hullguard.audit._facts` for containers: ``docker info``, ``docker image inspect`` plus
``docker history``, and the swarm and network listings are parsed into pydantic models that
ignore unknown fields, take the Engine's defaults for missing ones and reject wrong types.
Podman's compatible API answers the same calls with fewer fields; the defaults cover that.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hullguard.errors import AuditError

__all__ = ["DaemonInfo", "ImageFacts", "InvalidEngineDataError", "NetworkFacts", "SwarmFacts"]

_MODEL_CONFIG = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)


class InvalidEngineDataError(AuditError):
    """An Engine answer (info, image, network) does not have the expected shape."""


def _first_error(exc: ValidationError, what: str) -> InvalidEngineDataError:
    first = exc.errors()[0]
    loc = ".".join(str(p) for p in first["loc"]) or "top level"
    return InvalidEngineDataError(f"{what} is invalid at {loc}: {first['msg']}")


class SwarmInfo(BaseModel):
    """``Info.Swarm``: the local node's membership."""

    model_config = _MODEL_CONFIG
    local_node_state: str = Field(default="inactive", alias="LocalNodeState")
    control_available: bool = Field(default=False, alias="ControlAvailable")
    managers: int = Field(default=0, alias="Managers")
    nodes: int = Field(default=0, alias="Nodes")
    node_addr: str = Field(default="", alias="NodeAddr")


class IndexConfig(BaseModel):
    """One registry the daemon knows, with whether it is reached over TLS."""

    model_config = _MODEL_CONFIG
    name: str = Field(default="", alias="Name")
    secure: bool = Field(default=True, alias="Secure")


class RegistryConfig(BaseModel):
    """``Info.RegistryConfig``: insecure registries show up as ``Secure: false`` or as CIDRs."""

    model_config = _MODEL_CONFIG
    index_configs: dict[str, IndexConfig] | None = Field(default=None, alias="IndexConfigs")
    insecure_cidrs: list[str] | None = Field(default=None, alias="InsecureRegistryCIDRs")


class PluginsInfo(BaseModel):
    """``Info.Plugins``; only authorization plugins matter to the benchmark."""

    model_config = _MODEL_CONFIG
    authorization: list[str] | None = Field(default=None, alias="Authorization")


class DaemonInfo(BaseModel):
    """``docker info``: the daemon's effective settings as it reports them."""

    model_config = _MODEL_CONFIG
    name: str = Field(default="", alias="Name")
    server_version: str = Field(default="", alias="ServerVersion")
    driver: str = Field(default="", alias="Driver")
    docker_root_dir: str = Field(default="/var/lib/docker", alias="DockerRootDir")
    logging_driver: str = Field(default="", alias="LoggingDriver")
    security_options: list[str] | None = Field(default=None, alias="SecurityOptions")
    live_restore: bool = Field(default=False, alias="LiveRestoreEnabled")
    experimental: bool = Field(default=False, alias="ExperimentalBuild")
    swarm: SwarmInfo = Field(default_factory=SwarmInfo, alias="Swarm")
    registry_config: RegistryConfig = Field(default_factory=RegistryConfig, alias="RegistryConfig")
    plugins: PluginsInfo = Field(default_factory=PluginsInfo, alias="Plugins")
    images: int = Field(default=0, alias="Images")
    containers: int = Field(default=0, alias="Containers")
    containers_running: int = Field(default=0, alias="ContainersRunning")

    @classmethod
    def from_api(cls, document: object) -> DaemonInfo:
        """Validate ``GET /info``; a bad shape raises :class:`InvalidEngineDataError`."""
        try:
            return cls.model_validate(document)
        except ValidationError as exc:
            raise _first_error(exc, "docker info") from exc

    def security_option(self, name: str) -> str | None:
        """The ``name=...,k=v`` entry of ``SecurityOptions`` for ``name``, or ``None``."""
        for option in self.security_options or []:
            fields = dict(part.partition("=")[::2] for part in option.split(","))
            if fields.get("name") == name:
                return option
        return None


class HealthConfig(BaseModel):
    """``Config.Healthcheck`` of an image."""

    model_config = _MODEL_CONFIG
    test: list[str] | None = Field(default=None, alias="Test")


class ImageConfig(BaseModel):
    """The parts of an image's ``Config`` section 4 reads."""

    model_config = _MODEL_CONFIG
    user: str = Field(default="", alias="User")
    healthcheck: HealthConfig | None = Field(default=None, alias="Healthcheck")
    env: list[str] | None = Field(default=None, alias="Env")


class ImageFacts(BaseModel):
    """One image: its inspect data plus the ``created_by`` lines of its history (newest first)."""

    model_config = _MODEL_CONFIG
    id: str = Field(default="", alias="Id")
    repo_tags: list[str] | None = Field(default=None, alias="RepoTags")
    config: ImageConfig = Field(default_factory=ImageConfig, alias="Config")
    history: tuple[str, ...] = ()

    @classmethod
    def from_api(cls, document: object, history: list[str]) -> ImageFacts:
        """Validate ``GET /images/{id}/json`` and attach the history lines."""
        try:
            facts = cls.model_validate(document)
        except ValidationError as exc:
            raise _first_error(exc, "image inspect data") from exc
        return facts.model_copy(update={"history": tuple(history)})

    @property
    def name(self) -> str:
        """The first tag, else the short id: what ``docker images`` would show."""
        tags = [t for t in self.repo_tags or [] if t != "<none>:<none>"]
        return tags[0] if tags else self.id.removeprefix("sha256:")[:12]


class NetworkFacts(BaseModel):
    """One network from ``GET /networks``: the driver and its options (``encrypted``)."""

    model_config = _MODEL_CONFIG
    name: str = Field(default="", alias="Name")
    driver: str = Field(default="", alias="Driver")
    options: dict[str, str] | None = Field(default=None, alias="Options")


class EncryptionConfig(BaseModel):
    """``Spec.EncryptionConfig`` of a swarm."""

    model_config = _MODEL_CONFIG
    auto_lock_managers: bool = Field(default=False, alias="AutoLockManagers")


class SwarmSpec(BaseModel):
    """``Spec`` of a swarm."""

    model_config = _MODEL_CONFIG
    encryption: EncryptionConfig = Field(default_factory=EncryptionConfig, alias="EncryptionConfig")


class SwarmFacts(BaseModel):
    """``GET /swarm`` (managers only) and the overlay networks, for section 7."""

    model_config = _MODEL_CONFIG
    spec: SwarmSpec = Field(default_factory=SwarmSpec, alias="Spec")
    networks: tuple[NetworkFacts, ...] = ()
