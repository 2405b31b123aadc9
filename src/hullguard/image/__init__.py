"""Image references, sources, blobs and digests."""

from hullguard.image._digest import DigestMismatchError, InvalidDigestError, VerifyingReader, parse_digest
from hullguard.image._model import BlobOpener, Image, ImageConfig, LayerRef, parse_config

__all__ = [
    "BlobOpener",
    "DigestMismatchError",
    "Image",
    "ImageConfig",
    "InvalidDigestError",
    "LayerRef",
    "VerifyingReader",
    "parse_config",
    "parse_digest",
]
