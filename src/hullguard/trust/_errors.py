"""The trust package's errors: the ``TrustError`` branch of the tree in :mod:`hullguard.errors`.

::

    HullguardError
    └── TrustError                 signing, verification, keys, attestations, trust policy
        ├── KeyFileError           a key file that cannot be used (also a ConfigError: exit code 2)
        │   └── PassphraseError    the passphrase does not open the key
        ├── SignatureFormatError   a stored signature, envelope or .sig manifest that is malformed
        └── TrustPolicyError       a trust policy file that cannot be used (also a ConfigError)

A signature that is well formed but does not verify is *not* an error: verification returns a
result with the reasons, so a gate can report every one of them (see ``_verify``).
"""

from __future__ import annotations

from hullguard.errors import BadInputError, ConfigError, HullguardError

__all__ = ["KeyFileError", "PassphraseError", "SignatureFormatError", "TrustError", "TrustPolicyError"]


class TrustError(HullguardError):
    """Signing, verification, keys, attestations or the trust policy failed."""


class KeyFileError(TrustError, ConfigError):
    """A key file is unreadable, of an unsupported kind, or has unsafe parameters.

    Messages never contain key material: only the path, the format and what is wrong.
    """


class PassphraseError(KeyFileError):
    """The passphrase does not decrypt the private key (or the file was altered)."""


class SignatureFormatError(TrustError, BadInputError):
    """A signature, DSSE envelope, statement or signature manifest is malformed or oversized."""


class TrustPolicyError(TrustError, ConfigError):
    """The trust policy file is not valid YAML or does not match the policy schema."""
