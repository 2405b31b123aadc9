"""Misconfiguration checks: Dockerfiles, image configs, compose files, Kubernetes manifests, Rego.

Each kind of input has its own subpackage with pure check functions over parsed documents; all
of them produce :class:`~hullguard.report.MisconfigFinding` values and honour one
:class:`LintOptions` (which checks run, at which severity).
"""

from hullguard.misconfig._options import LintOptions

__all__ = ["LintOptions"]
