"""Custom misconfiguration checks in Rego (``--policy DIR``), over the same documents as the built-ins.

See :mod:`hullguard.misconfig.rego._policy` for the contract a policy follows.
"""

from hullguard.misconfig.rego._policy import (
    PACKAGE_PREFIX,
    Policies,
    PolicyError,
    document_input,
    load_policies,
    run_policies,
)

__all__ = ["PACKAGE_PREFIX", "Policies", "PolicyError", "document_input", "load_policies", "run_policies"]
