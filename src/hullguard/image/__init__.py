"""Image references, sources, blobs and digests.

Public API: :func:`open_target` with :class:`SourceOptions` opens any image source as one
:class:`Image` model (or a :class:`RootfsTarget` for a plain directory).
"""

from hullguard.image._decompress import DecompressionBombError
from hullguard.image._digest import DigestMismatchError, InvalidDigestError, VerifyingReader, parse_digest
from hullguard.image._limits import Limits
from hullguard.image._model import BlobOpener, Image, ImageConfig, LayerRef, parse_config
from hullguard.image._resolve import PREFIXES, RootfsTarget, SourceOptions, open_target
from hullguard.image._tar import UnsafePathError

__all__ = [
    "PREFIXES",
    "BlobOpener",
    "DecompressionBombError",
    "DigestMismatchError",
    "Image",
    "ImageConfig",
    "InvalidDigestError",
    "LayerRef",
    "Limits",
    "RootfsTarget",
    "SourceOptions",
    "UnsafePathError",
    "VerifyingReader",
    "open_target",
    "parse_config",
    "parse_digest",
]
