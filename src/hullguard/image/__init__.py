"""Image references, sources, blobs and digests.

Public API: :func:`open_target` with :class:`SourceOptions` opens any image source as one
:class:`Image` model (or a :class:`RootfsTarget` for a plain directory).
"""

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hullguard.image._credentials import (
        Anonymous,
        Credentials,
        CredentialSource,
        DockerConfigCredentials,
    )
    from hullguard.image._decompress import DecompressionBombError
    from hullguard.image._digest import (
        DigestMismatchError,
        InvalidDigestError,
        VerifyingReader,
        parse_digest,
    )
    from hullguard.image._limits import Limits
    from hullguard.image._model import BlobOpener, Image, ImageConfig, LayerRef, parse_config
    from hullguard.image._reference import InvalidReferenceError, Reference, parse_reference
    from hullguard.image._registry_client import RegistryClient
    from hullguard.image._registry_http import RegistryAuthError, RegistryError, RegistryUnreachableError
    from hullguard.image._registry_source import open_registry_image
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

# Every name loads on first use (PEP 562): the registry client pulls in httpx, the layer reader
# isal and zstandard, the models pydantic; a command that needs one of them should not pay for all.
_LAZY = {
    "DecompressionBombError": "hullguard.image._decompress",
    "DigestMismatchError": "hullguard.image._digest",
    "InvalidDigestError": "hullguard.image._digest",
    "VerifyingReader": "hullguard.image._digest",
    "parse_digest": "hullguard.image._digest",
    "Limits": "hullguard.image._limits",
    "BlobOpener": "hullguard.image._model",
    "Image": "hullguard.image._model",
    "ImageConfig": "hullguard.image._model",
    "LayerRef": "hullguard.image._model",
    "parse_config": "hullguard.image._model",
    "PREFIXES": "hullguard.image._resolve",
    "RootfsTarget": "hullguard.image._resolve",
    "SourceOptions": "hullguard.image._resolve",
    "open_target": "hullguard.image._resolve",
    "UnsafePathError": "hullguard.image._tar",
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
