"""Supply-chain trust: keys, cosign-compatible signatures, DSSE attestations, trust policy.

Public API (everything else is private)::

    generate_private_key, load_private_key, load_public_key, private_key_pem, public_key_pem,
    write_key_pair, write_atomic, key_id, PrivateKeyFormat              # keys (cosign format)
    sign_image -> [SignedManifest]                                       # .sig tags
    attest_digest -> Attested; predicate_type_for, vuln_predicate, custom_predicate
    gather_evidence, check_signature, check_attestation                  # verification core
    TrustPolicy, PolicyRule, load_policy, parse_policy, evaluate, verify_with_policy -> Decision
    build_payload, parse_payload, pae                                    # wire formats

GPG simple signing lives in :mod:`hullguard.trust.simple_signing` and
:mod:`hullguard.trust.lookaside`; :class:`LookasideGpgVerifier` plugs it into the policy.
"""

from hullguard.trust._attest import Attested, attest_digest
from hullguard.trust._dir_format import SigstoreBlob, parse_sigstore_blob
from hullguard.trust._dsse import Envelope, Statement, build_statement, pae, parse_envelope, parse_statement
from hullguard.trust._errors import (
    KeyFileError,
    PassphraseError,
    SignatureFormatError,
    TrustError,
    TrustPolicyError,
)
from hullguard.trust._gpg_policy import LookasideGpgVerifier
from hullguard.trust._keys import (
    PrivateKey,
    PrivateKeyFormat,
    PublicKey,
    generate_private_key,
    key_id,
    load_private_key,
    load_public_key,
    private_key_pem,
    public_key_pem,
    write_atomic,
    write_key_pair,
)
from hullguard.trust._payload import COSIGN_SIGNATURE_TYPE, SimpleSigningPayload, build_payload, parse_payload
from hullguard.trust._policy import (
    AttestationRequirement,
    Decision,
    GpgCheck,
    GpgVerifier,
    PolicyDefault,
    PolicyRule,
    TrustPolicy,
    VulnerabilityRule,
    evaluate,
    verify_with_policy,
)
from hullguard.trust._policy_file import load_policy, parse_policy
from hullguard.trust._predicates import (
    PREDICATE_TYPES,
    custom_predicate,
    predicate_type_for,
    vuln_predicate,
)
from hullguard.trust._sign import SignedManifest, sign_image
from hullguard.trust._storage import Attachment, AttachmentKind, read_attachments
from hullguard.trust._verify import (
    AttestationCheck,
    Evidence,
    SignatureCheck,
    check_attestation,
    check_signature,
    gather_evidence,
)

__all__ = [
    "COSIGN_SIGNATURE_TYPE",
    "PREDICATE_TYPES",
    "Attachment",
    "AttachmentKind",
    "AttestationCheck",
    "AttestationRequirement",
    "Attested",
    "Decision",
    "Envelope",
    "Evidence",
    "GpgCheck",
    "GpgVerifier",
    "KeyFileError",
    "LookasideGpgVerifier",
    "PassphraseError",
    "PolicyDefault",
    "PolicyRule",
    "PrivateKey",
    "PrivateKeyFormat",
    "PublicKey",
    "SignatureCheck",
    "SignatureFormatError",
    "SignedManifest",
    "SigstoreBlob",
    "SimpleSigningPayload",
    "Statement",
    "TrustError",
    "TrustPolicy",
    "TrustPolicyError",
    "VulnerabilityRule",
    "attest_digest",
    "build_payload",
    "build_statement",
    "check_attestation",
    "check_signature",
    "custom_predicate",
    "evaluate",
    "gather_evidence",
    "generate_private_key",
    "key_id",
    "load_policy",
    "load_private_key",
    "load_public_key",
    "pae",
    "parse_envelope",
    "parse_payload",
    "parse_policy",
    "parse_sigstore_blob",
    "parse_statement",
    "predicate_type_for",
    "private_key_pem",
    "public_key_pem",
    "read_attachments",
    "sign_image",
    "verify_with_policy",
    "vuln_predicate",
    "write_atomic",
    "write_key_pair",
]
