"""SBOM writers and readers (CycloneDX, SPDX, native JSON, table).

``build_sbom_writers()`` gives the registry whose ids are the ``--format`` choices;
``find_writer`` also accepts aliases; ``read_sbom`` turns a CycloneDX or SPDX JSON document back
into an :class:`~hullguard.inventory.Inventory`.
"""

from hullguard.sbom._base import SbomWriter, build_sbom_writers, find_writer
from hullguard.sbom.cyclonedx_json import CycloneDxJsonWriter
from hullguard.sbom.native_json import NativeJsonWriter
from hullguard.sbom.read import read_sbom
from hullguard.sbom.spdx_json import SpdxJsonWriter
from hullguard.sbom.table import TableWriter

__all__ = [
    "CycloneDxJsonWriter",
    "NativeJsonWriter",
    "SbomWriter",
    "SpdxJsonWriter",
    "TableWriter",
    "build_sbom_writers",
    "find_writer",
    "read_sbom",
]
