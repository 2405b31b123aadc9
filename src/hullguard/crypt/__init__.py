"""ocicrypt-compatible layer encryption: ``hullguard encrypt``, ``decrypt`` and decrypting scans.

Layers are encrypted with AES-256-CTR + HMAC-SHA256 under a fresh key per layer, and that key
is wrapped in JWE for each recipient's RSA or EC public key, exactly as containers/ocicrypt
writes it, so skopeo, buildah and containerd's imgcrypt read what we write and we read theirs.

Encryption gives confidentiality only: anyone holding a recipient's *public* key can make a
valid encrypted layer. Sign the encrypted image to prove where it came from.
"""

from hullguard.crypt._copy import CopyResult, decrypt_image, encrypt_image, select_layers
from hullguard.crypt._errors import (
    CryptError,
    DecryptionError,
    DestinationRefusedError,
    EncryptedImageError,
    EncryptedLayerError,
    KeyFileError,
    UnsupportedLayerError,
)
from hullguard.crypt._keys import (
    DecryptionKey,
    KeyWrapAlgorithm,
    Recipient,
    load_private_key,
    load_recipient,
    private_key_from_bytes,
    recipient_from_bytes,
)
from hullguard.crypt._on_read import decrypt_layers_on_read

__all__ = [
    "CopyResult",
    "CryptError",
    "DecryptionError",
    "DecryptionKey",
    "DestinationRefusedError",
    "EncryptedImageError",
    "EncryptedLayerError",
    "KeyFileError",
    "KeyWrapAlgorithm",
    "Recipient",
    "UnsupportedLayerError",
    "decrypt_image",
    "decrypt_layers_on_read",
    "encrypt_image",
    "load_private_key",
    "load_recipient",
    "private_key_from_bytes",
    "recipient_from_bytes",
    "select_layers",
]
