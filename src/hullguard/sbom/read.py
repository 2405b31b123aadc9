"""Reading an SBOM (CycloneDX or SPDX 2.x JSON) back into an inventory.

An SBOM file is an image source like any other: its packages can be matched against
advisories without the image. The document is untrusted input, so it is parsed into validated
models and anything wrong with it is one :class:`~hullguard.errors.SbomError` whose message
names the file (``where``) and the first offending field.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from hullguard.errors import SbomError
from hullguard.inventory import Inventory
from hullguard.sbom._read_cyclonedx import read_cyclonedx
from hullguard.sbom._read_spdx import read_spdx

__all__ = ["read_sbom"]

Reader = Callable[[dict[str, object], str], Inventory]


def _is_cyclonedx(document: dict[str, object]) -> bool:
    return "bomFormat" in document


def _is_spdx(document: dict[str, object]) -> bool:
    return "spdxVersion" in document


_FORMATS: tuple[tuple[Callable[[dict[str, object]], bool], Reader], ...] = (
    (_is_cyclonedx, lambda document, where: read_cyclonedx(document, where=where)),
    (_is_spdx, lambda document, where: read_spdx(document, where=where)),
)
"""How each format announces itself (CycloneDX ``bomFormat``, SPDX 2 ``spdxVersion``) and its reader."""


def _load(data: bytes, where: str) -> dict[str, object]:
    """Decode a JSON object; the byte-order mark some Windows tools write is accepted."""
    try:
        document: object = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise SbomError(f"{where}: not UTF-8 text: {exc.reason} at byte {exc.start}") from exc
    except json.JSONDecodeError as exc:
        raise SbomError(f"{where}: not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from exc
    except RecursionError as exc:
        raise SbomError(f"{where}: JSON nested too deeply") from exc
    if not isinstance(document, dict):
        raise SbomError(f"{where}: expected a JSON object, found {type(document).__name__}")
    return document


def read_sbom(data: bytes, *, where: str) -> Inventory:
    """The inventory described by a CycloneDX or SPDX 2.x JSON document.

    ``where`` names the document in error messages (a path or a URL). Elements that cannot be
    typed as packages become ``skipped`` entries of the inventory; a document that is not one of
    the two formats, or breaks their structure, raises SbomError.
    """
    document = _load(data, where)
    for detect, reader in _FORMATS:
        if detect(document):
            try:
                return reader(document, where)
            except RecursionError as exc:
                raise SbomError(f"{where}: components nested too deeply") from exc
    if "@context" in document:
        raise SbomError(f"{where}: SPDX 3 (JSON-LD) is not supported", hint="export SPDX 2.3 JSON instead")
    raise SbomError(
        f"{where}: not a CycloneDX (bomFormat) or SPDX 2 (spdxVersion) JSON document",
        hint="hullguard reads CycloneDX JSON and SPDX 2.x JSON SBOMs",
    )
