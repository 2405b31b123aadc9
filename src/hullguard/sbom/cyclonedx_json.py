"""CycloneDX 1.6 JSON, built as plain dicts and lists.

Layout (CycloneDX 1.6, "metadata" and "components"), close to what syft emits so the two diff well:

* ``metadata.component`` is the image, a ``container`` component whose version is the image
  digest; tags, repo digests, platform and layers are ``hullguard:image:*`` properties;
* the distribution is an ``operating-system`` component;
* every package is a ``library`` component with its purl, licenses and ``hullguard:*`` properties
  for type, analyzer, source package and location (``hullguard:location:0:path`` /
  ``hullguard:location:0:layerDiffID``, after syft's ``syft:location:0:layerID``);
* files we skipped are ``hullguard:skipped:<n>:*`` properties of the BOM itself, so an SBOM
  consumer can see what the scan could not read;
* the image depends on every other component, which completes the dependency graph.

Bom-refs are derived from purl and location, so equal scans give equal documents up to the
serial number and timestamp; both come from injectable callables.

Why not cyclonedx-python-lib's model and serializer: speed. For an 865-package inventory (every
real dpkg and apk database under ``../shared/data/pkgdb`` plus a virtualenv's distributions)
``write`` took about 840 ms (median), more than analysing the whole image: the library's sorted
sets compare components through ``__comparable_tuple`` and bom-ref equality, and
``register_dependency`` scans the dependency set for each component. Building the document as
dicts takes about 52 ms: 25 ms of it is packageurl-python re-spelling each purl (kept, because
purls read from other SBOMs may not be canonical, and the library wrote them canonically), 10 ms
the JSON text (:mod:`hullguard.sbom._json_text`). The output is the library's, byte for byte:
:mod:`hullguard.sbom._cyclonedx_order` reproduces its order, and the tests compare with a
document the library built and validate against the 1.6 schema with its validator. The library
still supplies the SPDX license list (:mod:`cyclonedx.spdx`).
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from typing import TextIO

from cyclonedx.spdx import fixup_id, is_expression
from packageurl import PackageURL

from hullguard.errors import SbomError
from hullguard.inventory import Inventory, OSInfo, Package
from hullguard.sbom import _common as names
from hullguard.sbom import _cyclonedx_order as order
from hullguard.sbom._cyclonedx_order import ComponentKey, LicenseKind
from hullguard.sbom._json_text import JsonObject, JsonValue, indented
from hullguard.sbom._licenses import join_expressions, spdx_form

__all__ = ["PLUGINS", "CycloneDxJsonWriter"]

_SCHEMA = "http://cyclonedx.org/schema/bom-1.6.schema.json"
_SPEC_VERSION = "1.6"

_License = tuple[LicenseKind, str]


def _compact(pairs: Iterable[tuple[str, JsonValue | None]]) -> JsonObject:
    """The pairs that carry a value, as a JSON object; like the library, drop None and empty lists."""
    return {key: value for key, value in pairs if value is not None and value != []}


def _classify(value: str) -> _License:
    """What ``LicenseFactory.make_from_string`` makes of a value: SPDX id, else expression, else name.

    Ids are fixed up to their canonical case (``mit`` -> ``MIT``); expressions are kept as written.
    """
    fixed = fixup_id(value)
    if fixed is not None:
        return (LicenseKind.ID, fixed)
    return (LicenseKind.EXPRESSION, value) if is_expression(value) else (LicenseKind.NAME, value)


def _licenses(values: Iterable[str], classify: Callable[[str], _License]) -> list[JsonValue]:
    """CycloneDX licenses for a package's declared licenses.

    The 1.6 schema allows either a list of ``license`` objects or exactly one ``expression``, never
    both. So when a compound expression is among several licenses, all of them are conjoined into
    one expression if each is SPDX; if some are free text, the expressions are kept as license
    names instead.
    """
    made = [classify(value.strip()) for value in values if value.strip()]
    if len(made) < 2 or all(kind is not LicenseKind.EXPRESSION for kind, _ in made):
        return order.licenses(made)
    forms = [None if kind is LicenseKind.NAME else spdx_form(text) for kind, text in made]
    if all(forms):
        return order.licenses([(LicenseKind.EXPRESSION, join_expressions(form for form in forms if form))])
    return order.licenses(
        (LicenseKind.NAME if kind is LicenseKind.EXPRESSION else kind, text) for kind, text in made
    )


def _image_properties(inventory: Inventory) -> Iterator[tuple[str, str | None]]:
    yield from (("hullguard:image:repoTag", tag) for tag in inventory.repo_tags)
    yield from (("hullguard:image:repoDigest", digest) for digest in inventory.repo_digests)
    yield ("hullguard:image:configDigest", inventory.config_digest)
    yield ("hullguard:image:architecture", inventory.architecture)
    yield ("hullguard:image:os", inventory.os_name)
    for layer in inventory.layers:
        prefix = f"hullguard:image:layer:{layer.index}"
        yield (f"{prefix}:diffID", layer.diff_id)
        yield (f"{prefix}:digest", layer.digest)
        yield (f"{prefix}:mediaType", layer.media_type)
        yield (f"{prefix}:size", str(layer.size))
        yield (f"{prefix}:createdBy", layer.created_by)
    yield from ((f"hullguard:image:extra:{key}", value) for key, value in sorted(inventory.extra.items()))


def _image_ref(inventory: Inventory) -> str:
    return f"image:{inventory.image_digest or inventory.image_name or 'unknown'}"


def _image(inventory: Inventory) -> JsonObject:
    """The image as the BOM's subject: a ``container`` component versioned by its digest."""
    return _compact(
        (
            ("bom-ref", _image_ref(inventory)),
            ("name", inventory.image_name or "image"),
            ("properties", order.properties(_image_properties(inventory))),
            ("type", "container"),
            ("version", inventory.image_digest),
        )
    )


