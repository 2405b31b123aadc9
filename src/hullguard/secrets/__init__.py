"""Secret scanning: a rule pack and a hyperscan-based multi-pattern engine.

Public API::

    rules = load_rules()                      # or load_rules(Path("secrets.yaml"))
    inventory = analyze_target(target, [*build_analyzers(), SecretAnalyzer(rules)], limits=...)
    findings = secret_findings(inventory, rules)

:class:`~hullguard.analyze.secrets.SecretAnalyzer` feeds file contents from the layer pass;
:func:`secret_findings` adds the image config (Env, Labels, history) and names the layers.
"""

from hullguard.secrets._findings import secret_findings
from hullguard.secrets._load import load_rules, parse_rule_file
from hullguard.secrets._model import Allowlist, Rule, RulePack, SecretRuleError, shannon_entropy
from hullguard.secrets._scan import IgnoreComments, is_binary, scan_bytes

__all__ = [
    "Allowlist",
    "IgnoreComments",
    "Rule",
    "RulePack",
    "SecretRuleError",
    "is_binary",
    "load_rules",
    "parse_rule_file",
    "scan_bytes",
    "secret_findings",
    "shannon_entropy",
]
