"""Image references, sources, blobs and digests.

Public API: :func:`open_target` with :class:`SourceOptions` opens any image source as one
:class:`Image` model (or a :class:`RootfsTarget` for a plain directory).
"""

from hullguard.image._credentials import Anonymous, Credentials, CredentialSource, DockerConfigCredentials
from hullguard.image._decompress import DecompressionBombError
from hullguard.image._digest import DigestMismatchError, InvalidDigestError, VerifyingReader, parse_digest
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
