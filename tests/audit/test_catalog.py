"""The check registry: complete against docker-bench-security, unique, selectable by section."""

from __future__ import annotations

import pytest

from hullguard.audit import DOCKER_BENCH_IDS, build_checks, docker_bench_id, select_checks
from hullguard.errors import ConfigError


def _bench(section: str, count: int) -> set[str]:
    return {f"check_{section}_{n}" for n in range(1, count + 1)}


DOCKER_BENCH_FUNCTIONS = (
    _bench("1_1", 18) | _bench("1_2", 2) | _bench("2", 18) | _bench("3", 24) | _bench("4", 12)
    | _bench("5", 32) | _bench("6", 2) | _bench("7", 9)
)  # fmt: skip
"""docker-bench-security's check functions for CIS v1.6.0 sections 1-7 (its tests/*.sh, commit ff26d67)."""


def test_every_docker_bench_check_has_exactly_one_of_ours() -> None:
    checks = list(build_checks())
    ours = [docker_bench_id(c) for c in checks]
    assert len(ours) == len(set(ours)), "two checks claim one CIS id"
    assert set(ours) == DOCKER_BENCH_FUNCTIONS
    assert dict(DOCKER_BENCH_IDS) == {c.id: docker_bench_id(c) for c in checks}


def test_every_check_says_what_to_change() -> None:
    for check in build_checks():
        assert check.title and check.remediation, check.id
        assert check.level in {1, 2}, check.id


@pytest.mark.parametrize(
    ("only", "exclude", "expected"),
    [
        (["2"], [], {f"2.{n}" for n in range(1, 19)}),
        (["1.1"], ["1.1.3"], {f"1.1.{n}" for n in (1, 2, *range(4, 19))}),
        (["5.5", "daemon.icc"], [], {"5.5", "2.2"}),
        (["7"], ["7.1", "swarm.autolock"], {"7.2", "7.3", "7.4", "7.6", "7.7", "7.8", "7.9"}),
    ],
    ids=["section", "subsection-minus-one", "ids", "minus-id"],
)
def test_selection_by_section_cis_id_and_id(only: list[str], exclude: list[str], expected: set[str]) -> None:
    assert {c.cis_id for c in select_checks(build_checks(), only, exclude)} == expected


def test_selection_that_leaves_nothing_is_an_error() -> None:
    with pytest.raises(ConfigError, match="no check left"):
        select_checks(build_checks(), ["5.1"], ["5"])
