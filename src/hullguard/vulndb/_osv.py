"""Typed OSV records (https://ossf.github.io/osv-schema/): the fields the matcher relies on.

Records come from outside (osv.dev exports, mirrors, advisory repositories), so they are
validated when built: unknown fields are ignored (the schema grows; new fields must not break
old hullguards), but a field we rely on with the wrong type rejects the whole record, because a
range we misread would hide or invent vulnerabilities.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, NewType, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    ValidationError,
    model_validator,
)

from hullguard.errors import VulnDBError

__all__ = [
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
    "VulnID",
    "format_timestamp",
]

VulnID = NewType("VulnID", str)
"""An OSV id (``PYSEC-2018-28``, ``GHSA-x84v-xcm2-53pg``, ``DSA-5380-1``)."""


class InvalidRecordError(VulnDBError):
    """A document is not a usable OSV record; ``reason`` is a short, stable phrase for reports."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class RecordSyntaxError(InvalidRecordError):
    """The bytes are not JSON (or not UTF-8)."""


class RecordSchemaError(InvalidRecordError):
    """The JSON does not have the OSV shape we rely on (a missing id, ``ranges`` not a list, ...)."""


def _utc(value: datetime) -> datetime:
    """Naive timestamps are read as UTC: RFC 3339 requires an offset, but some exporters drop it."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


Timestamp = Annotated[datetime, AfterValidator(_utc)]
"""An RFC 3339 time, always timezone-aware UTC after validation."""


def format_timestamp(value: datetime) -> str:
    """A fixed-width UTC text form, so that SQL compares times by comparing strings.

    ``isoformat`` pads the year to four digits (Go's placeholder ``0001-01-01`` stays sortable),
    and ``timespec`` keeps the microseconds even when they are zero.
    """
    return _utc(value).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class OsvEvent(_Model):
    """One event of a range; the schema allows exactly one of the four keys per event."""

    introduced: str | None = None
    fixed: str | None = None
    last_affected: str | None = None
    limit: str | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        given = [v for v in (self.introduced, self.fixed, self.last_affected, self.limit) if v is not None]
        if len(given) != 1:
            raise ValueError("an event needs exactly one of introduced, fixed, last_affected, limit")
        return self


class OsvRange(_Model):
    """A version range (``SEMVER``, ``ECOSYSTEM`` or ``GIT``) as an ordered list of events."""

    type: str
    repo: str | None = None
    events: list[OsvEvent]
    database_specific: dict[str, JsonValue] | None = None


class OsvPackage(_Model):
    """The package an ``affected`` entry is about; ``ecosystem`` may carry a release (``Debian:12``)."""

    ecosystem: str
    name: str
    purl: str | None = None


class OsvSeverity(_Model):
    """A severity vector or score, e.g. ``CVSS_V3`` and its vector string."""

    type: str
    score: str


class OsvAffected(_Model):
    """One affected package with its ranges and/or explicit versions."""

    package: OsvPackage | None = None
    severity: list[OsvSeverity] = Field(default_factory=list)
    ranges: list[OsvRange] = Field(default_factory=list)
    versions: list[str] = Field(default_factory=list)
    ecosystem_specific: dict[str, JsonValue] | None = None
    database_specific: dict[str, JsonValue] | None = None


class OsvReference(_Model):
    """A link about the vulnerability (advisory, fix, report, ...)."""

    type: str
    url: str


class OsvRecord(_Model):
    """One OSV vulnerability record. Build it with :meth:`from_json`.

    ``withdrawn`` records are kept in the database (so a later import of an older copy cannot
    bring them back as live) and flagged through :attr:`is_withdrawn`; the matcher skips them.
    """

    id: VulnID = Field(min_length=1, max_length=256)
    modified: Timestamp
    published: Timestamp | None = None
    withdrawn: Timestamp | None = None
    aliases: list[str] = Field(default_factory=list)
    related: list[str] = Field(default_factory=list)
    summary: str | None = None
    details: str | None = None
    severity: list[OsvSeverity] = Field(default_factory=list)
    affected: list[OsvAffected] = Field(default_factory=list)
    references: list[OsvReference] = Field(default_factory=list)
    database_specific: dict[str, JsonValue] | None = None

    @classmethod
    def from_json(cls, data: bytes | str, *, where: str) -> OsvRecord:
        """Parse and validate one record; ``where`` (a file or zip member) prefixes the error.

        Raises :class:`RecordSyntaxError` for bytes that are not JSON and
        :class:`RecordSchemaError` for JSON of the wrong shape, each with a one-line message.
        """
        try:
            return cls.model_validate_json(data)
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            if first["type"] in {"json_invalid", "json_type"}:
                raise RecordSyntaxError(f"{where}: not JSON: {first['msg']}", reason="not JSON") from None
            place = ".".join(str(part) for part in first["loc"]) or "record"
            reason = f"{place}: {first['msg']}"
            raise RecordSchemaError(f"{where}: not an OSV record: {reason}", reason=reason) from None

    @property
    def is_withdrawn(self) -> bool:
        """True when the publisher withdrew the record (it must not produce findings)."""
        return self.withdrawn is not None

    def packages(self) -> list[OsvPackage]:
        """The packages of the ``affected`` entries that name one (GIT-only entries do not)."""
        return [entry.package for entry in self.affected if entry.package is not None]
