"""Vulnerability database: OSV import, SQLite store, version schemes.

``VulnStore.open_readonly(path).affected(ecosystem, name)`` is what the matcher uses;
``import_into``, ``update`` and ``import_bundle``/``export_bundle`` are what ``hullguard db``
runs. Every write builds a new file beside the live one and swaps it in atomically.
"""

from hullguard.vulndb._api import db_path_in, import_into
from hullguard.vulndb._bundle import BundleError, BundleManifest, export_bundle, import_bundle
from hullguard.vulndb._download import DownloadError
from hullguard.vulndb._import import (
    ArchiveError,
    ImportResult,
    Skipped,
    SourceKind,
    import_source,
)
from hullguard.vulndb._names import ecosystem_base, normalize_name
from hullguard.vulndb._osv import (
    InvalidRecordError,
    OsvAffected,
    OsvEvent,
    OsvPackage,
    OsvRange,
    OsvRecord,
    OsvReference,
    OsvSeverity,
    RecordSchemaError,
    RecordSyntaxError,
    VulnID,
)
from hullguard.vulndb._store import (
    SCHEMA_VERSION,
    DatabaseCorruptError,
    DatabaseMissingError,
    DbStatus,
    EcosystemCount,
    SourceStatus,
    VulnStore,
)
from hullguard.vulndb._swap import DatabaseBusyError
from hullguard.vulndb._update import (
    DEFAULT_BASE_URL,
    DEFAULT_ECOSYSTEMS,
    EcosystemUpdate,
    UpdateError,
    UpdateProgress,
    UpdateResult,
    update,
)

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_ECOSYSTEMS",
    "SCHEMA_VERSION",
    "ArchiveError",
    "BundleError",
    "BundleManifest",
    "DatabaseBusyError",
    "DatabaseCorruptError",
    "DatabaseMissingError",
    "DbStatus",
    "DownloadError",
    "EcosystemCount",
    "EcosystemUpdate",
    "ImportResult",
    "InvalidRecordError",
    "OsvAffected",
    "OsvEvent",
    "OsvPackage",
    "OsvRange",
    "OsvRecord",
    "OsvReference",
    "OsvSeverity",
    "RecordSchemaError",
    "RecordSyntaxError",
    "Skipped",
    "SourceKind",
    "SourceStatus",
    "UpdateError",
    "UpdateProgress",
    "UpdateResult",
    "VulnID",
    "VulnStore",
    "db_path_in",
    "ecosystem_base",
    "export_bundle",
    "import_bundle",
    "import_into",
    "import_source",
    "normalize_name",
    "update",
]