def _os_properties(os: OSInfo) -> Iterator[tuple[str, str | None]]:
    yield ("hullguard:os:codename", os.version_codename)
    yield from (("hullguard:os:idLike", like) for like in os.id_like)


def _operating_system(os: OSInfo) -> tuple[ComponentKey, JsonObject]:
    ref, version = f"os:{os.id}@{os.version_id}", os.version_id or None
    component = _compact(
        (
            ("bom-ref", ref),
            ("description", os.pretty_name or None),
            ("name", os.id),
            ("properties", order.properties(_os_properties(os))),
            ("type", "operating-system"),
            ("version", version),
        )
    )
    return order.component_key("operating-system", None, os.id, version, ref), component


def _purl(package: Package) -> str | None:
    """The purl in the canonical spelling of packageurl-python, which the library wrote."""
    try:
        return PackageURL.from_string(package.purl).to_string() if package.purl else None
    except ValueError as exc:
        raise SbomError(f"package {package.name} {package.version} has an invalid purl: {exc}") from exc


def _package_properties(package: Package) -> Iterator[tuple[str, str | None]]:
    yield (names.PROP_TYPE, package.type.value)
    yield (names.PROP_FOUND_BY, package.found_by)
    yield (names.PROP_ARCH, package.arch)
    yield (names.PROP_SOURCE_NAME, package.source_name)
    yield (names.PROP_SOURCE_VERSION, package.source_version)
    yield (names.PROP_PATH, package.location.path)
    yield (names.PROP_LAYER, package.location.diff_id)


def _package(
    package: Package, ref: str, classify: Callable[[str], _License]
) -> tuple[ComponentKey, JsonObject]:
    component = _compact(
        (
            ("bom-ref", ref),
            ("group", package.namespace),
            ("licenses", _licenses(package.licenses, classify)),
            ("name", package.name),
            ("properties", order.properties(_package_properties(package))),
            ("purl", _purl(package)),
            ("type", "library"),
            ("version", package.version),
        )
    )
    return order.component_key("library", package.namespace, package.name, package.version, ref), component


def _skipped_properties(inventory: Inventory) -> Iterator[tuple[str, str | None]]:
    for index, skipped in enumerate(sorted(inventory.skipped, key=lambda s: (s.path, s.analyzer, s.reason))):
        prefix = f"hullguard:skipped:{index}"
        yield (f"{prefix}:path", skipped.path)
        yield (f"{prefix}:reason", skipped.reason)
        yield (f"{prefix}:analyzer", skipped.analyzer)
        yield (f"{prefix}:layerDiffID", skipped.diff_id)


def _components(inventory: Inventory) -> list[JsonObject]:
    """Packages and the distribution, in the library's component order.

    Licenses are classified once per distinct string per document: an SPDX expression check
    costs tens of microseconds, and a distro repeats a handful of license strings many times.
    """
    classify = functools.lru_cache(maxsize=None)(_classify)
    refs = names.package_refs(inventory.packages)
    keyed = [_package(package, ref, classify) for package, ref in refs.items()]
    if inventory.os is not None:
        keyed.append(_operating_system(inventory.os))
    keyed.sort(key=itemgetter(0))
    return [component for _, component in keyed]


def _timestamp(moment: datetime) -> str:
    """ISO 8601 with the offset the schema requires; a naive time is taken as local, as the library did."""
    return (moment if moment.tzinfo is not None else moment.astimezone()).isoformat()


@dataclass(frozen=True, slots=True)
class CycloneDxJsonWriter:
    """Writes CycloneDX 1.6 JSON; ``clock`` and ``new_serial`` exist so tests get fixed values."""

    id: str = "cyclonedx-json"
    aliases: tuple[str, ...] = ("cyclonedx",)
    media_type: str = "application/vnd.cyclonedx+json"
    clock: Callable[[], datetime] = names.utc_now
    new_serial: Callable[[], uuid.UUID] = uuid.uuid4

    def document(self, inventory: Inventory, *, tool_version: str) -> JsonObject:
        """The BOM for ``inventory`` as JSON-ready dicts and lists, identifying keys first."""
        serial, timestamp = self.new_serial().urn, _timestamp(self.clock())
        tool: JsonObject = {"name": "hullguard", "type": "application", "version": tool_version}
        components = _components(inventory)
        metadata: JsonObject = {
            "component": _image(inventory),
            "timestamp": timestamp,
            "tools": {"components": [tool]},
        }
        refs = [str(component["bom-ref"]) for component in components]
        return _compact(
            (
                ("$schema", _SCHEMA),
                ("bomFormat", "CycloneDX"),
                ("specVersion", _SPEC_VERSION),
                ("serialNumber", serial),
                ("version", 1),
                ("metadata", metadata),
                ("components", list[JsonValue](components)),
                ("dependencies", order.dependencies(_image_ref(inventory), refs)),
                ("properties", order.properties(_skipped_properties(inventory))),
            )
        )

    def write(self, inventory: Inventory, out: TextIO, *, tool_version: str) -> None:
        """Serialise the BOM as indented JSON, ending with a newline."""
        out.write(indented(self.document(inventory, tool_version=tool_version)))
        out.write("\n")


PLUGINS = [CycloneDxJsonWriter()]
