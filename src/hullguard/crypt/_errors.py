"""Errors of layer encryption; none of them ever carries key material, only paths and kinds.

::

    CryptError                      (HullguardError) the operation could not be done
    ├── KeyFileError                (ConfigError)    a key file we cannot use
    ├── EncryptedLayerError         (BadInputError)  annotations, options or JWE are malformed
    │   └── UnsupportedLayerError                    a media type or scheme we cannot handle
    ├── DecryptionError             (BadInputError)  no key fits, or the HMAC/digest check failed
    ├── EncryptedImageError         (BadInputError)  an encrypted layer was read without a key
    └── DestinationRefusedError     (ConfigError)    the destination cannot hold the result
"""

from __future__ import annotations

from hullguard.errors import BadInputError, ConfigError, HullguardError

__all__ = [
    "CryptError",
    "DecryptionError",
    "DestinationRefusedError",
    "EncryptedImageError",
    "EncryptedLayerError",
    "KeyFileError",
    "UnsupportedLayerError",
]


class CryptError(HullguardError):
    """Root of the layer-encryption errors."""


class KeyFileError(CryptError, ConfigError):
    """A recipient or private key file is missing, unreadable or of a kind we cannot use."""


class EncryptedLayerError(CryptError, BadInputError):
    """An encrypted layer's annotations, options or JWE are missing or malformed."""


class UnsupportedLayerError(EncryptedLayerError):
    """A media type, cipher or key-wrapping scheme hullguard does not implement."""


class DecryptionError(CryptError, BadInputError):
    """No given key opens the layer, or its ciphertext fails the HMAC or digest checks."""


class EncryptedImageError(CryptError, BadInputError):
    """An encrypted layer was about to be read as plaintext because no key was given."""


class DestinationRefusedError(CryptError, ConfigError):
    """The destination cannot hold the result (e.g. encrypted layers in a docker-archive)."""
