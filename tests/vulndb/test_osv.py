"""OSV records are validated when built: lenient on unknown fields, strict on the ones we use."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from hullguard.vulndb import OsvRecord, RecordSchemaError, RecordSyntaxError
from hullguard.vulndb._osv import format_timestamp


def _minimal(**extra: Any) -> bytes:
    record: dict[str, Any] = {
        "id": "TEST-1",
        "modified": "2024-01-02T03:04:05Z",
        "affected": [
            {
                "package": {"ecosystem": "PyPI", "name": "demo"},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.0"}]}],
            }
        ],
    }
    record.update(extra)
    return json.dumps(record).encode()


def test_real_pypi_record_parses(osv_dir: Path) -> None:
    with zipfile.ZipFile(osv_dir / "PyPI" / "all.zip") as archive:
        record = OsvRecord.from_json(archive.read("PYSEC-2018-28.json"), where="PYSEC-2018-28.json")
    assert "CVE-2018-18074" in record.aliases
    assert record.packages()[0].name == "requests"
    git, ecosystem = record.affected[0].ranges
    assert (git.type, git.repo) == ("GIT", "https://github.com/requests/requests")
    assert (ecosystem.type, ecosystem.events[-1].fixed) == ("ECOSYSTEM", "2.20.0")
    assert "2.19.1" in record.affected[0].versions


def test_rejected_upstream_record_is_a_schema_error_naming_the_field(osv_dir: Path) -> None:
    raw = (osv_dir / "_rejected" / "Debian-ELTS__ELA-669-1.json").read_bytes()
    with pytest.raises(RecordSchemaError) as caught:
        OsvRecord.from_json(raw, where="ELA-669-1.json")
    assert caught.value.reason.startswith("affected.0.ranges")
    assert "\n" not in caught.value.message and caught.value.message.startswith("ELA-669-1.json: ")


def test_bytes_that_are_not_json_are_a_syntax_error() -> None:
    with pytest.raises(RecordSyntaxError) as caught:
        OsvRecord.from_json(b"{not json", where="x.json")
    assert caught.value.reason == "not JSON"


BAD = [
    ("missing-id", {"id": None}),
    (
        "event-with-two-keys",
        {"affected": [{"ranges": [{"type": "X", "events": [{"introduced": "0", "fixed": "1"}]}]}]},
    ),
    ("aliases-not-a-list", {"aliases": "CVE-1"}),
    ("modified-not-a-time", {"modified": "yesterday"}),
]


@pytest.mark.parametrize(("case", "change"), BAD, ids=[b[0] for b in BAD])
def test_wrong_types_in_fields_we_use_are_rejected(case: str, change: dict[str, Any]) -> None:
    with pytest.raises(RecordSchemaError):
        OsvRecord.from_json(_minimal(**change), where=case)


def test_unknown_fields_are_ignored_and_credits_not_needed() -> None:
    record = OsvRecord.from_json(
        _minimal(schema_version="9.9", credits=[{"name": "x"}], future_field={"a": 1}), where="t"
    )
    assert record.id == "TEST-1"


def test_naive_timestamps_are_read_as_utc_and_withdrawn_is_flagged() -> None:
    record = OsvRecord.from_json(
        _minimal(modified="2024-01-02T03:04:05", withdrawn="2024-02-01T00:00:00Z"), where="t"
    )
    assert record.modified == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert record.is_withdrawn


def test_timestamp_text_sorts_like_time_even_for_go_placeholder() -> None:
    early = format_timestamp(datetime(1, 1, 1, tzinfo=UTC))
    late = format_timestamp(datetime(2024, 1, 1, 0, 0, 0, 5, tzinfo=UTC))
    assert early == "0001-01-01T00:00:00.000000Z"
    assert early < late < format_timestamp(datetime(2024, 1, 1, 0, 0, 1, tzinfo=UTC))
