"""Predicate types for attestations, by the names ``cosign attest --type`` knows (doc A6).

``sbom`` is our name for the CycloneDX SBOM ``hullguard sbom`` writes. Any other value that
looks like a URI is used as the predicate type itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType

from hullguard.trust._errors import TrustError

__all__ = [
    "CUSTOM",
    "CYCLONEDX",
    "PREDICATE_TYPES",
    "SPDX",
    "VULN",
    "custom_predicate",
    "predicate_time",
    "predicate_type_for",
    "vuln_predicate",
]

CUSTOM = "https://cosign.sigstore.dev/attestation/v1"
CYCLONEDX = "https://cyclonedx.org/bom"
SPDX = "https://spdx.dev/Document"
VULN = "https://cosign.sigstore.dev/attestation/vuln/v1"

PREDICATE_TYPES: Mapping[str, str] = MappingProxyType(
    {
        "custom": CUSTOM,
        "sbom": CYCLONEDX,
        "cyclonedx": CYCLONEDX,
        "spdx": SPDX,
        "spdxjson": SPDX,
        "vuln": VULN,
        "slsaprovenance": "https://slsa.dev/provenance/v0.2",
        "slsaprovenance02": "https://slsa.dev/provenance/v0.2",
        "slsaprovenance1": "https://slsa.dev/provenance/v1",
        "openvex": "https://openvex.dev/ns",
        "link": "https://in-toto.io/Link/v1",
    }
)


def predicate_type_for(name: str) -> str:
    """The predicate type URI for a ``--type`` name, or the URI itself."""
    known = PREDICATE_TYPES.get(name.lower())
    if known is not None:
        return known
    if "://" in name:
        return name
    raise TrustError(
        f"unknown attestation type {name!r}",
        hint=f"use one of {', '.join(sorted(PREDICATE_TYPES))} or a predicate type URI",
    )


def _rfc3339(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def custom_predicate(data: str, produced: datetime) -> dict[str, object]:
    """cosign's ``custom`` predicate: ``{"Data": <text>, "Timestamp": <RFC 3339>}``."""
    return {"Data": data, "Timestamp": _rfc3339(produced)}


def vuln_predicate(
    result: object,
    *,
    scanner_version: str,
    db_version: str,
    started: datetime,
    finished: datetime,
) -> dict[str, object]:
    """cosign's vuln predicate around a hullguard JSON scan report (``scanner.result``)."""
    return {
        "invocation": {"parameters": None, "uri": "", "event_id": "", "builder.id": ""},
        "scanner": {
            "uri": "pkg:pypi/hullguard@" + scanner_version,
            "version": scanner_version,
            "db": {"uri": "osv", "version": db_version},
            "result": result,
        },
        "metadata": {"scanStartedOn": _rfc3339(started), "scanFinishedOn": _rfc3339(finished)},
    }


def _lookup(document: object, *path: str) -> object:
    for part in path:
        if not isinstance(document, dict):
            return None
        document = document.get(part)
    return document


_TIME_FIELDS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        VULN: ("metadata", "scanFinishedOn"),
        CYCLONEDX: ("metadata", "timestamp"),
        SPDX: ("creationInfo", "created"),
        CUSTOM: ("Timestamp",),
    }
)


def predicate_time(predicate_type: str, predicate: object) -> datetime | None:
    """When the attested evidence was produced, for the types that record it; else None."""
    path = _TIME_FIELDS.get(predicate_type)
    value = _lookup(predicate, *path) if path else None
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
