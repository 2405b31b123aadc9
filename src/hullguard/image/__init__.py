"""Image references, sources, blobs and digests.

Public API: :func:`open_target` with :class:`SourceOptions` opens any image source as one
:class:`Image` model (or a :class:`RootfsTarget` for a plain directory).
"""

import importlib

from hullguard.image._decompress import DecompressionBombError
from hullguard.image._digest import DigestMismatchError, InvalidDigestError, VerifyingReader, parse_digest
from hullguard.image._limits import Limits
from hullguard.image._model import BlobOpener, Image, ImageConfig, LayerRef, parse_config
from hullguard.image._resolve import PREFIXES, RootfsTarget, SourceOptions, open_target
from hullguard.image._tar import UnsafePathError

__all__ = [
    "PREFIXES",
    "Anonymous",
    "BlobOpener",
    "CredentialSource",
    "Credentials",
    "DecompressionBombError",
    "DigestMismatchError",
    "DockerConfigCredentials",
    "Image",
    "ImageConfig",
    "InvalidDigestError",
    "InvalidReferenceError",
    "LayerRef",
    "Limits",
    "Reference",
    "RegistryAuthError",
    "RegistryClient",
    "RegistryError",
    "RegistryUnreachableError",
    "RootfsTarget",
    "SourceOptions",
    "UnsafePathError",
    "VerifyingReader",
    "open_registry_image",
    "open_target",
    "parse_config",
    "parse_digest",
    "parse_reference",
]

# The registry client pulls in httpx; its names load on first use (PEP 562) so that local scans
# do not pay for it at start-up.
_LAZY = {
    "Anonymous": "hullguard.image._credentials",
    "CredentialSource": "hullguard.image._credentials",
    "Credentials": "hullguard.image._credentials",
    "DockerConfigCredentials": "hullguard.image._credentials",
    "InvalidReferenceError": "hullguard.image._reference",
    "Reference": "hullguard.image._reference",
    "parse_reference": "hullguard.image._reference",
    "RegistryClient": "hullguard.image._registry_client",
    "RegistryAuthError": "hullguard.image._registry_http",
    "RegistryError": "hullguard.image._registry_http",
    "RegistryUnreachableError": "hullguard.image._registry_http",
    "open_registry_image": "hullguard.image._registry_source",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'hullguard.image' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
