"""Turn what the user typed into an image source, the way a user expects.

Prefixed references go where they say. An unprefixed one is tried in order: an existing path
(OCI layout directory or tar, docker-archive tar, else a plain directory as rootfs), then the
local engine if it has the image, then a registry. The choice is recorded in ``Image.notes``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hullguard.errors import ImageError
from hullguard.image._archive_index import ArchiveIndex
from hullguard.image._docker_archive import open_docker_archive
from hullguard.image._engine import open_engine_image
from hullguard.image._limits import Limits
from hullguard.image._model import Image
from hullguard.image._oci_layout import open_oci_layout

if TYPE_CHECKING:
    from hullguard.crypt import DecryptionKey
    from hullguard.image._registry_client import RegistryClient

__all__ = ["PREFIXES", "RootfsTarget", "SourceOptions", "engine_client", "open_target", "registry_client"]

_HOST_VARIABLE = {"docker": "DOCKER_HOST", "podman": "CONTAINER_HOST"}
PREFIXES = ("docker-archive", "oci-layout", "oci", "docker", "podman", "registry", "rootfs")


@dataclass(frozen=True, slots=True)
class SourceOptions:
    """How to reach images: engines, registries, limits. Built by the CLI from flags and env."""

    platform: str | None = None
    """``os/arch[/variant]`` to pick from a multi-arch index."""
    image: str | None = None
    """Which image of a multi-image docker-archive (tag, id or index)."""
    limits: Limits = field(default_factory=Limits)
    docker_host: str = "unix:///var/run/docker.sock"
    podman_host: str = "unix:///run/podman/podman.sock"
    docker_config: Path | None = None
    """The Docker client config holding registry credentials."""
    allow_insecure_registry: bool = False
    """Plain HTTP and unverified TLS for registries that are not on loopback."""
    engine_timeout: float = 30.0
    decryption_keys: tuple[DecryptionKey, ...] | None = ()
    """Private keys for ocicrypt-encrypted layers, decrypted as they stream (``scan
    --decryption-key``). With none (the default), reading an encrypted layer fails with a
    hint to pass one; ``None`` hands encrypted layers out as stored, for tools that copy or
    decrypt ciphertext themselves (``hullguard encrypt``/``decrypt``)."""


@dataclass(frozen=True, slots=True)
class RootfsTarget:
    """An unpacked filesystem to analyze in place."""

    path: Path
    notes: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """How reports name it."""
        return f"rootfs:{self.path}"


def engine_client(base_url: str, timeout: float) -> Any:
    """A Docker SDK client for ``base_url``: the engine behind docker:/podman: images and audits."""
    import docker  # noqa: PLC0415 - the SDK is slow to import and most runs never need it

    return docker.DockerClient(base_url=base_url, timeout=int(timeout))


def _open_engine(name: str, kind: str, options: SourceOptions) -> Image:
    url = options.docker_host if kind == "docker" else options.podman_host
    try:
        client = engine_client(url, options.engine_timeout)
    except Exception as exc:  # docker.errors.DockerException wraps many causes
        raise ImageError(
            f"{kind}:{name}: cannot reach the {kind} engine at {url}: {exc}",
            hint=f"start the {kind} service, or set {_HOST_VARIABLE[kind]}",
        ) from exc
    return open_engine_image(client, name, source=kind, limits=options.limits)


def registry_client(options: SourceOptions) -> RegistryClient:
    """A registry client with the options' credentials and transport policy (reads and writes)."""
    from hullguard.image._credentials import (  # noqa: PLC0415
        Anonymous,
        CredentialSource,
        DockerConfigCredentials,
    )
    from hullguard.image._registry_client import RegistryClient  # noqa: PLC0415

    credentials: CredentialSource = (
        DockerConfigCredentials(options.docker_config) if options.docker_config is not None else Anonymous()
    )
    return RegistryClient(credentials=credentials, allow_insecure=options.allow_insecure_registry)


def _open_registry(name: str, options: SourceOptions) -> Image:
    """Pull the manifest and config now; layers stream later, each verified as it arrives.

    The registry modules are imported here, not at the top: httpx costs ~45 ms of start-up that
    local scans (archives, layouts, engines) never need.
    """
    from hullguard.image._reference import parse_reference  # noqa: PLC0415
    from hullguard.image._registry_source import (  # noqa: PLC0415
        ENCRYPTED_LAYER_TYPES,
        SUPPORTED_LAYER_TYPES,
        open_registry_image,
    )

    ref = parse_reference(name)
    client = registry_client(options)
    try:
        return open_registry_image(
            ref,
            client=client,
            platform=options.platform,
            on_close=client.close,
            layer_types=SUPPORTED_LAYER_TYPES | ENCRYPTED_LAYER_TYPES,
        )
    except BaseException:
        client.close()
        raise


def _sniff_path(path: Path) -> str:
    """Which local source a path is: ``oci-layout``, ``docker-archive`` or ``rootfs``."""
    if path.is_dir():
        return (
            "oci-layout" if (path / "index.json").is_file() and (path / "oci-layout").is_file() else "rootfs"
        )
    index = ArchiveIndex(path, limits=Limits(), where=str(path))
    if "oci-layout" in index and "index.json" in index and "manifest.json" not in index:
        return "oci-layout"
    return "docker-archive"


def _engine_has(name: str, options: SourceOptions) -> bool:
    try:
        client = engine_client(options.docker_host, 5.0)
        client.api.inspect_image(name)
    except Exception:  # no engine, no socket, or no such image: all mean "not here"
        return False
    return True


def _open_prefixed(kind: str, rest: str, options: SourceOptions) -> Image | RootfsTarget:
    if kind == "docker-archive":
        return open_docker_archive(Path(rest), selector=options.image, limits=options.limits)
    if kind in ("oci-layout", "oci"):
        return open_oci_layout(rest, platform=options.platform, limits=options.limits)
    if kind in ("docker", "podman"):
        return _open_engine(rest, kind, options)
    if kind == "rootfs":
        return RootfsTarget(Path(rest))
    return _open_registry(rest.removeprefix("//"), options)


def open_target(text: str, options: SourceOptions) -> Image | RootfsTarget:
    """Open the image (or directory) named by ``text``; see the module docstring for the order.

    Encrypted layers are decrypted (or refused) per ``options.decryption_keys``.
    """
    target = _open_target(text, options)
    if (
        isinstance(target, Image)
        and options.decryption_keys is not None
        and any(layer.media_type.endswith("+encrypted") for layer in target.layers)
    ):
        from hullguard.crypt import decrypt_layers_on_read  # noqa: PLC0415 - only images need it

        decrypt_layers_on_read(target, options.decryption_keys)
    return target


def _open_target(text: str, options: SourceOptions) -> Image | RootfsTarget:
    kind, sep, rest = text.partition(":")
    if sep and kind in PREFIXES and not Path(text).exists():
        return _open_prefixed(kind, rest, options)
    path = Path(text)
    if path.exists():
        chosen = _sniff_path(path)
        target = _open_prefixed(chosen, text, options)
        note = f"{text}: an existing path, read as {chosen}"
    elif _engine_has(text, options):
        target = _open_engine(text, "docker", options)
        note = (
            f"{text}: found in the local docker engine (use a registry reference with a host to pull instead)"
        )
    else:
        target = _open_registry(text, options)
        note = f"{text}: not a local path or engine image, pulled from its registry"
    if isinstance(target, RootfsTarget):
        return RootfsTarget(target.path, (note,))
    target.notes.append(note)
    return target
