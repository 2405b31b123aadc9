"""From an inventory's secret hits (and its image config) to report findings."""

from __future__ import annotations

from collections.abc import Iterator

from hullguard.image._model import ImageConfig
from hullguard.inventory import Inventory, LayerInfo, SecretHit
from hullguard.report import SecretFinding, SecretOrigin, Severity, SourceLocation
from hullguard.secrets._model import RulePack
from hullguard.secrets._scan import IgnoreComments, scan_bytes

__all__ = ["config_hits", "secret_findings"]

_CONFIG_PATH = "image-config:"
_NO_IGNORES = IgnoreComments(honoured=False)


def _history_layers(inventory: Inventory, config: ImageConfig) -> list[LayerInfo | None]:
    """The layer each history entry made (None for ``empty_layer`` entries such as ENV)."""
    layers = iter(inventory.layers)
    return [None if entry.empty_layer else next(layers, None) for entry in config.history]


def config_hits(pack: RulePack, config: ImageConfig) -> Iterator[tuple[SecretOrigin, str, int, SecretHit]]:
    """Secrets in Env, Labels and ``history[].created_by`` (build arguments show up there).

    Yields (origin, place, history index or -1, hit); each value is scanned as one line
    ``NAME=value`` so that name-based rules see the variable name.
    """
    run = config.config
    places: list[tuple[SecretOrigin, str, int, str]] = []
    places += [(SecretOrigin.ENV, "Env", -1, item) for item in run.Env or ()]
    places += [(SecretOrigin.LABEL, "Labels", -1, f"{k}={v}") for k, v in sorted((run.Labels or {}).items())]
    places += [
        (SecretOrigin.HISTORY, f"history[{i}].created_by", i, h.created_by)
        for i, h in enumerate(config.history)
        if h.created_by
    ]
    for origin, place, index, text in places:
        data = text.encode("utf-8", "replace")
        for hit in scan_bytes(pack, data, path=_CONFIG_PATH + place, diff_id=None, ignore=_NO_IGNORES):
            yield origin, place, index, hit


def _finding(pack: RulePack, hit: SecretHit, location: SourceLocation, **extra: object) -> SecretFinding:
    rule = pack.rule(hit.rule_id)
    return SecretFinding(
        rule_id=hit.rule_id,
        title=rule.title if rule else hit.rule_id,
        severity=rule.severity if rule else Severity.UNKNOWN,
        category=rule.category if rule else "Custom",
        location=location,
        redacted=hit.redacted,
        fingerprint=hit.fingerprint,
        **extra,  # type: ignore[arg-type]
    )


def secret_findings(inventory: Inventory, rules: RulePack) -> tuple[SecretFinding, ...]:
    """Findings for every secret hit of the inventory plus those in its image config.

    File hits carry the layer that holds them and, for deleted or replaced files, the layer
    that removed them. Sorted by :meth:`SecretFinding.sort_key`; fingerprints in the pack's
    allowlist are left out.
    """
    findings: list[SecretFinding] = []
    for hit in inventory.secrets:
        if hit.fingerprint in rules.allowlist.fingerprints:
            continue
        location = SourceLocation(hit.path, hit.line, hit.column, layer=inventory.layer(hit.diff_id))
        removed = inventory.layer(hit.removed_in) if hit.removed_in else None
        findings.append(_finding(rules, hit, location, removed_in=removed))
    if inventory.config is not None:
        layers = _history_layers(inventory, inventory.config)
        for origin, place, index, hit in config_hits(rules, inventory.config):
            layer = layers[index] if index >= 0 else None
            location = SourceLocation(place, None, None, layer=layer)
            findings.append(_finding(rules, hit, location, origin=origin))
    return tuple(sorted(findings, key=SecretFinding.sort_key))
