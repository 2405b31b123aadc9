"""From merged layer results to the image's :class:`Inventory`: a pure function."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from hullguard.analyze._facts import merge_facts
from hullguard.analyze._layer import LayerResult
from hullguard.analyze._merge import LayeredFile, MergedView, merge_layers
from hullguard.image._model import Image
from hullguard.inventory import FileFacts, Inventory, LayerInfo, OSInfo, Package, SecretHit, Skipped
from hullguard.inventory.purl import with_purls

__all__ = ["build_inventory", "inventory_from_files"]

_OS_PRECEDENCE = ("/etc/os-release", "/usr/lib/os-release")


def _pick_os(files: Sequence[LayeredFile]) -> OSInfo | None:
    """``/etc/os-release`` wins over ``/usr/lib/os-release`` (os-release(5)); then release files."""
    found: dict[str, OSInfo] = {}
    facts: dict[str, str] = {}
    for item in files:
        result = item.file.result
        if result.os is not None:
            found[item.file.path] = result.os
        facts.update(result.extra)
    for path in _OS_PRECEDENCE:
        if path in found:
            return found[path]
    if "alpine_release" in facts:
        return OSInfo(id="alpine", version_id=facts["alpine_release"])
    if "debian_version" in facts:
        return OSInfo(id="debian", version_id=facts["debian_version"].split(".")[0])
    return next(iter(found.values()), None)


def _attach_owned_files(packages: list[Package], files: Sequence[LayeredFile]) -> list[Package]:
    owned: dict[str, tuple[str, ...]] = {}
    for item in files:
        for name, paths in item.file.result.owned_files:
            owned[name] = paths
    if not owned:
        return packages
    return [
        dataclasses.replace(p, files=owned[p.name]) if not p.files and p.name in owned else p
        for p in packages
    ]


def _hit_key(hit: SecretHit) -> tuple[str, int, int, str, str]:
    return (hit.path, hit.line, hit.column, hit.rule_id, hit.diff_id or "")


def _secrets(view: MergedView) -> tuple[SecretHit, ...]:
    """Visible hits, plus hits in files a later layer deleted or replaced (``removed_in`` set).

    A removed hit whose secret is still visible at the same path (the file was only rewritten,
    e.g. by ``chmod``) is the same exposure and is reported once, as visible.
    """
    visible = [hit for item in view.visible for hit in item.file.result.secrets]
    seen = {(hit.path, hit.fingerprint) for hit in visible}
    hits = list(visible)
    for item, remover in view.removed:
        for hit in item.file.result.secrets:
            if (hit.path, hit.fingerprint) not in seen:
                seen.add((hit.path, hit.fingerprint))
                hits.append(dataclasses.replace(hit, removed_in=remover))
    return tuple(sorted(hits, key=_hit_key))


def inventory_from_files(
    files: Sequence[LayeredFile],
    skipped: Sequence[Skipped] = (),
    *,
    facts: FileFacts | None = None,
) -> Inventory:
    """Collect OS, packages and secrets from visible file results; packages sorted by ``sort_key``."""
    os_info = _pick_os(files)
    packages = [p for item in files for p in item.file.result.packages]
    packages = _attach_owned_files(packages, files)
    packages.sort(key=Package.sort_key)
    notes = [s for item in files for s in item.file.result.skipped]
    notes.extend(skipped)
    notes.sort(key=lambda s: (s.path, s.analyzer, s.reason))
    secrets = tuple(sorted((h for item in files for h in item.file.result.secrets), key=_hit_key))
    inventory = Inventory(
        os=os_info,
        packages=tuple(packages),
        skipped=tuple(notes),
        secrets=secrets,
        file_facts=facts or FileFacts(),
    )
    return with_purls(inventory)


def build_inventory(image: Image, layers: Sequence[LayerResult]) -> Inventory:
    """Merge the image's layer results (whiteouts applied) into its inventory."""
    view = merge_layers(layers)
    skipped = [s for layer in layers for s in layer.skipped]
    base = inventory_from_files(view.visible, skipped, facts=merge_facts(layers))
    infos = tuple(
        LayerInfo(
            index=ref.index,
            diff_id=ref.diff_id,
            digest=ref.digest,
            media_type=ref.media_type,
            size=ref.size if ref.size >= 0 else result.size,
            created_by=ref.created_by,
        )
        for ref, result in zip(image.layers, layers, strict=True)
    )
    extra = {"source": image.source}
    if image.config.created:
        extra["created"] = image.config.created
    return dataclasses.replace(
        base,
        layers=infos,
        image_name=image.name,
        image_digest=image.digest,
        config_digest=image.config_digest,
        repo_tags=image.repo_tags,
        repo_digests=image.repo_digests,
        architecture=image.config.architecture,
        os_name=image.config.os,
        extra=extra,
        secrets=_secrets(view),
        config=image.config,
    )
